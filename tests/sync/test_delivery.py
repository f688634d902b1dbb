"""Delivery to a real HTTP receiver on 127.0.0.1: a signed POST of the
event with the same delivery id on every try; 2xx acknowledges; connection errors, timeouts, 5xx
and 429 are tried again after an exponential back-off with jitter, up to the limit; any other
answer fails at once; a failure tells the office; every try is kept; and one record's events
reach one platform in the order they happened."""

import hashlib
import hmac
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db.models import ProtectedError
from django.utils import timezone, translation
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from repairflow.core.history import history_reason
from repairflow.notifications.models import Notification
from repairflow.records.models import Delivery, DeliveryStatus, EventType, RecordEvent
from repairflow.records.services import record_act
from repairflow.repair.services import repair_execute
from repairflow.sync import services
from repairflow.sync.client import Answer as ClientAnswer
from repairflow.sync.client import signature, standard_headers
from repairflow.sync.messages import DELIVERY_FAILED_BODY, DELIVERY_FAILED_TITLE
from repairflow.sync.models import AttemptOutcome
from repairflow.sync.services import (
    ATTEMPT_ACKNOWLEDGED,
    ATTEMPT_FAILED,
    ATTEMPT_RETRY,
    backoff_seconds,
    delivery_attempt,
    delivery_requeue,
    subscription_pause,
    subscription_resume,
)
from tests.factories import CreditRecordFactory, UserFactory
from tests.helpers import told
from tests.sync.conftest import SECRET, Answer, subscribe

pytestmark = pytest.mark.django_db


def suspend(record, actor):
    record_act(actor=actor, record_id=record.pk, action="suspend", reason="核查中")


def resume(record, actor):
    record_act(actor=actor, record_id=record.pk, action="resume", reason="核查完毕")


def only_delivery() -> Delivery:
    return Delivery.objects.select_related("event", "subscription").get()


def attempt(delivery: Delivery) -> AttemptOutcome | None:
    outcome = delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return outcome


def tries(delivery: Delivery) -> list[tuple]:
    return list(delivery.attempt_log.values_list("number", "status_code", "outcome"))


@pytest.fixture
def clock(travel):
    """The time now, and `clock.wait(seconds)` to move it on (the clock stands still otherwise)."""

    class Clock:
        def __init__(self) -> None:
            self.traveller = None

        def now(self):
            return timezone.now()

        def wait(self, seconds: float) -> None:
            target = timezone.now() + timedelta(seconds=seconds)
            if self.traveller is not None:
                self.traveller.stop()
            self.traveller = time_machine.travel(target, tick=False)
            self.traveller.start()

        def stop(self) -> None:
            if self.traveller is not None:
                self.traveller.stop()

    moving = Clock()
    yield moving
    moving.stop()


# --- What is sent -------------------------------------------------------------------------------


def test_an_event_is_posted_signed_with_its_id_and_acknowledged_by_a_2xx(travel, platform, receiver, office):
    record = CreditRecordFactory()
    suspend(record, office)
    delivery = only_delivery()
    event = delivery.event

    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED

    (request,) = receiver.requests
    assert request.path == "/hooks/credit?source=repairflow"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-repairflow-event"] == "record.suspended"
    assert request.headers["x-repairflow-delivery"] == str(event.uuid)
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-repairflow-signature"] == f"sha256={expected}"
    assert json.loads(request.body) == {
        "id": str(event.uuid),
        "type": "record.suspended",
        "also": [],
        "occurred_at": "2026-09-28T10:00:00+08:00",
        "record": event.snapshot,
        "case": None,
    }
    assert json.loads(request.body)["record"]["state"] == "suspended"
    assert (delivery.status, delivery.attempts, delivery.acknowledged_at, delivery.last_error) == (
        DeliveryStatus.ACKNOWLEDGED,
        1,
        timezone.now(),
        "",
    )
    (kept,) = delivery.attempt_log.all()
    assert (kept.number, kept.at, kept.status_code, kept.error, kept.response_excerpt, kept.outcome) == (
        1,
        timezone.now(),
        200,
        "",
        '{"ok":true}',
        AttemptOutcome.ACKNOWLEDGED,
    )
    assert kept.duration_ms >= 0
    assert delivery.history.latest().history_change_reason == history_reason(ATTEMPT_ACKNOWLEDGED) % {
        "number": 1,
        "status": 200,
    }


