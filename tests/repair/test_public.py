"""The public progress query answers for repair applications too (docs/api.md "Public progress
query"): found by the `XF` of its number, with the answer clock's last day as its due date."""

import pytest

from tests.helpers import NOT_FOUND

URL = "/api/v1/public/status/"

pytestmark = pytest.mark.usefixtures("throttle_history_empty")


def test_anyone_with_the_number_and_the_identifier_sees_the_progress(api, repair_in, company):
    application = repair_in("submitted")

    response = api.get(URL, {"number": application.number, "subject_id": company.identifier.lower()})

    assert response.status_code == 200
    assert response.json() == {
        "number": application.number,
        "kind": "repair",
        "state": "submitted",
        "state_label": "已提交",
        "received_on": "2026-09-28",
        # the whole answer within 10 working days (国办发〔2025〕22号), 10/1–10/7 not counted and the
        # make-up Saturday 10/10 counted; the acceptance clock's 9/30 comes first but is not shown
        "due_on": "2026-10-16",
    }


def test_the_due_date_stays_the_answer_clock_while_the_department_reviews(api, repair_in, company):
    application = repair_in("reviewing")

    response = api.get(URL, {"number": application.number, "subject_id": company.identifier})

    assert response.json()["state"] == "reviewing"
    # not the department's decision clock (3 working days from 9/28: 10/8)
    assert response.json()["due_on"] == "2026-10-16"


def test_a_published_repair_is_due_nothing_more(api, repair_in, company):
    application = repair_in("published")

    response = api.get(URL, {"number": application.number, "subject_id": company.identifier})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["due_on"]) == ("published", None)


@pytest.mark.parametrize(
    "query",
    [
        # another subject's identifier (valid), not the applicant's
        {"number": "__number__", "subject_id": "91350100M000100Y43"},
        {"number": "__number__", "subject_id": "not an identifier"},
        # a number no application has
        {"number": "XF2026999999", "subject_id": "__subject__"},
        # the application's digits under the objections' prefix
        {"number": "__objection__", "subject_id": "__subject__"},
    ],
)
def test_a_mismatch_is_not_found_whichever_half_is_wrong(api, repair_in, company, query):
    application = repair_in("submitted")
    number = {"__number__": application.number, "__objection__": application.number.replace("XF", "YY", 1)}
    query = {
        "number": number.get(query["number"], query["number"]),
        "subject_id": company.identifier if query["subject_id"] == "__subject__" else query["subject_id"],
    }

    response = api.get(URL, query)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_the_query_is_throttled(api, repair_in, company):
    application = repair_in("submitted")
    query = {"number": application.number, "subject_id": company.identifier}

    statuses = [api.get(URL, query).status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
