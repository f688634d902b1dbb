"""Reads of repair applications, scoped by who asks: a subject its own, a department those it
reviews, the office and auditors all (docs/api.md). What a user may not see does not exist
for them (404)."""

from typing import Any

from django.db.models import QuerySet

from repairflow.cases.selectors import cases_queue
from repairflow.core.errors import get_or_not_found
from repairflow.core.permissions import Role
from repairflow.deadlines.policy import Step
from repairflow.repair.models import RepairApplication


def repairs_visible_to(user: Any) -> QuerySet[RepairApplication]:
    applications = RepairApplication.objects.all()
    if user.sees_everything:
        return applications
    if user.role == Role.DEPARTMENT:
        return applications.filter(department_id=user.department_id)
    if user.role == Role.SUBJECT:
        return applications.filter(subject_id=user.credit_subject_id)
    return applications.none()


def repair_get(*, user: Any, number: str) -> RepairApplication:
    return get_or_not_found(
        repairs_visible_to(user).select_related("record__subject", "record__department", "subject", "department"),
        number=number,
    )


def repairs_queue(user: Any) -> QuerySet[RepairApplication]:
    """A department's applications, the decision due first at the top (so the overdue come
    first); those it has decided after them. Others: open clocks by due date."""
    return cases_queue(repairs_visible_to(user), user=user, department_step=Step.REPAIR_DECISION)