def test_the_signature_does_not_verify_with_another_secret_or_another_body(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    attempt(only_delivery())

    (request,) = receiver.requests
    assert signature(SECRET, request.body) == request.headers["x-repairflow-signature"]
    assert signature("another-secret-of-some-length", request.body) != request.headers["x-repairflow-signature"]
    assert signature(SECRET, request.body + b" ") != request.headers["x-repairflow-signature"]


def test_a_try_carries_the_standard_webhooks_headers_a_platform_verifies(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    attempt(delivery)

    # a platform using the Standard Webhooks library verifies the try with the secret's UTF-8 bytes
    (request,) = receiver.requests
    assert request.headers["webhook-id"] == str(delivery.event.uuid)
    assert request.headers["webhook-timestamp"] == str(int(timezone.now().timestamp()))
    with time_machine.travel(timezone.now(), tick=False):
        assert Webhook(SECRET.encode()).verify(request.body, request.headers) == json.loads(request.body)


def test_a_replayed_try_is_refused_by_a_platform_five_minutes_on(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    attempt(only_delivery())
    (request,) = receiver.requests

    # the same bytes and headers sent again later (captured on the way) no longer verify
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        with pytest.raises(WebhookVerificationError, match="too old"):
            Webhook(SECRET.encode()).verify(request.body, request.headers)


def test_each_try_has_its_own_timestamp_and_signature_and_the_same_id(clock, platform, receiver, office):
    receiver.script(Answer(500), Answer(200))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()
    attempt(delivery)
    clock.wait(3600)
    attempt(delivery)

    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert int(second.headers["webhook-timestamp"]) - int(first.headers["webhook-timestamp"]) >= 3600
    assert first.headers["webhook-signature"] != second.headers["webhook-signature"]


def test_a_whsec_secret_keys_with_the_bytes_it_stands_for():
    # the example of the Standard Webhooks specification
    headers = standard_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        datetime.fromtimestamp(1614265330, tz=UTC),
        b'{"test": 2432232314}',
    )

    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_a_case_is_named_in_the_body(travel, platform, receiver, approved_repair, office):
    repair_execute(actor=office, number=approved_repair.number)
    delivery = Delivery.objects.get(event__type="record.publication_ended")

    attempt(delivery)

    body = json.loads(receiver.requests[-1].body)
    assert body["case"] == {"kind": "repair", "number": approved_repair.number}
    assert (body["type"], body["record"]["state"]) == ("record.publication_ended", "ended")


def test_any_2xx_acknowledges(travel, platform, receiver, office):
    receiver.script(Answer(204, b""))
    suspend(CreditRecordFactory(), office)

    delivery = only_delivery()
    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED
    assert tries(delivery) == [(1, 204, AttemptOutcome.ACKNOWLEDGED)]


# --- Tried again ----------------------------------------------------------------------------------


def test_a_server_error_is_tried_again_after_a_back_off_with_the_same_delivery_id_and_body(
    clock, platform, receiver, office, queued, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "JITTER", random.Random(6))
    receiver.script(Answer(500, b"platform busy"))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()
    failed_at = clock.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert attempt(delivery) == AttemptOutcome.RETRY

    delay = backoff_seconds(1, base=10.0, cap=60.0, random=random.Random(6).random)
    assert 5.0 <= delay < 10.0
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "HTTP 500: platform busy",
    )
    assert delivery.next_try_at == failed_at + timedelta(seconds=delay)
    assert queued == [(delivery.pk, delay + 1)]  # the task comes back just after the delivery is due
    delivery.refresh_from_db()
    assert delivery.queued_at == failed_at + timedelta(seconds=delay + 1)  # the relay leaves it to that task
    next_at = timezone.localtime(delivery.next_try_at).isoformat(timespec="seconds")
    assert delivery.history.latest().history_change_reason == history_reason(ATTEMPT_RETRY) % {
        "number": 1,
        "error": "HTTP 500",  # the whole of it is in the try and in `last_error`
        "next": next_at,
    }

    # Not before it is due
    clock.wait(delay - 0.5)
    assert attempt(delivery) is None
    assert len(receiver.requests) == 1

    clock.wait(0.5)
    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED

    first, second = receiver.requests
    assert first.headers["x-repairflow-delivery"] == second.headers["x-repairflow-delivery"] == str(delivery.event.uuid)
    assert first.body == second.body
    assert first.headers["x-repairflow-signature"] == second.headers["x-repairflow-signature"]
    assert tries(delivery) == [(1, 500, AttemptOutcome.RETRY), (2, 200, AttemptOutcome.ACKNOWLEDGED)]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.ACKNOWLEDGED, 2)


