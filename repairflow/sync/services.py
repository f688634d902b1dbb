"""Push-back to other platforms (README.md beside this file): the relay that hands the records'
pending deliveries (written with every change to a record: repairflow/records/outbox.py) to the
workers, the delivery of each event to each subscribed platform (signed, with explicit timeouts,
retried with back-off, in order per record), the publication of a case after the acknowledgement
that completes it, and the office's actions on subscriptions and deliveries."""

import json
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from repairflow.cases.kinds import case_kind_named
from repairflow.cases.services import REASON_REQUIRED, case_locked, case_publish_when_ready, required
from repairflow.core.errors import Invalid, TransitionNotAllowed, get_or_not_found
from repairflow.core.history import history_reason, save_with_history
from repairflow.core.permissions import Role, require_role
from repairflow.notifications.services import notify
from repairflow.records.models import NAME_TAKEN, Delivery, DeliveryStatus, RecordEvent, Subscription
from repairflow.records.selectors import office_users
from repairflow.sync import addresses, client
from repairflow.sync.models import AttemptOutcome, DeliveryAttempt
from repairflow.sync.selectors import case_propagated

logger = logging.getLogger(__name__)

ATTEMPT_ACKNOWLEDGED = _("Attempt %(number)d: acknowledged (HTTP %(status)s)")
ATTEMPT_RETRY = _("Attempt %(number)d failed (%(error)s); next try at %(next)s")
ATTEMPT_FAILED = _("Attempt %(number)d failed (%(error)s); the delivery has failed")
DELIVERY_REQUEUED = _("Requeued: %(reason)s")
SUBSCRIPTION_CREATED = _("Subscription created")
SUBSCRIPTION_CHANGED = _("Subscription changed")
SUBSCRIPTION_PAUSED = _("Subscription paused")
SUBSCRIPTION_PAUSED_BECAUSE = _("Subscription paused: %(reason)s")
SUBSCRIPTION_RESUMED = _("Subscription resumed")
SUBSCRIPTION_RESUMED_BECAUSE = _("Subscription resumed: %(reason)s")
NOT_FAILED = _("Only a failed delivery can be requeued.")
SUBSCRIPTION_RETIRED = _("This subscription is retired: nothing is sent to it.")
ALREADY_PAUSED = _("This subscription is already paused.")
NOT_PAUSED = _("This subscription is not paused.")

# How many due deliveries one run of the relay (or a resumed subscription) hands the workers at most.
SWEEP_BATCH = 1000
# The jitter of the back-off; tests seed it or put another in its place.
JITTER = random.Random()


# --- Settings -----------------------------------------------------------------------------------


def _setting(name: str) -> float:
    return getattr(settings, f"REPAIRFLOW_SYNC_{name}")


def lease() -> timedelta:
    """How long a worker holds a delivery it is sending: the longest a well-behaved exchange takes
    (connecting, then waiting for the answer), with a margin. A worker killed while sending frees
    the delivery when its lease ends; the relay then hands it again."""
    timeouts = _setting("CONNECT_TIMEOUT_SECONDS") + _setting("READ_TIMEOUT_SECONDS")
    return timedelta(seconds=timeouts + _setting("LEASE_MARGIN_SECONDS"))


def backoff_seconds(attempt: int, *, base: float, cap: float, random: Callable[[], float]) -> float:
    """How long to wait after the `attempt`-th failed try: exponential, `base`·2^(attempt−1) up to
    `cap`, with "equal jitter": between half of that and all of it (`random()` in [0, 1)), so that
    deliveries that failed together do not all come back together."""
    ceiling = min(cap, base * 2 ** min(attempt - 1, 32))
    return ceiling / 2 + random() * ceiling / 2


# --- What a platform is sent ---------------------------------------------------------------------


