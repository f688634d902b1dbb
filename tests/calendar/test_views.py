"""The calendar page: a year's official schedule and the deadline calculator, in Chinese by default."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


def test_the_calendar_shows_this_years_schedule_to_anyone(client):
    response = client.get("/calendar/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "工作日日历 2026" in page or "2026" in page
    assert "2026-10-10" in page
    assert "国庆节" in page


def test_the_calculator_explains_a_deadline(client):
    response = client.get("/calendar/2026/", {"start": "2026-09-30", "days": "3"})

    page = response.content.decode()
    assert "2026-10-10" in page
    assert "10/1–10/7 国庆节" in page


def test_the_calculator_marks_a_provisional_result(client):
    response = client.get("/calendar/2027/", {"start": "2026-12-28", "days": "5"}, HTTP_COOKIE="")

    page = response.content.decode()
    assert "2027-01-04" in page
    assert 'class="badge warn"' in page


def test_bad_calculator_input_is_shown_on_the_form(client):
    response = client.get("/calendar/2026/", {"start": "2026-02-30", "days": "-1"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"start", "days"}
    assert response.context["result"] is None


def test_a_year_out_of_range_is_not_found(client):
    assert client.get("/calendar/1800/").status_code == 404


@pytest.mark.parametrize("start", ["9999-12-30", "1948-12-31", "2200-01-01"])
def test_the_calculator_refuses_a_day_outside_the_calendar_next_to_the_field(client, start):
    response = client.get("/calendar/2026/", {"start": start, "days": "10"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "日期必须在 1949-01-01 至 2199-12-31 之间。" in page
