"""The records API (docs/api.md "Records"): scoping by role, masking, creation, history, the
office's publication actions, the query log and credit checks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rest_framework.pagination import PageNumberPagination

from repairflow.core.errors import INVALID_INPUT, TRANSITION_NOT_ALLOWED
from repairflow.core.identifiers import INVALID_USCC, NOT_AN_IDENTIFIER
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE
from repairflow.records.models import CreditCheck, CreditRecord, CreditSubject, QueryLog, RecordState
from repairflow.records.publication import SEVERITY_ON_NON_NEGATIVE, Category
from repairflow.records.serializers import DEPARTMENT_REQUIRED, NOT_PUBLISHABLE, OTHER_DEPARTMENT, UNKNOWN_DEPARTMENT
from repairflow.records.services import DUPLICATE_DECISION, RECORD_CREATED
from tests.factories import CreditRecordFactory, CreditSubjectFactory, MatterFactory, UserFactory, record_entry
from tests.helpers import not_allowed
from tests.i18n import in_chinese

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
NOW_TEXT = "2026-11-23T10:00:00+08:00"

NOT_FOUND = {"error": "not_found", "detail": "未找到。"}
REQUIRED = "该字段是必填项。"
PURPOSE = "行政许可审查"  # a staff read of a natural person's record names its purpose


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def invalid(fields: dict) -> dict:
    return {"error": "invalid", "detail": in_chinese(INVALID_INPUT), "fields": fields}


def forbidden() -> dict:
    return {"error": "forbidden", "detail": in_chinese(ROLE_NOT_ALLOWED)}


def ids(response) -> list[int]:
    return [record["id"] for record in response.json()["results"]]


def masked(identifier: str) -> str:
    assert len(identifier) == 18
    return identifier[:3] + "*" * 11 + identifier[-4:]


def snapshot(record: CreditRecord) -> tuple:
    record.refresh_from_db()
    return record.state, record.version, record.history.count()


def registry_size() -> tuple[int, int]:
    return CreditRecord.objects.count(), CreditSubject.objects.count()


@pytest.fixture
def other_company(db):
    return CreditSubjectFactory(name="济南明湖环保工程有限公司")


@pytest.fixture
def records(company, person, other_company, scj, hb):
    """Four records, listed newest decision first: the person's (SCJ), the company's (HB), the
    company's (SCJ), another company's abnormal-list entry (HB)."""
    return {
        "person_scj": CreditRecordFactory(subject=person, department=scj, decision_date=date(2026, 3, 2)),
        "company_hb": CreditRecordFactory(subject=company, department=hb, decision_date=date(2026, 2, 10)),
        "company_scj": CreditRecordFactory(subject=company, department=scj, decision_date=date(2026, 1, 5)),
        "other_hb": CreditRecordFactory(
            subject=other_company,
            department=hb,
            category=Category.ABNORMAL_LIST,
            decision_date=date(2025, 12, 1),
        ),
    }


# --- List: scoping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("company_user", ["company_hb", "company_scj"]),
        ("person_user", ["person_scj"]),
        ("officer_scj", ["person_scj", "company_scj"]),
        ("officer_hb", ["company_hb", "other_hb"]),
        ("office", ["person_scj", "company_hb", "company_scj", "other_hb"]),
        ("auditor", ["person_scj", "company_hb", "company_scj", "other_hb"]),
    ],
)
def test_list_shows_each_role_what_it_may_see(api, records, request, user, visible):
    # given four records of three subjects from two departments
    # when a user of each role lists records
    response = api.as_user(request.getfixturevalue(user)).get("/api/v1/records/")

    # then it sees its own (subject), its department's (department) or all (office, auditor)
    assert response.status_code == 200
    assert ids(response) == [records[name].pk for name in visible]
    assert response.json()["count"] == len(visible)


def test_a_subject_cannot_list_another_subjects_records_by_filtering(api, records, company_user, other_company):
    response = api.as_user(company_user).get("/api/v1/records/", {"subject": other_company.identifier})

    assert response.status_code == 200
    assert response.json() == {"count": 0, "count_is_estimate": False, "next": None, "previous": None, "results": []}


# --- List: filters and pagination -----------------------------------------------------------


def test_list_filters_by_subject(api, records, office, company):
    response = api.as_user(office).get("/api/v1/records/", {"subject": company.identifier})

    assert ids(response) == [records["company_hb"].pk, records["company_scj"].pk]


def test_list_filters_by_subject_in_lower_case_with_spaces(api, records, office, company):
    response = api.as_user(office).get("/api/v1/records/", {"subject": f"  {company.identifier.lower()} "})

    assert ids(response) == [records["company_hb"].pk, records["company_scj"].pk]


def test_list_filters_by_category(api, records, office):
    response = api.as_user(office).get("/api/v1/records/", {"category": "abnormal_list"})

    assert ids(response) == [records["other_hb"].pk]


def test_list_filters_by_state(api, records, office, company, scj):
    suspended = CreditRecordFactory(subject=company, department=scj, state=RecordState.SUSPENDED)

    response = api.as_user(office).get("/api/v1/records/", {"state": "suspended"})

    assert ids(response) == [suspended.pk]


def test_list_filters_combine(api, records, office, company):
    response = api.as_user(office).get(
        "/api/v1/records/", {"subject": company.identifier, "category": "administrative_penalty", "state": "published"}
    )

    assert ids(response) == [records["company_hb"].pk, records["company_scj"].pk]


@pytest.mark.parametrize(
    ("parameters", "fields"),
    [
        ({"category": "fine"}, {"category": ["“fine” 不是合法选项。"]}),
        ({"state": "deleted"}, {"state": ["“deleted” 不是合法选项。"]}),
        ({"subject": "9" * 33}, {"subject": ["请确保这个字段不能超过 32 个字符。"]}),
    ],
)
def test_list_refuses_an_invalid_filter_naming_it_and_logs_nothing(api, records, office, parameters, fields):
    response = api.as_user(office).get("/api/v1/records/", parameters)

    assert response.status_code == 400
    assert response.json() == invalid(fields)
    assert not QueryLog.objects.exists()


def test_list_is_paginated(api, records, office, monkeypatch):
    # given pages of two records
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    api.as_user(office)

    # when the office reads the first and the second page
    first = api.get("/api/v1/records/")
    second = api.get("/api/v1/records/", {"page": 2})

    # then each page says how many there are and links to its neighbours
    assert first.json()["count"] == 4
    assert first.json()["next"] == "http://testserver/api/v1/records/?page=2"
    assert first.json()["previous"] is None
    assert ids(first) == [records["person_scj"].pk, records["company_hb"].pk]
    assert second.json()["count"] == 4
    assert second.json()["next"] is None
    assert second.json()["previous"] == "http://testserver/api/v1/records/"
    assert ids(second) == [records["company_scj"].pk, records["other_hb"].pk]
    assert set(first.json()) == {"count", "count_is_estimate", "next", "previous", "results"}


def test_a_page_past_the_end_is_not_found(api, records, office):
    response = api.as_user(office).get("/api/v1/records/", {"page": 9})

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "无效页面。"}


# --- Detail ---------------------------------------------------------------------------------


def test_detail_shows_the_whole_record(api, records, company_user, company):
    record = records["company_scj"]

    response = api.as_user(company_user).get(f"/api/v1/records/{record.pk}/")  # a subject: no staff fields

    assert response.status_code == 200
    assert response.json() == {
        "id": record.pk,
        "subject_id": company.identifier,
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "negative": True,
        "department": "SCJ",
        "department_name": "市场监督管理局",
        "decision_no": record.decision_no,
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        "state": "published",
        "under_objection": False,
        "subject_statement": None,
        "rule_set": "ndrc_order_58",
        "publication_start": "2026-01-05",
        "min_period_end": "2026-04-05",
        "max_period_end": "2027-01-05",
        "version": 1,
    }


@pytest.mark.parametrize(
    ("user", "record"),
    [
        ("company_user", "person_scj"),  # another subject's
        ("company_user", "other_hb"),
        ("person_user", "company_scj"),
        ("officer_scj", "company_hb"),  # another department's
        ("officer_hb", "person_scj"),
    ],
)
def test_detail_of_a_record_the_caller_may_not_see_is_not_found(api, records, request, user, record):
    response = api.as_user(request.getfixturevalue(user)).get(f"/api/v1/records/{records[record].pk}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert not QueryLog.objects.exists()


def test_detail_of_an_absent_record_answers_as_for_an_invisible_one(api, records, company_user):
    response = api.as_user(company_user).get("/api/v1/records/999999/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_non_numeric_record_id_is_not_found(api, records, office):
    api.as_user(office)

    responses = [
        api.get("/api/v1/records/abc/"),
        api.get("/api/v1/records/abc/history/"),
        api.post("/api/v1/records/abc/suspend/", {"reason": "测试"}, format="json"),
    ]

    assert [(response.status_code, response.json()) for response in responses] == [(404, NOT_FOUND)] * 3
    assert not QueryLog.objects.exists()


# --- Masking of natural persons' identifiers -----------------------------------------------


def test_a_department_sees_a_natural_persons_identifier_masked(api, records, officer_scj, person):
    api.as_user(officer_scj)

    detail = api.get(f"/api/v1/records/{records['person_scj'].pk}/", {"purpose": PURPOSE})
    listed = api.get("/api/v1/records/").json()["results"]

    assert detail.json()["subject_id"] == masked(person.identifier)
    assert detail.json()["subject_id"] != person.identifier
    assert listed[0]["id"] == records["person_scj"].pk
    assert listed[0]["subject_id"] == masked(person.identifier)


@pytest.mark.parametrize("user", ["person_user", "office", "auditor"])
def test_the_person_the_office_and_auditors_see_the_identifier_in_full(api, records, request, user, person):
    api.as_user(request.getfixturevalue(user))

    detail = api.get(f"/api/v1/records/{records['person_scj'].pk}/", {"purpose": PURPOSE})
    listed = api.get("/api/v1/records/", {"subject": person.identifier, "purpose": PURPOSE}).json()["results"]

    assert detail.json()["subject_id"] == person.identifier
    assert [record["subject_id"] for record in listed] == [person.identifier]


@pytest.mark.parametrize("user", ["officer_scj", "company_user", "office"])
def test_a_legal_persons_identifier_is_never_masked(api, records, request, user, company):
    response = api.as_user(request.getfixturevalue(user)).get(f"/api/v1/records/{records['company_scj'].pk}/")

    assert response.json()["subject_id"] == company.identifier


# --- Create ---------------------------------------------------------------------------------


def test_a_department_creates_its_own_record_with_its_periods(api, officer_scj):
    # given a department and a subject the registry does not know yet
    # when the department sends a general penalty decided on 2026-01-05, naming no department
    response = api.as_user(officer_scj).post("/api/v1/records/", record_entry(), format="json")

    # then the record is its department's, published, with the periods of order 58
    assert response.status_code == 201
    record = CreditRecord.objects.get()
    assert response.json() == {
        "id": record.pk,
        "subject_id": "91370102MA3C4K7R18",
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "negative": True,
        "department": "SCJ",
        "department_name": "市场监督管理局",
        "decision_no": "济市监罚〔2026〕1号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        "state": "published",
        "under_objection": False,
        "subject_statement": None,
        "rule_set": "ndrc_order_58",
        "publication_start": "2026-01-05",
        "min_period_end": "2026-04-05",
        "max_period_end": "2027-01-05",
        "version": 1,
        # 双公示 (staff only): 7 working days from 1/5 end on 1/14; created on 11/23, 211 working days late
        "publication_due_on": "2026-01-14",
        "publication_late_days": 211,
        "deadlines": [],
    }
    # and the subject is registered with it
    subject = CreditSubject.objects.get()
    assert (subject.identifier, subject.name, subject.subject_type) == (
        "91370102MA3C4K7R18",
        "济南泉城示范科技有限公司",
        "legal_person",
    )
    assert record.subject == subject


def test_a_department_may_name_itself(api, officer_scj):
    response = api.as_user(officer_scj).post("/api/v1/records/", record_entry(department="SCJ"), format="json")

    assert response.status_code == 201
    assert response.json()["department"] == "SCJ"


def test_a_record_of_a_known_subject_registers_no_new_subject(api, officer_scj, company):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(subject_id=company.identifier), format="json"
    )

    assert response.status_code == 201
    assert CreditSubject.objects.count() == 1
    assert CreditRecord.objects.get().subject == company


def test_a_department_gets_a_natural_persons_identifier_masked_even_on_creation(api, officer_scj):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/",
        record_entry(subject_id="370102198503152013", subject_name="张明", subject_type="natural_person"),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["subject_id"] == "370***********2013"
    assert CreditSubject.objects.get().identifier == "370102198503152013"


def test_the_office_creates_a_record_for_the_department_it_names(api, office, hb):
    response = api.as_user(office).post(
        "/api/v1/records/", record_entry(department="HB", decision_no="济环罚〔2026〕8号"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["department"] == "HB"
    assert CreditRecord.objects.get().department == hb


def test_a_red_list_entry_is_published_from_today_without_periods(api, officer_scj):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/",
        record_entry(category="red_list", severity=None, decision_date="2026-11-20", title="守信激励对象"),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["publication_start"], body["min_period_end"], body["max_period_end"]) == (
        "published",
        "2026-11-23",
        None,
        None,
    )


def test_a_record_sent_with_publish_false_is_not_published(api, officer_scj):
    response = api.as_user(officer_scj).post("/api/v1/records/", record_entry(publish=False), format="json")

    body = response.json()
    assert response.status_code == 201
    assert (body["state"], body["rule_set"], body["publication_start"], body["max_period_end"]) == (
        "unpublished",
        "",
        None,
        None,
    )


def test_minor_information_under_order_36_is_published_for_at_most_three_months_when_publish_is_not_said(
    api, officer_scj
):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(severity="minor", decision_date="2026-05-20"), format="json"
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["state"], body["rule_set"], body["min_period_end"], body["max_period_end"]) == (
        "published",
        "ndrc_order_36",
        None,
        "2026-08-20",
    )


def test_minor_information_under_order_58_is_kept_unpublished_when_publish_is_not_said(api, officer_scj):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(severity="minor", decision_date="2025-06-16"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["state"] == "unpublished"


def test_asking_to_publish_minor_information_under_order_58_is_refused(api, officer_scj):
    before = registry_size()

    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(severity="minor", decision_date="2025-06-16", publish=True), format="json"
    )

    assert response.status_code == 400
    assert response.json() == invalid({"publish": [in_chinese(NOT_PUBLISHABLE)]})
    assert registry_size() == before


def test_a_decision_of_today_in_shanghai_is_accepted_before_utc_midnight(api, officer_scj, time_machine):
    # given 00:30 in Shanghai on 2026-11-23, still 2026-11-22 in UTC
    time_machine.move_to(datetime(2026, 11, 23, 0, 30, tzinfo=SHANGHAI), tick=False)

    # when a department records a decision of 2026-11-23
    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(decision_date="2026-11-23"), format="json"
    )

    # then it is not in the future
    assert response.status_code == 201
    assert response.json()["min_period_end"] == "2027-02-23"


def test_the_office_must_name_a_department(api, office):
    response = api.as_user(office).post("/api/v1/records/", record_entry(), format="json")

    assert response.status_code == 400
    assert response.json() == invalid({"department": [in_chinese(DEPARTMENT_REQUIRED)]})
    assert registry_size() == (0, 0)


@pytest.mark.parametrize("user", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_create_records(api, request, user, scj):
    response = api.as_user(request.getfixturevalue(user)).post(
        "/api/v1/records/", record_entry(department="SCJ"), format="json"
    )

    assert response.status_code == 403
    assert response.json() == forbidden()
    assert CreditRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("user", "overrides", "fields"),
    [
        ("officer_scj", {"subject_id": "91370102MA3C4K7R19"}, {"subject_id": [in_chinese(INVALID_USCC)]}),
        ("office", {"department": "XX"}, {"department": [in_chinese(UNKNOWN_DEPARTMENT)]}),
        ("officer_scj", {"decision_date": "2026-11-24"}, {"decision_date": [in_chinese(DECISION_DATE_IN_FUTURE)]}),
        (
            "officer_scj",
            {"category": "administrative_license", "severity": "general"},
            {"severity": [in_chinese(SEVERITY_ON_NON_NEGATIVE)]},
        ),
        ("officer_scj", {"department": "HB"}, {"department": [in_chinese(OTHER_DEPARTMENT)]}),
        ("officer_scj", {"subject_type": "company"}, {"subject_type": ["“company” 不是合法选项。"]}),
        ("officer_scj", {"title": ""}, {"title": ["该字段不能为空。"]}),
    ],
    ids=[
        "wrong check digit",
        "unknown department",
        "decision in the future",
        "severity on non-negative",
        "another department",
        "unknown subject type",
        "blank title",
    ],
)
def test_a_bad_entry_is_refused_naming_the_field_and_nothing_is_written(
    api, request, hb, company, user, overrides, fields
):
    # given a registry with one subject and no record
    before = registry_size()

    # when a record is sent with one bad field
    response = api.as_user(request.getfixturevalue(user)).post(
        "/api/v1/records/", record_entry(**overrides), format="json"
    )

    # then it is refused naming that field, and nothing is written
    assert response.status_code == 400
    assert response.json() == invalid(fields)
    assert registry_size() == before == (0, 1)


def test_a_duplicate_decision_number_is_a_conflict(api, officer_scj):
    # given a record of the department's decision
    api.as_user(officer_scj)
    api.post("/api/v1/records/", record_entry(), format="json")
    before = registry_size()

    # when the same decision is sent again, even for another subject
    response = api.post(
        "/api/v1/records/",
        record_entry(subject_id="91370103MA3D2Q8E5L", subject_name="济南明湖环保工程有限公司"),
        format="json",
    )

    # then it is refused and nothing is written
    assert response.status_code == 409
    assert response.json() == {"error": "conflict", "detail": in_chinese(DUPLICATE_DECISION)}
    assert registry_size() == before == (1, 1)


def test_the_same_decision_number_in_another_department_is_no_conflict(api, officer_scj, officer_hb):
    api.as_user(officer_scj).post("/api/v1/records/", record_entry(), format="json")

    response = api.as_user(officer_hb).post("/api/v1/records/", record_entry(), format="json")

    assert response.status_code == 201
    assert CreditRecord.objects.count() == 2


def test_creating_without_credentials_is_unauthenticated(api, scj):
    response = api.post("/api/v1/records/", record_entry(department="SCJ"), format="json")

    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "detail": "身份认证信息未提供。"}
    assert CreditRecord.objects.count() == 0


# --- History --------------------------------------------------------------------------------


def test_history_lists_every_change_oldest_first(api, officer_scj, office, time_machine):
    # given a record created by a department and suspended by the office an hour later
    created = api.as_user(officer_scj).post("/api/v1/records/", record_entry(), format="json").json()
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    api.as_user(office).post(f"/api/v1/records/{created['id']}/suspend/", {"reason": "异议核实中"}, format="json")
    record = CreditRecord.objects.get()

    # when the office reads its history
    response = api.get(f"/api/v1/records/{record.pk}/history/")

    # then the creation comes first, naming the department's user, then the suspension
    assert response.status_code == 200
    creation, suspension = response.json()
    assert creation == {
        "at": NOW_TEXT,
        "actor": "dept-scj",
        "reason": in_chinese(RECORD_CREATED),
        "changes": [
            {"field": "subject", "old": None, "new": str(record.subject)},
            {"field": "category", "old": None, "new": "administrative_penalty"},
            {"field": "severity", "old": None, "new": "general"},
            {"field": "department", "old": None, "new": str(record.department)},
            {"field": "decision_no", "old": None, "new": "济市监罚〔2026〕1号"},
            {"field": "decision_date", "old": None, "new": "2026-01-05"},
            {"field": "title", "old": None, "new": "未按规定公示年度报告"},
            {"field": "content", "old": None, "new": "责令改正，罚款一千元。"},
            {"field": "state", "old": None, "new": "published"},
            {"field": "under_objection", "old": None, "new": False},
            {"field": "rule_set", "old": None, "new": "ndrc_order_58"},
            {"field": "publication_start", "old": None, "new": "2026-01-05"},
            {"field": "min_period_end", "old": None, "new": "2026-04-05"},
            {"field": "max_period_end", "old": None, "new": "2027-01-05"},
            {"field": "publication_due_on", "old": None, "new": "2026-01-14"},
            {
                "field": "publication_late_days",
                "old": None,
                "new": 211,
            },  # 1/15 to 11/23: 211 working days (双公示 due 1/14)
            {"field": "version", "old": None, "new": 1},
        ],
    }
    assert suspension == {
        "at": "2026-11-23T11:00:00+08:00",
        "actor": "office",
        "reason": "异议核实中",
        "changes": [
            {"field": "state", "old": "published", "new": "suspended"},
            {"field": "version", "old": 1, "new": 2},
        ],
    }


def test_a_departments_view_of_a_persons_history_names_the_person_with_the_identifier_masked(
    api, records, officer_scj, person
):
    response = api.as_user(officer_scj).get(
        f"/api/v1/records/{records['person_scj'].pk}/history/", {"purpose": PURPOSE}
    )

    subject_change = next(change for change in response.json()[0]["changes"] if change["field"] == "subject")
    assert subject_change["new"] == f"张明 ({masked(person.identifier)})"
    assert person.identifier not in response.content.decode()


def test_a_subject_reads_the_history_of_its_own_record(api, officer_scj, company):
    created = (
        api.as_user(officer_scj)
        .post("/api/v1/records/", record_entry(subject_id=company.identifier), format="json")
        .json()
    )
    subject_user = UserFactory(username="subject-a", subject=True, credit_subject=company)

    response = api.as_user(subject_user).get(f"/api/v1/records/{created['id']}/history/")

    assert response.status_code == 200
    assert [(entry["actor"], entry["reason"]) for entry in response.json()] == [
        ("dept-scj", in_chinese(RECORD_CREATED))
    ]


@pytest.mark.parametrize(("user", "record"), [("company_user", "person_scj"), ("officer_hb", "company_scj")])
def test_history_of_a_record_the_caller_may_not_see_is_not_found(api, records, request, user, record):
    response = api.as_user(request.getfixturevalue(user)).get(f"/api/v1/records/{records[record].pk}/history/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# --- The office's publication actions -------------------------------------------------------


def test_the_office_suspends_and_resumes_a_record(api, records, office):
    record = records["company_scj"]
    history_before = record.history.count()
    api.as_user(office)

    suspended = api.post(f"/api/v1/records/{record.pk}/suspend/", {"reason": "异议核实中"}, format="json")
    resumed = api.post(f"/api/v1/records/{record.pk}/resume/", {"reason": "核实完毕"}, format="json")

    assert suspended.status_code == 200
    assert (suspended.json()["state"], suspended.json()["version"]) == ("suspended", 2)
    assert resumed.status_code == 200
    assert (resumed.json()["state"], resumed.json()["version"]) == ("published", 3)
    assert snapshot(record) == ("published", 3, history_before + 2)
    assert list(record.history.order_by("history_id").values_list("history_change_reason", "history_user__username"))[
        -2:
    ] == [("异议核实中", "office"), ("核实完毕", "office")]


def test_the_office_publishes_an_unpublished_record_from_today(api, office, company, scj):
    # given a licence recorded but not published
    record = CreditRecordFactory(
        subject=company,
        department=scj,
        category=Category.ADMINISTRATIVE_LICENSE,
        severity=None,
        decision_date=date(2026, 11, 2),
        state=RecordState.UNPUBLISHED,
    )

    # when the office publishes it
    response = api.as_user(office).post(f"/api/v1/records/{record.pk}/publish/", {"reason": "补充公示"}, format="json")

    # then its publication starts today
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["rule_set"], body["publication_start"], body["min_period_end"], body["version"]) == (
        "published",
        "ndrc_order_36",
        "2026-11-23",
        None,
        2,
    )


def test_an_office_action_needs_a_reason(api, records, office):
    record = records["company_scj"]
    before = snapshot(record)

    response = api.as_user(office).post(f"/api/v1/records/{record.pk}/suspend/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == invalid({"reason": [REQUIRED]})
    assert snapshot(record) == before


def test_a_department_may_not_act_on_its_own_record(api, records, officer_scj):
    record = records["company_scj"]
    before = snapshot(record)

    response = api.as_user(officer_scj).post(
        f"/api/v1/records/{record.pk}/suspend/", {"reason": "核实中"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == forbidden()
    assert snapshot(record) == before


def test_a_department_acting_on_another_departments_record_finds_nothing(api, records, officer_hb):
    record = records["company_scj"]
    before = snapshot(record)

    response = api.as_user(officer_hb).post(
        f"/api/v1/records/{record.pk}/suspend/", {"reason": "核实中"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot(record) == before


@pytest.mark.parametrize("user", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_act_on_a_record(api, records, request, user):
    record = records["company_scj"]
    before = snapshot(record)

    response = api.as_user(request.getfixturevalue(user)).post(
        f"/api/v1/records/{record.pk}/suspend/", {"reason": "核实中"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == forbidden()
    assert snapshot(record) == before


@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        (RecordState.PUBLISHED, "resume", ["suspend"]),
        (RecordState.PUBLISHED, "publish", ["suspend"]),
        (RecordState.SUSPENDED, "suspend", ["resume"]),
        (RecordState.SUSPENDED, "publish", ["resume"]),
        (RecordState.UNPUBLISHED, "suspend", ["publish"]),
        (RecordState.REVOKED, "resume", []),
        (RecordState.EXPIRED, "publish", []),
    ],
)
def test_an_action_the_state_does_not_allow_is_refused_naming_the_allowed_ones(
    api, office, company, scj, state, action, allowed
):
    # given a record in a state
    record = CreditRecordFactory(subject=company, department=scj, state=state)
    before = snapshot(record)

    # when the office tries an action that state does not allow
    response = api.as_user(office).post(f"/api/v1/records/{record.pk}/{action}/", {"reason": "测试"}, format="json")

    # then it is refused with the state and the allowed actions, and the record is unchanged
    assert response.status_code == 409
    assert response.json() == {
        "error": "transition_not_allowed",
        "detail": in_chinese(TRANSITION_NOT_ALLOWED),
        "state": state.value,
        "allowed": allowed,
    }
    assert snapshot(record) == before


def test_the_office_may_not_revoke_a_record_directly_without_an_upstream_revocation(api, records, office):
    record = records["company_scj"]
    before = snapshot(record)

    response = api.as_user(office).post(f"/api/v1/records/{record.pk}/revoke/", {"reason": "错误"}, format="json")

    assert response.status_code == 409
    assert response.json() == not_allowed("published", ["suspend"])
    assert snapshot(record) == before


# --- Query log ------------------------------------------------------------------------------


def test_a_staff_list_is_logged_with_its_purpose_records_and_subjects(
    api, records, office, company, person, other_company
):
    # when the office lists records for a matter
    api.as_user(office).get("/api/v1/records/", {"purpose": "招投标资格审查"})

    # then the look-up is logged with what it returned
    log = QueryLog.objects.get()
    assert (log.user, log.department, log.kind, log.purpose, log.parameters) == (
        office,
        None,
        "list",
        "招投标资格审查",
        {"purpose": "招投标资格审查"},
    )
    assert log.returned_records == [
        records[name].pk for name in ("person_scj", "company_hb", "company_scj", "other_hb")
    ]
    assert set(log.subjects.all()) == {company, person, other_company}
    assert log.at == NOW


def test_a_staff_list_filtered_to_a_subject_without_records_still_names_the_subject(api, office, company):
    api.as_user(office).get("/api/v1/records/", {"subject": company.identifier, "purpose": "评优评先"})

    log = QueryLog.objects.get()
    assert log.returned_records == []
    assert list(log.subjects.all()) == [company]
    assert log.parameters == {"subject": company.identifier, "purpose": "评优评先"}


def test_a_staff_list_logs_only_the_page_returned(api, records, office, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)

    api.as_user(office).get("/api/v1/records/", {"page": 2})

    assert QueryLog.objects.get().returned_records == [records["company_scj"].pk, records["other_hb"].pk]


@pytest.mark.parametrize(("path", "kind"), [("", "detail"), ("history/", "history")])
def test_a_departments_detail_and_history_look_ups_are_logged(api, records, officer_scj, scj, company, path, kind):
    record = records["company_scj"]

    api.as_user(officer_scj).get(f"/api/v1/records/{record.pk}/{path}", {"purpose": "行政许可审批"})

    log = QueryLog.objects.get()
    assert (log.user, log.department, log.kind, log.purpose, log.returned_records) == (
        officer_scj,
        scj,
        kind,
        "行政许可审批",
        [record.pk],
    )
    assert list(log.subjects.all()) == [company]


def test_an_auditors_look_up_is_logged(api, records, auditor):
    api.as_user(auditor).get(f"/api/v1/records/{records['other_hb'].pk}/")

    log = QueryLog.objects.get()
    assert (log.user, log.kind, log.purpose) == (auditor, "detail", "")


def test_a_subjects_own_look_ups_are_not_logged(api, records, company_user):
    api.as_user(company_user)
    record = records["company_scj"]

    api.get("/api/v1/records/")
    api.get(f"/api/v1/records/{record.pk}/")
    api.get(f"/api/v1/records/{record.pk}/history/")

    assert not QueryLog.objects.exists()


@pytest.fixture
def look_ups(api, records, office, officer_scj, officer_hb):
    """The office lists every record, SCJ opens the company's SCJ record, HB opens the other
    company's record; returned in that order."""
    api.as_user(office).get("/api/v1/records/", {"purpose": "专项检查"})
    api.as_user(officer_scj).get(f"/api/v1/records/{records['company_scj'].pk}/", {"purpose": "行政许可审批"})
    api.as_user(officer_hb).get(f"/api/v1/records/{records['other_hb'].pk}/", {"purpose": "环评审批"})
    return list(QueryLog.objects.order_by("id"))


