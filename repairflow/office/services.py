"""What the office does to many things at once from its desk and queue, each with a reason kept:
reminding the owners of chosen deadlines, giving departments more working days, and sending
failed deliveries again. Each change goes through the use-case that makes it one at a time (a
case's extension is in its timeline and its clock's history), so a bulk action is exactly its
single actions; one refused (a clock ended meanwhile, a cap reached) does not stop the others and
is reported with its reason."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from repairflow.cases.services import deadline_owners, required
from repairflow.core.errors import DomainError, Invalid
from repairflow.core.history import Writes, history_reason
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Party, Step
from repairflow.notifications.services import notify
from repairflow.objections.models import Objection
from repairflow.objections.services import objection_extend
from repairflow.office.digest import NUDGE
from repairflow.records.models import Delivery, DeliveryStatus, Subscription
from repairflow.repair.models import RepairApplication
from repairflow.repair.services import repair_extend
from repairflow.sync.services import subscription_requeue_failed

REASON_REQUIRED = _("Give a reason.")
NOTHING_CHOSEN = _("Choose at least one deadline.")
NOT_EXTENDABLE = _("Only a department's deadline to verify or decide on a case can be extended here.")
REMINDED = _("Reminder sent by the office: %(reason)s")


def _objection_extend(*, actor: Any, deadline: Deadline, days: int, reason: str) -> None:
    objection_extend(
        actor=actor, number=deadline.case.number, days=days, reason=reason, department=deadline.department.code
    )


def _repair_extend(*, actor: Any, deadline: Deadline, days: int, reason: str) -> None:
    repair_extend(actor=actor, number=deadline.case.number, days=days, reason=reason)


# The department clocks the office may extend, with the use-case that extends one of them.
EXTENDERS: dict[tuple[type, str], Callable[..., None]] = {
    (Objection, Step.OBJECTION_VERIFICATION): _objection_extend,
    (RepairApplication, Step.REPAIR_DECISION): _repair_extend,
}


@dataclass
class BulkReport:
    done: list[str] = field(default_factory=list)  # what each item is (a case number)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (item, why)


def _chosen(ids: Iterable[int]) -> list[Deadline]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise Invalid({"deadline": [NOTHING_CHOSEN]})
    return list(
        Deadline.objects.filter(pk__in=ids, ended_on__isnull=True)
        .select_related("department", "subject", "case_type")
        .prefetch_related("case")
        .order_by("due_on", "id")
    )


def deadlines_remind(*, actor: Any, ids: Iterable[int], reason: str) -> BulkReport:
    """Tell the owners of the chosen open deadlines that the office is waiting, with the reason;
    each clock's history keeps who sent it and why."""
    require_role(actor, Role.OFFICE)
    reason = required(reason, "reason", REASON_REQUIRED)
    report = BulkReport()
    with transaction.atomic():
        writes = Writes()
        for deadline in _chosen(ids):
            params = {
                "case": str(deadline.case),
                "step": deadline.step,
                "owner": deadline.department.name if deadline.department else str(Party(deadline.owner).label),
                "due_on": deadline.due_on.isoformat(),
                "reason": reason,
            }
            link = deadline.case.get_absolute_url()
            notify(recipients=deadline_owners(deadline), kind=NUDGE, params=params, link=link, writes=writes)
            writes.save(deadline, actor=actor, reason=history_reason(REMINDED) % {"reason": reason})
            report.done.append(str(deadline.case))
        writes.flush()
    return report


def deadlines_extend(*, actor: Any, ids: Iterable[int], days: int, reason: str) -> BulkReport:
    """Give each chosen department clock `days` more working days, each through its case's own
    extension (its timeline, its clock's history, the profile's cap)."""
    require_role(actor, Role.OFFICE)
    reason = required(reason, "reason", REASON_REQUIRED)
    report = BulkReport()
    for deadline in _chosen(ids):
        case = deadline.case
        extend = EXTENDERS.get((type(case), deadline.step))
        if extend is None:
            report.refused.append((str(case), str(NOT_EXTENDABLE)))
            continue
        try:
            with transaction.atomic():
                extend(actor=actor, deadline=deadline, days=days, reason=reason)
        except DomainError as refusal:
            why = refusal.fields if isinstance(refusal, Invalid) else {}
            report.refused.append((case.number, "；".join(str(m) for ms in why.values() for m in ms) or str(refusal)))
        else:
            report.done.append(case.number)
    return report


def deliveries_requeue_failed(*, actor: Any, reason: str) -> BulkReport:
    """Send every failed delivery again, platform by platform, each with the reason in its history."""
    require_role(actor, Role.OFFICE)
    reason = required(reason, "reason", REASON_REQUIRED)
    report = BulkReport()
    failing = Delivery.objects.filter(status=DeliveryStatus.FAILED).values("subscription")
    for subscription in Subscription.objects.filter(pk__in=failing, active=True).order_by("name"):
        requeued = subscription_requeue_failed(actor=actor, subscription_id=subscription.pk, reason=reason)
        report.done += [subscription.name] * len(requeued)
    return report