def test_too_many_requests_is_tried_again(clock, platform, receiver, office):
    receiver.script(Answer(429, b"slow down"))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.RETRY
    clock.wait(10)
    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED
    assert tries(delivery) == [(1, 429, AttemptOutcome.RETRY), (2, 200, AttemptOutcome.ACKNOWLEDGED)]


def test_a_platform_slower_than_the_read_timeout_is_tried_again(settings, clock, platform, receiver, office):
    settings.REPAIRFLOW_SYNC_READ_TIMEOUT_SECONDS = 0.3
    receiver.script(Answer(200, hang=True))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.RETRY

    (kept,) = delivery.attempt_log.all()
    assert (kept.status_code, kept.error, kept.outcome) == (None, "TimeoutError: timed out", AttemptOutcome.RETRY)
    assert "TimeoutError" in delivery.history.latest().history_change_reason
    assert kept.duration_ms >= 250  # ended by the timeout: the receiver never answered
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.PENDING, "TimeoutError: timed out")
    clock.wait(10)
    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED
    assert [r.headers["x-repairflow-delivery"] for r in receiver.requests] == [str(delivery.event.uuid)] * 2


def test_a_refused_connection_is_tried_again(clock, closed_port, office, receiver):
    subscription = subscribe(f"http://127.0.0.1:{closed_port}/hook")
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.RETRY

    (kept,) = delivery.attempt_log.all()
    assert kept.status_code is None
    assert kept.error.startswith("ConnectionRefusedError: ")
    assert delivery.last_error == kept.error
    # the platform is back, at its address
    subscription.url = receiver.url
    subscription.save()
    clock.wait(10)
    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED


def test_the_tries_run_out_and_the_delivery_fails_and_the_office_is_told(clock, platform, receiver, office, auditor):
    other_office = UserFactory(username="office-2", office=True)
    receiver.default = Answer(503, b"maintenance")
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.RETRY
    clock.wait(10)
    assert attempt(delivery) == AttemptOutcome.RETRY
    assert told("sync.delivery_failed") == []
    clock.wait(20)
    assert attempt(delivery) == AttemptOutcome.FAILED  # the third of 3 tries

    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        3,
        "HTTP 503: maintenance",
    )
    assert tries(delivery) == [
        (1, 503, AttemptOutcome.RETRY),
        (2, 503, AttemptOutcome.RETRY),
        (3, 503, AttemptOutcome.FAILED),
    ]
    assert delivery.history.latest().history_change_reason == history_reason(ATTEMPT_FAILED) % {
        "number": 3,
        "error": "HTTP 503",
    }
    assert told("sync.delivery_failed") == sorted([office.username, other_office.username])
    clock.wait(3600)
    assert attempt(delivery) is None
    assert len(receiver.requests) == 3


def test_a_refusal_fails_at_once_without_another_try_and_the_office_is_told(
    travel, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    receiver.script(Answer(400, b'{"error":"unknown department"}'))
    record = CreditRecordFactory()
    suspend(record, office)
    delivery = only_delivery()

    with django_capture_on_commit_callbacks(execute=True):
        assert attempt(delivery) == AttemptOutcome.FAILED

    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        1,
        'HTTP 400: {"error":"unknown department"}',
    )
    assert queued == []
    assert told("sync.delivery_failed") == [office.username]
    notification = Notification.objects.get(kind="sync.delivery_failed")
    params = {
        "subscription": "省信用平台",
        "type": "record.suspended",
        "record": str(record),
        "error": 'HTTP 400: {"error":"unknown department"}',
    }
    assert notification.params == params
    assert notification.link == f"/api/v1/subscriptions/{platform.pk}/deliveries/?status=failed"
    with translation.override("zh-hans"):
        assert notification.rendered() == (
            str(DELIVERY_FAILED_TITLE) % params,
            str(DELIVERY_FAILED_BODY) % {**params, "type": str(EventType.RECORD_SUSPENDED.label)},
        )


