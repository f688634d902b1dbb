"""The office's statistics for October 2026, every figure worked out by hand (tests/office/conftest.py,
`october`) from the 2026
calendar (国庆 10/1–10/7 holidays, Saturday 10/10 a working day), on cases and records moved by
the services on the days below, read on Monday 2 November."""

import re
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from repairflow.objections import services as objections
from repairflow.objections.models import Objection, Outcome
from repairflow.office.charts import weekly_lines
from repairflow.records.models import MatterKind
from repairflow.records.services import credit_check_run, matter_create
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import text

pytestmark = pytest.mark.django_db

URL = "/api/v1/office/statistics/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def test_octobers_figures(api, october, office):
    body = api.as_user(office).get(URL, OCTOBER).json()

    assert (body["from"], body["to"]) == ("2026-10-01", "2026-10-31")
    assert body["received"] == {"objection": 2, "repair": 0}  # B and C; A came in September
    assert body["closed"] == {"objection": 2, "repair": 0}  # A and B, published on confirmation
    assert body["outcomes"] == {"correct": 1, "maintain": 1}
    assert body["repairs_by_rule"] == {}
    assert body["departments"] == [
        {
            "department": "HB",
            "name": "生态环境局",
            "verifications": 1,
            "on_time": 0,
            "late": 1,
            "on_time_rate": 0.0,
            "median_working_days": None,
            "p90_working_days": None,
        },
        {
            "department": "SCJ",
            "name": "市场监督管理局",
            "verifications": 2,
            "on_time": 1,
            "late": 1,
            "on_time_rate": 0.5,
            "median_working_days": 3.5,  # of 2 and 5
            "p90_working_days": 4.7,  # 2 + 0.9 × (5 − 2)
        },
    ]
    verification = next(row for row in body["steps"] if row["step"] == "objection_verification")
    assert (verification["on_time"], verification["late"]) == (1, 2)
    assert body["publication"] == {"new_records": 2, "on_time": 1, "late": 1, "on_time_rate": 0.5}
    assert body["credit_checks"] == []


def test_a_period_that_misses_everything_has_no_rates(api, october, office):
    body = api.as_user(office).get(URL, {"from": "2026-12-01", "to": "2026-12-31"}).json()

    assert body["departments"] == [] and body["publication"]["on_time_rate"] is None
    assert body["received"] == {"objection": 0, "repair": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-10-31", "to": "2026-10-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-10-31"}, "from"),
        ({"to": "2026-10-31"}, "from"),
        ({"from": "1800-01-01", "to": "2026-10-31"}, "from"),
    ],
)
def test_a_period_that_cannot_be_read_is_refused(api, travel, office, query, field):
    response = api.as_user(office).get(URL, query)

    assert (response.status_code, list(response.json()["fields"])) == (400, [field])


@pytest.mark.parametrize("who", ["officer_scj", "company_user"])
def test_statistics_are_the_offices(api, travel, request, who):
    response = api.as_user(request.getfixturevalue(who)).get(URL, OCTOBER)

    assert response.status_code == 404


def test_the_page_shows_the_figures_and_draws_them(client, october, office):
    client.force_login(office)

    page = client.get("/office/statistics/", {"start": "2026-10-01", "end": "2026-10-31"}).content.decode()

    assert page.count("<svg") == 2 and "50%" in page and "生态环境局" in page


@pytest.mark.usefixtures("october")
def test_the_page_names_outcomes_and_departments_rather_than_their_codes(client, office, officer_scj, scj):
    matter = matter_create(actor=office, department=scj, code="XK-001", name="食品经营许可", kind=MatterKind.LICENCE)
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=SHANGHAI)):
        credit_check_run(actor=officer_scj, subject_id="91370102MA3C4K7R18", matter=matter.code)
    client.force_login(office)

    response = client.get("/office/statistics/", {"start": "2026-10-01", "end": "2026-10-31"})

    shown = text(response)
    assert f"{in_chinese(Outcome.CORRECT.label)}: 1" in shown and f"{in_chinese(Outcome.MAINTAIN.label)}: 1" in shown
    assert f"{scj.name}: 1" in shown
    assert "correct:" not in shown and "maintain:" not in shown and "SCJ:" not in shown


def test_the_page_opens_on_this_month_so_far_with_its_dates_in_the_form(client, travel, office):
    travel(date(2026, 12, 21))
    client.force_login(office)

    page = client.get("/office/statistics/").content.decode()

    assert re.search(r'<input type="date" name="start" value="2026-12-01"', page)
    assert re.search(r'<input type="date" name="end" value="2026-12-21"', page)


def test_the_page_refuses_a_backwards_period_beside_its_field(client, travel, office):
    client.force_login(office)

    response = client.get("/office/statistics/", {"start": "2026-10-31", "end": "2026-10-01"})

    assert response.status_code == 400 and response.context["form"].errors["end"]


def test_a_paused_clock_is_neither_on_time_nor_late(api, october, office):
    environment = Objection.objects.get(record__department__code="HB")
    objections.objection_pause(actor=office, number=environment.number, reason="送检")

    body = api.as_user(office).get(URL, OCTOBER).json()
    report = load_workbook(BytesIO(api.as_user(office).get("/api/v1/office/reports/2026-10.xlsx").content))

    assert [row["department"] for row in body["departments"]] == ["SCJ"]
    late = [row[:2] for row in report["逾期期限"].iter_rows(min_row=2, values_only=True)]
    assert (environment.number, "核查异议并答复") not in late
    assert (environment.number, "答复异议") in late  # the office's own answer still runs, and is late


def test_the_trend_chart_keeps_its_last_week_s_label_inside_it():
    weeks = [{"week": date(2026, 11, 30) + timedelta(weeks=n), "received": n, "closed": 0} for n in range(4)]

    chart = str(weekly_lines(weeks))

    width = int(re.search(r'viewBox="0 0 (\d+) ', chart).group(1))
    last = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>([^<]+)</text>', chart)[-1]
    assert last[1] == "12/21"
    assert float(last[0]) + len(last[1]) * 11 / 2 / 2 + 2 <= width  # half the label (11 px, digits half as wide)
