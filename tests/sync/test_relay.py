"""The relay (repairflow/sync/README.md "The relay"): nothing is handed to
the workers when a record changes; beat runs the relay, which hands them every delivery that may
be sent now (pending, due, to an active platform not paused, first in line for its record) and is
not with them already: never handed (`queued_at` empty: a new event's, or one whose retry was
never queued), or handed a whole resend interval (`REPAIRFLOW_SYNC_SWEEP_SECONDS`) ago and still
pending (its task was lost: a lost broker message, a worker killed while sending). A delivery whose
own task is merely late (a retry's countdown, the next in line queued by an acknowledgement, a
resumed platform's) is left to it, and what is not for now (not due, waiting for an earlier
delivery, paused, retired, done) is left alone. The tasks are thin wrappers around the services."""

import random
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from repairflow.records.models import Delivery, DeliveryStatus
from repairflow.records.services import record_act
from repairflow.sync import services, tasks
from repairflow.sync.services import backoff_seconds, deliveries_relay, subscription_pause, subscription_resume
from tests.factories import CreditRecordFactory
from tests.sync.conftest import Answer, subscribe

pytestmark = pytest.mark.django_db


def suspend(record, actor):
    record_act(actor=actor, record_id=record.pk, action="suspend", reason="核查中")


def resume(record, actor):
    record_act(actor=actor, record_id=record.pk, action="resume", reason="核查完毕")


def queued_at(delivery: Delivery) -> datetime | None:
    return Delivery.objects.values_list("queued_at", flat=True).get(pk=delivery.pk)


class Relay:
    """`at(moment)` / `after(seconds)` (from `start`, FILED_ON 10:00): the clock moved there, and
    the relay run once, as beat would; what it handed."""

    def __init__(self) -> None:
        self.start = timezone.now()
        self.travellers: list = []

    def at(self, moment: datetime) -> list[int]:
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        self.travellers.append(traveller)
        return deliveries_relay()

    def after(self, seconds: float) -> list[int]:
        return self.at(self.start + timedelta(seconds=seconds))

    def stop(self) -> None:
        for traveller in reversed(self.travellers):
            traveller.stop()


@pytest.fixture
def relay(travel):
    running = Relay()
    yield running
    running.stop()


# --- New deliveries ------------------------------------------------------------------------------


