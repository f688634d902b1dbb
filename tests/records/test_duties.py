"""A record's own duties (repairflow/records/duties.py, upstream.py): the 双公示 clock of a new
licence or penalty, the department's report of a decision changed upstream and the office's
removal of a record whose decision was revoked; their figures, explanations, reminders and
escalations, and who may do what. Dates on the official 2026 calendar: 中秋 9/25–9/27, 国庆
10/1–10/7 with Sun 9/20 and Sat 10/10 working; 春节 2/15–2/23 with Sat 2/14 and Sat 2/28 working."""

from datetime import date

import pytest

from repairflow.cases import services as cases
from repairflow.core.errors import TRANSITION_NOT_ALLOWED, TransitionNotAllowed
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import case_deadlines
from repairflow.records.models import (
    CreditRecord,
    RecordEvent,
    RecordState,
    UpstreamChange,
    UpstreamChangeStatus,
    UpstreamOutcome,
)
from repairflow.records.publication import Category, Severity
from repairflow.records.services import record_act, records_import
from repairflow.records.upstream import (
    CHANGE_ALREADY_OPEN,
    CHANGE_ALREADY_REPORTED,
    DECIDED_BEFORE_RECORD,
    DECIDED_IN_FUTURE,
    FIELDS_FROM_DEPARTMENT,
    RECORD_ALREADY_REVOKED,
    UPSTREAM_CORRECTED,
    UPSTREAM_NOTED,
    UPSTREAM_REPORTED,
)
from tests.factories import CreditRecordFactory, UserFactory, make_uscc, record_entry
from tests.helpers import NOT_FOUND, conflict, forbidden, invalid, not_allowed, told
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db

# 7 working days from Mon 9/28 (not counted): 9/29 (1), 9/30 (2), 10/1–10/7 国庆, 10/8 (3), 10/9 (4),
# Sat 10/10 make-up (5), 10/12 (6), 10/13 (7).
DECIDED_BEFORE_NATIONAL_DAY = date(2026, 9, 28)
DUE_AFTER_NATIONAL_DAY = date(2026, 10, 13)
# How the due date is explained (the objection clocks' explanation, in the reader's language), with
# why the period is 7 working days
EXPLANATION = [
    "自 2026-09-28 起算 7 个工作日（当日不计入，《民法典》第二百零一条）。",
    "7 个工作日，因为新作出的行政许可、行政处罚决定应在作出之日起 7 个工作日内公示（双公示，舞信用办〔2020〕1号）。",
    "10/1–10/7 国庆节：法定节假日，不计入。",
    "10/10 调休上班（国庆节）：计入。",
]


def licence(**overrides) -> dict:
    return record_entry(
        category=Category.ADMINISTRATIVE_LICENSE.value,
        severity=None,
        decision_no="济市监许〔2026〕88号",
        decision_date=DECIDED_BEFORE_NATIONAL_DAY.isoformat(),
        title="食品经营许可",
        content="准予许可。",
        **overrides,
    )


def clocks_of(record) -> list[tuple]:
    return [
        (d.step, d.department.code if d.department_id else None, d.started_on, d.due_on, d.status, d.ended_on)
        for d in Deadline.objects.filter(case_id=record.pk, case_type__model="creditrecord").order_by("id")
    ]


def snapshot(record) -> tuple:
    record.refresh_from_db()
    return (
        record.state,
        record.version,
        record.title,
        record.history.count(),
        record.publication_late_days,
        UpstreamChange.objects.count(),
        UpstreamChange.history.count(),
        Deadline.objects.count(),
        Deadline.history.count(),
        RecordEvent.objects.count(),
    )


@pytest.fixture
def scj_head(scj):
    return UserFactory(username="scj-head", officer=True, department=scj, is_unit_head=True)


# --- 双公示: a new licence or penalty published within 7 working days ---------------------------------


