"""Subscriptions and deliveries through the API (docs/api.md "Webhooks"):
the office subscribes platforms (the secret is taken, never shown), lists them with their
counts, reads the deliveries with every try, pauses and resumes a platform and requeues failed
deliveries with a reason kept in history; auditors read; nobody else may; every refusal and every
bad input changes nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairflow.cases.services import REASON_REQUIRED
from repairflow.core.history import history_reason
from repairflow.records.models import (
    EVENTS_NOT_A_LIST,
    NAME_TAKEN,
    SECRET_REQUIRED,
    SECRET_TOO_SHORT,
    UNKNOWN_EVENT_TYPE,
    URL_NOT_HTTP,
    Delivery,
    DeliveryStatus,
    Subscription,
)
from repairflow.records.services import record_act
from repairflow.sync import tasks
from repairflow.sync.services import (
    ALREADY_PAUSED,
    DELIVERY_REQUEUED,
    NOT_FAILED,
    NOT_PAUSED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_PAUSED_BECAUSE,
    SUBSCRIPTION_RESUMED,
)
from tests.factories import CreditRecordFactory
from tests.helpers import NOT_FOUND, forbidden, invalid
from tests.i18n import in_chinese
from tests.sync.conftest import SECRET, Answer, subscribe

pytestmark = pytest.mark.django_db

URL = "/api/v1/subscriptions/"
NEW = {
    "name": "国家信用信息共享平台",
    "url": "https://share.credit.example.gov.cn/hooks/repairflow",
    "secret": "a-long-enough-shared-secret-2026",
    "events": ["record.corrected", "record.publication_ended"],
}


def state() -> tuple:
    """What a refused request must leave as it was."""
    return (
        list(Subscription.objects.order_by("id").values("id", "name", "url", "secret", "events", "active", "paused")),
        list(Delivery.objects.order_by("id").values("id", "status", "attempts", "next_try_at", "last_error")),
        Subscription.history.count(),
        Delivery.history.count(),
    )


@pytest.fixture
def responses():
    """Every body the API answered in the test, to look for the secret in."""
    return []


@pytest.fixture
def failed_deliveries(travel, receiver, office):
    """A platform that refused two changes of one record (each failed at once), with a third
    waiting behind them, and another record's change acknowledged."""
    platform = subscribe(receiver.url)
    record, other = CreditRecordFactory(), CreditRecordFactory()
    record_act(actor=office, record_id=record.pk, action="suspend", reason="核查中")
    record_act(actor=office, record_id=other.pk, action="suspend", reason="核查中")
    record_act(actor=office, record_id=record.pk, action="resume", reason="核查完毕")
    record_act(actor=office, record_id=record.pk, action="suspend", reason="再次核查")
    first, acknowledged, second, third = Delivery.objects.order_by("id")
    receiver.script(Answer(400, b"unknown department"))
    assert tasks.deliver(first.pk) == "failed"
    assert tasks.deliver(acknowledged.pk) == "acknowledged"
    second.status = DeliveryStatus.FAILED  # failed too, for the bulk requeue
    second.save()
    return platform, [first, acknowledged, second, third]


# --- Subscribing ----------------------------------------------------------------------------------


def test_the_office_subscribes_a_platform_and_the_secret_is_never_returned(api, office):
    response = api.as_user(office).post(URL, NEW, format="json")

    assert response.status_code == 201, response.json()
    subscription = Subscription.objects.get()
    assert response.json() == {
        "id": subscription.pk,
        "name": "国家信用信息共享平台",
        "url": "https://share.credit.example.gov.cn/hooks/repairflow",
        "events": ["record.corrected", "record.publication_ended"],
        "active": True,
        "paused": False,
        "required": True,
        "state": "running",
        "created_at": "2026-09-28T10:00:00+08:00",
        "pending": 0,
        "acknowledged": 0,
        "failed": 0,
    }
    assert subscription.secret == "a-long-enough-shared-secret-2026"
    assert NEW["secret"] not in response.content.decode()
    history = subscription.history.get()
    assert (history.history_user, history.history_change_reason) == (office, in_chinese(SUBSCRIPTION_CREATED))
    assert not hasattr(history, "secret")  # kept out of history


def test_an_empty_filter_subscribes_every_event_and_a_platform_may_not_be_required(api, office):
    body = {**NEW, "events": [], "required": False}

    response = api.as_user(office).post(URL, body, format="json")

    assert response.status_code == 201
    assert (response.json()["events"], response.json()["required"]) == ([], False)
    assert Subscription.objects.get().wants("record.expired")


