"""The record's events (docs/api.md "Webhooks"): every change to a record is one `RecordEvent`,
written in the transaction of the change, with one pending `Delivery` for every active
subscription that wants its type. `repairflow.sync` sends them; nothing here knows how."""

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from repairflow.core.flows import action_name
from repairflow.core.history import Writes
from repairflow.records.models import (
    RECORD_ACTION_EVENTS,
    CreditRecord,
    Delivery,
    DeliveryStatus,
    RecordEvent,
    Subscription,
)
from repairflow.records.selectors import active_subscriptions, record_as_json

DELIVERY_QUEUED = _("Event recorded; delivery queued")

# (kind, number) of the case behind a change: the webhook's `case`.
CaseReference = tuple[str, str]

# When one use-case changes a record more than once (a correction, then the objection mark
# cleared), the record is saved once and its one event is named by the weightiest action; the
# others are listed with it (`also`), and a platform that wants any of them is sent it.
WEIGHT = (
    "revoke",
    "end-publication",
    "expire",
    "republish",
    "suspend",
    "resume",
    "publish",
    "correct",
    "mark-objection",
    "clear-objection",
    "change-statement",
)


class RecordEvents:
    """The events of the records one use-case changes: written when it ends, one per record, with
    the record as it then is (the API's JSON as another platform sees it)."""

    def __init__(self, writes: Writes) -> None:
        self.writes = writes
        self.changes: dict[int, tuple[CreditRecord, list[str], CaseReference | None, Any]] = {}
        # The subscriptions' version when the use-case read it with its first query, else None.
        self.subscriptions_version: int | None = None
        writes.before_flush(self.write)

    @cached_property
    def subscriptions(self) -> list[Subscription]:
        """The platforms subscribed now (retired ones get nothing), read once per use-case."""
        return active_subscriptions(version=self.subscriptions_version)

    def event_types(self, actions: list[str]) -> list[str]:
        """The types of a record's changes, the weightiest first: the event's type, then `also`."""
        return [RECORD_ACTION_EVENTS[action] for action in sorted(set(actions), key=WEIGHT.index)]

    def awaited(self, case: CaseReference) -> bool:
        """Whether a required platform will have to acknowledge a change this use-case made for `case`."""
        return any(
            subscription.required and subscription.wants(*self.event_types(actions))
            for _record, actions, reference, _actor in self.changes.values()
            if reference == case
            for subscription in self.subscriptions
        )

    def changed(self, records: Iterable[CreditRecord], *, action: str, actor: Any, case: CaseReference | None) -> None:
        action = action_name(action)  # "end_publication" and "end-publication" alike
        for record in records:
            _record, actions, reference, _actor = self.changes.setdefault(id(record), (record, [], case, actor))
            actions.append(action)

    def write(self) -> None:
        if not self.changes:
            return
        events = RecordEvent.objects.bulk_create(
            RecordEvent(
                type=self.event_types(actions)[0],
                also=self.event_types(actions)[1:],
                record=record,
                snapshot=record_as_json(record, None),
                case_kind=reference[0] if reference else "",
                case_number=reference[1] if reference else "",
            )
            for record, actions, reference, _actor in self.changes.values()
        )
        actors = [actor for _record, _actions, _reference, actor in self.changes.values()]
        for event, actor in zip(events, actors, strict=True):
            for subscription in self.subscriptions:
                if subscription.wants(event.type, *event.also):
                    delivery = Delivery(
                        event=event, subscription=subscription, record=event.record, next_try_at=event.occurred_at
                    )
                    self.writes.create(delivery, actor=actor, reason=DELIVERY_QUEUED)
        self.changes = {}


def record_events(writes: Writes) -> RecordEvents:
    """The use-case's events of records."""
    return writes.part("record events", RecordEvents)


def case_deliveries(case: CaseReference) -> QuerySet[Delivery]:
    """The deliveries of every event the case caused, to every platform."""
    kind, number = case
    return Delivery.objects.filter(event__case_kind=kind, event__case_number=number)


def case_ledger(case: CaseReference) -> QuerySet[Delivery]:
    """The propagation ledger of a case: each event it caused at each platform, in the order the
    events happened (`Delivery.ledger_state` says where each stands)."""
    return case_deliveries(case).select_related("event", "subscription").order_by("event_id", "subscription__name")


def case_awaits_platforms(case: CaseReference, writes: Writes | None = None) -> bool:
    """Whether a platform must still acknowledge something the case changed before the case is
    published: a delivery of one of its events to an active, required subscription that is not
    acknowledged (pending, or failed until the office requeues it), or such a delivery that the
    use-case's `writes` are about to make. A paused subscription still holds the case; a retired
    one (`active` off) or one not `required` does not; one created after an event, or whose filter
    left the event out, was never sent it and is not awaited for it."""
    events = record_events(writes) if writes is not None else None
    if events is not None:
        if not any(subscription.required for subscription in events.subscriptions):
            return False
        if events.awaited(case):
            return True
    return (
        case_deliveries(case)
        .filter(subscription__active=True, subscription__required=True)
        .exclude(status=DeliveryStatus.ACKNOWLEDGED)
        .exists()
    )
