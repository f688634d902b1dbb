"""The subject's feedback on its closed objection (docs/api.md "Cases: feedback and repeats"):
once, after closure, a rating from 1 to 5 and a comment; anyone else is answered 404; the page
offers the form to the subject of a closed case only."""

import pytest

from repairflow.cases.models import Feedback
from repairflow.cases.services import FEEDBACK_ALREADY_GIVEN, FEEDBACK_BEFORE_CLOSURE, RATING_OUT_OF_RANGE
from tests.helpers import NOT_FOUND, conflict, invalid
from tests.i18n import in_chinese
from tests.objections.conftest import read
from tests.pages import text


def give(api, user, number, **body):
    return api.as_user(user).post(f"/api/v1/objections/{number}/feedback/", body, format="json")


def test_the_subject_rates_its_closed_objection_once_and_the_case_shows_it(api, objection_in, company_user):
    objection = objection_in("rejected")
    assert read(api, company_user, objection.number).json()["feedback"] is None

    answer = give(api, company_user, objection.number, rating=4, comment="处理及时，说明清楚。")

    assert answer.status_code == 201, answer.json()
    feedback = answer.json()["feedback"]
    assert (feedback["rating"], feedback["comment"]) == (4, "处理及时，说明清楚。")
    assert feedback["given_at"].startswith("2026-09-28T10:00:00") and feedback["given_at"].endswith("+08:00")
    assert read(api, company_user, objection.number).json()["feedback"] == feedback


@pytest.mark.parametrize("state", ["published", "withdrawn", "lapsed"])
def test_every_closed_state_takes_feedback(api, objection_in, company_user, state):
    objection = objection_in(state)
    assert give(api, company_user, objection.number, rating=5).status_code == 201


def test_a_second_feedback_is_a_conflict_and_the_first_stays(api, objection_in, company_user):
    objection = objection_in("rejected")
    give(api, company_user, objection.number, rating=2, comment="太慢")

    answer = give(api, company_user, objection.number, rating=5, comment="改主意了")

    assert (answer.status_code, answer.json()) == (409, conflict(FEEDBACK_ALREADY_GIVEN))
    assert list(Feedback.objects.values_list("rating", "comment")) == [(2, "太慢")]


@pytest.mark.parametrize("state", ["submitted", "accepted", "verifying", "needs_supplement"])
def test_no_feedback_before_the_case_closes(api, objection_in, company_user, state):
    objection = objection_in(state)

    answer = give(api, company_user, objection.number, rating=3)

    assert (answer.status_code, answer.json()) == (409, conflict(FEEDBACK_BEFORE_CLOSURE))
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(api, objection_in, company_user, rating):
    objection = objection_in("rejected")

    answer = give(api, company_user, objection.number, rating=rating)

    assert (answer.status_code, answer.json()) == (400, invalid({"rating": [in_chinese(RATING_OUT_OF_RANGE)]}))
    assert not Feedback.objects.exists()


def test_a_rating_that_is_not_a_number_is_refused(api, objection_in, company_user):
    objection = objection_in("rejected")

    answer = give(api, company_user, objection.number, rating="好")

    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["rating"]
    assert not Feedback.objects.exists()


def test_anyone_but_the_subject_is_answered_as_for_a_case_it_may_not_see(
    api, objection_in, office, auditor, officer_scj, other_subject_user
):
    objection = objection_in("published")

    for user in (office, auditor, officer_scj, other_subject_user):
        answer = give(api, user, objection.number, rating=5)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), user
        # the body is not judged first: a bad one is answered 404 too
        assert give(api, user, objection.number, rating=9).status_code == 404
    assert not Feedback.objects.exists()


# --- The page -------------------------------------------------------------------------------------


def test_the_closed_case_page_offers_the_form_to_its_subject_and_keeps_the_feedback(client, objection_in, company_user):
    objection = objection_in("rejected")
    client.force_login(company_user)
    page = client.get(f"/objections/{objection.number}/")
    assert 'id="feedback"' in page.content.decode() and 'name="rating"' in page.content.decode()

    answer = client.post(f"/objections/{objection.number}/feedback/", {"rating": "3", "comment": "一般"})

    assert answer.status_code == 302
    assert list(Feedback.objects.values_list("rating", "comment")) == [(3, "一般")]
    shown = client.get(f"/objections/{objection.number}/")
    assert 'name="rating"' not in shown.content.decode()
    assert "一般" in text(shown)


def test_the_page_refuses_a_second_feedback_and_feedback_before_closure(client, objection_in, company_user):
    closed, open_ = objection_in("rejected"), None
    client.force_login(company_user)
    client.post(f"/objections/{closed.number}/feedback/", {"rating": "3"})

    again = client.post(f"/objections/{closed.number}/feedback/", {"rating": "5"})

    assert again.status_code == 409 and in_chinese(FEEDBACK_ALREADY_GIVEN) in text(again)
    assert list(Feedback.objects.values_list("rating", flat=True)) == [3]
    open_ = objection_in("accepted") if open_ is None else open_
    early = client.get(f"/objections/{open_.number}/")
    assert 'name="rating"' not in early.content.decode()
    refused = client.post(f"/objections/{open_.number}/feedback/", {"rating": "5"})
    assert refused.status_code == 409 and Feedback.objects.count() == 1


def test_the_page_refuses_a_missing_rating_beside_its_field(client, objection_in, company_user):
    objection = objection_in("rejected")
    client.force_login(company_user)

    answer = client.post(f"/objections/{objection.number}/feedback/", {"comment": "没有打分"})

    assert answer.status_code == 400 and in_chinese(RATING_OUT_OF_RANGE) in text(answer)
    assert not Feedback.objects.exists()


def test_staff_see_no_feedback_form_and_may_not_post_one(client, objection_in, office):
    objection = objection_in("rejected")
    client.force_login(office)

    assert 'name="rating"' not in client.get(f"/objections/{objection.number}/").content.decode()
    assert client.post(f"/objections/{objection.number}/feedback/", {"rating": "5"}).status_code == 404
    assert not Feedback.objects.exists()