def test_a_licence_created_unpublished_starts_its_departments_clock_across_national_day(api, travel, officer_scj, scj):
    # given the clock on Mon 9/28, the day of the decision
    response = api.as_user(officer_scj).post("/api/v1/records/", licence(publish=False), format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["publication_due_on"], body["publication_late_days"]) == (
        "unpublished",
        "2026-10-13",
        None,
    )
    record = CreditRecord.objects.get()
    assert clocks_of(record) == [
        (Step.RECORD_PUBLICATION, "SCJ", DECIDED_BEFORE_NATIONAL_DAY, DUE_AFTER_NATIONAL_DAY, "running", None)
    ]
    (clock,) = body["deadlines"]
    # today (9/28) is the start: all 7 working days are left
    assert (clock["step"], clock["owner"], clock["department"], clock["due_on"], clock["working_days_left"]) == (
        "record_publication",
        "department",
        "SCJ",
        "2026-10-13",
        7,
    )
    assert clock["explanation"] == EXPLANATION


def test_the_department_publishes_its_own_licence_on_the_last_day_and_the_clock_is_met(api, travel, officer_scj, scj):
    api.as_user(officer_scj).post("/api/v1/records/", licence(publish=False), format="json")
    record = CreditRecord.objects.get()
    travel(DUE_AFTER_NATIONAL_DAY)

    response = api.as_user(officer_scj).post(f"/api/v1/records/{record.pk}/publish/", {"reason": "双公示"})

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["publication_due_on"], body["publication_late_days"]) == (
        "published",
        "2026-10-13",
        0,
    )
    assert clocks_of(record) == [
        (Step.RECORD_PUBLICATION, "SCJ", DECIDED_BEFORE_NATIONAL_DAY, DUE_AFTER_NATIONAL_DAY, "met", date(2026, 10, 13))
    ]
    assert RecordEvent.objects.filter(record=record, type="record.published").count() == 1
    latest = record.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.publication_late_days) == (
        officer_scj,
        "双公示",
        0,
    )


def test_published_a_day_late_the_clock_is_missed_with_one_late_day(api, travel, officer_scj, scj):
    api.as_user(officer_scj).post("/api/v1/records/", licence(publish=False), format="json")
    record = CreditRecord.objects.get()
    travel(date(2026, 10, 14))  # the first working day after 10/13

    response = api.as_user(officer_scj).post(f"/api/v1/records/{record.pk}/publish/", {"reason": "补公示"})

    assert response.json()["publication_late_days"] == 1
    assert clocks_of(record)[0][4:] == ("missed", date(2026, 10, 14))


def test_a_penalty_created_published_late_across_the_spring_festival_is_marked_late(api, travel, officer_scj, scj):
    # decided Tue 2/10: 2/11 (1), 2/12 (2), 2/13 (3), Sat 2/14 make-up (4), 2/15–2/23 春节, 2/24 (5),
    # 2/25 (6), 2/26 (7): due 2/26; created published on Mon 3/2: 2/27 (1), Sat 2/28 make-up (2),
    # 3/2 (3): 3 working days late.
    travel(date(2026, 3, 2))
    entry = record_entry(decision_date="2026-02-10", decision_no="济市监罚〔2026〕30号")

    response = api.as_user(officer_scj).post("/api/v1/records/", entry, format="json")

    body = response.json()
    assert (body["state"], body["publication_due_on"], body["publication_late_days"], body["deadlines"]) == (
        "published",
        "2026-02-26",
        3,
        [],
    )
    assert Deadline.objects.count() == 0  # published: no clock runs


def test_a_record_published_on_time_is_not_late_and_other_categories_carry_no_duty(api, travel, office, scj):
    travel(date(2026, 10, 9))  # 10/8 (3), 10/9 (4): within the 7
    api.as_user(office).post("/api/v1/records/", licence(department="SCJ"), format="json")
    red = record_entry(
        category=Category.RED_LIST.value, severity=None, decision_no="红〔2026〕1号", department="SCJ", publish=False
    )
    api.as_user(office).post("/api/v1/records/", red, format="json")

    published, red_list = CreditRecord.objects.order_by("id")
    assert (published.publication_due_on, published.publication_late_days) == (DUE_AFTER_NATIONAL_DAY, 0)
    assert (red_list.state, red_list.publication_due_on, red_list.publication_late_days) == ("unpublished", None, None)
    assert Deadline.objects.count() == 0


def test_minor_information_never_published_carries_no_duty(api, travel, office, scj):
    # minor penalties decided under Order 58 are not published at all: nothing to be late for
    entry = record_entry(severity=Severity.MINOR.value, decision_date="2025-06-16", department="SCJ")

    api.as_user(office).post("/api/v1/records/", entry, format="json")

    record = CreditRecord.objects.get()
    assert (record.state, record.publication_due_on, record.publication_late_days) == ("unpublished", None, None)
    assert Deadline.objects.count() == 0


