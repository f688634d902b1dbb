"""The public progress query (repairflow/portal/api.py) for an objection, and what every kind of
case shares: no login, both the number and the subject's identifier must match, throttled. The
repair application's answer: tests/repair/test_public.py."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from repairflow.objections import services
from tests.factories import CreditRecordFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/public/status/"

pytestmark = pytest.mark.usefixtures("throttle_history_empty")


@pytest.fixture
def objection(company, company_user, scj):
    record = CreditRecordFactory(subject=company, department=scj)
    with time_machine.travel(datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=False):
        return services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        )


def test_anyone_with_the_number_and_the_identifier_sees_the_progress(api, objection, company):
    response = api.get(URL, {"number": objection.number, "subject_id": company.identifier.lower()})

    assert response.status_code == 200
    assert response.json() == {
        "number": objection.number,
        "kind": "objection",
        "state": "submitted",
        "state_label": "已提交",
        "received_on": "2026-09-28",
        # the office's answer within its own scope: 3 working days, 10/1–10/7 not counted
        "due_on": "2026-10-08",
    }


def test_the_due_date_follows_the_answer_clock_once_forwarded(api, objection, company, office):
    with time_machine.travel(datetime(2026, 9, 29, 10, tzinfo=SHANGHAI), tick=False):
        services.objection_accept(actor=office, number=objection.number)
        services.objection_forward(actor=office, number=objection.number)

    response = api.get(URL, {"number": objection.number, "subject_id": company.identifier})

    assert response.json()["state"] == "verifying"
    assert response.json()["due_on"] == str(date(2026, 10, 13))  # 7 working days from 9/28


@pytest.mark.parametrize(
    "query",
    [
        {"number": "YY2026999999", "subject_id": "91370100000000000R"},
        {"number": "__number__", "subject_id": "91350100M000100Y43"},
        {"number": "__number__", "subject_id": "not an identifier"},
    ],
)
def test_a_mismatch_is_not_found_whichever_half_is_wrong(api, objection, query):
    query = {**query, "number": query["number"].replace("__number__", objection.number)}

    response = api.get(URL, query)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_number_of_no_kind_of_case_is_not_found(api, objection, company):
    response = api.get(URL, {"number": objection.number.replace("YY", "ZZ"), "subject_id": company.identifier})

    assert response.status_code == 404


def test_a_malformed_number_is_invalid(api):
    response = api.get(URL, {"number": "12", "subject_id": "x"})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"number"}


def test_the_query_is_throttled(api, objection, company, settings):
    query = {"number": objection.number, "subject_id": company.identifier}
    statuses = [api.get(URL, query).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_a_client_s_misses_are_throttled_far_more_tightly_than_its_look_ups(api, objection, company):
    known = {"number": objection.number, "subject_id": company.identifier}
    guesses = [{**known, "number": f"YY2026{n:06d}"} for n in range(100, 110)]

    assert [api.get(URL, known).status_code for _ in range(5)] == [200] * 5  # hits are not misses
    assert [api.get(URL, guess).status_code for guess in guesses] == [404] * 10
    refused = api.get(URL, known)
    other_client = api.get(URL, known, REMOTE_ADDR="127.0.0.2")

    assert refused.status_code == 429 and refused.json()["error"] == "throttled"
    assert other_client.status_code == 200


def test_a_client_may_look_up_again_an_hour_after_its_misses(api, objection, company):
    known = {"number": objection.number, "subject_id": company.identifier}
    with time_machine.travel(datetime(2026, 10, 9, 10, tzinfo=SHANGHAI), tick=False) as clock:
        for n in range(10):
            api.get(URL, {**known, "number": f"YY2026{n + 100:06d}"})
        assert api.get(URL, known).status_code == 429
        clock.shift(3601)

        assert api.get(URL, known).status_code == 200
