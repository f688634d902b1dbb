"""Reads of the propagation ledger: where each event stands with each platform (pending, sent,
acknowledged, failed), the counts per subscription, and whether a case has reached every
platform that must acknowledge it before the case is published."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from repairflow.cases.models import Case
from repairflow.core.permissions import Role
from repairflow.objections.models import Objection
from repairflow.repair.models import RepairApplication
from repairflow.sync.models import CaseKind, Delivery, DeliveryStatus, OutboxEvent, Subscription

# The kinds of case that change records, and the name the webhook's `case.kind` gives each.
CASE_KINDS: dict[type[Case], CaseKind] = {Objection: CaseKind.OBJECTION, RepairApplication: CaseKind.REPAIR}
CASE_MODELS: dict[str, type[Case]] = {kind.value: model for model, kind in CASE_KINDS.items()}


def case_reference(case: Case | None) -> tuple[str, str]:
    """(kind, number) of the case behind a change, ("", "") for none."""
    if case is None:
        return "", ""
    return CASE_KINDS[type(case)].value, case.number


def case_deliveries(case: Case) -> QuerySet[Delivery]:
    """The deliveries of every event the case caused, to every platform."""
    kind, number = case_reference(case)
    return Delivery.objects.filter(event__case_kind=kind, event__case_number=number)


def case_propagated(case: Case) -> bool:
    """Whether every event `case` (an Objection or a RepairApplication) caused has been
    acknowledged by every active, required subscription that was sent it: no delivery of its
    events to such a subscription is pending or failed. True when there are none (no platform,
    or a case that changed no record). A paused subscription still holds the case; a retired one
    (`active` off) or one not `required` does not. A subscription created after an event, or
    whose filter left the event out, was never sent it and is not awaited for it."""
    return (
        not case_deliveries(case)
        .filter(subscription__active=True, subscription__required=True)
        .exclude(status=DeliveryStatus.ACKNOWLEDGED)
        .exists()
    )


@dataclass(frozen=True)
class LedgerEntry:
    """One event at one platform."""

    event: str  # the event's id (uuid)
    type: str
    occurred_at: datetime
    subscription: str
    state: str  # pending (not sent yet), sent (not acknowledged yet), acknowledged, failed
    attempts: int
    acknowledged_at: datetime | None


def _entries(deliveries: QuerySet[Delivery]) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            event=str(delivery.event.uuid),
            type=delivery.event.type,
            occurred_at=delivery.event.occurred_at,
            subscription=delivery.subscription.name,
            state=delivery.ledger_state,
            attempts=delivery.attempts,
            acknowledged_at=delivery.acknowledged_at,
        )
        for delivery in deliveries.select_related("event", "subscription").order_by("event_id", "subscription__name")
    ]


def event_ledger(event: OutboxEvent) -> list[LedgerEntry]:
    """Where the event stands with each platform it was sent to."""
    return _entries(Delivery.objects.filter(event=event))


def case_ledger(case: Case) -> list[LedgerEntry]:
    """Where each event the case caused stands with each platform, in the order they happened."""
    return _entries(case_deliveries(case))


def subscriptions_with_counts(subscriptions: QuerySet[Subscription] | None = None) -> QuerySet[Subscription]:
    """Subscriptions with the number of their deliveries `pending` (sent or not), `acknowledged`
    and `failed`."""
    subscriptions = Subscription.objects.all() if subscriptions is None else subscriptions
    return subscriptions.annotate(
        **{
            status.value: Count("deliveries", filter=Q(deliveries__status=status))
            for status in (DeliveryStatus.PENDING, DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.FAILED)
        }
    ).order_by("name", "id")


def subscription_counts(subscription: Subscription) -> dict[str, int]:
    counted = subscriptions_with_counts(Subscription.objects.filter(pk=subscription.pk)).get()
    return {status: getattr(counted, status) for status in DeliveryStatus.values}


def subscriptions_visible_to(user: Any) -> QuerySet[Subscription]:
    """The office manages subscriptions, auditors read them; nobody else sees them."""
    if getattr(user, "role", None) in (Role.OFFICE, Role.AUDITOR):
        return subscriptions_with_counts()
    return Subscription.objects.none()


def subscription_deliveries(subscription: Subscription, *, status: str | None = None) -> QuerySet[Delivery]:
    """A subscription's deliveries, the latest event first, with their attempts."""
    deliveries = (
        Delivery.objects.filter(subscription=subscription)
        .select_related("event")
        .prefetch_related("attempt_log")
        .order_by("-event_id")
    )
    return deliveries.filter(status=status) if status else deliveries