def event_payload(event: RecordEvent) -> dict:
    """What a platform is sent (docs/api.md "Webhooks")."""
    occurred_at = timezone.localtime(event.occurred_at, ZoneInfo(settings.TIME_ZONE))
    return {
        "id": str(event.uuid),
        "type": event.type,
        "also": event.also,
        "occurred_at": occurred_at.isoformat(),
        "record": event.snapshot,
        "case": event.case_reference,
    }


def event_body(event: RecordEvent) -> bytes:
    """The exact bytes POSTed and signed: compact UTF-8 JSON with sorted keys, the same on every try."""
    return json.dumps(event_payload(event), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_headers(event: RecordEvent, subscription: Subscription, body: bytes, *, at: datetime) -> dict[str, str]:
    """The headers of a try at `at`: repairflow's own, and the Standard Webhooks ones (whose
    timestamp lets a platform refuse a try replayed later)."""
    return {
        "Content-Type": "application/json",
        "X-Repairflow-Event": event.type,
        "X-Repairflow-Delivery": str(event.uuid),
        "X-Repairflow-Signature": client.signature(subscription.secret, body),
        **client.standard_headers(subscription.secret, str(event.uuid), at, body),
    }


# --- Queueing -----------------------------------------------------------------------------------


def _queue(ids: Sequence[int], *, countdown: float | None = None, now: datetime | None = None) -> None:
    """Hand deliveries to the workers (now, or `countdown` seconds from now), noting when: the relay
    hands a delivery again only once that is a resend interval past. `queued_at` is the relay's
    bookkeeping, not a change of the delivery, so it is set without a history row. A broker that
    cannot be reached loses nothing: the relay finds the delivery still pending."""
    from repairflow.sync.tasks import deliver

    ids = list(ids)
    if not ids:
        return
    queued_at = (now or timezone.now()) + timedelta(seconds=countdown or 0)
    Delivery.objects.filter(pk__in=ids).update(queued_at=queued_at)
    for pk in ids:
        try:
            deliver.apply_async((pk,), countdown=countdown)
        except Exception:
            logger.exception("Delivery %s could not be queued; the relay will hand it again", pk)


def _queue_after_commit(ids: Sequence[int], *, countdown: float | None = None) -> None:
    if ids:
        ids = list(ids)
        transaction.on_commit(lambda: _queue(ids, countdown=countdown))


def _unacknowledged_before(*, subscription_id: Any, record_id: Any, event_id: Any) -> QuerySet[Delivery]:
    """The deliveries of a record to a subscription whose events came before `event_id` and that
    are not acknowledged (the arguments may be OuterRef(...) in a subquery)."""
    return Delivery.objects.filter(subscription_id=subscription_id, record_id=record_id, event_id__lt=event_id).exclude(
        status=DeliveryStatus.ACKNOWLEDGED
    )


def _waits_for_earlier(delivery: Delivery) -> bool:
    """The ordering rule: a delivery waits while an earlier one of the same record to the same
    subscription is not acknowledged (pending, or failed until the office requeues it)."""
    return _unacknowledged_before(
        subscription_id=delivery.subscription_id, record_id=delivery.record_id, event_id=delivery.event_id
    ).exists()


def deliveries_due(*, before: datetime) -> QuerySet:
    """The ids of the deliveries that may be sent now: pending, due before `before`, to an active
    subscription not paused, and first in line for their record (the partial index `delivery_due`
    finds the due rows, `delivery_record_order` answers whether one waits for an earlier one)."""
    earlier = _unacknowledged_before(
        subscription_id=OuterRef("subscription_id"), record_id=OuterRef("record_id"), event_id=OuterRef("event_id")
    ).order_by()
    return (
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_try_at__lte=before,
            subscription__active=True,
            subscription__paused=False,
        )
        .exclude(Exists(earlier))
        .order_by("next_try_at", "pk")
        .values_list("pk", flat=True)
    )