def test_an_import_starts_the_clocks_of_its_unpublished_records_in_bulk(travel, officer_scj, scj):
    rows = [
        {**licence(publish="false"), "subject_id": make_uscc(700001), "decision_no": f"许〔2026〕{n}号"}
        for n in range(3)
    ]
    rows.append({**record_entry(), "decision_no": "罚〔2026〕9号"})  # decided 1/5, published today (9/28)

    report = records_import(actor=officer_scj, rows=rows)

    assert report.errors == []
    licences = CreditRecord.objects.filter(category=Category.ADMINISTRATIVE_LICENSE).order_by("id")
    assert [clocks_of(record) for record in licences] == [
        [(Step.RECORD_PUBLICATION, "SCJ", DECIDED_BEFORE_NATIONAL_DAY, DUE_AFTER_NATIONAL_DAY, "running", None)]
    ] * 3
    penalty = CreditRecord.objects.get(category=Category.ADMINISTRATIVE_PENALTY)
    # due 1/14 (1/6–1/9, 1/12–1/14); late: the working days 1/15 to 9/28 on the 2026 calendar, 175
    # (counted by chinesecalendar, independently of the software's table)
    assert (penalty.publication_due_on, penalty.publication_late_days) == (date(2026, 1, 14), 175)


def test_a_record_created_after_its_last_day_is_escalated_at_once_then_chased(
    api, travel, officer_scj, scj, scj_head, office
):
    # created unpublished on Thu 10/15, two working days after its last day 10/13
    travel(date(2026, 10, 15))
    api.as_user(officer_scj).post("/api/v1/records/", licence(publish=False), format="json")
    record = CreditRecord.objects.get()

    first = cases.case_deadlines_sweep(today=date(2026, 10, 15))
    travel(date(2026, 10, 16))
    second = cases.case_deadlines_sweep(today=date(2026, 10, 16))

    (deadline,) = Deadline.objects.all()
    assert [(stage, action) for _pk, stage, action in first.fired] == [("due", "escalate")]
    assert [(stage, action) for _pk, stage, action in second.fired] == [("overdue", "remind")]
    assert told("deadline.escalation") == ["office", "scj-head"]
    assert told("deadline.overdue") == ["dept-scj", "office", "scj-head"]
    escalation = next(n for n in scj_head.notifications.all() if n.kind == "deadline.escalation")
    assert (escalation.link, escalation.params["case"], escalation.params["owner"]) == (
        f"/records/{record.pk}/",
        str(record),
        "市场监督管理局",
    )
    assert (deadline.status, deadline.ended_on) == (DeadlineStatus.MISSED, None)  # chased, never lapsed


# --- Who publishes --------------------------------------------------------------------------------


def test_another_department_cannot_publish_the_record_and_nothing_changes(api, travel, officer_scj, officer_hb):
    api.as_user(officer_scj).post("/api/v1/records/", licence(publish=False), format="json")
    record = CreditRecord.objects.get()
    before = snapshot(record)

    response = api.as_user(officer_hb).post(f"/api/v1/records/{record.pk}/publish/", {"reason": "代为公示"})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(record) == before


@pytest.mark.parametrize("action", ["suspend", "resume", "revoke"])
def test_a_department_only_publishes_its_own_records(api, officer_scj, scj, action):
    record = CreditRecordFactory(department=scj, state=RecordState.PUBLISHED)
    before = snapshot(record)

    response = api.as_user(officer_scj).post(f"/api/v1/records/{record.pk}/{action}/", {"reason": "不应执行"})

    assert (response.status_code, response.json()) == (403, forbidden())
    assert snapshot(record) == before


def test_a_department_cannot_publish_a_published_record_again(api, officer_scj, scj):
    record = CreditRecordFactory(department=scj, state=RecordState.PUBLISHED)
    before = snapshot(record)

    response = api.as_user(officer_scj).post(f"/api/v1/records/{record.pk}/publish/", {"reason": "再次公示"})

    assert (response.status_code, response.json()) == (409, not_allowed("published", []))
    assert snapshot(record) == before


