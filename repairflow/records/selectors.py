"""Reads of the registry, scoped by who asks: a subject sees its own records, a department the
records it produced, the office and auditors everything (docs/api.md). What a user may not
see does not exist for them (404)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, Prefetch, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import work_calendar
from repairflow.core.errors import NotFound, get_or_not_found
from repairflow.core.history import history_entries, history_model
from repairflow.core.permissions import Role
from repairflow.core.versioned import ReadPerVersion
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.selectors import deadline_as_json
from repairflow.deadlines.services import case_deadlines
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    CreditRecord,
    Department,
    QueryLog,
    RecordImport,
    Subscription,
    User,
)

# The fields of a record as the API shows it (docs/api.md "Records"), in order.
RECORD_FIELDS = (
    "id",
    "subject_id",
    "subject_name",
    "subject_type",
    "category",
    "severity",
    "negative",
    "department",
    "department_name",
    "decision_no",
    "decision_date",
    "title",
    "content",
    "state",
    "under_objection",
    "subject_statement",
    "rule_set",
    "publication_start",
    "min_period_end",
    "max_period_end",
    "version",
)


def may_see_identifier(viewer: Any, record: CreditRecord) -> bool:
    """Natural persons' identifiers are shown only to the person, the office and auditors (and
    never to another platform: `viewer` None)."""
    if not record.subject.is_natural_person:
        return True
    if viewer is None:
        return False
    return viewer.sees_everything or (viewer.role == Role.SUBJECT and viewer.credit_subject_id == record.subject_id)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def record_as_json(record: CreditRecord, viewer: Any) -> dict[str, Any]:
    """The record as the API shows it to `viewer` (None: another platform, which sees it as the
    public does), in plain JSON types; its subject and department are read with it."""
    subject, department = record.subject, record.department
    return {
        "id": record.pk,
        "subject_id": subject.identifier if may_see_identifier(viewer, record) else subject.masked_identifier,
        "subject_name": subject.name,
        "subject_type": subject.subject_type,
        "category": record.category,
        "severity": record.severity,
        "negative": record.negative,
        "department": department.code,
        "department_name": department.name,
        "decision_no": record.decision_no,
        "decision_date": _iso(record.decision_date),
        "title": record.title,
        "content": record.content,
        "state": record.state,
        "under_objection": record.under_objection,
        "subject_statement": record.subject_statement,
        "rule_set": record.rule_set,
        "publication_start": _iso(record.publication_start),
        "min_period_end": _iso(record.min_period_end),
        "max_period_end": _iso(record.max_period_end),
        "version": record.version,
    }


def record_duties_as_json(record: CreditRecord, context: dict[str, Any]) -> dict[str, Any]:
    """What staff see of a record's duties: its 双公示 figures and its clocks (read with it as
    `shown_deadlines` by `with_duties`, else here), each as a case's are shown. `context` keeps
    the calendar and today, read once for a list."""
    deadlines = getattr(record, "shown_deadlines", None)
    if deadlines is None:
        deadlines = list(case_deadlines(record).order_by("id"))
    if deadlines and "calendar" not in context:  # read once, and only when a clock is shown
        context.update(calendar=work_calendar(), today=timezone.localdate())
    return {
        "publication_due_on": _iso(record.publication_due_on),
        "publication_late_days": record.publication_late_days,
        "deadlines": [
            deadline_as_json(deadline, calendar=context["calendar"], today=context["today"]) for deadline in deadlines
        ],
    }


# The record's 双公示 figures: the department's timeliness, for staff only (its history too).
STAFF_ONLY_RECORD_FIELDS = frozenset({"publication_due_on", "publication_late_days"})


def record_history_for(record: CreditRecord, viewer: Any) -> list[dict]:
    """The record's history as `viewer` may read it: without the staff-only fields for a subject
    (an entry left with no change is still shown: who changed the record, when and why)."""
    entries = history_entries(record)
    if getattr(viewer, "is_staff_role", False):
        return entries
    return [
        {**entry, "changes": [c for c in entry["changes"] if c["field"] not in STAFF_ONLY_RECORD_FIELDS]}
        for entry in entries
    ]


def with_duties(records: QuerySet[CreditRecord]) -> QuerySet[CreditRecord]:
    """The records with their clocks read with them (`shown_deadlines`), in one query for a page."""
    return records.prefetch_related(
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.select_related("department", "subject").order_by("id"),
            to_attr="shown_deadlines",
        )
    )


# The platforms subscribed now (retired ones get nothing), read once per version: every change of a
# subscription is saved with a history row, whose id is the version.
_subscriptions = ReadPerVersion(
    lambda: history_model(Subscription).objects.order_by("-history_id").values_list("history_id", flat=True),
    lambda version: list(Subscription.objects.filter(active=True).order_by("id")),
)


def subscriptions_version_now() -> RawSQL:
    """The subscriptions' version as an expression, for a use-case to read with its first query."""
    return _subscriptions.now()