def deliveries_relay(*, now: datetime | None = None) -> list[int]:
    """The relay (beat runs it every `REPAIRFLOW_SYNC_RELAY_SECONDS`): hand to the workers every
    delivery that may be sent now and is not with them already: one never handed (a new event's),
    or one handed a whole resend interval (`REPAIRFLOW_SYNC_SWEEP_SECONDS`) ago and still pending,
    whose task was lost (a lost broker message, a worker killed while sending, whose lease has run
    out). A delivery whose own task is merely late is left to it."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_setting("SWEEP_SECONDS"))
    handed = Q(queued_at__isnull=True) | Q(queued_at__lte=stale)
    ids = list(deliveries_due(before=now).filter(handed)[:SWEEP_BATCH])
    _queue(ids, now=now)
    if ids:
        logger.info("Relay: %d deliveries handed to the workers", len(ids))
    return ids


# --- Sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    lease_token: uuid.UUID
    lease_until: datetime
    url: str
    body: bytes
    headers: dict[str, str]


def _claim(delivery_id: int) -> _Claim | None:
    """Take the delivery for one try, in a short transaction: locked (a row another worker holds is
    skipped), it must still be pending and due, its subscription active and not paused, and no
    earlier delivery of its record to that subscription unacknowledged. Its `next_try_at` becomes
    the end of this worker's lease, so that no other worker takes it meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_try_at__lte=now)
            .first()
        )
        if delivery is None or not delivery.subscription.active or delivery.subscription.paused:
            return None
        if _waits_for_earlier(delivery):
            return None
        delivery.next_try_at, delivery.lease_token = now + lease(), uuid.uuid4()
        delivery.skip_history_when_saving = True  # a lease, not a change: the try's outcome is the history
        try:
            delivery.save(update_fields=["next_try_at", "lease_token"])
        finally:
            del delivery.skip_history_when_saving
    body = event_body(delivery.event)
    return _Claim(
        delivery_id=delivery.pk,
        lease_token=delivery.lease_token,
        lease_until=delivery.next_try_at,
        url=delivery.subscription.url,
        body=body,
        headers=event_headers(delivery.event, delivery.subscription, body, at=now),
    )


def _error_label(answer: client.Answer) -> str:
    """What went wrong, in a word: `HTTP 503`, `TimeoutError` (the whole of it is in the try)."""
    if answer.status_code is None:
        return answer.error.split(":", 1)[0]
    return f"HTTP {answer.status_code}"


def _error_text(answer: client.Answer) -> str:
    if answer.status_code is None:
        return answer.error
    excerpt = " ".join(answer.excerpt.split())[:200]
    return f"HTTP {answer.status_code}: {excerpt}" if excerpt else f"HTTP {answer.status_code}"


