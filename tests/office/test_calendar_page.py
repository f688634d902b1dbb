"""Loading next year's holiday schedule from the office's page: checked first, with the open
deadlines it would move and by how much (nothing saved), then loaded. Dates worked by hand: with
no 2027 schedule, Friday 2027-01-01 counts as a working day; the notice makes 1/1–1/3 元旦."""

from datetime import date

import pytest

from repairflow.calendar.models import CalendarYear
from repairflow.deadlines.services import case_deadlines
from repairflow.objections import services as objections
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db

URL = "/office/calendar/"
NEW_YEAR = "2027-01-01 休 元旦\n2027-01-02 休 元旦\n2027-01-03 休 元旦\n"
FORM = {"year": "2027", "source": "国务院办公厅关于2027年部分节假日安排的通知", "confirmed": "on", "days": NEW_YEAR}


@pytest.fixture
def objection(travel, company, company_user, scj):
    """Received Wed 2026-12-30: accepted by 12/31, 1/1 → due 1/1 (provisional); answered in the
    office's own scope by 12/31, 1/1, 1/4 → due 1/4."""
    travel(date(2026, 12, 30))
    record = CreditRecordFactory(subject=company, department=scj)
    objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
    assert dues(objection) == {"objection_acceptance": date(2027, 1, 1), "objection_answer_in_office": date(2027, 1, 4)}
    return objection


def dues(objection) -> dict:
    return {deadline.step: deadline.due_on for deadline in case_deadlines(objection)}


def test_the_check_shows_which_deadlines_move_and_saves_nothing(client, objection, office):
    client.force_login(office)

    response = client.post(URL, {**FORM, "preview": "1"})

    page = response.content.decode()
    # with 1/1–1/3 holidays: acceptance 12/31, 1/4 → 1/4 (3 days later); own scope 12/31, 1/4, 1/5 → 1/5 (1 day later)
    assert "2027-01-01" in page and "2027-01-04" in page and "2027-01-05" in page
    assert "推后 3 天" in page and "推后 1 天" in page
    assert objection.number in page and 'name="load"' in page
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert dues(objection) == {"objection_acceptance": date(2027, 1, 1), "objection_answer_in_office": date(2027, 1, 4)}


def test_loading_moves_the_deadlines_as_the_check_said(client, objection, office):
    client.force_login(office)

    response = client.post(URL, {**FORM, "load": "1"}, follow=True)

    assert response.status_code == 200
    loaded = CalendarYear.objects.get(year=2027)
    assert (loaded.source, loaded.confirmed, loaded.days.count()) == (FORM["source"], True, 3)
    assert dues(objection) == {"objection_acceptance": date(2027, 1, 4), "objection_answer_in_office": date(2027, 1, 5)}
    assert "2027" in response.content.decode()


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ("2027-13-01 休 元旦", "第 1 行"),
        ("2027-01-01 元旦", "第 1 行"),
        ("2027-01-01 休 元旦\n\n2027-02-06 上 春节", "第 3 行"),
        ("2026-12-31 休 元旦", "2026-12-31"),
        ("2027-01-01 休 元旦\n2027-01-01 休 元旦", "2027-01-01"),
    ],
)
def test_a_schedule_that_cannot_be_read_is_refused_beside_its_field(client, objection, office, days, said):
    client.force_login(office)

    response = client.post(URL, {**FORM, "days": days, "load": "1"})

    assert response.status_code == 200
    assert said in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert dues(objection)["objection_acceptance"] == date(2027, 1, 1)


def test_a_make_up_working_day_is_read_as_one(client, travel, office):
    travel(date(2026, 12, 1))
    client.force_login(office)

    client.post(URL, {**FORM, "days": NEW_YEAR + "2027-02-06 班 春节", "load": "1"})

    assert CalendarYear.objects.get(year=2027).days.get(date=date(2027, 2, 6)).is_workday


def test_the_auditor_may_check_but_not_load(client, objection, auditor):
    client.force_login(auditor)

    checked = client.post(URL, {**FORM, "preview": "1"})
    loaded = client.post(URL, {**FORM, "load": "1"})

    assert checked.status_code == 200 and 'name="load"' not in checked.content.decode()
    assert loaded.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("who", ["officer_scj", "company_user"])
def test_the_page_is_not_there_for_anyone_else(client, objection, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(URL).status_code == 404
    assert client.post(URL, {**FORM, "load": "1"}).status_code == 404
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_page_lists_the_loaded_years(client, travel, office):
    client.force_login(office)

    page = client.get(URL).content.decode()

    assert "2026" in page and 'value="2027"' in page
