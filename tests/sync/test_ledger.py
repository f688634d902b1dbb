"""The propagation ledger: where each event stands with each platform,
the counts per subscription, whether a case has reached every platform that must acknowledge
it, and the case published by the acknowledgement that completes it (not before)."""

import pytest

from repairflow.objections import services as objections
from repairflow.objections.models import Objection, ObjectionState
from repairflow.records.models import Delivery, RecordEvent
from repairflow.records.services import record_act
from repairflow.repair import services as repairs
from repairflow.repair.models import RepairApplication, RepairState
from repairflow.sync import services, tasks
from repairflow.sync.selectors import (
    LedgerEntry,
    case_ledger,
    case_propagated,
    case_reference,
    event_ledger,
    subscription_counts,
    subscriptions_with_counts,
)
from repairflow.sync.services import subscription_pause, subscription_save
from tests.factories import CreditRecordFactory
from tests.helpers import FILED_ON
from tests.sync.conftest import Answer, subscribe

pytestmark = pytest.mark.django_db


def deliver(delivery: Delivery) -> str:
    return tasks.deliver(delivery.pk)


def deliver_everything_of(subscription) -> None:
    """Send every pending delivery of the subscription, in order, until nothing more goes."""
    while True:
        sent = [deliver(d) for d in Delivery.objects.filter(subscription=subscription, status="pending")]
        if all(outcome == "skipped" for outcome in sent):
            return


def test_the_ledger_says_where_each_event_stands_with_each_platform(travel, receiver, office):
    quick = subscribe(receiver.url, name="A平台")
    slow = subscribe(receiver.url, name="B平台")
    refusing = subscribe(receiver.url, name="C平台")
    record = CreditRecordFactory()
    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    event = RecordEvent.objects.get()
    assert [(entry.subscription, entry.state) for entry in event_ledger(event)] == [
        ("A平台", "pending"),
        ("B平台", "pending"),
        ("C平台", "pending"),
    ]

    deliver(Delivery.objects.get(subscription=quick))
    receiver.script(Answer(500))
    deliver(Delivery.objects.get(subscription=slow))
    receiver.script(Answer(400))
    deliver(Delivery.objects.get(subscription=refusing))

    assert event_ledger(event) == [
        LedgerEntry(
            str(event.uuid), "record.suspended", event.occurred_at, "A平台", "acknowledged", 1, event.occurred_at
        ),
        LedgerEntry(str(event.uuid), "record.suspended", event.occurred_at, "B平台", "sent", 1, None),
        LedgerEntry(str(event.uuid), "record.suspended", event.occurred_at, "C平台", "failed", 1, None),
    ]
    counts = {s.name: (s.pending, s.acknowledged, s.failed) for s in subscriptions_with_counts()}
    assert counts == {"A平台": (0, 1, 0), "B平台": (1, 0, 0), "C平台": (0, 0, 1)}
    assert subscription_counts(slow) == {"pending": 1, "acknowledged": 0, "failed": 0}


def test_the_counts_add_up_over_many_events(travel, platform, receiver, office):
    records = [CreditRecordFactory() for _ in range(4)]
    for record in records:
        record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    receiver.script(Answer(200), Answer(200), Answer(404))
    for delivery in Delivery.objects.order_by("id")[:3]:
        deliver(delivery)

    assert subscription_counts(platform) == {"pending": 1, "acknowledged": 2, "failed": 1}


# --- Whether a case has reached every platform ----------------------------------------------------


@pytest.fixture
def confirmed(replied_objection, office):
    """The objection, confirmed: its correction of the record is written, and the case waits."""

    def confirm() -> Objection:
        objections.objection_confirm(actor=office, number=replied_objection.number)
        return Objection.objects.get(number=replied_objection.number)

    return confirm


def test_a_case_with_no_platform_to_tell_is_propagated_and_published_at_once(confirmed):
    objection = confirmed()

    assert case_propagated(objection)
    assert objection.state == ObjectionState.PUBLISHED
    # the correction and the mark cleared by the publication: one change of the record, one event
    assert list(
        RecordEvent.objects.filter(case_number=objection.number).order_by("id").values_list("type", flat=True)
    ) == ["record.objection_marked", "record.corrected"]