def test_a_new_delivery_is_handed_by_the_relay_not_at_the_commit(
    relay, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert (queued, queued_at(delivery)) == ([], None)

    assert relay.after(0) == [delivery.pk]
    assert queued == [(delivery.pk, None)]
    assert queued_at(delivery) == relay.start
    assert delivery.history.count() == 1  # handing it is not a change of it

    # with the workers now: not handed again while its task may still come
    assert relay.after(1) == []
    assert relay.after(59) == []
    assert tasks.deliver(delivery.pk) == "acknowledged"
    delivery.refresh_from_db()
    assert (delivery.status, len(receiver.requests)) == (DeliveryStatus.ACKNOWLEDGED, 1)
    assert relay.after(3600) == []
    assert queued == [(delivery.pk, None)]


def test_the_relay_task_hands_and_counts(platform, office, queued):
    suspend(CreditRecordFactory(), office)
    suspend(CreditRecordFactory(), office)

    # run by beat
    assert tasks.relay_deliveries() == 2
    assert sorted(queued) == sorted((pk, None) for pk in Delivery.objects.values_list("pk", flat=True))
    assert tasks.relay_deliveries() == 0
    assert len(queued) == 2


def test_the_relay_hands_at_most_a_batch_a_run_the_earliest_first(monkeypatch, relay, platform, office, queued):
    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    for _ in range(3):
        suspend(CreditRecordFactory(), office)
    first, second, third = Delivery.objects.order_by("pk").values_list("pk", flat=True)

    assert relay.after(0) == [first, second]
    assert relay.after(1) == [third]  # the next run takes the rest
    assert relay.after(2) == []
    assert queued == [(first, None), (second, None), (third, None)]


def test_the_relay_runs_on_beat_every_second():
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    assert schedule["relay-deliveries"] == {"task": "repairflow.sync.tasks.relay_deliveries", "schedule": 1.0}
    assert django_settings.REPAIRFLOW_SYNC_RELAY_SECONDS == 1.0
    # the relay is the only push-back work beat runs (it replaced the resend sweep)
    assert [name for name, entry in schedule.items() if entry["task"].startswith("repairflow.sync.")] == [
        "relay-deliveries"
    ]
    assert tasks.relay_deliveries.name == "repairflow.sync.tasks.relay_deliveries"
    assert tasks.deliver.name == "repairflow.sync.tasks.deliver"


# --- Lost tasks ----------------------------------------------------------------------------------


def test_a_handed_delivery_whose_task_was_lost_is_handed_again_a_resend_interval_later(
    relay, platform, receiver, office, queued
):
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert relay.after(0) == [delivery.pk]  # and the broker loses its task

    assert relay.after(59) == []
    assert relay.after(60) == [delivery.pk]
    assert queued_at(delivery) == relay.start + timedelta(seconds=60)
    assert relay.after(119) == []  # handed again: the interval runs from then
    assert relay.after(120) == [delivery.pk]
    assert queued == [(delivery.pk, None)] * 3

    assert tasks.deliver(delivery.pk) == "acknowledged"  # a task handed more than once sends it once
    assert tasks.deliver(delivery.pk) == "skipped"
    assert len(receiver.requests) == 1
    assert relay.after(3600) == []


@pytest.mark.parametrize("sweep", [60.0, 10.0], ids=["lease-shorter-than-the-interval", "lease-longer"])
def test_a_delivery_whose_worker_was_killed_while_sending_is_handed_again_once_its_lease_has_run_out(
    settings, relay, platform, receiver, office, queued, sweep
):
    settings.REPAIRFLOW_SYNC_SWEEP_SECONDS = sweep
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert relay.after(0) == [delivery.pk]
    claim = services._claim(delivery.pk)  # a worker takes it, and dies before it can answer
    assert claim.lease_until == relay.start + timedelta(seconds=5.0 + 5.0 + 30)

    # handed again once both its lease has run out and a resend interval has passed since it was handed
    again = max(claim.lease_until, relay.start + timedelta(seconds=sweep))
    assert relay.at(again - timedelta(seconds=1)) == []
    assert relay.at(again) == [delivery.pk]
    assert tasks.deliver(delivery.pk) == "acknowledged"
    assert [r.headers["x-repairflow-delivery"] for r in receiver.requests] == [str(delivery.event.uuid)]


def test_a_retry_whose_task_is_late_is_left_to_it_and_one_whose_task_was_lost_is_handed_again(
    monkeypatch, relay, platform, receiver, office, queued, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "JITTER", random.Random(6))
    receiver.script(Answer(500))
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert relay.after(0) == [delivery.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver(delivery.pk) == "retry"

    delay = backoff_seconds(1, base=10.0, cap=60.0, random=random.Random(6).random)
    delivery.refresh_from_db()
    assert delivery.next_try_at == relay.start + timedelta(seconds=delay)
    # its task is queued with a countdown: it comes just after the delivery is due
    assert queued == [(delivery.pk, None), (delivery.pk, delay + 1)]
    assert delivery.queued_at == relay.start + timedelta(seconds=delay + 1)

    assert relay.at(delivery.next_try_at) == []  # due, and its task is on its way
    assert relay.at(delivery.queued_at + timedelta(seconds=59)) == []  # late, but left to it
    assert relay.at(delivery.queued_at + timedelta(seconds=60)) == [delivery.pk]  # lost
    assert tasks.deliver(delivery.pk) == "acknowledged"


def test_a_broker_that_cannot_be_reached_loses_nothing(monkeypatch, relay, platform, office):
    handed = []
    broker = {"down": True}

    def apply_async(args, countdown=None, **options):
        if broker["down"]:
            raise ConnectionError("broker down")
        handed.append(args[0])

    monkeypatch.setattr(tasks.deliver, "apply_async", apply_async)
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()

    assert relay.after(0) == [delivery.pk]  # nothing raised
    assert (Delivery.objects.get().status, handed) == (DeliveryStatus.PENDING, [])

    broker["down"] = False
    assert relay.after(59) == []
    assert relay.after(60) == [delivery.pk]  # still pending: handed again
    assert handed == [delivery.pk]


# --- Handed by others -----------------------------------------------------------------------------


def test_a_records_next_delivery_is_handed_by_the_acknowledgement_not_again_by_the_relay(
    relay, platform, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    first, second = Delivery.objects.order_by("event_id")

    assert relay.after(0) == [first.pk]  # the second waits for the first
    assert relay.after(1) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver(first.pk) == "acknowledged"
    assert queued == [(first.pk, None), (second.pk, None)]
    assert queued_at(second) == relay.start + timedelta(seconds=1)

    assert relay.after(2) == []
    assert tasks.deliver(second.pk) == "acknowledged"


def test_what_a_resumed_platform_owed_is_handed_by_the_resumption_not_again_by_the_relay(
    relay, platform, office, queued, django_capture_on_commit_callbacks
):
    subscription_pause(actor=office, subscription_id=platform.pk)
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert relay.after(0) == []  # it waits

    with django_capture_on_commit_callbacks(execute=True):
        subscription_resume(actor=office, subscription_id=platform.pk)

    assert queued == [(delivery.pk, None)]
    assert relay.after(1) == []
    assert relay.after(60) == [delivery.pk]  # unless its task was lost


# --- Not for now ----------------------------------------------------------------------------------


def test_the_relay_leaves_alone_what_is_not_for_now(relay, receiver, office, queued):
    paused = subscribe(receiver.url, name="暂停中")
    failing = subscribe(receiver.url, name="失败")
    done = subscribe(receiver.url, name="已确认")
    waiting = subscribe(receiver.url, name="排队")
    retired = subscribe(receiver.url, name="已停用")
    retrying = subscribe(receiver.url, name="重试中")
    record = CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    subscription_pause(actor=office, subscription_id=paused.pk)
    receiver.script(Answer(400))
    assert tasks.deliver(Delivery.objects.get(subscription=failing, event__type="record.suspended").pk) == "failed"
    for delivery in Delivery.objects.filter(subscription=done).order_by("event_id"):
        assert tasks.deliver(delivery.pk) == "acknowledged"
    receiver.script(Answer(500))
    retry = Delivery.objects.get(subscription=retrying, event__type="record.suspended")
    assert tasks.deliver(retry.pk) == "retry"  # and its task is never queued (a crash after the commit)
    retired.active = False
    retired.save()

    first_in_line = Delivery.objects.get(subscription=waiting, event__type="record.suspended")
    assert relay.after(0) == [first_in_line.pk]
    assert queued == [(first_in_line.pk, None)]
    assert set(Delivery.objects.exclude(pk=first_in_line.pk).values_list("queued_at", flat=True)) == {None}
    assert set(Delivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.PENDING,
        DeliveryStatus.FAILED,
        DeliveryStatus.ACKNOWLEDGED,
    }

    # the retry, never handed, is handed once it is due
    retry.refresh_from_db()
    assert relay.at(retry.next_try_at - timedelta(seconds=1)) == []
    assert relay.at(retry.next_try_at) == [retry.pk]


def test_a_skipped_delivery_says_so(travel, platform, office):
    suspend(CreditRecordFactory(), office)
    subscription_pause(actor=office, subscription_id=platform.pk)

    assert tasks.deliver(Delivery.objects.get().pk) == "skipped"
    assert tasks.deliver(10**9) == "skipped"  # gone, or never there