def test_a_subject_sees_the_look_ups_of_its_records_naming_only_its_own(api, records, look_ups, company_user):
    office_list, scj_detail, _hb_detail = look_ups

    response = api.as_user(company_user).get("/api/v1/query-log/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "count_is_estimate": False,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": scj_detail.pk,
                "at": NOW_TEXT,
                "user": "dept-scj",
                "role": "department",
                "department": "SCJ",
                "department_name": "市场监督管理局",
                "kind": "detail",
                "purpose": "行政许可审批",
                "records": [records["company_scj"].pk],
            },
            {
                "id": office_list.pk,
                "at": NOW_TEXT,
                "user": "office",
                "role": "office",
                "department": None,
                "department_name": None,
                "kind": "list",
                "purpose": "专项检查",
                "records": [records["company_hb"].pk, records["company_scj"].pk],
            },
        ],
    }
    assert QueryLog.objects.count() == 3  # reading the log is not itself logged


def test_a_person_sees_only_the_look_ups_of_its_records(api, records, look_ups, person_user):
    office_list = look_ups[0]

    response = api.as_user(person_user).get("/api/v1/query-log/")

    assert [(log["id"], log["records"]) for log in response.json()["results"]] == [
        (office_list.pk, [records["person_scj"].pk])
    ]


