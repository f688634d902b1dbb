"""The resend sweep (issue 6 "Outbound" 4): whatever is still pending a whole sweep interval
past its time is handed to the workers again, so that a crash between commit and queueing, a
lost broker message or a worker killed while sending loses nothing; what is not for now (not
due, waiting for an earlier delivery, paused, retired, done) is left alone. The tasks are thin
wrappers around the services."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from repairflow.records.services import record_act
from repairflow.sync import services, tasks
from repairflow.sync.models import Delivery, DeliveryStatus
from repairflow.sync.services import deliveries_resend_due, subscription_pause
from tests.factories import CreditRecordFactory
from tests.sync.conftest import Answer, subscribe

pytestmark = pytest.mark.django_db


def suspend(record, actor):
    record_act(actor=actor, record_id=record.pk, action="suspend", reason="核查中")


def resume(record, actor):
    record_act(actor=actor, record_id=record.pk, action="resume", reason="核查完毕")


@pytest.fixture
def later(travel):
    """`later(seconds)`: sweep that long after FILED_ON 10:00, the clock moved there."""
    start = timezone.now()
    travellers = []

    def sweep(seconds: float) -> list[int]:
        traveller = time_machine.travel(start + timedelta(seconds=seconds), tick=False)
        traveller.start()
        travellers.append(traveller)
        return deliveries_resend_due()

    yield sweep
    for traveller in reversed(travellers):
        traveller.stop()


def test_a_delivery_whose_task_was_never_sent_is_sent_by_the_sweep(later, platform, receiver, office, queued):
    # The change commits, but its task never reaches the broker (no on-commit callback runs here).
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert queued == []

    # Left to its own task for one sweep interval
    assert later(59) == []
    assert later(60) == [delivery.pk]
    assert queued == [(delivery.pk, None)]

    assert tasks.deliver(delivery.pk) == "acknowledged"
    delivery.refresh_from_db()
    assert (delivery.status, len(receiver.requests)) == (DeliveryStatus.ACKNOWLEDGED, 1)
    assert later(3600) == []


def test_a_delivery_whose_worker_was_killed_while_sending_is_sent_again_after_its_lease(
    later, platform, receiver, office, queued
):
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    claim = services._claim(delivery.pk)  # a worker takes it, and dies before it can answer
    lease = (claim.lease_until - timezone.now()).total_seconds()

    assert later(lease + 59) == []
    assert later(lease + 60) == [delivery.pk]
    assert tasks.deliver(delivery.pk) == "acknowledged"
    assert [r.headers["x-repairflow-delivery"] for r in receiver.requests] == [str(delivery.event.uuid)]


def test_a_retry_whose_task_was_lost_is_sent_by_the_sweep(later, platform, receiver, office, queued):
    receiver.script(Answer(500))
    suspend(CreditRecordFactory(), office)
    delivery = Delivery.objects.get()
    assert tasks.deliver(delivery.pk) == "retry"
    delivery.refresh_from_db()
    due_in = (delivery.next_try_at - timezone.now()).total_seconds()

    assert later(due_in + 59) == []  # its own task (queued with a countdown) would have come by now
    assert later(due_in + 60) == [delivery.pk]
    assert tasks.deliver(delivery.pk) == "acknowledged"


def test_the_sweep_leaves_alone_what_is_not_for_now(later, receiver, office, queued):
    paused = subscribe(receiver.url, name="暂停中")
    failing = subscribe(receiver.url, name="失败")
    done = subscribe(receiver.url, name="已确认")
    waiting = subscribe(receiver.url, name="排队")
    retired = subscribe(receiver.url, name="已停用")
    record = CreditRecordFactory()
    suspend(record, office)
    resume(record, office)
    subscription_pause(actor=office, subscription_id=paused.pk)
    receiver.script(Answer(400))
    assert tasks.deliver(Delivery.objects.get(subscription=failing, event__type="record.suspended").pk) == "failed"
    for delivery in Delivery.objects.filter(subscription=done).order_by("event_id"):
        assert tasks.deliver(delivery.pk) == "acknowledged"
    retired.active = False
    retired.save()

    swept = later(600)

    first_in_line = Delivery.objects.get(subscription=waiting, event__type="record.suspended")
    assert swept == [first_in_line.pk]
    assert set(Delivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.PENDING,
        DeliveryStatus.FAILED,
        DeliveryStatus.ACKNOWLEDGED,
    }


def test_the_sweep_task_queues_and_counts(later, platform, office, queued):
    suspend(CreditRecordFactory(), office)
    suspend(CreditRecordFactory(), office)
    later(60)
    queued.clear()

    # run by beat, the task queues the same again: a delivery queued twice is sent once (see the claim)
    assert tasks.resend_due_deliveries() == 2
    assert sorted(pk for pk, _countdown in queued) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_a_skipped_delivery_says_so(travel, platform, office):
    suspend(CreditRecordFactory(), office)
    subscription_pause(actor=office, subscription_id=platform.pk)

    assert tasks.deliver(Delivery.objects.get().pk) == "skipped"
    assert tasks.deliver(10**9) == "skipped"  # gone, or never there


def test_the_sweep_runs_on_beat_every_interval():
    entry = django_settings.CELERY_BEAT_SCHEDULE["resend-deliveries"]

    assert entry == {"task": "repairflow.sync.tasks.resend_due_deliveries", "schedule": 60.0}
    assert tasks.resend_due_deliveries.name == entry["task"]
    assert tasks.deliver.name == "repairflow.sync.tasks.deliver"


def test_a_broker_that_cannot_be_reached_loses_nothing(monkeypatch, later, platform, office):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver, "apply_async", unreachable)
    suspend(CreditRecordFactory(), office)

    assert later(60) == [Delivery.objects.get().pk]  # nothing raised; still pending for the next sweep
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