def test_a_subject_sees_none_of_the_duties(api, travel, officer_scj, company_user):
    api.as_user(officer_scj).post(
        "/api/v1/records/", licence(publish=False, subject_id=company_user.credit_subject.identifier), format="json"
    )
    record = CreditRecord.objects.get()

    body = api.as_user(company_user).get(f"/api/v1/records/{record.pk}/").json()

    assert {"publication_due_on", "publication_late_days", "deadlines"} & set(body) == set()


# --- Upstream changes -------------------------------------------------------------------------------


def upstream(kind="changed", decided_on="2026-09-28", document="济市监复决〔2026〕3号", **more) -> dict:
    return {"kind": kind, "decided_on": decided_on, "document": document, **more}


@pytest.fixture
def penalty(scj, company):
    return CreditRecordFactory(department=scj, subject=company, decision_date=date(2026, 9, 1))


def test_shandong_the_office_notes_a_change_and_the_department_reports_it_late_across_national_day(
    api, travel, office, officer_scj, penalty
):
    # noted on 9/28, decided upstream that day: 3 working days: 9/29 (1), 9/30 (2), 10/1–10/7 国庆, 10/8 (3)
    noted = api.as_user(office).post(f"/api/v1/records/{penalty.pk}/upstream-change/", upstream(), format="json")

    assert noted.status_code == 201
    assert (noted.json()["status"], noted.json()["noted_by"], noted.json()["reported_by"]) == ("noted", "office", None)
    assert clocks_of(penalty) == [
        (Step.UPSTREAM_CHANGE_REPORT, "SCJ", date(2026, 9, 28), date(2026, 10, 8), "running", None)
    ]
    assert told("record.upstream_change_noted") == ["dept-scj"]

    # the department reports it on 10/9, a working day late, with the corrected title
    travel(date(2026, 10, 9))
    body = upstream(corrected_fields={"title": "复议变更：未按规定公示年度报告"})
    reported = api.as_user(officer_scj).post(f"/api/v1/records/{penalty.pk}/upstream-change/", body, format="json")

    assert reported.status_code == 201
    change = UpstreamChange.objects.get()
    assert (change.status, change.outcome, change.reported_by, change.reported_on, change.done_on) == (
        UpstreamChangeStatus.DONE,
        UpstreamOutcome.CORRECTED,
        officer_scj,
        date(2026, 10, 9),
        date(2026, 10, 9),
    )
    penalty.refresh_from_db()
    assert (penalty.title, penalty.version, penalty.state) == ("复议变更：未按规定公示年度报告", 2, "published")
    assert penalty.history.first().history_change_reason == in_chinese(UPSTREAM_CORRECTED) % {
        "document": "济市监复决〔2026〕3号"
    }
    assert clocks_of(penalty)[0][4:] == ("missed", date(2026, 10, 9))
    assert RecordEvent.objects.filter(record=penalty, type="record.corrected").count() == 1
    assert [entry.history_change_reason for entry in change.history.all()] == [
        in_chinese(UPSTREAM_REPORTED) % {"document": "济市监复决〔2026〕3号"},
        in_chinese(UPSTREAM_NOTED) % {"document": "济市监复决〔2026〕3号"},
    ]


@pytest.fixture
def henan(settings):
    settings.REPAIRFLOW_PROFILE = "henan"