def _record_answer(claim: _Claim, answer: client.Answer) -> AttemptOutcome:
    """Keep the try and what it did to the delivery, in one transaction: acknowledged on 2xx (the
    next delivery of the record is queued, and a case whose last awaited acknowledgement this was
    is published); tried again later on a retryable failure while tries remain; else failed, and
    the office told. A worker whose lease ran out meanwhile (another took the delivery over) only
    keeps its try, unless it was acknowledged: a 2xx always acknowledges."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("event", "subscription", "record")
            .get(pk=claim.delivery_id)
        )
        owned = delivery.status == DeliveryStatus.PENDING and delivery.lease_token == claim.lease_token
        if owned:
            delivery.lease_token = None
        number = delivery.attempt_log.count() + 1
        delivery.attempts += 1
        delivery.last_attempt_at = now
        values = {"number": number, "status": answer.status_code, "error": _error_label(answer)}
        error = _error_text(answer)
        if answer.acknowledged:
            outcome = AttemptOutcome.ACKNOWLEDGED
            if delivery.status != DeliveryStatus.ACKNOWLEDGED:
                delivery.status, delivery.acknowledged_at = DeliveryStatus.ACKNOWLEDGED, now
            delivery.last_error = ""
            reason = history_reason(ATTEMPT_ACKNOWLEDGED) % values
        elif not owned:
            outcome = AttemptOutcome.RETRY if answer.retryable else AttemptOutcome.FAILED
            reason = None
        elif answer.retryable and delivery.attempts < _setting("MAX_ATTEMPTS"):
            outcome = AttemptOutcome.RETRY
            delay = backoff_seconds(
                delivery.attempts,
                base=_setting("BACKOFF_SECONDS"),
                cap=_setting("BACKOFF_MAX_SECONDS"),
                random=JITTER.random,
            )
            delivery.next_try_at = now + timedelta(seconds=delay)
            delivery.last_error = error
            next_at = timezone.localtime(delivery.next_try_at, ZoneInfo(settings.TIME_ZONE))
            reason = history_reason(ATTEMPT_RETRY) % {**values, "next": next_at.isoformat(timespec="seconds")}
            _queue_after_commit([delivery.pk], countdown=delay + 1)
        else:
            outcome = AttemptOutcome.FAILED
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, error
            reason = history_reason(ATTEMPT_FAILED) % values
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=now,
            status_code=answer.status_code,
            error=answer.error[:500],
            response_excerpt=answer.excerpt,
            duration_ms=answer.duration_ms,
            outcome=outcome,
        )
        if reason is None:
            delivery.skip_history_when_saving = True
            try:
                delivery.save()
            finally:
                del delivery.skip_history_when_saving
        else:
            save_with_history(delivery, actor=None, reason=reason)
        if outcome == AttemptOutcome.ACKNOWLEDGED:
            _after_acknowledgement(delivery)
        elif outcome == AttemptOutcome.FAILED and delivery.status == DeliveryStatus.FAILED and owned:
            _tell_office_of_failure(delivery)
    return outcome


def delivery_attempt(*, delivery_id: int) -> AttemptOutcome | None:
    """Try to deliver once (the task `deliver` runs this, outside any transaction): take the
    delivery, POST its event, keep what came back. None when it was not taken: no longer pending,
    not due yet, held by another worker, its subscription paused or retired, or waiting for an
    earlier delivery of its record."""
    claim = _claim(delivery_id)
    if claim is None:
        return None
    answer = client.post(
        claim.url,
        claim.body,
        claim.headers,
        connect_timeout=_setting("CONNECT_TIMEOUT_SECONDS"),
        read_timeout=_setting("READ_TIMEOUT_SECONDS"),
    )
    return _record_answer(claim, answer)


def _after_acknowledgement(delivery: Delivery) -> None:
    """The next delivery of the record to the same platform may go now; and the case behind the
    event may have reached every platform it waits for."""
    following = (
        Delivery.objects.filter(
            subscription_id=delivery.subscription_id,
            record_id=delivery.record_id,
            event_id__gt=delivery.event_id,
            status=DeliveryStatus.PENDING,
        )
        .order_by("event_id")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        _queue_after_commit([following])
    event = delivery.event
    if event.case_number:
        case_publish_if_propagated(kind=event.case_kind, number=event.case_number)


def case_publish_if_propagated(*, kind: str, number: str) -> bool:
    """Publish the case (`corrected`/`repaired` → `published`) when every active required platform
    has acknowledged every event it caused (and its own flow's conditions hold): the case row is
    locked, in a savepoint of the caller's transaction, so that a case that cannot be published
    now does not undo the acknowledgement that led here. True when it was published."""
    try:
        with transaction.atomic():
            case = case_locked(case_kind_named(kind).model.objects.all(), number=number)
            if not case_propagated((kind, number)):
                return False
            return case_publish_when_ready(case)
    except Exception:
        logger.exception("Case %s could not be published after its last acknowledgement", number)
        return False


def _tell_office_of_failure(delivery: Delivery) -> None:
    notify(
        recipients=office_users(),
        kind="sync.delivery_failed",
        params={
            "subscription": delivery.subscription.name,
            "type": delivery.event.type,
            "record": str(delivery.record),
            "error": delivery.last_error,
        },
        link=f"/api/v1/subscriptions/{delivery.subscription_id}/deliveries/?status=failed",
    )


# --- The office's actions -----------------------------------------------------------------------


def subscription_state(subscription: Subscription) -> str:
    """As a refusal names it: running, paused or retired."""
    if not subscription.active:
        return "retired"
    return "paused" if subscription.paused else "running"


def subscription_create(
    *, actor: Any, name: str, url: str, secret: str, events: Sequence[str] = (), required: bool = True
) -> Subscription:
    """The office subscribes a platform (input validated by SubscriptionInputSerializer); it is
    sent the events that happen from now on. Its URL's host must resolve, to public addresses
    only (or ones SYNC_ALLOWED_NETWORKS allows: `addresses`), else `Invalid` under `url`."""
    require_role(actor, Role.OFFICE)
    subscription = Subscription(
        name=name, url=url, secret=secret, events=list(dict.fromkeys(events)), required=required
    )
    subscription.full_clean(validate_unique=False)
    try:
        addresses.validate_webhook_url(url)  # its host resolved: to public (or allowed) addresses only
    except ValidationError as error:
        raise Invalid({"url": error.messages}) from None
    try:
        with transaction.atomic():
            save_with_history(subscription, actor=actor, reason=SUBSCRIPTION_CREATED)
    except IntegrityError as error:  # the same name given twice at the same moment
        raise Invalid({"name": [NAME_TAKEN]}) from error
    return subscription


def _with_reason(plain: Any, because: Any, reason: str) -> str:
    return history_reason(because) % {"reason": reason} if reason else history_reason(plain)


# paused → (the state it must be in, the action that undoes it, the refusal when it is not,
# the history reason without and with the office's reason)
PAUSING = {
    True: ("running", "resume", ALREADY_PAUSED, SUBSCRIPTION_PAUSED, SUBSCRIPTION_PAUSED_BECAUSE),
    False: ("paused", "pause", NOT_PAUSED, SUBSCRIPTION_RESUMED, SUBSCRIPTION_RESUMED_BECAUSE),
}


def _subscription_pause_set(*, actor: Any, subscription_id: int, paused: bool, reason: str) -> Subscription:
    require_role(actor, Role.OFFICE)
    subscription = get_or_not_found(Subscription.objects.select_for_update(no_key=True), pk=subscription_id)
    from_state, undo, refusal, plain, because = PAUSING[paused]
    if subscription_state(subscription) != from_state:
        raise TransitionNotAllowed(
            state=subscription_state(subscription),
            allowed=[undo] if subscription.active else [],
            detail=refusal if subscription.active else SUBSCRIPTION_RETIRED,
        )
    subscription.paused = paused
    save_with_history(subscription, actor=actor, reason=_with_reason(plain, because, (reason or "").strip()))
    return subscription


@transaction.atomic
def subscription_pause(*, actor: Any, subscription_id: int, reason: str = "") -> Subscription:
    """Stop sending to the platform: its deliveries wait (new ones too), none fails meanwhile; a
    try already on the wire finishes. The cases that await it keep waiting."""
    return _subscription_pause_set(actor=actor, subscription_id=subscription_id, paused=True, reason=reason)


@transaction.atomic
def subscription_resume(*, actor: Any, subscription_id: int, reason: str = "") -> Subscription:
    """Send to the platform again: what waited is queued (in order per record) after commit."""
    subscription = _subscription_pause_set(actor=actor, subscription_id=subscription_id, paused=False, reason=reason)
    _queue_after_commit(_due_of(subscription))
    return subscription


def _due_of(subscription: Subscription) -> list[int]:
    return list(deliveries_due(before=timezone.now()).filter(subscription=subscription)[:SWEEP_BATCH])


def _requeued(delivery: Delivery, now: datetime) -> Delivery:
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0  # the tries allowed start again; the attempt log keeps every try
    delivery.next_try_at = now
    delivery.last_error = ""
    return delivery


def delivery_requeue(*, actor: Any, delivery_id: int, reason: str) -> Delivery:
    """The office sends a failed delivery again (the platform has been fixed), with a reason kept
    in its history: it is pending with its tries counted afresh, and queued after commit. Later
    deliveries of its record to that platform, which waited for it, follow once it is acknowledged."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        delivery = get_or_not_found(
            Delivery.objects.select_for_update(of=("self",)).select_related("subscription"), pk=delivery_id
        )
        if delivery.status != DeliveryStatus.FAILED:
            raise TransitionNotAllowed(state=delivery.status, allowed=[], detail=NOT_FAILED)
        if not delivery.subscription.active:
            raise TransitionNotAllowed(state=delivery.status, allowed=[], detail=SUBSCRIPTION_RETIRED)
        reason = required(reason, "reason", REASON_REQUIRED)
        save_with_history(
            _requeued(delivery, timezone.now()),
            actor=actor,
            reason=history_reason(DELIVERY_REQUEUED) % {"reason": reason},
        )
        if not delivery.subscription.paused:
            _queue_after_commit([delivery.pk])
    return delivery