def test_a_department_sees_its_own_look_ups(api, look_ups, officer_scj, scj):
    _office_list, scj_detail, _hb_detail = look_ups
    colleague = UserFactory(username="dept-scj-2", officer=True, department=scj)
    api.as_user(colleague).get("/api/v1/records/", {"purpose": "日常监管"})
    colleague_list = QueryLog.objects.latest("id")

    response = api.as_user(officer_scj).get("/api/v1/query-log/")

    assert [(log["id"], log["user"]) for log in response.json()["results"]] == [
        (colleague_list.pk, "dept-scj-2"),
        (scj_detail.pk, "dept-scj"),
    ]


@pytest.mark.parametrize("user", ["office", "auditor"])
def test_the_office_and_auditors_see_every_look_up(api, look_ups, request, user):
    response = api.as_user(request.getfixturevalue(user)).get("/api/v1/query-log/")

    assert [log["id"] for log in response.json()["results"]] == [log.pk for log in reversed(look_ups)]


# --- Credit checks --------------------------------------------------------------------------


@pytest.fixture
def matter_lists(scj, hb):
    """SCJ's list: a procurement, a licence and an award; HB's: an award with the same code."""
    return {
        "procurement": MatterFactory(department=scj, code="CG-001", name="政府采购供应商资格审查", kind="procurement"),
        "licence": MatterFactory(department=scj, code="XK-001", name="行政许可审查", kind="licence"),
        "award": MatterFactory(department=scj, code="PY-001", name="评优评先", kind="other"),
        "hb_award": MatterFactory(department=hb, code="PY-001", name="评优评先", kind="other"),
    }