def active_subscriptions(*, version: int | None = None) -> list[Subscription]:
    """The platforms subscribed now; `version` is their version when the caller has read it already."""
    return _subscriptions.get(version)


# What telling a user needs of it (the inbox, e-mail, SMS, who heads a unit).
RECIPIENT_FIELDS = (
    "id",
    "username",
    "is_active",
    "role",
    "department",
    "credit_subject",
    "email",
    "mobile",
    "is_unit_head",
)


def active_users() -> QuerySet[User]:
    """Users who can be told of something, with what telling them needs."""
    return User.objects.filter(is_active=True).only(*RECIPIENT_FIELDS).order_by("pk")


# The office's and the departments' active users, read once per version: every change of a user
# is saved with a history row, whose id is the version.
_staff = ReadPerVersion(
    lambda: history_model(User).objects.order_by("-history_id").values_list("history_id", flat=True),
    lambda version: list(active_users().filter(role__in=(Role.OFFICE, Role.DEPARTMENT))),
)


def staff_version_now() -> RawSQL:
    """The staff's version as an expression, for a use-case to read with its first query."""
    return _staff.now()


def office_users(*, version: int | None = None) -> list[User]:
    """The office's active users; `version`: the staff's version when the caller has read it."""
    return [user for user in _staff.get(version) if user.role == Role.OFFICE]


def department_users(departments: Iterable[int], *, version: int | None = None) -> list[User]:
    """The active users of `departments`, department by department in the order given."""
    staff = _staff.get(version)
    ids = list(dict.fromkeys(departments))
    return [user for pk in ids for user in staff if user.role == Role.DEPARTMENT and user.department_id == pk]


def records_visible_to(user: Any) -> QuerySet[CreditRecord]:
    records = CreditRecord.objects.select_related("subject", "department")
    if user.sees_everything:
        return records
    if user.role == Role.DEPARTMENT:
        return records.filter(department_id=user.department_id)
    if user.role == Role.SUBJECT:
        return records.filter(subject_id=user.credit_subject_id)
    return records.none()


def record_get(*, user: Any, record_id: int | str) -> CreditRecord:
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):  # the API's path gives a string: /records/abc/ is absent
        raise NotFound from None
    return get_or_not_found(records_visible_to(user), pk=record_id)


def query_logs_visible_to(user: Any) -> QuerySet[QueryLog]:
    """A subject sees who looked at its records; a department its own look-ups; office and
    auditors every look-up."""
    logs = QueryLog.objects.select_related("user", "department")
    if user.sees_everything:
        return logs
    if user.role == Role.DEPARTMENT:
        return logs.filter(department_id=user.department_id)
    if user.role == Role.SUBJECT:
        return logs.filter(subjects=user.credit_subject_id)
    return logs.none()


def matters_visible_to(user: Any) -> QuerySet[AdministrativeMatter]:
    """The lists of administrative matters (逢办必查): a department sees its own list, office and
    auditors every list; subjects none."""
    matters = AdministrativeMatter.objects.select_related("department")
    if user.sees_everything:
        return matters
    if user.role == Role.DEPARTMENT:
        return matters.filter(department_id=user.department_id)
    return matters.none()