@pytest.mark.parametrize(
    "fields",
    [
        {"required": False},
        {"events": ["record.suspended", "record.objection_cleared"]},  # the correction is not for it
        {"events": ["record.suspended"]},
        {"active": False},
    ],
    ids=["not-required", "only-the-clearing", "filtered-out", "retired"],
)
def test_a_case_no_required_platform_must_acknowledge_is_published_at_once(receiver, confirmed, fields):
    subscription = subscribe(receiver.url, **fields)

    objection = confirmed()

    assert objection.state == ObjectionState.PUBLISHED
    # one event for the correction and the mark cleared with the publication: sent to a platform
    # that wants either, though only the correction could hold the case back
    event = RecordEvent.objects.get(case_number=objection.number, type="record.corrected")
    assert event.also == ["record.objection_cleared"]
    wanted = subscription.active and subscription.events != ["record.suspended"]
    expected = [(subscription.pk, "pending")] if wanted else []
    assert list(Delivery.objects.filter(event=event).values_list("subscription", "status")) == expected
    assert case_propagated(objection) == (not wanted or not subscription.required)


def test_a_case_a_paused_required_platform_must_acknowledge_waits(receiver, confirmed):
    subscribe(receiver.url, paused=True)

    objection = confirmed()

    assert objection.state == ObjectionState.CORRECTED
    assert not case_propagated(objection)
    assert [(entry.type, entry.state) for entry in case_ledger(objection)] == [("record.corrected", "pending")]


def test_a_corrected_objection_is_published_by_the_acknowledgement_that_completes_it(
    travel, receiver, replied_objection, office
):
    first = subscribe(receiver.url, name="省平台")
    second = subscribe(receiver.url, name="国家平台")
    objections.objection_confirm(actor=office, number=replied_objection.number)
    objection = Objection.objects.get(number=replied_objection.number)
    assert objection.state == ObjectionState.CORRECTED
    assert not case_propagated(objection)
    assert [(entry.type, entry.subscription, entry.state) for entry in case_ledger(objection)] == [
        ("record.corrected", "国家平台", "pending"),
        ("record.corrected", "省平台", "pending"),
    ]

    deliver_everything_of(first)
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CORRECTED  # the national platform has not acknowledged yet
    assert not case_propagated(objection)

    receiver.script(Answer(500))
    deliver_everything_of(second)  # a failed try acknowledges nothing
    objection.refresh_from_db()
    assert objection.state == ObjectionState.CORRECTED

    travel(FILED_ON, hour=11)  # its next try is due
    assert deliver(Delivery.objects.get(subscription=second)) == "acknowledged"

    objection.refresh_from_db()
    assert objection.state == ObjectionState.PUBLISHED
    # its ending cleared the mark: one more event of the case, after its publication
    assert list(
        RecordEvent.objects.filter(case_number=objection.number).order_by("id").values_list("type", flat=True)
    ) == ["record.objection_marked", "record.corrected", "record.objection_cleared"]
    assert [(entry.type, entry.subscription, entry.state) for entry in case_ledger(objection)] == [
        ("record.corrected", "国家平台", "acknowledged"),
        ("record.corrected", "省平台", "acknowledged"),
        ("record.objection_cleared", "国家平台", "pending"),
        ("record.objection_cleared", "省平台", "pending"),
    ]


def test_the_mark_is_an_event_the_case_waits_for_too(receiver, record, company_user, office, officer_scj):
    platform = subscribe(receiver.url)
    objection = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="标题有误。"
    )
    number = objection.number
    objections.objection_accept(actor=office, number=number)
    objections.objection_forward(actor=office, number=number)
    objections.objection_reply(actor=officer_scj, number=number, outcome="maintain", explanation="经核实，记录无误。")
    objections.objection_confirm(actor=office, number=number)  # a maintained record changes nothing

    objection = Objection.objects.get(number=number)
    assert objection.state == ObjectionState.CORRECTED
    assert [(entry.type, entry.state) for entry in case_ledger(objection)] == [("record.objection_marked", "pending")]

    deliver_everything_of(platform)

    objection.refresh_from_db()
    assert objection.state == ObjectionState.PUBLISHED


