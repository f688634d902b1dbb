"""Push-back in the admin (repairflow/sync/admin.py registers the outbox's models, which are the
records app's: `admin:records_subscription_…`, `…_delivery_…`, `…_recordevent_…`): subscriptions
are edited there with the secret written and never shown; events and deliveries are read-only, a
delivery with its tries."""

import pytest
from django.urls import reverse

from repairflow.objections import services as objections
from repairflow.records.models import SECRET_TOO_SHORT, Delivery, RecordEvent, Subscription
from repairflow.records.services import record_act
from repairflow.sync import tasks
from repairflow.sync.services import SUBSCRIPTION_CHANGED, SUBSCRIPTION_CREATED
from tests.factories import CreditRecordFactory
from tests.i18n import in_chinese
from tests.sync.conftest import SECRET, Answer, subscribe

pytestmark = pytest.mark.django_db


def form(**overrides) -> dict:
    return {
        "name": "市公共信用平台",
        "url": "https://credit.example.gov.cn/hooks",
        "secret": "admin-typed-secret-0001",
        "events": "[]",
        "required": "on",
        "active": "on",
        **overrides,
    }


@pytest.mark.parametrize(
    "name",
    [
        "admin:records_subscription_changelist",
        "admin:records_delivery_changelist",
        "admin:records_recordevent_changelist",
    ],
)
def test_the_office_opens_every_push_back_list(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_a_subscription_is_added_with_a_secret_that_is_never_shown_again(admin_client, office):
    response = admin_client.post(reverse("admin:records_subscription_add"), form())

    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.secret == "admin-typed-secret-0001"
    assert (subscription.history.get().history_change_reason, subscription.history.get().history_user) == (
        in_chinese(SUBSCRIPTION_CREATED),
        office,
    )
    page = admin_client.get(reverse("admin:records_subscription_change", args=[subscription.pk])).content.decode()
    assert "admin-typed-secret-0001" not in page
    history = admin_client.get(reverse("admin:records_subscription_history", args=[subscription.pk])).content.decode()
    assert "admin-typed-secret-0001" not in history


def test_a_change_without_a_secret_keeps_it_and_a_short_one_is_refused(admin_client, office):
    subscription = subscribe("https://credit.example.gov.cn/hooks", name="市公共信用平台")
    url = reverse("admin:records_subscription_change", args=[subscription.pk])

    refused = admin_client.post(url, form(secret="short"))
    assert refused.status_code == 200
    assert in_chinese(SECRET_TOO_SHORT) % {"length": 16} in refused.content.decode()

    response = admin_client.post(url, form(secret="", url="https://credit.example.gov.cn/hooks/v2"))

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.secret, subscription.url) == (SECRET, "https://credit.example.gov.cn/hooks/v2")
    assert subscription.history.latest().history_change_reason == in_chinese(SUBSCRIPTION_CHANGED)


def test_a_subscription_added_without_a_secret_or_with_a_bad_address_is_refused(admin_client):
    response = admin_client.post(reverse("admin:records_subscription_add"), form(secret="", url="mailto:x@example.cn"))

    assert response.status_code == 200
    assert Subscription.objects.count() == 0


def test_subscriptions_are_retired_not_deleted(admin_client):
    subscription = subscribe("https://credit.example.gov.cn/hooks")

    response = admin_client.post(reverse("admin:records_subscription_delete", args=[subscription.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_events_and_deliveries_are_read_only_and_a_delivery_shows_its_tries(travel, admin_client, receiver, office):
    subscribe(receiver.url)
    record_act(actor=office, record_id=CreditRecordFactory().pk, action="suspend", reason="核查中")
    delivery = Delivery.objects.get()
    receiver.script(Answer(503, b"under maintenance"))
    tasks.deliver(delivery.pk)

    page = admin_client.get(reverse("admin:records_delivery_change", args=[delivery.pk]))

    assert page.status_code == 200
    assert "under maintenance" in page.content.decode()
    event = RecordEvent.objects.get()
    assert admin_client.get(reverse("admin:records_recordevent_change", args=[event.pk])).status_code == 200
    assert admin_client.get(reverse("admin:records_delivery_add")).status_code == 403
    assert admin_client.get(reverse("admin:records_recordevent_add")).status_code == 403
    deleted = admin_client.post(reverse("admin:records_delivery_delete", args=[delivery.pk]), {"post": "yes"})
    assert deleted.status_code == 403
    assert Delivery.objects.filter(pk=delivery.pk).exists()


def test_the_events_list_names_the_kind_of_case_behind_each_change(admin_client, replied_objection, office):
    objections.objection_confirm(actor=office, number=replied_objection.number)

    page = admin_client.get(reverse("admin:records_recordevent_changelist"))

    assert page.status_code == 200
    assert '<td class="field-kind_of_case">异议</td>' in page.content.decode()
