"""Reads of objections, scoped by who asks: a subject its own cases, a department the cases
routed to it, the office and auditors every case (design/api.md). What a user may not see does
not exist for them (404)."""

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from repairflow.core.models import Notice, Role
from repairflow.deadlines.models import Deadline, DeadlineStatus
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
    return get_object_or_404(
        objections_visible_to(user).select_related("record__subject", "record__department", "subject"), number=number
    )


def _open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        case_type=ContentType.objects.get_for_model(Objection), case_id=OuterRef("pk"), ended_on__isnull=True
    )


def objections_overdue(objections: QuerySet[Objection], *, today: date) -> QuerySet[Objection]:
    """The objections with a clock past its last day. A paused clock has no last day yet (the
    sweep fires nothing for it either): a case waiting for its subject's supplement is not late."""
    late = (
        _open_deadlines()
        .exclude(status=DeadlineStatus.PAUSED)
        .filter(Q(status=DeadlineStatus.MISSED) | Q(due_on__lt=today))
    )
    return objections.filter(Exists(late))


def objections_queue(user: Any) -> QuerySet[Objection]:
    """A department's objections, the one whose verification is due first at the top (so the
    overdue come first); those it has replied to after them. Others: open clocks by due date."""
    visible = objections_visible_to(user)
    due = _open_deadlines()
    if user.role == Role.DEPARTMENT:
        due = due.filter(step=Step.OBJECTION_VERIFICATION, department_id=user.department_id)
    due_on = Subquery(due.order_by("due_on").values("due_on")[:1])
    return visible.annotate(due_on=due_on).order_by(F("due_on").asc(nulls_last=True), "-created_at")


def objection_notice(objection: Objection, kind: str) -> Notice | None:
    """The latest notice of `kind` issued for the objection."""
    return (
        Notice.objects.filter(case_type=ContentType.objects.get_for_model(Objection), case_id=objection.pk, kind=kind)
        .order_by("-issued_at", "-id")
        .first()
    )


def objection_has_notice(objection: Objection, kind: str) -> bool:
    """Whether a notice of `kind` was issued for the objection, without reading its PDF."""
    return Notice.objects.filter(
        case_type=ContentType.objects.get_for_model(Objection), case_id=objection.pk, kind=kind
    ).exists()


def objection_notices(objection: Objection) -> QuerySet[Notice]:
    return Notice.objects.filter(case_type=ContentType.objects.get_for_model(Objection), case_id=objection.pk).defer(
        "content"
    )
