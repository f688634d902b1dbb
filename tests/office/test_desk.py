"""The credit office's desk (docs/api.md "The credit office"): every figure checked against values
worked out by hand below from the 2026 official calendar (国庆 10/1–10/7 holidays, Saturday 10/10
a working day), on cases filed and moved by the services; refused to anyone but the office and
the auditor."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairflow.calendar.workdays import SpecialDay
from repairflow.cases.services import case_feedback_give
from repairflow.deadlines.services import calendar_year_load
from repairflow.objections import services as objections
from repairflow.objections.models import Objection
from repairflow.objections.services import OBJECTIONS
from repairflow.records.models import Delivery, DeliveryStatus, EventType, RecordEvent, Subscription
from tests.factories import CreditRecordFactory
from tests.i18n import in_chinese
from tests.office.conftest import TODAY

pytestmark = pytest.mark.django_db

URL = "/api/v1/office/dashboard/"


def test_the_desk_counts_every_open_case_and_clock_by_owner(api, cases, office):
    body = api.as_user(office).get(URL).json()

    assert body["open"]["objection"] == {
        "submitted": 2,
        "needs_supplement": 0,
        "accepted": 0,
        "verifying": 1,
        "replied": 0,
        "corrected": 0,
    }
    assert body["open"]["repair"]["submitted"] == 1 and sum(body["open"]["repair"].values()) == 1
    # office: overdue the repair's and `late`'s acceptance; due today `late`'s own-scope answer and
    # `waiting`'s acceptance; within 2 working days `waiting`'s own-scope answer (Sat 10/10).
    # market regulation: its verification, due Mon 10/12.
    assert body["by_owner"] == [
        {
            "owner": "office",
            "department": None,
            "name": "信用办",
            "due_today": 2,
            "due_within_2_working_days": 1,
            "overdue": 2,
        },
        {
            "owner": "department",
            "department": "SCJ",
            "name": "市场监督管理局",
            "due_today": 0,
            "due_within_2_working_days": 1,
            "overdue": 0,
        },
    ]
    assert (body["due_today"], body["due_within_2_working_days"], body["overdue"]) == (2, 2, 2)
    assert body["oldest_open"] == {"kind": "repair", "number": cases["repair"].number, "received_on": "2026-09-28"}
    assert body["today"] == "2026-10-09"


def test_a_paused_clock_waits_and_an_ended_case_leaves_the_desk(api, cases, office, company_user):
    objections.objection_pause(actor=office, number=cases["forwarded"].number, reason="送检")
    objections.objection_withdraw(actor=company_user, number=cases["late"].number, reason="已沟通")

    body = api.as_user(office).get(URL).json()

    # left: the repair's acceptance (overdue), `waiting`'s acceptance (today) and own-scope answer (soon)
    assert (body["due_today"], body["due_within_2_working_days"], body["overdue"]) == (1, 1, 1)
    assert [load["owner"] for load in body["by_owner"]] == ["office"]
    assert body["open"]["objection"]["submitted"] == 1


def test_nothing_open_shows_empty_figures(api, travel, office):
    body = api.as_user(office).get(URL).json()

    assert body["by_owner"] == [] and body["oldest_open"] is None
    assert (body["due_today"], body["due_within_2_working_days"], body["overdue"]) == (0, 0, 0)
    assert body["deliveries"] == {"pending": 0, "failed": 0}


def test_deliveries_owed_are_counted_by_status(api, travel, office):
    record = CreditRecordFactory()
    platform = Subscription.objects.create(name="信用中国", url="http://127.0.0.1:9/hook", secret="s", events=[])
    for n, status in enumerate([DeliveryStatus.PENDING, DeliveryStatus.PENDING, DeliveryStatus.FAILED, "acknowledged"]):
        event = RecordEvent.objects.create(type=EventType.RECORD_CORRECTED, record=record, snapshot={"n": n})
        Delivery.objects.create(event=event, subscription=platform, record=record, status=status)

    assert api.as_user(office).get(URL).json()["deliveries"] == {"pending": 2, "failed": 1}


@pytest.mark.parametrize(
    ("day", "warned"),
    [(date(2026, 9, 30), False), (date(2026, 10, 1), True), (date(2026, 12, 31), True)],
)
def test_next_years_calendar_is_asked_for_from_october(api, travel, office, day, warned):
    travel(day)

    body = api.as_user(office).get(URL).json()

    assert (body["next_year_calendar_loaded"], body["calendar_warning"]) == (False, warned)


def test_the_warning_goes_once_next_years_calendar_is_loaded(api, travel, office):
    travel(TODAY)
    calendar_year_load(year=2027, days=[SpecialDay(date(2027, 1, 1), False, "元旦")], source="国办发明电〔2026〕1号")

    body = api.as_user(office).get(URL).json()

    assert (body["next_year_calendar_loaded"], body["calendar_warning"]) == (True, False)


def test_the_auditor_reads_the_desk(api, cases, auditor):
    assert api.as_user(auditor).get(URL).json()["overdue"] == 2


@pytest.mark.parametrize("who", ["officer_scj", "company_user"])
def test_anyone_else_is_told_there_is_no_desk(api, cases, request, who):
    response = api.as_user(request.getfixturevalue(who)).get(URL)

    assert (response.status_code, response.json()["error"]) == (404, "not_found")


def test_the_desk_page_shows_the_same_figures(client, cases, office):
    client.force_login(office)

    page = client.get("/office/").content.decode()

    assert "市场监督管理局" in page and cases["repair"].number in page
    assert "2027" in page  # the calendar warning names the missing year


def test_the_desk_page_names_each_monthly_report_by_its_month_and_format(client, travel, office):
    travel(date(2026, 12, 21))
    client.force_login(office)

    page = client.get("/office/").content.decode()

    links = re.findall(r'<a href="(/api/v1/office/reports/[^"]+)" download>([^<]+)</a>', page)
    xlsx, pdf = in_chinese("%(month)s report (XLSX)"), in_chinese("%(month)s report (PDF)")
    assert links == [
        ("/api/v1/office/reports/2026-11.xlsx", xlsx % {"month": "2026-11"}),
        ("/api/v1/office/reports/2026-11.pdf", pdf % {"month": "2026-11"}),
        ("/api/v1/office/reports/2026-12.xlsx", xlsx % {"month": "2026-12"}),
        ("/api/v1/office/reports/2026-12.pdf", pdf % {"month": "2026-12"}),
    ]


def test_the_desk_page_leads_from_each_open_state_to_its_cases(client, cases, office):
    client.force_login(office)

    page = client.get("/office/").content.decode()

    # where a state has cases, its name leads to the list of them (the office takes them up there)
    assert '<a href="/objections/?state=submitted">' in page
    assert '<a href="/objections/?state=verifying">' in page
    assert '<a href="/repairs/?state=submitted">' in page
    # an empty state leads nowhere
    assert "/objections/?state=replied" not in page
    listed = client.get("/objections/?state=submitted").content.decode()
    assert cases["late"].number in listed and cases["waiting"].number in listed
    assert cases["forwarded"].number not in listed


@pytest.mark.parametrize("who", ["officer_scj", "company_user"])
def test_the_desk_page_is_not_there_for_anyone_else(client, cases, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/office/").status_code == 404


def test_the_desk_costs_the_same_queries_however_many_cases(api, cases, office, company, company_user, hb):
    client = api.as_user(office)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        record = CreditRecordFactory(subject=company, department=hb)
        objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
        objections.objection_accept(actor=office, number=objection.number)
        objections.objection_forward(actor=office, number=objection.number)

    with CaptureQueriesContext(connection) as more:
        body = client.get(URL).json()

    assert body["open"]["objection"]["verifying"] == 4
    assert len(more.captured_queries) == len(few.captured_queries) <= 12


@pytest.fixture
def failed_delivery(travel):
    record = CreditRecordFactory()
    platform = Subscription.objects.create(name="信用中国", url="http://127.0.0.1:9/hook", secret="s", events=[])
    event = RecordEvent.objects.create(type=EventType.RECORD_CORRECTED, record=record, snapshot={})
    return Delivery.objects.create(
        event=event, subscription=platform, record=record, status=DeliveryStatus.FAILED, attempts=8, last_error="503"
    )


def test_the_office_sends_every_failed_delivery_again_with_its_reason(client, failed_delivery, office):
    client.force_login(office)
    assert "重新推送全部失败的推送" in client.get("/office/").content.decode()

    response = client.post("/office/deliveries/requeue/", {"reason": "平台已修复"})

    assert response.status_code == 302 and response["Location"] == "/office/"
    failed_delivery.refresh_from_db()
    assert (failed_delivery.status, failed_delivery.attempts) == ("pending", 0)
    assert "平台已修复" in failed_delivery.history.first().history_change_reason


@pytest.mark.parametrize(
    ("who", "reason", "status"), [("office", "", 302), ("auditor", "x", 403), ("officer_scj", "x", 404)]
)
def test_failed_deliveries_stay_failed_without_a_reason_or_for_anyone_else(
    client, failed_delivery, request, who, reason, status
):
    client.force_login(request.getfixturevalue(who))

    assert client.post("/office/deliveries/requeue/", {"reason": reason}).status_code == status
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == "failed"


# --- The subjects' feedback ---------------------------------------------------------------------------


@pytest.fixture
def rated(travel, company, company_user, scj, office):
    """Three closed objections of the company's rated 5, 2 (with comments) and 4 (without), in that order."""
    for rating, comment in ((5, "受理及时"), (2, "说明不清楚"), (4, "")):
        record = CreditRecordFactory(subject=company, department=scj)
        objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
        objections.objection_reject(actor=office, number=objection.number, reason="不予受理")
        case_feedback_give(OBJECTIONS, actor=company_user, number=objection.number, rating=rating, comment=comment)
    return list(Objection.objects.order_by("id").values_list("number", flat=True))


def test_the_desk_sums_up_the_subjects_feedback_with_the_latest_comments(api, rated, office):
    body = api.as_user(office).get(URL).json()

    assert body["feedback"] == {
        "count": 3,
        "mean_rating": 3.67,
        "latest": [
            {
                "kind": "objection",
                "number": rated[1],
                "rating": 2,
                "comment": "说明不清楚",
                "given_at": "2026-09-28T10:00:00+08:00",
            },
            {
                "kind": "objection",
                "number": rated[0],
                "rating": 5,
                "comment": "受理及时",
                "given_at": "2026-09-28T10:00:00+08:00",
            },
        ],
    }


def test_with_no_feedback_the_desk_says_so(api, travel, office):
    assert api.as_user(office).get(URL).json()["feedback"] == {"count": 0, "mean_rating": None, "latest": []}


def test_the_desk_page_shows_the_feedback(client, rated, office):
    client.force_login(office)

    page = client.get("/office/").content.decode()

    assert "说明不清楚" in page and "受理及时" in page and f'href="/objections/{rated[1]}/"' in page