def test_an_idempotent_subscription_is_made_once(api, office):
    client = api.as_user(office)

    first = client.post(URL, NEW, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    again = client.post(URL, NEW, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Subscription.objects.count() == 1


BAD_INPUT = [
    ({"url": "ftp://share.example.gov.cn/hooks"}, {"url": [URL_NOT_HTTP]}),
    ({"url": "share.example.gov.cn/hooks"}, {"url": [URL_NOT_HTTP]}),
    ({"url": "https:///hooks"}, {"url": [URL_NOT_HTTP]}),
    ({"url": "http://127.0.0.1:port/hooks"}, {"url": [URL_NOT_HTTP]}),
    (
        {"events": ["record.corrected", "record.deleted"]},
        {"events": [UNKNOWN_EVENT_TYPE % {"value": "record.deleted"}]},
    ),
    ({"events": "record.corrected"}, {"events": [EVENTS_NOT_A_LIST]}),
    ({"secret": ""}, {"secret": [SECRET_REQUIRED]}),
    ({"secret": "                    "}, {"secret": [SECRET_REQUIRED]}),
    ({"secret": "short"}, {"secret": [SECRET_TOO_SHORT % {"length": 16}]}),
]


@pytest.mark.parametrize(("change", "fields"), BAD_INPUT)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(api, office, change, fields):
    before = state()

    response = api.as_user(office).post(URL, {**NEW, **change}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid({name: [in_chinese(m) for m in messages] for name, messages in fields.items()})
    assert state() == before


def test_a_missing_secret_or_name_is_refused(api, office):
    response = api.as_user(office).post(URL, {"url": NEW["url"]}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"name", "secret"}
    assert response.json()["fields"]["secret"] == [in_chinese(SECRET_REQUIRED)]
    assert Subscription.objects.count() == 0


def test_a_name_is_taken_once(api, office):
    subscribe("http://127.0.0.1:9/hook", name=NEW["name"])
    before = state()

    response = api.as_user(office).post(URL, NEW, format="json")

    assert response.status_code == 400
    assert response.json() == invalid({"name": [in_chinese(NAME_TAKEN)]})
    assert state() == before


# --- Reading --------------------------------------------------------------------------------------


def test_the_list_counts_each_platforms_deliveries(api, office, auditor, failed_deliveries):
    platform, _deliveries = failed_deliveries
    subscribe("http://127.0.0.1:9/other", name="另一平台")

    for reader in (office, auditor):
        response = api.as_user(reader).get(URL)

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [(s["name"], s["pending"], s["acknowledged"], s["failed"]) for s in body["results"]] == [
            ("另一平台", 0, 0, 0),
            ("省信用平台", 1, 1, 2),
        ]
        assert api.as_user(reader).get(f"{URL}{platform.pk}/").json()["failed"] == 2


def test_the_list_costs_the_same_queries_for_many_platforms(api, office):
    client = api.as_user(office)
    subscribe("http://127.0.0.1:9/a", name="A")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(5):
        subscribe(f"http://127.0.0.1:9/{n}", name=f"P{n}")
    with CaptureQueriesContext(connection) as six:
        client.get(URL)

    assert len(six) == len(one)


def test_a_platforms_deliveries_are_listed_with_every_try(api, auditor, failed_deliveries):
    platform, (first, acknowledged, second, third) = failed_deliveries

    response = api.as_user(auditor).get(f"{URL}{platform.pk}/deliveries/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [(d["id"], d["status"], d["ledger_state"], d["attempts"]) for d in body["results"]] == [
        (third.pk, "pending", "pending", 0),
        (second.pk, "failed", "failed", 0),
        (acknowledged.pk, "acknowledged", "acknowledged", 1),
        (first.pk, "failed", "failed", 1),
    ]
    failed = body["results"][3]
    assert failed["event"] == {
        "id": str(first.event.uuid),
        "type": "record.suspended",
        "also": [],
        "occurred_at": "2026-09-28T10:00:00+08:00",
        "record": first.record_id,
        "case": None,
    }
    assert failed["last_error"] == "HTTP 400: unknown department"
    assert failed["attempt_log"] == [
        {
            "number": 1,
            "at": "2026-09-28T10:00:00+08:00",
            "status_code": 400,
            "error": "",
            "response_excerpt": "unknown department",
            "duration_ms": failed["attempt_log"][0]["duration_ms"],
            "outcome": "failed",
        }
    ]
    only_failed = api.as_user(auditor).get(f"{URL}{platform.pk}/deliveries/", {"status": "failed"}).json()
    assert [d["id"] for d in only_failed["results"]] == [second.pk, first.pk]
    assert api.as_user(auditor).get(f"/api/v1/deliveries/{first.pk}/").json() == failed


def test_a_bad_status_filter_is_refused(api, office, failed_deliveries):
    platform, _deliveries = failed_deliveries

    response = api.as_user(office).get(f"{URL}{platform.pk}/deliveries/", {"status": "lost"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]


def test_an_unknown_subscription_or_delivery_is_not_found(api, office):
    client = api.as_user(office)

    for response in (
        client.get(f"{URL}999/"),
        client.get(f"{URL}abc/deliveries/"),
        client.post(f"{URL}999/pause/", {}, format="json"),
        client.post("/api/v1/deliveries/999/requeue/", {"reason": "重试"}, format="json"),
        client.get("/api/v1/deliveries/999/"),
    ):
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- Pausing and resuming -------------------------------------------------------------------------


def test_the_office_pauses_and_resumes_a_platform(
    api, office, failed_deliveries, queued, django_capture_on_commit_callbacks
):
    platform, _deliveries = failed_deliveries
    client = api.as_user(office)

    paused = client.post(f"{URL}{platform.pk}/pause/", {"reason": "平台升级维护"}, format="json")

    assert paused.status_code == 200
    assert (paused.json()["paused"], paused.json()["state"]) == (True, "paused")
    platform.refresh_from_db()
    assert platform.history.latest().history_change_reason == in_chinese(SUBSCRIPTION_PAUSED_BECAUSE) % {
        "reason": "平台升级维护"
    }
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1  # waits, not failed

    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"{URL}{platform.pk}/resume/", {}, format="json")

    assert resumed.status_code == 200
    assert resumed.json()["state"] == "running"
    assert platform.history.latest().history_change_reason == in_chinese(SUBSCRIPTION_RESUMED)
    assert queued == []  # what waits is behind the failed delivery of its record


def test_pausing_twice_or_resuming_a_running_platform_is_refused(api, office):
    platform = subscribe("http://127.0.0.1:9/hook")
    client = api.as_user(office)
    before = state()

    response = client.post(f"{URL}{platform.pk}/resume/", {}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "error": "transition_not_allowed",
        "detail": in_chinese(NOT_PAUSED),
        "state": "running",
        "allowed": ["pause"],
    }
    assert state() == before
    client.post(f"{URL}{platform.pk}/pause/", {}, format="json")
    response = client.post(f"{URL}{platform.pk}/pause/", {}, format="json")
    assert response.json() == {
        "error": "transition_not_allowed",
        "detail": in_chinese(ALREADY_PAUSED),
        "state": "paused",
        "allowed": ["resume"],
    }


# --- Requeueing ------------------------------------------------------------------------------------


def test_the_office_requeues_one_failed_delivery_with_a_reason(
    api, office, failed_deliveries, queued, django_capture_on_commit_callbacks
):
    _platform, (first, *_rest) = failed_deliveries

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(office).post(
            f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "平台已修复部门代码表"}, format="json"
        )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
    assert response.json()["ledger_state"] == "sent"
    assert len(response.json()["attempt_log"]) == 1  # the earlier try is kept
    first.refresh_from_db()
    latest = first.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        office,
        in_chinese(DELIVERY_REQUEUED) % {"reason": "平台已修复部门代码表"},
    )
    assert queued == [(first.pk, None)]


def test_the_office_requeues_every_failed_delivery_of_a_platform(
    api, office, failed_deliveries, queued, django_capture_on_commit_callbacks, receiver
):
    platform, (first, acknowledged, second, third) = failed_deliveries

    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(office).post(f"{URL}{platform.pk}/requeue/", {"reason": "批量重发"}, format="json")

    assert (response.status_code, response.json()) == (200, {"requeued": 2})
    reason = history_reason(DELIVERY_REQUEUED) % {"reason": "批量重发"}
    for delivery in (first, second):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        assert (delivery.history.latest().history_change_reason, delivery.history.latest().history_user) == (
            reason,
            office,
        )
    assert queued == [(first.pk, None)]  # first in line for its record; the others follow it in order
    for delivery in (first, second, third):
        assert tasks.deliver(delivery.pk) == "acknowledged"
    assert [json.loads(r.body)["type"] for r in receiver.requests[-3:]] == [
        "record.suspended",
        "record.resumed",
        "record.suspended",
    ]
    assert api.as_user(office).post(f"{URL}{platform.pk}/requeue/", {"reason": "再来"}, format="json").json() == {
        "requeued": 0
    }


def test_a_requeue_needs_a_reason_and_a_failed_delivery(api, office, failed_deliveries):
    platform, (first, acknowledged, _second, third) = failed_deliveries
    client = api.as_user(office)
    before = state()

    no_reason = client.post(f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "  "}, format="json")
    no_reason_bulk = client.post(f"{URL}{platform.pk}/requeue/", {}, format="json")
    not_failed = client.post(f"/api/v1/deliveries/{acknowledged.pk}/requeue/", {"reason": "重发"}, format="json")
    pending = client.post(f"/api/v1/deliveries/{third.pk}/requeue/", {}, format="json")

    assert no_reason.status_code == no_reason_bulk.status_code == 400
    assert no_reason.json() == no_reason_bulk.json() == invalid({"reason": [in_chinese(REASON_REQUIRED)]})
    assert (not_failed.status_code, not_failed.json()) == (
        409,
        {
            "error": "transition_not_allowed",
            "detail": in_chinese(NOT_FAILED),
            "state": "acknowledged",
            "allowed": [],
        },
    )
    assert (pending.status_code, pending.json()["state"]) == (409, "pending")  # the state first, then the body
    assert state() == before


