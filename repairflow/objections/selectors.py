"""Reads of objections, scoped by who asks: a subject its own cases, a department the cases
routed to it, the office and auditors every case (docs/api.md). What a user may not see does
not exist for them (404)."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from repairflow.cases.selectors import cases_queue
from repairflow.core.errors import get_or_not_found
from repairflow.core.permissions import Role
from repairflow.deadlines.policy import Step
from repairflow.objections.models import Objection, Verification


def objections_visible_to(user: Any) -> QuerySet[Objection]:
    objections = Objection.objects.all()
    if user.sees_everything:
        return objections
    if user.role == Role.DEPARTMENT:
        routed = Verification.objects.filter(objection=OuterRef("pk"), department_id=user.department_id)
        return objections.filter(Exists(routed))
    if user.role == Role.SUBJECT:
        return objections.filter(subject_id=user.credit_subject_id)
    return objections.none()


def objection_get(*, user: Any, number: str) -> Objection:
    return get_or_not_found(
        objections_visible_to(user).select_related("record__subject", "record__department", "subject"), number=number
    )


def objections_queue(user: Any) -> QuerySet[Objection]:
    """A department's objections, the one whose verification is due first at the top (so the
    overdue come first); those it has replied to after them. Others: open clocks by due date."""
    return cases_queue(objections_visible_to(user), user=user, department_step=Step.OBJECTION_VERIFICATION)