@pytest.fixture
def company_history(records, company, scj, hb):
    """Besides its two published penalties, the company has a licence, a suspended penalty and a
    revoked one; the check must name the live negative ones only."""
    return {
        "licence": CreditRecordFactory(
            subject=company, department=scj, category=Category.ADMINISTRATIVE_LICENSE, severity=None
        ),
        "suspended": CreditRecordFactory(
            subject=company, department=hb, state=RecordState.SUSPENDED, decision_date=date(2025, 11, 3)
        ),
        "revoked": CreditRecordFactory(subject=company, department=hb, state=RecordState.REVOKED),
    }


def test_a_department_checks_a_subject_and_the_answer_is_kept(
    api, records, company_history, matter_lists, officer_scj, scj, company
):
    # given a company with live and dead records
    # when a department checks it before a decision
    response = api.as_user(officer_scj).post(
        "/api/v1/credit-checks/", {"subject_id": company.identifier, "matter": "CG-001"}, format="json"
    )

    # then the answer names its live negative records
    assert response.status_code == 201
    check = CreditCheck.objects.get()
    body = response.json()
    seen = [records["company_hb"], records["company_scj"], company_history["suspended"]]
    assert {key: value for key, value in body.items() if key != "negative_records"} == {
        "id": check.pk,
        "subject_id": company.identifier,
        "matter": "政府采购供应商资格审查",
        "checked_at": NOW_TEXT,
        "has_active_negative": True,
        "requested_by": "dept-scj",
        "department": "SCJ",
        "matter_id": matter_lists["procurement"].pk,
        "matter_code": "CG-001",
        "records_seen": [
            {"record": r.pk, "version": 1, "history_id": r.history.latest("history_id").history_id} for r in seen
        ],
        "rule": {"negative": True, "states": ["published", "suspended"]},
    }
    assert [(record["id"], record["state"]) for record in body["negative_records"]] == [
        (records["company_hb"].pk, "published"),
        (records["company_scj"].pk, "published"),
        (company_history["suspended"].pk, "suspended"),
    ]
    assert body["negative_records"][0]["department"] == "HB"
    # and the whole answer is kept as evidence, and the look-up logged
    assert (check.requested_by, check.department, check.subject_identifier, check.has_active_negative) == (
        officer_scj,
        scj,
        company.identifier,
        True,
    )
    assert check.answer["negative_records"] == body["negative_records"]
    assert check.answer["records_seen"] == body["records_seen"]
    log = QueryLog.objects.get()
    assert (log.user, log.kind, log.purpose, log.parameters) == (
        officer_scj,
        "credit_check",
        "政府采购供应商资格审查",
        {"subject_id": company.identifier, "credit_check": check.pk, "matter": matter_lists["procurement"].pk},
    )
    assert log.returned_records == [record["id"] for record in body["negative_records"]]
    assert list(log.subjects.all()) == [company]


