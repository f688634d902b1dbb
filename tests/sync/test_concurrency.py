"""Workers at the same delivery at once (PostgreSQL): the row lock lets one of them send it, the
others skip it; a record's later delivery is not sent beside its earlier one; and the last two
acknowledgements a case waits for, arriving together, publish it once."""

import pytest

from repairflow.cases.selectors import case_timeline
from repairflow.core.errors import Invalid
from repairflow.objections import services as objections
from repairflow.objections.models import Objection, ObjectionState
from repairflow.records.models import NAME_TAKEN, Delivery, DeliveryStatus, Subscription
from repairflow.records.services import record_act
from repairflow.sync.models import AttemptOutcome
from repairflow.sync.services import delivery_attempt, subscription_create
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import CreditRecordFactory
from tests.sync.conftest import Answer, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_workers_at_one_delivery_send_it_once(queued, platform, receiver, office):
    receiver.default = Answer(200, delay=0.1)  # long enough for the others to arrive meanwhile
    record_act(actor=office, record_id=CreditRecordFactory().pk, action="suspend", reason="核查中")
    delivery = Delivery.objects.get()

    outcomes = run_at_once(*[lambda: delivery_attempt(delivery_id=delivery.pk)] * 10)

    assert (outcomes.count(AttemptOutcome.ACKNOWLEDGED), outcomes.count(None)) == (1, 9)
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.attempt_log.count()) == (DeliveryStatus.ACKNOWLEDGED, 1, 1)


def test_a_records_two_deliveries_tried_at_once_go_one_after_the_other(queued, platform, receiver, office):
    record = CreditRecordFactory()
    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    record_act(actor=office, record_id=record.pk, action="resume", reason="核查完毕")
    first, second = Delivery.objects.order_by("event_id")

    outcomes = run_at_once(
        lambda: delivery_attempt(delivery_id=second.pk), lambda: delivery_attempt(delivery_id=first.pk)
    )

    assert outcomes[1] == AttemptOutcome.ACKNOWLEDGED
    if outcomes[0] is None:  # it came while the first was not acknowledged yet: it goes now
        assert delivery_attempt(delivery_id=second.pk) == AttemptOutcome.ACKNOWLEDGED
    assert [request.headers["x-repairflow-event"] for request in receiver.requests] == [
        "record.suspended",
        "record.resumed",
    ]


def test_the_last_two_acknowledgements_at_once_publish_the_case_once(queued, receiver, replied_objection, office):
    first, second = subscribe(receiver.url, name="甲"), subscribe(receiver.url, name="乙")
    objections.objection_confirm(actor=office, number=replied_objection.number)
    deliveries = list(Delivery.objects.filter(subscription__in=[first, second]))
    assert len(deliveries) == 2

    outcomes = run_at_once(*[lambda d=d: delivery_attempt(delivery_id=d.pk) for d in deliveries])

    assert outcomes == [AttemptOutcome.ACKNOWLEDGED] * 2
    objection = Objection.objects.get(number=replied_objection.number)
    assert objection.state == ObjectionState.PUBLISHED
    assert [step.action for step in case_timeline(objection)].count("publish") == 1


def test_the_same_name_subscribed_twice_at_once_makes_one_subscription(office):
    def create():
        return subscription_create(actor=office, name="省平台", url="https://p.example.cn/h", secret="x" * 20)

    outcomes = run_at_once(create, create)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Invalid", "Subscription"]
    refused = next(outcome for outcome in outcomes if isinstance(outcome, Invalid))
    assert refused.fields == {"name": [str(NAME_TAKEN)]}
    assert Subscription.objects.count() == 1
