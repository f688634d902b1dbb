"""Reads of the registry, scoped by who asks: a subject sees its own records, a department the
records it produced, the office and auditors everything (design/api.md). What a user may not
see does not exist for them (404)."""

from typing import Any

from django.db.models import QuerySet

from repairflow.core.errors import NotFound, get_or_not_found
from repairflow.core.permissions import Role
from repairflow.records.models import CreditCheck, CreditRecord, QueryLog, RecordImport


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