def test_henan_a_revoked_decision_is_removed_by_the_office_across_the_make_up_saturday(
    api, travel, henan, office, officer_scj, penalty
):
    # reported on Fri 10/9: 1 working day, and Sat 10/10 is a make-up working day: due 10/10
    travel(date(2026, 10, 9))
    response = api.as_user(officer_scj).post(
        f"/api/v1/records/{penalty.pk}/upstream-change/", upstream("revoked", "2026-10-09"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == "reported"
    # Henan sets no report clock: only the office's removal clock runs
    assert clocks_of(penalty) == [
        (Step.REVOKED_RECORD_REMOVAL, None, date(2026, 10, 9), date(2026, 10, 10), "running", None)
    ]
    assert told("record.upstream_revoked") == ["office"]

    # the office removes it on Mon 10/12, a working day late
    travel(date(2026, 10, 12))
    removed = api.as_user(office).post(f"/api/v1/records/{penalty.pk}/revoke/", {"reason": "上游撤销，删除公示"})

    assert removed.status_code == 200
    assert removed.json()["state"] == "revoked"
    assert clocks_of(penalty)[0][4:] == ("missed", date(2026, 10, 12))
    change = UpstreamChange.objects.get()
    assert (change.status, change.outcome, change.done_on) == ("done", "removed", date(2026, 10, 12))
    assert RecordEvent.objects.filter(record=penalty, type="record.revoked").count() == 1
    assert penalty.history.first().history_change_reason == "上游撤销，删除公示"
    assert penalty.under_objection is False


def test_the_office_revokes_in_time_on_the_make_up_saturday(api, travel, henan, office, officer_scj, penalty):
    travel(date(2026, 10, 9))
    api.as_user(officer_scj).post(
        f"/api/v1/records/{penalty.pk}/upstream-change/", upstream("revoked", "2026-10-09"), format="json"
    )
    travel(date(2026, 10, 10))

    record_act(actor=office, record_id=penalty.pk, action="revoke", reason="删除公示")

    assert clocks_of(penalty)[0][4:] == ("met", date(2026, 10, 10))


def test_shandong_a_department_reporting_by_itself_has_its_timeliness_kept(api, travel, officer_scj, penalty):
    # decided upstream 9/28, reported 9/30: within 3 working days
    travel(date(2026, 9, 30))
    api.as_user(officer_scj).post(f"/api/v1/records/{penalty.pk}/upstream-change/", upstream("revoked"), format="json")

    # Shandong sets no removal clock: only the report, met at once
    assert clocks_of(penalty) == [
        (Step.UPSTREAM_CHANGE_REPORT, "SCJ", date(2026, 9, 28), date(2026, 10, 8), "met", date(2026, 9, 30))
    ]


@pytest.mark.parametrize(
    ("who", "status", "body"),
    [
        ("company_user", 403, forbidden),
        ("auditor", 403, forbidden),
        ("officer_hb", 404, lambda: NOT_FOUND),
    ],
)
def test_only_the_office_and_the_records_department_submit_an_upstream_change(
    request, api, travel, penalty, who, status, body
):
    before = snapshot(penalty)

    response = api.as_user(request.getfixturevalue(who)).post(
        f"/api/v1/records/{penalty.pk}/upstream-change/", upstream(), format="json"
    )

    assert (response.status_code, response.json()) == (status, body())
    assert snapshot(penalty) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (upstream(decided_on="2026-09-29"), {"decided_on": [in_chinese(DECIDED_IN_FUTURE)]}),
        (
            upstream(decided_on="2026-08-31"),
            {"decided_on": [in_chinese(DECIDED_BEFORE_RECORD) % {"date": "2026-09-01"}]},
        ),
        (upstream(corrected_fields={"title": "x"}), {"corrected_fields": [in_chinese(FIELDS_FROM_DEPARTMENT)]}),
        ({**upstream(), "kind": "annulled"}, None),
        ({**upstream(), "decided_on": "next week"}, None),
    ],
)
def test_bad_upstream_input_is_refused_naming_the_field(api, travel, office, penalty, body, fields):
    before = snapshot(penalty)

    response = api.as_user(office).post(f"/api/v1/records/{penalty.pk}/upstream-change/", body, format="json")

    assert response.status_code == 400
    if fields is not None:
        assert response.json() == invalid(fields)
    else:
        assert set(response.json()["fields"]) <= {"kind", "decided_on"}
    assert snapshot(penalty) == before


