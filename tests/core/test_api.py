"""The API's shared behaviour (docs/api.md "Authentication and roles", "Errors"): tokens, the
error format, languages, and Idempotency-Key on POST."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from rest_framework.test import APIClient, APIRequestFactory

from repairflow.core.api import BAD_CREDENTIALS, KEY_IN_PROGRESS, KEY_REUSED, NO_TOKEN, request_fingerprint
from repairflow.core.authentication import TOKEN_NOT_LIVE
from repairflow.core.errors import INVALID_INPUT
from repairflow.core.identifiers import INVALID_USCC
from repairflow.core.models import ApiToken, IdempotencyKey
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import api_token_issue, token_digest
from repairflow.core.views import SERVER_ERROR
from repairflow.records import services
from repairflow.records.models import CreditRecord, CreditSubject
from tests.factories import record_entry

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def no_throttle_history(db):
    """The token endpoint is throttled; start each test with an empty throttle history."""
    cache.clear()
    yield
    cache.clear()


def in_language(message, language: str = "zh-hans") -> str:
    with translation.override(language):
        return str(message)


# --- Token --------------------------------------------------------------------------------


def test_token_is_given_for_the_right_credentials(api, office, no_throttle_history):
    # given an office account with its password
    # when it asks for a token
    response = api.post("/api/v1/auth/token/", {"username": "office", "password": "secret-password"}, format="json")

    # then it gets a new token valid for 12 hours, which then authenticates calls
    assert response.status_code == 200
    assert response.json() == {"token": response.json()["token"], "expires_at": "2026-11-23T22:00:00+08:00"}
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/records/").status_code == 200


def test_each_sign_in_gets_a_token_of_its_own_kept_only_as_its_digest(api, office, no_throttle_history):
    credentials = {"username": "office", "password": "secret-password"}

    first = api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    second = api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]

    assert first != second
    kept = set(ApiToken.objects.filter(user=office).values_list("digest", flat=True))
    assert kept == {token_digest(first), token_digest(second)}
    assert not kept & {first, second}


def test_a_token_answers_401_once_expired(api, office, no_throttle_history, time_machine):
    token = api.post("/api/v1/auth/token/", {"username": "office", "password": "secret-password"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    time_machine.shift(timedelta(hours=12) - timedelta(seconds=1))
    assert api.get("/api/v1/records/").status_code == 200
    time_machine.shift(timedelta(seconds=1))
    expired = api.get("/api/v1/records/")

    assert (expired.status_code, expired.json()) == (
        401,
        {"error": "unauthenticated", "detail": in_language(TOKEN_NOT_LIVE)},
    )


def test_a_department_system_account_s_tokens_last_as_long_as_the_office_set(
    api, officer_scj, no_throttle_history, time_machine
):
    officer_scj.api_token_hours = 30 * 24
    officer_scj.save()

    answer = api.post("/api/v1/auth/token/", {"username": "dept-scj", "password": "secret-password"}, format="json")

    assert answer.json()["expires_at"] == "2026-12-23T10:00:00+08:00"
    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    time_machine.shift(timedelta(days=29))
    assert api.get("/api/v1/records/").status_code == 200
    time_machine.shift(timedelta(days=1))
    assert api.get("/api/v1/records/").status_code == 401


@pytest.mark.parametrize("hours", [0, 90 * 24 + 1])
def test_a_token_life_outside_one_hour_to_90_days_is_refused(officer_scj, hours):
    officer_scj.api_token_hours = hours

    with pytest.raises(ValidationError) as refused:
        officer_scj.full_clean()

    assert "api_token_hours" in refused.value.message_dict


@pytest.mark.parametrize("account", ["office", "auditor", "company_user"])
def test_only_a_department_account_may_have_a_longer_token_life(request, account):
    user = request.getfixturevalue(account)
    user.api_token_hours = 24

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()

    user.refresh_from_db()
    assert user.api_token_hours is None


def test_a_revoked_token_answers_401_and_others_still_work(api, office, no_throttle_history):
    credentials = {"username": "office", "password": "secret-password"}
    revoked = api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]
    other = api.post("/api/v1/auth/token/", credentials, format="json").json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    response = api.delete("/api/v1/auth/token/")

    assert response.status_code == 204
    assert api.get("/api/v1/records/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert api.get("/api/v1/records/").status_code == 200


def test_revoking_without_a_token_is_refused(api, office):
    anonymous = api.delete("/api/v1/auth/token/")
    api.force_authenticate(office)  # as a session would
    by_session = api.delete("/api/v1/auth/token/")

    assert anonymous.status_code == 401
    assert (by_session.status_code, by_session.json()) == (
        404,
        {"error": "not_found", "detail": in_language(NO_TOKEN)},
    )


def test_a_disabled_account_s_token_answers_401(api, office):
    key, _token = api_token_issue(user=office)
    office.is_active = False
    office.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api.get("/api/v1/records/").status_code == 401


def test_token_is_refused_for_a_wrong_password(api, office, no_throttle_history):
    response = api.post("/api/v1/auth/token/", {"username": "office", "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": in_language(BAD_CREDENTIALS)}
    assert not ApiToken.objects.filter(user=office).exists()


def test_token_is_refused_for_an_unknown_user(api, db, no_throttle_history):
    response = api.post("/api/v1/auth/token/", {"username": "nobody", "password": "secret-password"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": in_language(BAD_CREDENTIALS)}


def test_token_is_refused_for_a_disabled_account(api, office, no_throttle_history):
    office.is_active = False
    office.save()

    response = api.post("/api/v1/auth/token/", {"username": "office", "password": "secret-password"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": in_language(BAD_CREDENTIALS)}


def test_token_request_without_a_password_names_the_field(api, office, no_throttle_history):
    response = api.post("/api/v1/auth/token/", {"username": "office"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": in_language(INVALID_INPUT),
        "fields": {"password": ["该字段是必填项。"]},
    }


# --- Errors -------------------------------------------------------------------------------


def test_a_call_without_credentials_is_unauthenticated(api, db):
    response = api.get("/api/v1/records/")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": "身份认证信息未提供。"}
    assert response.headers["WWW-Authenticate"] == "Token"


def test_a_call_with_an_unknown_token_is_unauthenticated(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = api.get("/api/v1/records/")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": in_language(TOKEN_NOT_LIVE)}


def test_an_unknown_api_url_is_a_json_not_found(api, office):
    response = api.as_user(office).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_found", "detail": "未找到。"}


def test_a_malformed_json_body_is_invalid_and_writes_nothing(api, officer_scj):
    response = api.as_user(officer_scj).post("/api/v1/records/", '{"subject_id": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": "无法读取请求内容，请发送有效的 JSON 或表单数据。",
        "fields": {},
    }
    assert CreditRecord.objects.count() == 0


def test_errors_are_in_chinese_by_default(api, auditor):
    response = api.as_user(auditor).post("/api/v1/records/", record_entry(department="SCJ"), format="json")

    assert response.status_code == 403
    assert response["Content-Language"] == "zh-hans"
    assert response.json() == {"error": "forbidden", "detail": "您的角色无权执行此操作。"}


def test_errors_are_in_english_on_request(api, auditor):
    # given callers who ask for English
    # when they are refused, by DRF and by repairflow's own rules
    unauthenticated = api.get("/api/v1/records/", HTTP_ACCEPT_LANGUAGE="en")
    api.as_user(auditor)
    forbidden = api.post("/api/v1/records/", record_entry(), format="json", HTTP_ACCEPT_LANGUAGE="en")
    invalid = api.get("/api/v1/records/?state=gone", HTTP_ACCEPT_LANGUAGE="en")

    # then every text is in English
    assert unauthenticated.status_code == 401
    assert unauthenticated.json() == {
        "error": "unauthenticated",
        "detail": "Authentication credentials were not provided.",
    }
    assert forbidden.status_code == 403
    assert forbidden["Content-Language"] == "en"
    assert forbidden.json() == {"error": "forbidden", "detail": in_language(ROLE_NOT_ALLOWED, "en")}
    assert forbidden.json()["detail"] == "Your role may not do this."
    assert invalid.json() == {
        "error": "invalid",
        "detail": "The input is not valid; see the fields named.",
        "fields": {"state": ['"gone" is not a valid choice.']},
    }


# --- Idempotency-Key ----------------------------------------------------------------------


def test_a_repeated_post_with_the_same_key_returns_the_first_answer_and_creates_nothing(api, officer_scj):
    # given a record created with an Idempotency-Key
    api.as_user(officer_scj)
    first = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    assert first.status_code == 201

    # when the same request is sent again with the same key
    second = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    # then the first answer comes back and nothing more is created
    assert second.status_code == 201
    assert second.json() == first.json()
    assert CreditRecord.objects.count() == 1
    assert CreditSubject.objects.count() == 1
    assert CreditRecord.objects.get().history.count() == 1


def test_without_a_key_a_repeated_post_is_a_duplicate(api, officer_scj):
    api.as_user(officer_scj)
    api.post("/api/v1/records/", record_entry(), format="json")

    response = api.post("/api/v1/records/", record_entry(), format="json")

    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert CreditRecord.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(api, officer_scj):
    # given a record created with a key
    api.as_user(officer_scj)
    first = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    # when the key is sent again with another record
    response = api.post(
        "/api/v1/records/",
        record_entry(decision_no="济市监罚〔2026〕2号"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-1",
    )

    # then it is refused and nothing is created
    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "detail": in_language(KEY_REUSED)}
    assert list(CreditRecord.objects.values_list("pk", flat=True)) == [first.json()["id"]]


def test_keys_belong_to_their_user(api, officer_scj, office):
    # given a key used by a department
    api.as_user(officer_scj).post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k")

    # when the office sends another request with the same key
    response = api.as_user(office).post(
        "/api/v1/records/",
        record_entry(decision_no="济市监罚〔2026〕2号", department="SCJ"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    # then the office's request is its own
    assert response.status_code == 201
    assert CreditRecord.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(api, officer_scj):
    # given a request refused for a wrong check digit
    api.as_user(officer_scj)
    refused = api.post(
        "/api/v1/records/", record_entry(subject_id="91370102MA3C4K7R19"), format="json", HTTP_IDEMPOTENCY_KEY="k-7"
    )
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"subject_id": [in_language(INVALID_USCC)]}
    assert not IdempotencyKey.objects.exists()

    # when the corrected request is sent with the same key
    corrected = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-7")

    # then it is carried out, and its answer is the one replayed from then on
    assert corrected.status_code == 201
    assert CreditRecord.objects.count() == 1
    replayed = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-7")
    assert (replayed.status_code, replayed.json()) == (201, corrected.json())
    assert CreditRecord.objects.count() == 1


def test_a_repeated_office_action_with_the_same_key_acts_once(api, office, officer_scj):
    # given a published record suspended by the office with a key
    created = api.as_user(officer_scj).post("/api/v1/records/", record_entry(), format="json").json()
    api.as_user(office)
    url = f"/api/v1/records/{created['id']}/suspend/"
    first = api.post(url, {"reason": "核实中"}, format="json", HTTP_IDEMPOTENCY_KEY="suspend-1")

    # when the same action is sent again with the key
    second = api.post(url, {"reason": "核实中"}, format="json", HTTP_IDEMPOTENCY_KEY="suspend-1")

    # then the first answer comes back instead of a 409, and the record changed once
    assert (second.status_code, second.json()) == (200, first.json())
    record = CreditRecord.objects.get()
    assert (record.state, record.version, record.history.count()) == ("suspended", 2, 2)


def test_a_request_that_crashed_does_not_use_up_its_key(officer_scj, monkeypatch):
    # given a create that crashed inside the service (a 500, nothing written)
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=officer_scj)[0]}")

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(services, "record_create", crash)
        crashed = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    assert crashed.status_code == 500
    assert crashed.json() == {"error": "server_error", "detail": in_language(SERVER_ERROR)}

    # when the client tries again with the same key, as the error told it to
    retried = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-9")

    # then the request is carried out instead of being refused as "still being processed"
    assert retried.status_code == 201
    assert CreditRecord.objects.count() == 1


def test_a_key_is_kept_a_day_then_forgotten(api, officer_scj, time_machine):
    from repairflow.core.tasks import purge_idempotency_keys

    # given a record created with a key
    api.as_user(officer_scj)
    first = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="day-1")

    # a minute short of a day later, the key still replays the first answer
    time_machine.shift(timedelta(hours=24) - timedelta(minutes=1))
    assert purge_idempotency_keys() == 0
    api.as_user(officer_scj)  # (a new sign-in: tokens live 12 hours)
    replayed = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="day-1")
    assert (replayed.status_code, replayed.json()) == (201, first.json())

    # a day after it was claimed, beat's purge forgets it
    time_machine.shift(timedelta(minutes=1))
    assert purge_idempotency_keys() == 1
    assert not IdempotencyKey.objects.exists()


def test_a_key_older_than_a_day_is_a_new_request_even_before_the_purge(api, officer_scj, time_machine):
    api.as_user(officer_scj)
    api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="day-2")
    time_machine.shift(timedelta(hours=24))
    api.as_user(officer_scj)  # (a new sign-in: tokens live 12 hours)

    response = api.post(
        "/api/v1/records/",
        record_entry(decision_no="济市监罚〔2026〕2号"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="day-2",
    )

    assert response.status_code == 201
    assert CreditRecord.objects.count() == 2


def test_a_key_whose_request_never_answered_is_released_after_a_minute(api, officer_scj, time_machine):
    # given a key claimed by the same request, whose process was killed before it answered
    api.as_user(officer_scj)
    killed = APIRequestFactory().post("/api/v1/records/", record_entry(), format="json")
    IdempotencyKey.objects.create(user=officer_scj, key="k-dead", request_fingerprint=request_fingerprint(killed))

    # within the minute, a retry is told the first is still under way, and nothing is created
    time_machine.shift(timedelta(seconds=59))
    waiting = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert (waiting.status_code, waiting.json()) == (409, {"error": "conflict", "detail": in_language(KEY_IN_PROGRESS)})
    assert not CreditRecord.objects.exists()

    # after it, the retry is carried out and its answer is the one replayed
    time_machine.shift(timedelta(seconds=1))
    retried = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert retried.status_code == 201
    replayed = api.post("/api/v1/records/", record_entry(), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert (replayed.status_code, replayed.json()) == (201, retried.json())
    assert CreditRecord.objects.count() == 1