# --- Who may --------------------------------------------------------------------------------------


@pytest.fixture(params=["officer_scj", "company_user", "person_user"])
def outsider(request):
    return request.getfixturevalue(request.param)


def test_departments_and_subjects_may_not_see_or_touch_subscriptions(api, outsider, failed_deliveries):
    platform, (first, *_rest) = failed_deliveries
    client = api.as_user(outsider)
    before = state()

    for response in (
        client.get(URL),
        client.get(f"{URL}{platform.pk}/"),
        client.get(f"{URL}{platform.pk}/deliveries/"),
        client.get(f"{URL}999/deliveries/"),
        client.post(URL, NEW, format="json"),
        client.post(f"{URL}{platform.pk}/pause/", {}, format="json"),
        client.post(f"{URL}{platform.pk}/resume/", {}, format="json"),
        client.post(f"{URL}{platform.pk}/requeue/", {"reason": "x"}, format="json"),
        client.get(f"/api/v1/deliveries/{first.pk}/"),
        client.post(f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "x"}, format="json"),
    ):
        assert (response.status_code, response.json()) == (403, forbidden())
    assert state() == before


def test_auditors_read_but_do_not_act(api, auditor, failed_deliveries):
    platform, (first, *_rest) = failed_deliveries
    client = api.as_user(auditor)
    before = state()

    for response in (
        client.post(URL, NEW, format="json"),
        client.post(f"{URL}{platform.pk}/pause/", {}, format="json"),
        client.post(f"{URL}{platform.pk}/requeue/", {"reason": "x"}, format="json"),
        client.post(f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "x"}, format="json"),
    ):
        assert (response.status_code, response.json()) == (403, forbidden())
    assert state() == before


