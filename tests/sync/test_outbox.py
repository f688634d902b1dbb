"""The outbox (repairflow/records/outbox.py): every use-case that changes a
record writes, in its transaction, one event per record it changed (its type, the weightiest of
the use-case's actions on the record; the record as it now is, as a platform may see it; the case
behind it) and one pending delivery per active subscription that wants it. Nothing is handed to
the workers at the commit: the relay (test_relay.py) does that. A rolled-back change leaves
nothing."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from repairflow.core.flows import action_name
from repairflow.core.history import REASONS_JOINED, history_reason, writing
from repairflow.objections import services as objections
from repairflow.objections.models import Objection, ObjectionState, Outcome
from repairflow.records.flows import RecordFlow
from repairflow.records.models import (
    RECORD_ACTION_EVENTS,
    Delivery,
    DeliveryStatus,
    EventType,
    RecordEvent,
    RecordState,
)
from repairflow.records.outbox import DELIVERY_QUEUED, WEIGHT
from repairflow.records.serializers import RecordInputSerializer
from repairflow.records.services import (
    record_act,
    record_create,
    record_transition,
    records_expire,
    records_import,
)
from repairflow.repair import services as repairs
from repairflow.sync.services import deliveries_relay
from tests.factories import CreditRecordFactory, record_entry
from tests.sync.conftest import subscribe

pytestmark = pytest.mark.django_db


def events_of(record) -> list[tuple]:
    return list(
        RecordEvent.objects.filter(record=record).order_by("id").values_list("type", "case_kind", "case_number")
    )


def test_every_action_of_the_records_state_machine_has_its_event_type():
    actions = {
        action_name(transition.slug)
        for transitions in RecordFlow.state.get_transitions().values()
        for transition in transitions
    }

    # the subject's statement changes the record but not its state: an action outside the machine
    assert actions | {"change-statement"} == set(RECORD_ACTION_EVENTS)
    assert set(RECORD_ACTION_EVENTS.values()) == set(EventType)
    assert sorted(WEIGHT) == sorted(RECORD_ACTION_EVENTS)  # each action weighs, once


CHANGES = [
    # (the record's state and mark before, the action, its arguments, the event type)
    (RecordState.UNPUBLISHED, False, "publish", {}, "record.published"),
    (RecordState.PUBLISHED, False, "correct", {"changes": {"title": "未按规定报送年度报告"}}, "record.corrected"),
    (RecordState.PUBLISHED, False, "mark-objection", {}, "record.objection_marked"),
    (RecordState.PUBLISHED, True, "clear-objection", {}, "record.objection_cleared"),
    (RecordState.PUBLISHED, False, "suspend", {}, "record.suspended"),
    (RecordState.SUSPENDED, False, "resume", {}, "record.resumed"),
    (RecordState.PUBLISHED, False, "revoke", {}, "record.revoked"),
    (RecordState.PUBLISHED, False, "end-publication", {}, "record.publication_ended"),
    (RecordState.ENDED, False, "republish", {}, "record.republished"),
    (RecordState.PUBLISHED, False, "expire", {}, "record.expired"),
    (RecordState.PUBLISHED, False, "end_publication", {}, "record.publication_ended"),  # as seed_records says it
]


@pytest.mark.parametrize(("state", "marked", "action", "arguments", "event_type"), CHANGES)
def test_every_change_of_a_record_writes_its_event(travel, office, state, marked, action, arguments, event_type):
    record = CreditRecordFactory(state=state, under_objection=marked)

    record_transition(record=record, actor=office, action=action, reason="测试", **arguments)

    event = RecordEvent.objects.get()
    assert (event.type, event.record, event.case_reference) == (event_type, record, None)
    assert event.snapshot["version"] == record.version == 2
    assert event.snapshot["state"] == record.state


def test_the_event_carries_the_record_as_it_now_is_in_the_apis_shape(travel, office, company, scj):
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕1号")

    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")

    event = RecordEvent.objects.get()
    assert event.type == "record.suspended"
    assert event.snapshot == {
        "id": record.pk,
        "subject_id": company.identifier,  # an enterprise's code is public
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "negative": True,
        "department": "SCJ",
        "department_name": "市场监督管理局",
        "decision_no": "济市监罚〔2026〕1号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        "state": "suspended",
        "under_objection": False,
        "rule_set": record.rule_set,
        "publication_start": "2026-01-05",
        "min_period_end": "2026-04-05",
        "max_period_end": "2027-01-05",
        "subject_statement": None,
        "version": 2,
    }


def test_a_natural_persons_identifier_is_masked_in_the_event(travel, office, person):
    record = CreditRecordFactory(subject=person)

    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")

    sent = RecordEvent.objects.get().snapshot["subject_id"]
    assert sent == person.masked_identifier
    assert sent != person.identifier
    assert person.identifier not in str(RecordEvent.objects.get().snapshot)


def test_a_record_created_published_is_an_event_and_one_created_unpublished_is_not(travel, office, scj):
    published = RecordInputSerializer(data=record_entry(department="SCJ"), context={"actor": office})
    published.is_valid(raise_exception=True)
    unpublished = RecordInputSerializer(
        data=record_entry(department="SCJ", decision_no="济市监罚〔2026〕2号", publish=False), context={"actor": office}
    )
    unpublished.is_valid(raise_exception=True)

    record = record_create(actor=office, entry=published.validated_data)
    hidden = record_create(actor=office, entry=unpublished.validated_data)

    assert events_of(record) == [("record.published", "", "")]
    assert events_of(hidden) == []
    record_act(actor=office, record_id=hidden.pk, action="publish", reason="依规公示")
    assert events_of(hidden) == [("record.published", "", "")]


def test_imported_records_are_events_when_published(travel, office, scj):
    rows = [
        record_entry(department="SCJ", decision_no="济市监罚〔2026〕11号"),
        record_entry(department="SCJ", decision_no="济市监罚〔2026〕12号", publish=False),
        record_entry(department="SCJ", decision_no="济市监罚〔2026〕13号"),
    ]

    report = records_import(actor=office, rows=rows)

    assert sorted(RecordEvent.objects.values_list("record__decision_no", "type")) == [
        ("济市监罚〔2026〕11号", "record.published"),
        ("济市监罚〔2026〕13号", "record.published"),
    ]
    assert len(report.created) == 3


def test_an_imported_change_to_an_existing_record_is_a_correction(travel, office, scj):
    records_import(actor=office, rows=[record_entry(department="SCJ", decision_no="济市监罚〔2026〕21号")])
    changed = record_entry(department="SCJ", decision_no="济市监罚〔2026〕21号", title="未按规定报送年度报告")

    report = records_import(actor=office, rows=[changed])

    (record,) = report.updated
    assert events_of(record) == [("record.published", "", ""), ("record.corrected", "", "")]
    assert RecordEvent.objects.get(type="record.corrected").snapshot["title"] == "未按规定报送年度报告"


def test_an_import_writes_its_events_and_deliveries_in_bulk(travel, office, scj):
    subscribe("http://127.0.0.1:9/", name="省平台")
    subscribe("http://127.0.0.1:9/", name="信用中国")

    def queries_to_import(first: int, count: int) -> int:
        rows = [
            record_entry(department="SCJ", decision_no=f"济市监罚〔2026〕{n}号") for n in range(first, first + count)
        ]
        with CaptureQueriesContext(connection) as queries:
            records_import(actor=office, rows=rows)
        return len(queries)

    few, many = queries_to_import(100, 5), queries_to_import(200, 50)
    assert many - few < 5  # a batch more here and there, never a query per record
    assert (RecordEvent.objects.count(), Delivery.objects.count()) == (55, 110)


def test_the_expiry_sweep_writes_an_expired_event(travel):
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))  # published through 2027-01-05

    travel(date(2027, 1, 6))
    records_expire()

    assert events_of(record) == [("record.expired", "", "")]


def test_a_confirmed_objection_writes_the_correction_with_its_case(
    queued, receiver, django_capture_on_commit_callbacks, replied_objection, office
):
    subscription = subscribe(receiver.url)
    before = RecordEvent.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        objections.objection_confirm(actor=office, number=replied_objection.number)

    number = replied_objection.number
    assert Objection.objects.get(number=number).state == ObjectionState.CORRECTED  # the platform must acknowledge
    new = list(RecordEvent.objects.order_by("id")[before:])
    assert [(e.type, e.case_kind, e.case_number) for e in new] == [("record.corrected", "objection", number)]
    corrected = new[0]
    assert corrected.snapshot["title"] == "未按规定报送年度报告"
    assert corrected.snapshot["under_objection"] is True  # cleared when the case is published
    assert corrected.case_reference == {"kind": "objection", "number": number}
    delivery = Delivery.objects.get(event=corrected)
    assert (delivery.subscription, delivery.status, delivery.attempts, delivery.queued_at) == (
        subscription,
        DeliveryStatus.PENDING,
        0,
        None,
    )
    # the commit hands nothing to the workers; the relay does
    assert queued == []
    assert deliveries_relay() == [delivery.pk]
    assert queued == [(delivery.pk, None)]


def test_a_confirmation_that_publishes_at_once_is_one_event_and_one_history_row_of_the_record(
    travel, receiver, replied_objection, office
):
    optional = subscribe(receiver.url, required=False)  # nothing awaits it: the case is published at once
    record = replied_objection.record
    number = replied_objection.number
    history_before = record.history.count()

    objections.objection_confirm(actor=office, number=number)

    assert Objection.objects.get(number=number).state == ObjectionState.PUBLISHED
    # corrected, then the mark cleared by the publication: one change, typed by the weightier action
    event = RecordEvent.objects.get(record=record, case_number=number, type="record.corrected")
    assert events_of(record) == [
        ("record.objection_marked", "objection", number),
        ("record.corrected", "objection", number),
    ]
    record.refresh_from_db()
    assert (record.title, record.under_objection, record.version) == ("未按规定报送年度报告", False, 4)
    assert (event.snapshot["title"], event.snapshot["under_objection"], event.snapshot["version"]) == (
        "未按规定报送年度报告",
        False,
        4,
    )
    assert list(Delivery.objects.filter(event=event).values_list("subscription", "status")) == [
        (optional.pk, DeliveryStatus.PENDING)
    ]
    assert record.history.count() == history_before + 1
    outcome = history_reason(objections.RECORD_OUTCOME) % {
        "number": number,
        "outcome": history_reason(Outcome.CORRECT.label),
    }
    cleared = history_reason(objections.RECORD_CLEARED) % {"number": number}
    latest = record.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (f"{outcome}{REASONS_JOINED}{cleared}", office)


TWICE = [
    # (the record's state and mark before, two actions in one use-case, the one event's type and `also`)
    (
        RecordState.PUBLISHED,
        True,
        [("correct", {"changes": {"title": "新标题"}}), ("clear-objection", {})],
        ("record.corrected", ["record.objection_cleared"]),
    ),
    (
        RecordState.PUBLISHED,
        True,
        [("clear-objection", {}), ("correct", {"changes": {"title": "新标题"}})],
        ("record.corrected", ["record.objection_cleared"]),
    ),
    (
        RecordState.PUBLISHED,
        False,
        [("correct", {"changes": {"title": "新标题"}}), ("revoke", {})],
        ("record.revoked", ["record.corrected"]),
    ),
    (RecordState.PUBLISHED, False, [("suspend", {}), ("resume", {})], ("record.suspended", ["record.resumed"])),
    (
        RecordState.PUBLISHED,
        False,
        [("end-publication", {}), ("republish", {})],
        ("record.publication_ended", ["record.republished"]),
    ),
    (
        RecordState.UNPUBLISHED,
        False,
        [("publish", {}), ("mark-objection", {})],
        ("record.published", ["record.objection_marked"]),
    ),
    (RecordState.PUBLISHED, False, [("suspend", {}), ("expire", {})], ("record.expired", ["record.suspended"])),
]


@pytest.mark.parametrize(("state", "marked", "actions", "event_type"), TWICE)
def test_a_record_changed_twice_by_one_use_case_is_one_event_typed_by_the_weightier_action(
    travel, office, state, marked, actions, event_type
):
    event_type, also = event_type
    record = CreditRecordFactory(state=state, under_objection=marked)
    # a platform is sent the event when it wants any change the event stands for
    subscription = subscribe("http://127.0.0.1:9/hook", events=also)
    unrelated = next(other for other in EventType.values if other not in (event_type, *also))
    subscribe("http://127.0.0.1:9/other", name="另一平台", events=[unrelated])
    history_before = record.history.count()

    with transaction.atomic(), writing() as writes:
        for n, (action, arguments) in enumerate(actions, start=1):
            record_transition(record=record, actor=office, action=action, reason=f"理由{n}", writes=writes, **arguments)

    event = RecordEvent.objects.get()
    record.refresh_from_db()
    assert record.version == 3  # each action bumps it
    assert (event.type, event.also, event.record, event.snapshot["version"], event.snapshot["state"]) == (
        event_type,
        also,
        record,
        3,
        record.state,
    )
    assert list(Delivery.objects.values_list("event", "subscription")) == [(event.pk, subscription.pk)]
    assert record.history.count() == history_before + 1
    assert record.history.latest().history_change_reason == f"理由1{REASONS_JOINED}理由2"


def test_the_objection_mark_is_an_event_of_the_case(travel, receiver, record, company_user, office):
    subscribe(receiver.url)

    objection = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="标题有误。"
    )
    objections.objection_accept(actor=office, number=objection.number)

    assert events_of(record) == [("record.objection_marked", "objection", objection.number)]


def test_a_confirmation_that_fails_writes_no_event(monkeypatch, receiver, replied_objection, office):
    subscribe(receiver.url)
    before = (RecordEvent.objects.count(), Delivery.objects.count())

    def broken(objection):
        raise RuntimeError("the notice could not be made")

    monkeypatch.setattr("repairflow.objections.notices.result", broken)
    with pytest.raises(RuntimeError):
        objections.objection_confirm(actor=office, number=replied_objection.number)

    assert (RecordEvent.objects.count(), Delivery.objects.count()) == before
    replied_objection.record.refresh_from_db()
    assert replied_objection.record.title == "未按规定公示年度报告"


def test_an_executed_repair_writes_the_end_of_publication_with_its_case(receiver, approved_repair, office):
    subscription = subscribe(receiver.url)

    repairs.repair_execute(actor=office, number=approved_repair.number)

    event = RecordEvent.objects.get(type="record.publication_ended")
    assert (event.record_id, event.case_kind, event.case_number) == (
        approved_repair.record_id,
        "repair",
        approved_repair.number,
    )
    assert event.snapshot["state"] == "ended"
    assert Delivery.objects.get(event=event).subscription == subscription


def test_an_execution_that_fails_writes_no_event(monkeypatch, receiver, approved_repair, office):
    subscribe(receiver.url)

    def broken(application, **kwargs):
        raise RuntimeError("the decision could not be made")

    monkeypatch.setattr("repairflow.repair.notices.decision", broken)
    with pytest.raises(RuntimeError):
        repairs.repair_execute(actor=office, number=approved_repair.number)

    assert not RecordEvent.objects.filter(type="record.publication_ended").exists()
    assert not Delivery.objects.exists()


def test_a_revoked_repair_writes_the_republication_with_its_case(receiver, approved_repair, office):
    repairs.repair_execute(actor=office, number=approved_repair.number)
    subscribe(receiver.url)

    repairs.repair_revoke(actor=office, number=approved_repair.number, reason="缴费凭证系伪造")

    event = RecordEvent.objects.get(type="record.republished")
    assert event.case_reference == {"kind": "repair", "number": approved_repair.number}
    assert Delivery.objects.filter(event=event).count() == 1


def test_a_change_rolled_back_leaves_no_event(travel, office):
    record = CreditRecordFactory()
    subscribe("http://127.0.0.1:9/hook")

    with pytest.raises(RuntimeError), transaction.atomic():
        record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
        raise RuntimeError("the caller's transaction fails afterwards")

    assert (RecordEvent.objects.count(), Delivery.objects.count()) == (0, 0)


def test_each_subscription_that_wants_the_type_gets_a_delivery(
    travel, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()
    everything = subscribe("http://127.0.0.1:9/a", name="全部")
    suspensions = subscribe("http://127.0.0.1:9/b", name="仅暂停", events=["record.suspended"])
    corrections = subscribe("http://127.0.0.1:9/c", name="仅更正", events=["record.corrected"])
    paused = subscribe("http://127.0.0.1:9/d", name="暂停中", paused=True)
    retired = subscribe("http://127.0.0.1:9/e", name="已停用", active=False)

    with django_capture_on_commit_callbacks(execute=True):
        record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")

    event = RecordEvent.objects.get()
    deliveries = {d.subscription: d for d in Delivery.objects.select_related("subscription")}
    assert set(deliveries) == {everything, suspensions, paused}
    assert corrections not in deliveries and retired not in deliveries
    assert {
        (d.event_id, d.record_id, d.status, d.attempts, d.next_try_at, d.queued_at) for d in deliveries.values()
    } == {(event.pk, record.pk, DeliveryStatus.PENDING, 0, event.occurred_at, None)}
    for delivery in deliveries.values():
        assert [(h.history_type, h.history_user, h.history_change_reason) for h in delivery.history.all()] == [
            ("+", office, history_reason(DELIVERY_QUEUED))
        ]
    # the commit hands nothing to the workers
    assert queued == []

    # the relay hands what may go now; what a paused platform is owed waits
    handed = sorted([deliveries[everything].pk, deliveries[suspensions].pk])
    assert sorted(deliveries_relay()) == handed
    assert sorted(queued) == [(pk, None) for pk in handed]
    assert dict(Delivery.objects.values_list("pk", "queued_at")) == {
        deliveries[everything].pk: timezone.now(),
        deliveries[suspensions].pk: timezone.now(),
        deliveries[paused].pk: None,
    }


def test_a_change_with_no_subscription_writes_the_event_and_queues_nothing(
    travel, office, queued, django_capture_on_commit_callbacks
):
    record = CreditRecordFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")

    assert events_of(record) == [("record.suspended", "", "")]
    assert (Delivery.objects.count(), callbacks, queued) == (0, [], [])
    assert deliveries_relay() == []
    assert queued == []


def test_every_event_has_its_own_stable_id(travel, office):
    record = CreditRecordFactory()

    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    record_act(actor=office, record_id=record.pk, action="resume", reason="核查完毕")

    first, second = RecordEvent.objects.order_by("id")
    assert first.uuid != second.uuid
    assert (first.type, second.type) == ("record.suspended", "record.resumed")
    first.refresh_from_db()
    assert RecordEvent.objects.get(pk=first.pk).uuid == first.uuid
