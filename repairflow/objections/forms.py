"""The forms of the objection pages. They only give the input its shape (checkboxes, choices,
files); the rules are the API's (api.ObjectionCreateSerializer, cases.api.case_action_run and the
services), so that a page and an API client are refused for the same reasons in the same words."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.cases import forms as case_forms
from repairflow.cases.forms import (
    EVIDENCE,
    ActionForm,
    CommentForm,
    FilingForm,
    KeptAttachmentsField,
    MultipleFileField,
    ReasonForm,
    action_forms,
    text_field,
)
from repairflow.core.errors import Invalid
from repairflow.objections.models import OUTCOMES_WITH_FIELDS, Ground, Outcome
from repairflow.records.corrections import record_correction_validate
from repairflow.records.models import CreditRecord, Department
from repairflow.records.publication import Category, Severity

UNCHANGED = ("", _("— unchanged —"))
NOW = _("Now: %(value)s")
EMPTY = "—"
NO_SEVERITY = "none"
CORRECTED = "corrected_"
# The record's fields a correction may change (records.corrections.CORRECTABLE).
CORRECTABLE = ("title", "content", "decision_no", "decision_date", "category", "severity")


def _record_value(record: CreditRecord, name: str) -> Any:
    """A correctable field of the record as a person reads it (its label, a date as YYYY-MM-DD)."""
    if name in ("category", "severity"):
        return getattr(record, f"get_{name}_display")() or EMPTY
    value = getattr(record, name)
    if name == "decision_date" and value:
        return value.isoformat()
    return value or EMPTY


class ObjectionForm(FilingForm):
    """A subject's objection to one of its records (or the office's, on the subject's behalf)."""

    grounds = forms.MultipleChoiceField(
        label=_("Grounds"), choices=Ground.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    required_fields = ("grounds", "statement")
    statement = text_field(_("What is wrong with the record"), rows=6)
    requested_change = text_field(_("What should be changed"), rows=3)
    # the denied repair application the objection contests (from that application's page)
    contests_repair = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)
    field_order = ["grounds", "statement", "requested_change", "contact_phone", "files", "attachments"]

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        data = self.cleaned_data
        return {
            **super().api_data(attachments),
            "grounds": data["grounds"],
            "requested_change": data["requested_change"],
            "contests_repair": data["contests_repair"],
        }

    def contested(self) -> str:
        """The number of the repair application contested, as the form carries it."""
        return (self.data.get("contests_repair") if self.is_bound else self.initial.get("contests_repair")) or ""


# --- One form per action (docs/api.md "Objections", the table of actions) --------------------


class ConfirmForm(CommentForm):
    action, label = "confirm", _("Confirm the reply and apply the outcome to the record")


class ReturnForm(ReasonForm):
    action, label = "return", _("Return the reply for verification again")


class WithdrawForm(case_forms.WithdrawForm):
    label = _("Withdraw the objection")


class SupplementForm(case_forms.SupplementForm):
    label = _("Supplement the objection")


class ForwardForm(ActionForm):
    action, label = "forward", _("Forward to departments for verification")
    departments = forms.MultipleChoiceField(label=_("Departments"), required=False, widget=forms.CheckboxSelectMultiple)
    comment = text_field(_("Comment (optional)"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        field.choices = [(d.code, f"{d.code} {d.name}") for d in Department.objects.order_by("code")]
        field.initial = [self.case.record.department.code]


class OutcomeForm(ActionForm):
    """An outcome with its explanation and, for a correction or a supplement, the corrected
    fields: only the ones filled in are sent."""

    action, label = "decide-in-office", _("Decide within the office's own scope")
    fieldsets = ((CORRECTED, _("Corrected fields (for a correction or a supplement: fill in only what changes)")),)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])
    explanation = text_field(_("Explanation"), rows=4)
    corrected_title = forms.CharField(label=_("Title"), required=False, max_length=200)
    corrected_content = text_field(_("Content"), rows=3)
    corrected_decision_no = forms.CharField(label=_("Decision number"), required=False, max_length=100)
    corrected_decision_date = forms.CharField(
        label=_("Decision date"), required=False, max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    corrected_category = forms.ChoiceField(label=_("Category"), required=False, choices=[UNCHANGED, *Category.choices])
    corrected_severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[UNCHANGED, (NO_SEVERITY, _("None (not negative information)")), *Severity.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # each field says what the record holds now, so that only what changes is typed
        record = self.case.record
        for name in CORRECTABLE:
            self.fields[f"{CORRECTED}{name}"].help_text = NOW % {"value": _record_value(record, name)}

    def corrected_fields(self) -> dict:
        corrected = {}
        for name in CORRECTABLE:
            value = self.cleaned_data.get(f"{CORRECTED}{name}")
            if value in ("", None):
                continue
            corrected[name] = None if name == "severity" and value == NO_SEVERITY else value
        return corrected

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        data = {
            "outcome": self.cleaned_data["outcome"],
            "explanation": self.cleaned_data["explanation"],
            "corrected_fields": self.corrected_fields(),
        }
        if self.file_groups:
            data["attachments"] = attachments.get("attachments", [])
        return data

    def error_field(self, path: tuple[str, ...]) -> str | None:
        if len(path) > 1 and path[0] == "corrected_fields" and f"{CORRECTED}{path[1]}" in self.fields:
            return f"{CORRECTED}{path[1]}"
        return super().error_field(path)

    def check(self, data: dict) -> None:
        """The corrected fields judged as the service judges them, each refusal named by its field."""
        corrected = data.get("corrected_fields")
        if corrected and data.get("outcome") in OUTCOMES_WITH_FIELDS:
            try:
                record_correction_validate(self.case.record, corrected)
            except Invalid as error:
                raise Invalid({"corrected_fields": error.fields}) from error


class ReplyForm(OutcomeForm):
    action, label = "reply", _("Reply with the outcome of the verification")
    file_groups = (("files", "attachments"),)
    files = MultipleFileField(label=EVIDENCE)
    attachments = KeptAttachmentsField()
    field_order = ["outcome", "explanation", "files", "attachments"]


class ClockForm(case_forms.ClockForm):
    """An action on the departments' verification clocks: all of them, or one department's."""

    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        routed = self.case.verifications.select_related("department").order_by("department__code")
        self.fields["department"].choices = [
            ("", _("Every department it was forwarded to")),
            *((v.department.code, f"{v.department.code} {v.department.name}") for v in routed),
        ]


class ExtendForm(case_forms.ExtendForm, ClockForm):
    action, label = "extend", _("Extend the verification")
    field_order = ["days", "department", "reason"]


class PauseForm(ClockForm):
    action, label = "pause", _("Pause the verification (testing, inspection, appraisal, expert review)")


class ResumeForm(ClockForm):
    action, label = "resume", _("Resume the verification")


ACTION_FORMS = action_forms(
    SupplementForm,
    ForwardForm,
    OutcomeForm,
    ReplyForm,
    ExtendForm,
    PauseForm,
    ResumeForm,
    ReturnForm,
    ConfirmForm,
    WithdrawForm,
)
