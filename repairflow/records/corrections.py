"""What an objection's outcome may correct in a record, and how the correction is judged: only the
decision's own fields, each by its own rule, then together with the record's other fields as a new
record's are (its category and severity must agree; its decision number must be its department's
alone), and it must change something. Plain Python: the services judge it, the API and the pages
show its messages beside the fields."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import Invalid
from repairflow.core.spreadsheets import formula_safe
from repairflow.records.models import CreditRecord
from repairflow.records.publication import Category, Severity, classification_errors

NO_CORRECTED_FIELDS = _("Name at least one field to correct.")
NOT_CORRECTABLE = _("This field cannot be corrected: %(fields)s.")
UNCHANGED = _("The corrected fields are the same as the record's.")
DECISION_DATE_IN_FUTURE = _("The decision date cannot be in the future.")
DUPLICATE_DECISION = _("This department already has a record with this decision number.")
# A field's own refusals, in the words the API uses for every other field (Django REST framework's
# messages, so that a corrected field is refused as the same field of a new record is).
NULL = _("This field may not be null.")
NOT_TEXT = _("Not a valid string.")
EMPTY = _("This field may not be blank.")
TOO_LONG = _("Ensure this field has no more than {max_length} characters.")
NOT_A_CHOICE = _('"{input}" is not a valid choice.')
NOT_A_DATE = _("Date has wrong format. Use one of these formats instead: {format}.")
DATE_FORMAT = "YYYY-MM-DD"


def _choice(choices: type, *, nullable: bool = False) -> Callable[[Any], Any]:
    """One of `choices`, given as itself or as text (`5` and `"5"` alike)."""

    def read(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise ValueError(NULL)
        if str(value) not in choices.values:
            raise ValueError(NOT_A_CHOICE.format(input=value))
        return str(value)

    return read


def _text(max_length: int | None = None, *, blank: bool = False) -> Callable[[Any], str]:
    """Text, trimmed, formula-safe as a new record's (core/spreadsheets.py); a number is taken
    as its text."""

    def read(value: Any) -> str:
        if value is None:
            raise ValueError(NULL)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(NOT_TEXT)
        value = str(value).strip()
        if not value and not blank:
            raise ValueError(EMPTY)
        value = formula_safe(value)
        if max_length is not None and len(value) > max_length:
            raise ValueError(TOO_LONG.format(max_length=max_length))
        return value

    return read


def _decision_date(value: Any) -> date:
    """A date in ISO 8601 (`2026-01-05`, `2026-1-5`, `20260105`), not after today."""
    if value is None:
        raise ValueError(NULL)
    try:
        day = parse_date(value)
    except (TypeError, ValueError):
        day = None
    if day is None:
        raise ValueError(NOT_A_DATE.format(format=DATE_FORMAT))
    if day > timezone.localdate():
        raise ValueError(DECISION_DATE_IN_FUTURE)
    return day


# The fields a correction may change, each with the rule that reads it.
CORRECTABLE: Mapping[str, Callable[[Any], Any]] = {
    "category": _choice(Category),
    "severity": _choice(Severity, nullable=True),
    "decision_no": _text(100),
    "decision_date": _decision_date,
    "title": _text(200),
    "content": _text(blank=True),
}


def record_correction_validate(record: CreditRecord, fields: object) -> dict[str, Any]:
    """The changes `fields` (JSON, as a reply names them) make to `record`, as field values;
    Invalid naming each bad field."""
    if not isinstance(fields, Mapping) or not fields:
        raise Invalid({"non_field_errors": [NO_CORRECTED_FIELDS]})
    if unknown := sorted(set(fields) - set(CORRECTABLE)):
        raise Invalid({"non_field_errors": [NOT_CORRECTABLE % {"fields": ", ".join(unknown)}]})
    values, errors = {}, {}
    for name, value in fields.items():
        try:
            values[name] = CORRECTABLE[name](value)
        except ValueError as refusal:
            errors[name] = [refusal.args[0]]
    if errors:
        raise Invalid(errors)
    merged = {name: values.get(name, getattr(record, name)) for name in ("category", "severity")}
    errors = classification_errors(merged["category"], merged["severity"])
    number = values.get("decision_no")
    if (
        number is not None
        and CreditRecord.objects.filter(department_id=record.department_id, decision_no=number)
        .exclude(pk=record.pk)
        .exists()
    ):
        errors["decision_no"] = [DUPLICATE_DECISION]
    if errors:
        raise Invalid(errors)
    changes = {name: value for name, value in values.items() if value != getattr(record, name)}
    if not changes:
        raise Invalid({"non_field_errors": [UNCHANGED]})
    return changes
