"""The calendar endpoints of docs/api.md: a deadline with its explanation, a year's schedule,
and the office loading one (which recomputes the open deadlines it touches)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import DATE_OUT_OF_RANGE, DAY_OUTSIDE_YEAR, DAY_TWICE, NAME_MISSING
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.deadlines.api import YEAR_MISMATCH
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import deadline_start
from tests.factories import CreditRecordFactory
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db

DEADLINE_URL = "/api/v1/calendar/deadline/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULE_2027 = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "days": [
        {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
        {"date": "2027-01-02", "is_workday": False, "name": "元旦"},
        {"date": "2027-01-03", "is_workday": False, "name": "元旦"},
        {"date": "2027-01-04", "is_workday": False, "name": "元旦"},
    ],
}


def year_url(year: int) -> str:
    return f"/api/v1/calendar/{year}/"


def test_deadline_over_national_day_2026_names_the_days_skipped_and_worked(api, office):
    response = api.as_user(office).get(DEADLINE_URL, {"start": "2026-09-30", "days": 3}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("start", "days", "counted_from", "due_on", "provisional")} == {
        "start": "2026-09-30",
        "days": 3,
        "counted_from": "2026-09-30",
        "due_on": "2026-10-10",
        "provisional": False,
    }
    assert body["explanation"] == [
        "3 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]
    assert body["calendar_version"] == CalendarYear.objects.get(year=2026).version


@pytest.mark.parametrize("start", ["9999-12-30", "9999-12-31", "1948-12-31", "2200-01-01", "0001-01-01"])
def test_a_start_outside_the_calendar_is_invalid(api, company_user, start):
    response = api.as_user(company_user).get(DEADLINE_URL, {"start": start, "days": 10})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "start": [in_chinese(DATE_OUT_OF_RANGE) % {"first": "1949-01-01", "last": "2199-12-31"}]
    }


def test_the_calendar_s_first_and_last_days_are_counted_from(api, company_user):
    first = api.as_user(company_user).get(DEADLINE_URL, {"start": "1949-01-01", "days": 10})
    last = api.as_user(company_user).get(DEADLINE_URL, {"start": "2199-12-31", "days": 366})

    assert (first.status_code, last.status_code) == (200, 200)
    assert last.json()["provisional"] is True


def test_deadline_received_on_a_holiday_counts_from_the_next_working_day(api, company_user):
    response = api.as_user(company_user).get(DEADLINE_URL, {"start": "2026-10-03", "days": 3})

    body = response.json()
    assert (body["counted_from"], body["due_on"]) == ("2026-10-08", "2026-10-12")


def test_deadline_into_a_year_without_schedule_is_provisional(api, office):
    response = api.as_user(office).get(DEADLINE_URL, {"start": "2026-12-28", "days": 5}, HTTP_ACCEPT_LANGUAGE="en")

    body = response.json()
    assert (body["due_on"], body["provisional"]) == ("2027-01-04", True)
    assert body["explanation"][-1] == (
        "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
        "so this result is provisional."
    )


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, {"start", "days"}),
        ({"start": "2026-02-30", "days": 3}, {"start"}),
        ({"start": "30/09/2026", "days": 3}, {"start"}),
        ({"start": "2026-09-30", "days": -1}, {"days"}),
        ({"start": "2026-09-30", "days": 367}, {"days"}),
        ({"start": "2026-09-30", "days": "three"}, {"days"}),
    ],
)
def test_deadline_with_bad_input_is_400_naming_the_field(api, office, query, fields):
    response = api.as_user(office).get(DEADLINE_URL, query)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert set(response.json()["fields"]) == fields


def test_calendar_needs_credentials(api):
    assert api.get(DEADLINE_URL, {"start": "2026-09-30", "days": 3}).status_code == 401
    assert api.get(year_url(2026)).status_code == 401


def test_a_loaded_year_lists_its_named_days(api, auditor):
    response = api.as_user(auditor).get(year_url(2026))

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026
    assert body["confirmed"] is True
    assert "2026" in body["source"]
    assert {"date": "2026-10-10", "is_workday": True, "name": "国庆节"} in body["days"]
    assert {"date": "2026-10-01", "is_workday": False, "name": "国庆节"} in body["days"]
    assert len(body["days"]) == CalendarDay.objects.filter(date__year=2026).count()


def test_a_year_without_schedule_is_empty_and_unconfirmed(api, office):
    response = api.as_user(office).get(year_url(2027))

    assert response.json() == {"year": 2027, "confirmed": False, "source": "", "version": 0, "days": []}


def test_a_year_out_of_range_is_404(api, office):
    assert api.as_user(office).get(year_url(1800)).status_code == 404


def test_the_office_loads_2027_and_open_deadlines_move(api, office, officer_scj, scj):
    record = CreditRecordFactory(department=scj)
    with time_machine.travel(datetime(2026, 12, 28, 9, tzinfo=SHANGHAI), tick=False):
        deadline = deadline_start(
            case=record, step=Step.OBJECTION_VERIFICATION, started_on=date(2026, 12, 28), department=scj
        )
        assert (deadline.due_on, deadline.provisional) == (date(2026, 12, 31), False)
        longer = deadline_start(case=record, step=Step.OBJECTION_ANSWER, started_on=date(2026, 12, 28))
        assert (longer.due_on, longer.provisional) == (date(2027, 1, 6), True)
        version_before = CalendarYear.objects.get(year=2026).version

        response = api.as_user(office).put(year_url(2027), SCHEDULE_2027, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["confirmed"], body["version"]) == (2027, True, version_before + 1)
    assert body["deadlines_moved"] == [
        {"id": longer.pk, "step": "objection_answer", "old_due_on": "2027-01-06", "new_due_on": "2027-01-08"}
    ]
    longer.refresh_from_db()
    assert (longer.due_on, longer.provisional, longer.calendar_version) == (date(2027, 1, 8), False, body["version"])
    assert longer.history.count() == 2
    assert "2027-01-06 → 2027-01-08" in longer.history.first().history_change_reason
    deadline.refresh_from_db()
    assert deadline.history.count() == 1
    year = CalendarYear.objects.get(year=2027)
    assert year.history.first().history_user == office
    assert CalendarDay.objects.filter(calendar_year=year).count() == 4


def test_loading_a_year_again_replaces_its_days_and_bumps_the_version(api, office):
    client = api.as_user(office)
    first = client.put(year_url(2027), SCHEDULE_2027, format="json").json()

    second = client.put(year_url(2027), {**SCHEDULE_2027, "days": SCHEDULE_2027["days"][:1]}, format="json").json()

    assert second["version"] == first["version"] + 1
    assert second["days"] == [{"date": "2027-01-01", "is_workday": False, "name": "元旦"}]
    assert CalendarDay.objects.filter(date__year=2027).count() == 1


def test_an_unconfirmed_schedule_keeps_deadlines_provisional(api, office):
    client = api.as_user(office)
    client.put(year_url(2027), {**SCHEDULE_2027, "confirmed": False}, format="json")

    body = client.get(DEADLINE_URL, {"start": "2026-12-28", "days": 5}).json()

    assert (body["due_on"], body["provisional"]) == ("2027-01-06", True)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            [{"date": "2028-01-01", "is_workday": False, "name": "元旦"}],
            DAY_OUTSIDE_YEAR % {"date": "2028-01-01", "year": 2027},
        ),
        (
            [{"date": "2027-01-01", "is_workday": False, "name": "元旦"}] * 2,
            DAY_TWICE % {"date": "2027-01-01"},
        ),
        ([{"date": "2027-01-01", "is_workday": False, "name": "  "}], NAME_MISSING % {"date": "2027-01-01"}),
    ],
)
def test_an_invalid_schedule_is_400_and_changes_nothing(api, office, days, message):
    response = api.as_user(office).put(year_url(2027), {**SCHEDULE_2027, "days": days}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"days": [str(message)]}
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year__gte=2027).exists()


def test_a_malformed_day_is_400_naming_it(api, office):
    body = {**SCHEDULE_2027, "days": [{"date": "2027-13-01", "is_workday": False, "name": "元旦"}]}

    response = api.as_user(office).put(year_url(2027), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["days"]


def test_a_body_for_another_year_is_400(api, office):
    response = api.as_user(office).put(year_url(2027), {**SCHEDULE_2027, "year": 2028}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"year": [str(YEAR_MISMATCH)]}
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_missing_source_is_400(api, office):
    response = api.as_user(office).put(year_url(2027), {"days": []}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"source"}


@pytest.mark.parametrize("user", ["auditor", "officer_scj", "company_user"])
def test_only_the_office_loads_a_schedule(api, request, user):
    version = CalendarYear.objects.get(year=2026).version

    response = api.as_user(request.getfixturevalue(user)).put(year_url(2026), SCHEDULE_2027, format="json")

    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "detail": str(ROLE_NOT_ALLOWED)}
    assert CalendarYear.objects.get(year=2026).version == version


def test_the_schema_describes_the_calendar_endpoints(api, office):
    paths = api.as_user(office).get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {"get"} <= set(paths["/api/v1/calendar/deadline/"])
    assert {"get", "put"} <= set(paths["/api/v1/calendar/{year}/"])