def test_a_department_report_of_a_change_needs_its_corrected_fields(api, travel, officer_scj, penalty):
    before = snapshot(penalty)

    response = api.as_user(officer_scj).post(
        f"/api/v1/records/{penalty.pk}/upstream-change/", upstream(), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["corrected_fields"]
    assert snapshot(penalty) == before


def test_a_second_open_change_and_a_revoked_record_are_refused(api, travel, office, officer_scj, penalty, scj):
    api.as_user(office).post(f"/api/v1/records/{penalty.pk}/upstream-change/", upstream(), format="json")
    before = snapshot(penalty)

    again = api.as_user(office).post(f"/api/v1/records/{penalty.pk}/upstream-change/", upstream(), format="json")

    assert (again.status_code, again.json()) == (409, conflict(CHANGE_ALREADY_OPEN))
    assert snapshot(penalty) == before

    revoked = CreditRecordFactory(department=scj, state=RecordState.REVOKED, decision_date=date(2026, 9, 1))
    before = snapshot(revoked)
    refused = api.as_user(officer_scj).post(
        f"/api/v1/records/{revoked.pk}/upstream-change/", upstream("revoked"), format="json"
    )
    assert (refused.status_code, refused.json()) == (409, conflict(RECORD_ALREADY_REVOKED))
    assert snapshot(revoked) == before


def test_a_reported_revocation_cannot_be_reported_again(api, travel, henan, officer_scj, penalty):
    api.as_user(officer_scj).post(f"/api/v1/records/{penalty.pk}/upstream-change/", upstream("revoked"), format="json")
    before = snapshot(penalty)

    response = api.as_user(officer_scj).post(
        f"/api/v1/records/{penalty.pk}/upstream-change/", upstream("revoked"), format="json"
    )

    assert (response.status_code, response.json()) == (409, conflict(CHANGE_ALREADY_REPORTED))
    assert snapshot(penalty) == before


def test_the_office_revokes_only_after_a_reported_revocation(office, penalty):
    before = snapshot(penalty)

    with pytest.raises(TransitionNotAllowed) as refused:
        record_act(actor=office, record_id=penalty.pk, action="revoke", reason="不应撤销")

    assert (refused.value.detail, refused.value.extra) == (
        TRANSITION_NOT_ALLOWED,
        {"state": "published", "allowed": ["suspend"]},
    )
    assert snapshot(penalty) == before


# --- The record's page ----------------------------------------------------------------------------


def test_the_records_page_shows_staff_its_clock_and_how_its_due_date_was_reached(
    api, client, travel, officer_scj, company_user
):
    api.as_user(officer_scj).post(
        "/api/v1/records/", licence(publish=False, subject_id=company_user.credit_subject.identifier), format="json"
    )
    record = CreditRecord.objects.get()

    client.force_login(officer_scj)
    staff_page = client.get(f"/records/{record.pk}/").content.decode()
    client.force_login(company_user)
    subject_page = client.get(f"/records/{record.pk}/").content.decode()

    assert "2026-10-13" in staff_page
    assert all(line in staff_page for line in EXPLANATION)
    assert "2026-10-13" not in subject_page
    assert EXPLANATION[1] not in subject_page


def test_a_subject_reads_the_records_history_without_the_duty_figures(api, travel, officer_scj, company_user):
    api.as_user(officer_scj).post(
        "/api/v1/records/", licence(publish=False, subject_id=company_user.credit_subject.identifier), format="json"
    )
    record = CreditRecord.objects.get()

    def fields(user) -> set:
        history = api.as_user(user).get(f"/api/v1/records/{record.pk}/history/").json()
        return {change["field"] for entry in history for change in entry["changes"]}

    assert {"publication_due_on", "title"} <= fields(officer_scj)
    assert "title" in fields(company_user)
    assert {"publication_due_on", "publication_late_days"} & fields(company_user) == set()


@pytest.mark.parametrize(
    ("decided", "severity", "held"),
    [
        (date(2025, 12, 31), "general", False),  # decided before the platform held departments to it
        (date(2026, 1, 5), "general", True),
        (date(2026, 1, 5), "minor", False),  # a minor penalty is published at the department's choice
    ],
)
def test_the_duty_holds_new_decisions_that_must_be_published(travel, api, officer_scj, decided, severity, held):
    body = record_entry(decision_date=decided.isoformat(), severity=severity, publish=False)

    created = api.as_user(officer_scj).post("/api/v1/records/", body, format="json")

    assert created.status_code == 201, created.json()
    record = CreditRecord.objects.get(pk=created.json()["id"])
    assert (record.publication_due_on is not None) is held
    assert case_deadlines(record).exists() is held


def test_the_day_the_duty_begins_is_a_setting(travel, api, officer_scj, settings):
    settings.REPAIRFLOW_PUBLICATION_DUTY_FROM = date(2026, 9, 1)
    body = record_entry(decision_date="2026-08-31", publish=False)

    created = api.as_user(officer_scj).post("/api/v1/records/", body, format="json")

    assert CreditRecord.objects.get(pk=created.json()["id"]).publication_due_on is None