def test_an_executed_repair_is_published_once_acknowledged(receiver, approved_repair, office):
    platform = subscribe(receiver.url)
    repairs.repair_execute(actor=office, number=approved_repair.number)
    application = RepairApplication.objects.get(number=approved_repair.number)
    assert application.state == RepairState.REPAIRED
    assert case_reference(application) == ("repair", application.number)
    assert not case_propagated(application)
    assert not case_propagated(("repair", application.number))

    deliver_everything_of(platform)

    application.refresh_from_db()
    assert application.state == RepairState.PUBLISHED
    assert case_propagated(application)


def test_who_holds_a_case(receiver, replied_objection, office, travel):
    required = subscribe(receiver.url, name="必须确认")
    optional = subscribe(receiver.url, name="无须确认", required=False)
    paused = subscribe(receiver.url, name="暂停中")
    retired = subscribe(receiver.url, name="已停用")
    filtered = subscribe(receiver.url, name="仅暂停", events=["record.suspended"])
    objections.objection_confirm(actor=office, number=replied_objection.number)
    objection = Objection.objects.get(number=replied_objection.number)
    subscription_pause(actor=office, subscription_id=paused.pk)
    retired.active = False
    subscription_save(actor=office, subscription=retired)
    later = subscribe(receiver.url, name="事后订阅")

    deliver_everything_of(required)

    objection.refresh_from_db()
    assert objection.state == ObjectionState.CORRECTED  # the paused platform still holds it
    assert not case_propagated(objection)
    assert Delivery.objects.filter(subscription__in=[filtered, later]).count() == 0
    assert Delivery.objects.get(subscription=optional).status == "pending"

    # the office no longer requires the paused platform's acknowledgement
    paused.required = False
    subscription_save(actor=office, subscription=paused)

    objection.refresh_from_db()
    assert objection.state == ObjectionState.PUBLISHED


def test_retiring_the_last_platform_a_case_waits_for_publishes_it(receiver, replied_objection, office):
    platform = subscribe(receiver.url)
    objections.objection_confirm(actor=office, number=replied_objection.number)

    platform.active = False
    subscription_save(actor=office, subscription=platform)

    assert Objection.objects.get(number=replied_objection.number).state == ObjectionState.PUBLISHED


def test_an_acknowledgement_whose_case_cannot_be_published_is_kept(monkeypatch, receiver, replied_objection, office):
    platform = subscribe(receiver.url)
    objections.objection_confirm(actor=office, number=replied_objection.number)
    publish = services.case_publish_when_ready

    def broken(case):
        publish(case)  # the publication is written, then something fails before the savepoint ends
        raise RuntimeError("publishing failed")

    monkeypatch.setattr(services, "case_publish_when_ready", broken)
    deliver_everything_of(platform)

    assert Delivery.objects.get(subscription=platform).status == "acknowledged"
    objection = Objection.objects.get(number=replied_objection.number)
    assert objection.state == ObjectionState.CORRECTED
    # the publication is undone whole: the mark stays, no event of its clearing
    assert objection.record.under_objection
    assert list(
        RecordEvent.objects.filter(case_number=objection.number).order_by("id").values_list("type", flat=True)
    ) == ["record.objection_marked", "record.corrected"]


def test_a_case_is_named_by_its_kind_and_number(receiver, replied_objection, office):
    subscribe(receiver.url)
    objections.objection_confirm(actor=office, number=replied_objection.number)
    objection = Objection.objects.get(number=replied_objection.number)

    assert case_reference(objection) == ("objection", objection.number)
    # the case, or its (kind, number) as its events name it, alike
    assert case_propagated(objection) is case_propagated(("objection", objection.number)) is False
    assert case_propagated(("objection", "YY-0000-000000")) is True  # no such case: nothing awaited
