"""The office loads a year in the admin: checked like every other door, versioned, and the open
deadlines it touches recomputed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import DAY_OUTSIDE_YEAR
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import deadline_start
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_admin(client, office):
    office.is_staff = office.is_superuser = True
    office.save()
    client.force_login(office)
    return office


def year_form(year: int, days: list[tuple[str, bool, str]]) -> dict:
    data = {
        "year": str(year),
        "confirmed": "on",
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for index, (day, is_workday, name) in enumerate(days):
        data[f"days-{index}-date"] = day
        data[f"days-{index}-name"] = name
        if is_workday:
            data[f"days-{index}-is_workday"] = "on"
    return data


def test_a_year_added_in_the_admin_is_versioned_and_moves_open_deadlines(client, office_admin):
    with time_machine.travel(datetime(2026, 12, 28, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        deadline = deadline_start(case=CreditRecordFactory(), step=Step.OBJECTION_ANSWER, started_on=date(2026, 12, 28))
        latest = CalendarYear.objects.order_by("-version").first().version
        client.force_login(office_admin)  # the session must not have expired by the travelled-to date

        response = client.post(
            reverse("admin:calendar_calendaryear_add"),
            year_form(2027, [("2027-01-01", False, "元旦"), ("2027-01-04", False, "元旦")]),
        )

    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    assert year.version == latest + 1
    assert year.history.first().history_user == office_admin
    assert year.days.count() == 2
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.provisional) == (date(2027, 1, 8), False)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        # The same date twice is caught by Django's own formset check for the unique date.
        ([("2027-01-01", False, "元旦"), ("2027-01-01", False, "元旦")], "date"),
        ([("2028-01-01", False, "元旦")], DAY_OUTSIDE_YEAR % {"date": "2028-01-01", "year": 2027}),
    ],
)
def test_an_invalid_year_is_refused_in_the_admin_and_nothing_is_saved(client, office_admin, days, message):
    response = client.post(reverse("admin:calendar_calendaryear_add"), year_form(2027, days))

    assert response.status_code == 200
    assert str(message) in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year__gte=2027).exists()


def test_a_year_cannot_be_deleted_in_the_admin(client, office_admin):
    year = CalendarYear.objects.get(year=2026)

    response = client.post(reverse("admin:calendar_calendaryear_delete", args=[year.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert CalendarYear.objects.filter(year=2026).exists()