@pytest.mark.parametrize("status", [301, 401, 403, 404, 410, 422])
def test_any_other_answer_fails_at_once(travel, platform, receiver, office, status):
    receiver.script(Answer(status, b"no"))
    suspend(CreditRecordFactory(), office)

    delivery = only_delivery()
    assert attempt(delivery) == AttemptOutcome.FAILED
    assert tries(delivery) == [(1, status, AttemptOutcome.FAILED)]


def test_the_answer_kept_is_an_excerpt(travel, platform, receiver, office):
    receiver.script(Answer(500, "错".encode() * 2000))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    attempt(delivery)

    excerpt = delivery.attempt_log.get().response_excerpt
    assert len(excerpt.encode()) <= 1024 + 3  # 1 KiB read; a character cut in two is replaced
    assert excerpt.startswith("错" * 300)
    assert len(delivery.last_error) <= 500


# --- The back-off ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt_number", "low", "high"),
    [(1, 5, 10), (2, 10, 20), (3, 20, 40), (4, 30, 60), (5, 30, 60), (40, 30, 60), (1000, 30, 60)],
)
def test_the_back_off_doubles_up_to_its_cap_with_jitter_within_bounds(attempt_number, low, high):
    def at(draw: float) -> float:
        return backoff_seconds(attempt_number, base=10.0, cap=60.0, random=lambda: draw)

    assert at(0.0) == low
    assert at(0.5) == (low + high) / 2
    assert high - 1e-6 < at(0.999999999) < high
    draws = random.Random(2026)
    assert all(low <= backoff_seconds(attempt_number, base=10, cap=60, random=draws.random) < high for _ in range(500))


def test_deliveries_that_failed_together_do_not_come_back_together(clock, receiver, office):
    receiver.default = Answer(500)
    subscriptions = [subscribe(receiver.url, name=f"平台{n}") for n in range(5)]
    suspend(CreditRecordFactory(), office)

    due = set()
    for delivery in Delivery.objects.filter(subscription__in=subscriptions):
        attempt(delivery)
        due.add(delivery.next_try_at)

    assert len(due) == 5
    assert all(clock.now() + timedelta(seconds=5) <= at < clock.now() + timedelta(seconds=10) for at in due)


# --- In order, one at a time ----------------------------------------------------------------------