def test_a_check_of_an_identifier_written_with_spaces_finds_the_subjects_records(
    api, records, matter_lists, officer_scj, company
):
    spaced = f"{company.identifier[:6]} {company.identifier[6:12]} {company.identifier[12:].lower()}"

    response = api.as_user(officer_scj).post(
        "/api/v1/credit-checks/", {"subject_id": spaced, "matter": "XK-001"}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["subject_id"], response.json()["has_active_negative"]) == (company.identifier, True)
    assert CreditCheck.objects.get().subject_identifier == company.identifier


def test_a_purpose_too_long_for_the_query_log_is_refused_on_detail_too(api, records, office):
    before = QueryLog.objects.count()

    response = api.as_user(office).get(f"/api/v1/records/{records['company_scj'].pk}/", {"purpose": "查" * 201})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["purpose"]
    assert QueryLog.objects.count() == before


def test_a_check_of_a_subject_without_negative_records_says_so(api, office, other_company, scj, matter_lists):
    CreditRecordFactory(subject=other_company, department=scj, category=Category.RED_LIST, severity=None)

    response = api.as_user(office).post(
        "/api/v1/credit-checks/",
        {"subject_id": other_company.identifier, "matter": matter_lists["award"].pk},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["negative_records"], response.json()["has_active_negative"]) == ([], False)
    check = CreditCheck.objects.get()
    assert (check.department, check.has_active_negative) == (None, False)