def test_without_credentials_nothing_is_answered(api, failed_deliveries):
    platform, _deliveries = failed_deliveries

    assert api.get(URL).status_code == 401
    assert api.post(URL, NEW, format="json").status_code == 401
    assert api.post(f"{URL}{platform.pk}/pause/", {}, format="json").status_code == 401


# --- The secret -----------------------------------------------------------------------------------


def test_the_secret_appears_in_no_answer(api, office, auditor, failed_deliveries, django_capture_on_commit_callbacks):
    platform, (first, *_rest) = failed_deliveries
    client = api.as_user(office)
    created = client.post(URL, NEW, format="json")
    answers = [
        created,
        client.get(URL),
        client.get(f"{URL}{platform.pk}/"),
        client.get(f"{URL}{created.json()['id']}/"),
        client.get(f"{URL}{platform.pk}/deliveries/"),
        client.get(f"/api/v1/deliveries/{first.pk}/"),
        client.post(f"{URL}{platform.pk}/pause/", {}, format="json"),
        client.post(f"{URL}{platform.pk}/resume/", {}, format="json"),
        client.post(f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "重发"}, format="json"),
        client.post(f"{URL}{platform.pk}/requeue/", {"reason": "重发"}, format="json"),
        api.as_user(auditor).get(URL),
        client.get("/api/schema/", {"format": "json"}),
    ]

    assert {answer.status_code for answer in answers} <= {200, 201}
    for answer in answers:
        content = answer.content.decode()
        assert SECRET not in content and NEW["secret"] not in content


def test_the_openapi_schema_describes_the_subscription_endpoints(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert set(paths["/api/v1/subscriptions/"]) == {"get", "post"}
    for action in ("pause", "resume", "requeue"):
        assert set(paths[f"/api/v1/subscriptions/{{id}}/{action}/"]) == {"post"}
    assert set(paths["/api/v1/subscriptions/{id}/deliveries/"]) == {"get"}
    assert set(paths["/api/v1/deliveries/{id}/requeue/"]) == {"post"}
    assert set(paths["/api/v1/deliveries/{id}/"]) == {"get"}


def test_a_reason_longer_than_history_keeps_is_refused(api, office, failed_deliveries):
    platform, (first, *_rest) = failed_deliveries
    before = state()

    response = api.as_user(office).post(f"/api/v1/deliveries/{first.pk}/requeue/", {"reason": "长" * 81}, format="json")
    paused = api.as_user(office).post(f"{URL}{platform.pk}/pause/", {"reason": "长" * 81}, format="json")

    assert response.status_code == paused.status_code == 400
    assert list(response.json()["fields"]) == list(paused.json()["fields"]) == ["reason"]
    assert state() == before