def test_a_records_second_change_waits_until_the_first_is_acknowledged_even_while_it_is_retried(
    clock, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    first, second = Delivery.objects.order_by("event_id")
    receiver.script(Answer(500))

    # the second is not sent before the first
    assert attempt(second) is None
    assert receiver.requests == []
    assert attempt(first) == AttemptOutcome.RETRY
    # nor while the first is waiting for its next try
    assert attempt(second) is None
    clock.wait(10)
    assert attempt(second) is None
    assert len(receiver.requests) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert attempt(first) == AttemptOutcome.ACKNOWLEDGED
    assert queued == [(second.pk, None)]  # its acknowledgement hands the next one to the workers

    assert attempt(second) == AttemptOutcome.ACKNOWLEDGED
    assert [json.loads(request.body)["type"] for request in receiver.requests] == [
        "record.suspended",
        "record.suspended",
        "record.resumed",
    ]
    assert [json.loads(request.body)["record"]["version"] for request in receiver.requests] == [2, 2, 3]


def test_a_failed_delivery_holds_the_records_later_ones_until_it_is_requeued(
    travel, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    first, second = Delivery.objects.order_by("event_id")
    receiver.script(Answer(422, b"bad payload"))
    assert attempt(first) == AttemptOutcome.FAILED

    assert attempt(second) is None
    assert (second.status, second.attempts) == (DeliveryStatus.PENDING, 0)

    with django_capture_on_commit_callbacks(execute=True):
        delivery_requeue(actor=office, delivery_id=first.pk, reason="平台已修复")
    assert queued == [(first.pk, None)]
    assert attempt(first) == AttemptOutcome.ACKNOWLEDGED
    assert attempt(second) == AttemptOutcome.ACKNOWLEDGED
    assert [json.loads(request.body)["type"] for request in receiver.requests] == [
        "record.suspended",
        "record.suspended",
        "record.resumed",
    ]


def test_other_records_and_other_platforms_do_not_wait(travel, receiver, office):
    stuck = subscribe(receiver.url, name="卡住的平台")
    other = subscribe(receiver.url, name="另一个平台")
    record, another_record = CreditRecordFactory(), CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    suspend(another_record, office)
    receiver.script(Answer(500))
    assert attempt(Delivery.objects.get(subscription=stuck, event__type="record.suspended", record=record)) == (
        AttemptOutcome.RETRY
    )

    # another record to the same platform, and the same record to another platform, go on
    assert attempt(Delivery.objects.get(subscription=stuck, record=another_record)) == AttemptOutcome.ACKNOWLEDGED
    for delivery in Delivery.objects.filter(subscription=other, record=record).order_by("event_id"):
        assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED
    assert attempt(Delivery.objects.get(subscription=stuck, event__type="record.resumed")) is None


def test_a_delivery_held_by_one_worker_is_not_sent_by_another(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    claim = services._claim(delivery.pk)  # a worker has taken it and is sending it

    assert claim is not None
    assert attempt(delivery) is None  # a second worker leaves it alone
    assert receiver.requests == []
    assert delivery.next_try_at == claim.lease_until == timezone.now() + timedelta(seconds=5.0 + 5.0 + 30)
    assert delivery.history.count() == 1  # a lease is not a change


def test_an_answer_that_comes_after_the_lease_was_taken_over_only_keeps_its_try(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()
    slow = services._claim(delivery.pk)
    delivery.next_try_at = timezone.now()  # its lease ran out, and another worker took it
    delivery.save()
    fast = services._claim(delivery.pk)

    assert services._record_answer(slow, ClientAnswer(500, "late", "", 40000)) == AttemptOutcome.RETRY
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_try_at) == (DeliveryStatus.PENDING, fast.lease_until)
    assert services._record_answer(fast, ClientAnswer(200, "", "", 10)) == AttemptOutcome.ACKNOWLEDGED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.ACKNOWLEDGED, 2)


# --- Paused and retired ---------------------------------------------------------------------------


def test_a_paused_platforms_deliveries_wait_and_go_when_it_is_resumed(
    clock, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()
    subscription_pause(actor=office, subscription_id=platform.pk, reason="平台升级维护")
    suspend(record, office)
    resume(record, office)
    first, second = Delivery.objects.order_by("event_id")

    clock.wait(3 * 86400)
    assert attempt(first) is None
    assert receiver.requests == []
    assert {(d.status, d.attempts) for d in (first, second)} == {(DeliveryStatus.PENDING, 0)}

    with django_capture_on_commit_callbacks(execute=True):
        subscription_resume(actor=office, subscription_id=platform.pk)
    assert queued == [(first.pk, None)]  # what waited, first in line per record
    assert attempt(first) == AttemptOutcome.ACKNOWLEDGED
    assert attempt(second) == AttemptOutcome.ACKNOWLEDGED


def test_a_retired_platform_is_sent_nothing(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()
    platform.active = False
    platform.save()

    assert attempt(delivery) is None
    assert receiver.requests == []
    suspend(CreditRecordFactory(), office)
    assert Delivery.objects.count() == 1
    assert RecordEvent.objects.count() == 2


def test_a_delivery_queued_twice_is_sent_once(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.ACKNOWLEDGED
    assert attempt(delivery) is None  # the same task again (a redelivered message, the relay)

    assert len(receiver.requests) == 1
    assert tries(delivery) == [(1, 200, AttemptOutcome.ACKNOWLEDGED)]


def test_a_delivery_that_was_tried_is_never_deleted(travel, platform, receiver, office):
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()
    attempt(delivery)

    with pytest.raises(ProtectedError) as refused:
        delivery.delete()

    assert list(refused.value.protected_objects) == list(delivery.attempt_log.all())  # its tries hold it

    assert Delivery.objects.filter(pk=delivery.pk).exists()
    assert tries(delivery) == [(1, 200, AttemptOutcome.ACKNOWLEDGED)]


def test_the_signature_is_hmac_sha256_of_the_body():
    # the textbook example of HMAC-SHA256
    assert signature("key", b"The quick brown fox jumps over the lazy dog") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_an_https_address_that_does_not_speak_tls_is_tried_again(travel, receiver, office):
    subscribe(receiver.url.replace("http://", "https://"))
    suspend(CreditRecordFactory(), office)
    delivery = only_delivery()

    assert attempt(delivery) == AttemptOutcome.RETRY
    assert delivery.attempt_log.get().error.startswith(("SSLError: ", "ConnectionResetError: "))