def subscription_requeue_failed(*, actor: Any, subscription_id: int, reason: str) -> list[Delivery]:
    """Requeue every failed delivery of a subscription at once, each with the reason in its history."""
    require_role(actor, Role.OFFICE)
    with transaction.atomic():
        subscription = get_or_not_found(Subscription.objects.select_for_update(no_key=True), pk=subscription_id)
        if not subscription.active:
            raise TransitionNotAllowed(state="retired", allowed=[], detail=SUBSCRIPTION_RETIRED)
        reason = required(reason, "reason", REASON_REQUIRED)
        now = timezone.now()
        failed = [
            _requeued(delivery, now)
            for delivery in Delivery.objects.select_for_update(of=("self",))
            .filter(subscription=subscription, status=DeliveryStatus.FAILED)
            .order_by("event_id")
        ]
        if failed:
            bulk_update_with_history(
                failed,
                Delivery,
                fields=["status", "attempts", "next_try_at", "last_error"],
                default_user=actor,
                default_change_reason=history_reason(DELIVERY_REQUEUED) % {"reason": reason},
            )
            if not subscription.paused:
                _queue_after_commit(_due_of(subscription))
    return failed


def subscription_save(*, actor: Any, subscription: Subscription) -> Subscription:
    """Save a subscription changed in the admin. Retiring it or no longer requiring it releases
    the cases that waited only for it (each is published if nothing else holds it); resuming or
    reactivating it queues what waited."""
    with transaction.atomic():
        before = Subscription.objects.select_for_update(no_key=True).filter(pk=subscription.pk).first()
        save_with_history(
            subscription, actor=actor, reason=SUBSCRIPTION_CREATED if before is None else SUBSCRIPTION_CHANGED
        )
        if before is None:
            return subscription
        released = (before.active and not subscription.active) or (before.required and not subscription.required)
        if released:
            for kind, number in _cases_awaiting(subscription):
                case_publish_if_propagated(kind=kind, number=number)
        if subscription_state(subscription) == "running" and subscription_state(before) != "running":
            _queue_after_commit(_due_of(subscription))
    return subscription


def _cases_awaiting(subscription: Subscription) -> list[tuple[str, str]]:
    """The cases with an event not acknowledged by `subscription`."""
    return list(
        RecordEvent.objects.filter(
            deliveries__subscription=subscription,
            deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        )
        .exclude(case_number="")
        .values_list("case_kind", "case_number")
        .distinct()
        .order_by("case_kind", "case_number")
    )