def test_a_check_of_an_identifier_unknown_to_the_registry_is_kept_too(api, office, matter_lists):
    response = api.as_user(office).post(
        "/api/v1/credit-checks/", {"subject_id": "91370103ma3d2q8e5l", "matter": "XK-001"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["subject_id"] == "91370103MA3D2Q8E5L"
    assert response.json()["has_active_negative"] is False
    assert CreditCheck.objects.get().subject_identifier == "91370103MA3D2Q8E5L"
    assert list(QueryLog.objects.get().subjects.all()) == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"subject_id": "91370102MA3C4K7R19", "matter": "PY-001"}, {"subject_id": [in_chinese(NOT_AN_IDENTIFIER)]}),
        ({"subject_id": "370102198503152010", "matter": "PY-001"}, {"subject_id": [in_chinese(NOT_AN_IDENTIFIER)]}),
        ({"subject_id": "91370102MA3C4K7R18"}, {"matter": [REQUIRED]}),
    ],
)
def test_a_bad_credit_check_is_refused_and_nothing_is_kept(api, officer_scj, matter_lists, body, fields):
    response = api.as_user(officer_scj).post("/api/v1/credit-checks/", body, format="json")

    assert response.status_code == 400
    assert response.json() == invalid(fields)
    assert not CreditCheck.objects.exists()
    assert not QueryLog.objects.exists()