def matters_selectable_by(user: Any) -> QuerySet[AdministrativeMatter]:
    """The matters a credit check by `user` may name: its department's active ones; any active
    one for the office; none for anyone else."""
    matters = AdministrativeMatter.objects.filter(active=True).select_related("department")
    if user.role == Role.OFFICE:
        return matters
    if user.role == Role.DEPARTMENT:
        return matters.filter(department_id=user.department_id)
    return matters.none()


def credit_checks_visible_to(user: Any) -> QuerySet[CreditCheck]:
    checks = CreditCheck.objects.select_related("requested_by", "department", "administrative_matter")
    if user.sees_everything:
        return checks
    if user.role == Role.DEPARTMENT:
        return checks.filter(department_id=user.department_id)
    return checks.none()


def record_imports_visible_to(user: Any) -> QuerySet[RecordImport]:
    """The reports of imports: a department sees those of its own officers, office and auditors
    every one; subjects none (the API refuses them first)."""
    imports = RecordImport.objects.select_related("imported_by", "department")
    if user.sees_everything:
        return imports
    if user.role == Role.DEPARTMENT:
        return imports.filter(department_id=user.department_id)
    return imports.none()


_RECORD_FIELDS = {field.name: field for field in CreditRecord._meta.fields}


def _shown(field, value):
    """A value as a person reads it: the label of a choice, yes or no for a flag."""
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _for_people(entry: dict) -> dict:
    """A history entry with each field's label and values as a person reads them."""
    changes = []
    for change in entry["changes"]:
        field = _RECORD_FIELDS.get(change["field"])
        changes.append(
            {
                "label": field.verbose_name if field else change["field"],
                "old": _shown(field, change["old"]),
                "new": _shown(field, change["new"]),
            }
        )
    return {**entry, "changes": changes}


def record_history(record: CreditRecord, viewer: Any, *, naming: str = "") -> list[dict]:
    """The record's history as `viewer` may read it and a person reads it, oldest first (each field
    by its label, each value as shown); with `naming`, only the entries whose reason names it (a
    case's number)."""
    return [_for_people(entry) for entry in record_history_for(record, viewer) if naming in entry["reason"]]


def credit_check_counts(start: date, end: date) -> list[dict[str, Any]]:
    """How many credit checks (逢办必查) were made from `start` to `end` (both included, Beijing
    time), per department that asked and matter it named: the office's assessment, and its
    statistics.

    One row per (department, matter): `department` (code) and `department_name`, both None for
    the credit office's own checks; `matter_id`, `matter_code` and `matter_name` (the matter as
    the list names it now); `count`. Checks made before the lists existed name no matter: they
    are counted per department and the text they named (`matter_id` and `matter_code` None,
    `matter_name` that text). Ordered by department code (the office last), then matter code.

    The checks are read by the range of `checked_at` (index `credit_check_order`) and grouped in
    one query; the departments and matters named are then read by key."""
    zone = timezone.get_current_timezone()
    checks = CreditCheck.objects.all()
    if start > date.min:  # (the first day of the calendar begins before any time a database keeps)
        checks = checks.filter(checked_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end < date.max:
        checks = checks.filter(checked_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))
    groups = list(
        checks.order_by()
        .values(
            "department_id",
            "administrative_matter_id",
            legacy_matter=Case(When(administrative_matter__isnull=True, then=F("matter")), default=Value("")),
        )
        .annotate(count=Count("id"))
    )
    departments = Department.objects.in_bulk({group["department_id"] for group in groups} - {None})
    matters = AdministrativeMatter.objects.in_bulk({group["administrative_matter_id"] for group in groups} - {None})
    rows = []
    for group in groups:
        department = departments.get(group["department_id"])
        matter = matters.get(group["administrative_matter_id"])
        rows.append(
            {
                "department": department.code if department else None,
                "department_name": department.name if department else None,
                "matter_id": matter.pk if matter else None,
                "matter_code": matter.code if matter else None,
                "matter_name": matter.name if matter else group["legacy_matter"],
                "count": group["count"],
            }
        )
    return sorted(
        rows,
        key=lambda row: (
            row["department"] is None,
            row["department"] or "",
            row["matter_code"] is None,
            row["matter_code"] or "",
            row["matter_name"],
        ),
    )
