"""The office's statistics for October 2026, every figure worked out by hand here from the 2026
calendar (国庆 10/1–10/7 holidays, Saturday 10/10 a working day), on cases and records moved by
the services on the days below, read on Monday 2 November."""

from datetime import date

import pytest

from repairflow.objections import services as objections
from tests.factories import CreditRecordFactory, record_entry

pytestmark = pytest.mark.django_db

URL = "/api/v1/office/statistics/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}
MAINTAIN = {"outcome": "maintain", "explanation": "经核实，记录无误。"}
CORRECT = {"outcome": "correct", "explanation": "金额有误", "corrected_fields": {"content": "责令改正，罚款五百元。"}}


@pytest.fixture
def october(travel, api, company, company_user, scj, hb, office, officer_scj, officer_hb):
    def objection_on(day: date, record):
        travel(day)
        objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
        objections.objection_accept(actor=office, number=objection.number)
        objections.objection_forward(actor=office, number=objection.number)
        return objection

    # A, received Tue 9/29 and forwarded that day: market regulation's 3 working days run 9/30,
    # 10/8, 10/9; its reply on Mon 10/12 is late, after 5 working days (9/30, 10/8, 10/9, Sat
    # 10/10, 10/12). Confirmed 10/13 (maintained).
    late = objection_on(date(2026, 9, 29), CreditRecordFactory(subject=company, department=scj))
    travel(date(2026, 10, 12))
    objections.objection_reply(actor=officer_scj, number=late.number, **MAINTAIN)
    # B, received Mon 10/12: due 10/15 (10/13, 10/14, 10/15); replied 10/14, on time, after 2
    # working days. Confirmed 10/15 (corrected).
    on_time = objection_on(date(2026, 10, 12), CreditRecordFactory(subject=company, department=scj))
    # C, received Mon 10/12, forwarded to environment: due 10/15, never answered: late.
    objection_on(date(2026, 10, 12), CreditRecordFactory(subject=company, department=hb))
    travel(date(2026, 10, 13))
    objections.objection_confirm(actor=office, number=late.number)
    travel(date(2026, 10, 14))
    objections.objection_reply(actor=officer_scj, number=on_time.number, **CORRECT)
    travel(date(2026, 10, 15))
    objections.objection_confirm(actor=office, number=on_time.number)

    # Two licences decided Mon 10/12, due by 7 working days: 10/13–10/16, 10/19–10/21 → 10/21.
    travel(date(2026, 10, 12))
    client = api.as_user(officer_scj)
    on_time_licence = record_entry(
        category="administrative_license", severity=None, decision_no="许〔2026〕1号", decision_date="2026-10-12"
    )
    assert client.post("/api/v1/records/", on_time_licence, format="json").status_code == 201
    unpublished = {**on_time_licence, "decision_no": "许〔2026〕2号", "publish": False}
    late_licence = client.post("/api/v1/records/", unpublished, format="json").json()["id"]
    travel(date(2026, 10, 22))  # the 8th working day: one day late
    assert client.post(f"/api/v1/records/{late_licence}/publish/", {"reason": "补发"}, format="json").status_code == 200

    travel(date(2026, 11, 2))


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


def test_the_page_refuses_a_backwards_period_beside_its_field(client, travel, office):
    client.force_login(office)

    response = client.get("/office/statistics/", {"start": "2026-10-31", "end": "2026-10-01"})

    assert response.status_code == 400 and response.context["form"].errors["end"]
