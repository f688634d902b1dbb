"""The queue: every open deadline with its case, step, owner, last day and working days left (the
clocks of tests/office/conftest.py, worked out by hand there), searched, filtered and sorted; a
department sees the clocks it owes; a page costs the same queries whatever it holds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import case_deadlines, deadline_start
from repairflow.notifications.models import Notification
from repairflow.objections import services as objections
from tests.factories import CreditRecordFactory, CreditSubjectFactory

pytestmark = pytest.mark.django_db

URL = "/office/queue/"


def shown(client, user, **query) -> list[tuple]:
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return [
        (row.number, row.step, row.owner, row.due_on, row.days_left, row.overdue) for row in response.context["rows"]
    ]


def test_every_open_deadline_by_last_day_with_working_days_left(client, cases, office):
    repair, late, waiting, forwarded = (cases[name].number for name in ("repair", "late", "waiting", "forwarded"))

    rows = shown(client, office)

    # working days from Fri 10/9: 9/30 → −2 (10/8, 10/9); 10/8 → −1; 10/10 (a working Saturday) → 1;
    # 10/12 → 2; 10/16 → 6 (10/10, 10/12, 10/13, 10/14, 10/15, 10/16)
    assert rows == [
        (repair, "受理或不予受理修复申请", "信用办", date(2026, 9, 30), -2, True),
        (late, "受理或不予受理异议", "信用办", date(2026, 10, 8), -1, True),
        (late, "在信用办职责范围内答复异议", "信用办", date(2026, 10, 9), 0, False),
        (waiting, "受理或不予受理异议", "信用办", date(2026, 10, 9), 0, False),
        (waiting, "在信用办职责范围内答复异议", "信用办", date(2026, 10, 10), 1, False),
        (forwarded, "核查异议并答复", "市场监督管理局", date(2026, 10, 12), 2, False),
        (repair, "答复修复申请", "信用办", date(2026, 10, 16), 6, False),
        (forwarded, "答复异议", "信用办", date(2026, 10, 16), 6, False),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "repair"}, ["repair", "repair"]),
        ({"state": "verifying"}, ["forwarded", "forwarded"]),
        ({"owner": "department"}, ["forwarded"]),
        ({"department": "SCJ"}, ["forwarded"]),
        ({"overdue": "true"}, ["repair", "late"]),
        ({"kind": "objection", "overdue": "true"}, ["late"]),
        ({"sort": "-due", "kind": "repair"}, ["repair", "repair"]),
    ],
)
def test_filters(client, cases, office, query, expected):
    numbers = {case.number: name for name, case in cases.items()}

    assert [numbers[row[0]] for row in shown(client, office, **query)] == expected


def test_sorting_by_the_latest_last_day_first(client, cases, office):
    dues = [row[3] for row in shown(client, office, sort="-due")]

    assert dues == sorted(dues, reverse=True) and dues[0] == date(2026, 10, 16)


def test_search_by_case_number_subject_or_decision_number(client, cases, office, company):
    forwarded = cases["forwarded"]

    assert {row[0] for row in shown(client, office, q=forwarded.number.lower())} == {forwarded.number}
    assert {row[0] for row in shown(client, office, q=forwarded.record.decision_no)} == {forwarded.number}
    assert len(shown(client, office, q="泉城示范")) == 8
    assert len(shown(client, office, q=company.identifier)) == 8
    assert shown(client, office, q="没有这个主体") == []


def test_a_records_own_duty_is_found_by_its_subjects_name_and_by_its_decision_number(client, cases, office, scj):
    other = CreditSubjectFactory(name="历城区某某餐饮店")
    record = CreditRecordFactory(subject=other, department=scj, decision_no="历市监罚〔2026〕77号")
    deadline_start(case=record, step=Step.RECORD_PUBLICATION, started_on=date(2026, 10, 8), department=scj)

    by_name = shown(client, office, q="某某餐饮")
    by_number = shown(client, office, q="历市监罚〔2026〕77号")

    assert [row[1] for row in by_name] == [row[1] for row in by_number] == ["在平台公示新作出的决定"]
    assert Deadline.objects.get(case_id=record.pk, step=Step.RECORD_PUBLICATION).concerns == other


def test_a_filter_that_cannot_be_read_is_said_beside_it_and_the_rest_apply(client, cases, office):
    client.force_login(office)

    response = client.get(URL, {"kind": "nonsense", "owner": "department"})

    assert response.status_code == 200
    assert response.context["filters"].errors["kind"]
    assert len(response.context["rows"]) == 1


def test_a_department_sees_the_deadlines_it_owes(client, cases, officer_scj, officer_hb):
    assert [row[1] for row in shown(client, officer_scj)] == ["核查异议并答复"]
    assert shown(client, officer_hb) == []


def test_a_subject_is_told_there_is_no_queue(client, cases, company_user):
    client.force_login(company_user)

    assert client.get(URL).status_code == 404


def test_a_page_costs_the_same_queries_however_many_deadlines(client, cases, office, company, company_user, hb):
    client.force_login(office)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        record = CreditRecordFactory(subject=company, department=hb)
        objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
        objections.objection_accept(actor=office, number=objection.number)
        objections.objection_forward(actor=office, number=objection.number)

    with CaptureQueriesContext(connection) as more:
        response = client.get(URL)

    assert len(response.context["rows"]) == 14
    assert len(more.captured_queries) == len(few.captured_queries)


# --- Acting on many deadlines at once -----------------------------------------------------------


def ticked(cases, *steps_of: tuple[str, str]) -> list[int]:
    return [case_deadlines(cases[name]).get(step=step).pk for name, step in steps_of]


def test_the_office_reminds_the_owners_of_ticked_deadlines_with_its_reason(client, cases, office, officer_scj):
    ids = ticked(cases, ("forwarded", "objection_verification"), ("late", "objection_acceptance"))
    client.force_login(office)

    response = client.post(f"{URL}?overdue=false", {"action": "remind", "reason": "请今日内办结", "deadline": ids})

    assert response.status_code == 302 and response["Location"] == f"{URL}?overdue=false"
    nudges = Notification.objects.filter(kind="deadline.nudge").order_by("id")
    assert sorted(n.recipient.username for n in nudges) == ["dept-scj", "office"]
    scj = nudges.get(recipient=officer_scj)
    assert scj.body.endswith("信用办留言：请今日内办结")
    kept = Deadline.objects.get(pk=ids[0]).history.first()
    assert (kept.history_user, "请今日内办结" in kept.history_change_reason) == (office, True)


def test_the_office_extends_a_departments_verification_through_its_case(client, cases, office):
    forwarded = cases["forwarded"]
    ids = ticked(cases, ("forwarded", "objection_verification"), ("late", "objection_acceptance"))
    client.force_login(office)

    response = client.post(URL, {"action": "extend", "days": "2", "reason": "需现场核查", "deadline": ids}, follow=True)

    # due Mon 10/12, two more working days: 10/13, 10/14
    assert case_deadlines(forwarded).get(step="objection_verification").due_on == date(2026, 10, 14)
    assert forwarded.timeline.filter(action="extend").get().comment == "需现场核查"
    said = [str(m) for m in response.context["messages"]]
    assert any(cases["late"].number in m and "只能延长" in m for m in said), (
        said
    )  # the office's own clock is not extended


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "extend", "reason": "x"}, "days"),
        ({"action": "remind", "reason": ""}, "reason"),
        ({"action": "remind", "reason": "x", "deadline": []}, "deadline"),
        ({"action": "remind", "reason": "x", "deadline": ["999999"]}, "deadline"),
    ],
)
def test_a_bulk_action_that_cannot_be_done_changes_nothing(client, cases, office, body, field):
    ids = ticked(cases, ("forwarded", "objection_verification"))
    body = {"deadline": ids, **body}
    before = (list(Deadline.objects.values_list("id", "due_on", "updated_at")), Notification.objects.count())
    client.force_login(office)

    response = client.post(URL, body)

    assert response.status_code == 400 and field in response.context["bulk"].errors
    assert (list(Deadline.objects.values_list("id", "due_on", "updated_at")), Notification.objects.count()) == before


@pytest.mark.parametrize("who", ["auditor", "officer_scj"])
def test_only_the_office_acts_on_the_queue(client, cases, request, who):
    ids = ticked(cases, ("forwarded", "objection_verification"))
    client.force_login(request.getfixturevalue(who))

    response = client.post(URL, {"action": "remind", "reason": "x", "deadline": ids})

    assert response.status_code == 403 and not Notification.objects.filter(kind="deadline.nudge").exists()
