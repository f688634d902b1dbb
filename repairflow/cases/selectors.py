"""Reads of the case machinery: a case's timeline, notices and clocks, and the cases that are
overdue or due first (a queue), for any kind of case."""

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery

from repairflow.cases.kinds import KINDS
from repairflow.cases.models import Case, Notice, Transition
from repairflow.core.errors import NotFound
from repairflow.core.models import Attachment
from repairflow.core.permissions import Role
from repairflow.deadlines.models import Deadline, DeadlineStatus


def _of_case(model: type[models.Model], case: Case) -> models.QuerySet:
    return model.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)


def case_timeline(case: Case) -> models.QuerySet[Transition]:
    return _of_case(Transition, case).select_related("actor")


def case_notice(case: Case, kind: str) -> Notice | None:
    """The latest notice of `kind` issued for the case."""
    return _of_case(Notice, case).filter(kind=kind).order_by("-issued_at", "-id").first()


def case_notices(case: Case) -> models.QuerySet[Notice]:
    return _of_case(Notice, case).defer("content")


def _open_deadlines(model: type[Case]) -> models.QuerySet:
    return Deadline.objects.filter(
        case_type=ContentType.objects.get_for_model(model), case_id=OuterRef("pk"), ended_on__isnull=True
    )


def cases_overdue(cases: models.QuerySet, *, today: date) -> models.QuerySet:
    """The cases with a clock past its last day. A paused clock has no last day yet (the sweep
    fires nothing for it either): a case waiting for its subject's supplement is not late."""
    late = (
        _open_deadlines(cases.model)
        .exclude(status=DeadlineStatus.PAUSED)
        .filter(Q(status=DeadlineStatus.MISSED) | Q(due_on__lt=today))
    )
    return cases.filter(Exists(late))


def cases_queue(cases: models.QuerySet, *, user: Any, department_step: str) -> models.QuerySet:
    """The cases by their first open clock's last day (so the overdue come first); those with no
    open clock after them. A department's queue goes by its own clock (`department_step`)."""
    due = _open_deadlines(cases.model)
    if user.role == Role.DEPARTMENT:
        due = due.filter(step=department_step, department_id=user.department_id)
    due_on = Subquery(due.order_by("due_on").values("due_on")[:1])
    return cases.annotate(due_on=due_on).order_by(F("due_on").asc(nulls_last=True), "-created_at")


def attachment_readable(user: Any, pk: int) -> tuple[Attachment, list[Case]]:
    """The attachment `pk` with the cases it belongs to that `user` may see, when `user` uploaded
    it or may see one of them (its subject, the departments it was routed to, the office, the
    auditor); else NotFound, as if it did not exist."""
    attachment = Attachment.objects.select_related("uploaded_by").filter(pk=pk).first()
    if attachment is None:
        raise NotFound
    cases: list[Case] = []
    for kind in KINDS.values():
        belongs = Q()
        for link in kind.attachment_links:
            belongs |= Q(**{link: attachment})
        cases += kind.visible_to(user).filter(belongs).select_related("record").distinct()
    if not cases and attachment.uploaded_by_id != user.pk:
        raise NotFound
    return attachment, cases