@pytest.mark.parametrize("user", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_run_credit_checks(api, request, user, company, matter_lists):
    response = api.as_user(request.getfixturevalue(user)).post(
        "/api/v1/credit-checks/", {"subject_id": company.identifier, "matter": matter_lists["award"].pk}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == forbidden()
    assert not CreditCheck.objects.exists()


@pytest.fixture
def checks(api, office, officer_scj, officer_hb, company, matter_lists):
    """One credit check each by SCJ, HB (each in its award, by code) and the office (in SCJ's, by
    its id: the code names one matter on each list), in that order."""
    made = []
    for user, matter in ((officer_scj, "PY-001"), (officer_hb, "PY-001"), (office, matter_lists["award"].pk)):
        api.as_user(user).post(
            "/api/v1/credit-checks/", {"subject_id": company.identifier, "matter": matter}, format="json"
        )
        made.append(CreditCheck.objects.latest("id"))
    return made


def test_a_department_lists_its_own_credit_checks(api, checks, officer_scj):
    scj_check = checks[0]

    response = api.as_user(officer_scj).get("/api/v1/credit-checks/")

    assert response.status_code == 200
    assert [check["id"] for check in response.json()["results"]] == [scj_check.pk]


@pytest.mark.parametrize("user", ["office", "auditor"])
def test_the_office_and_auditors_list_every_credit_check(api, checks, request, user):
    response = api.as_user(request.getfixturevalue(user)).get("/api/v1/credit-checks/")

    assert [check["id"] for check in response.json()["results"]] == [check.pk for check in reversed(checks)]


def test_a_subject_lists_no_credit_checks(api, checks, company_user):
    response = api.as_user(company_user).get("/api/v1/credit-checks/")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_a_department_reads_its_own_credit_check(api, checks, officer_scj, company, matter_lists):
    scj_check = checks[0]

    response = api.as_user(officer_scj).get(f"/api/v1/credit-checks/{scj_check.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": scj_check.pk,
        "subject_id": company.identifier,
        "matter": "评优评先",
        "checked_at": NOW_TEXT,
        "negative_records": [],
        "has_active_negative": False,
        "requested_by": "dept-scj",
        "department": "SCJ",
        "matter_id": matter_lists["award"].pk,
        "matter_code": "PY-001",
        "records_seen": [],
        "rule": {"negative": True, "states": ["published", "suspended"]},
    }


@pytest.mark.parametrize(("user", "check"), [("officer_hb", 0), ("officer_scj", 2), ("company_user", 0)])
def test_a_credit_check_the_caller_may_not_see_is_not_found(api, checks, request, user, check):
    response = api.as_user(request.getfixturevalue(user)).get(f"/api/v1/credit-checks/{checks[check].pk}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# --- OpenAPI --------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_records_endpoints(api, db):
    # given anyone, signed in or not
    # when the schema is asked for
    response = api.get("/api/schema/", {"format": "json"})

    # then it describes every records endpoint
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/auth/token/",
        "/api/v1/records/",
        "/api/v1/records/{id}/",
        "/api/v1/records/{id}/history/",
        "/api/v1/records/{id}/{record_action}/",
        "/api/v1/credit-checks/",
        "/api/v1/credit-checks/{id}/",
        "/api/v1/query-log/",
    } <= set(paths)
    assert set(paths["/api/v1/records/"]) >= {"get", "post"}
    record_id = next(p for p in paths["/api/v1/records/{id}/"]["get"]["parameters"] if p["name"] == "id")
    assert record_id["schema"]["type"] == "integer"


def test_the_schema_is_served_as_yaml_by_default(api, db):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert "/api/v1/credit-checks/:" in response.content.decode()
