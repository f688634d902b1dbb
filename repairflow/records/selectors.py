"""Reads of the registry, scoped by who asks: a subject sees its own records, a department the
records it produced, the office and auditors everything (docs/api.md). What a user may not
see does not exist for them (404)."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from repairflow.calendar.selectors import work_calendar
from repairflow.core.errors import NotFound, get_or_not_found
from repairflow.core.history import history_entries, history_model
from repairflow.core.permissions import Role
from repairflow.core.versioned import ReadPerVersion
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.selectors import deadline_as_json
from repairflow.deadlines.services import case_deadlines
from repairflow.records.models import CreditCheck, CreditRecord, QueryLog, RecordImport, Subscription, User

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


def credit_checks_visible_to(user: Any) -> QuerySet[CreditCheck]:
    checks = CreditCheck.objects.select_related("requested_by", "department")
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
