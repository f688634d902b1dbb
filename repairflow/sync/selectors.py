"""Reads of the propagation ledger: where each event stands with each platform (pending, sent,
acknowledged, failed), the counts per subscription, and whether a case has reached every
platform that must acknowledge it before the case is published."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from repairflow.cases.kinds import case_kind_of
from repairflow.cases.models import Case
from repairflow.core.permissions import Role
from repairflow.records.models import Delivery, DeliveryStatus, RecordEvent, Subscription
from repairflow.records.outbox import CaseReference, case_awaits_platforms
from repairflow.records.outbox import case_ledger as outbox_case_ledger


def case_reference(case: Case) -> CaseReference:
    """(kind, number): the case as its events name it."""
    return case_kind_of(case).name, case.number


def case_propagated(case: Case | CaseReference) -> bool:
    """Whether every event the case caused has been acknowledged by every active, required
    subscription that was sent it (records/outbox.py `case_awaits_platforms` says how)."""
    return not case_awaits_platforms(case if isinstance(case, tuple) else case_reference(case))


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
        for delivery in deliveries
    ]


def event_ledger(event: RecordEvent) -> list[LedgerEntry]:
    """Where the event stands with each platform it was sent to."""
    return _entries(
        Delivery.objects.filter(event=event).select_related("event", "subscription").order_by("subscription__name")
    )


def case_ledger(case: Case) -> list[LedgerEntry]:
    """Where each event the case caused stands with each platform, in the order they happened."""
    return _entries(outbox_case_ledger(case_reference(case)))


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
