"""The registry's pages: scoped, masked and logged as the API is, in Chinese by default."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from repairflow.records.models import QueryLog, RecordState
from repairflow.records.publication import Category
from repairflow.records.services import RECORD_CREATED, record_transition
from tests.factories import CreditRecordFactory, CreditSubjectFactory
from tests.i18n import in_chinese

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def records(company, person, scj, hb):
    other_company = CreditSubjectFactory(name="济南明湖环保工程有限公司")
    return {
        "company_scj": CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕11号"),
        "person_scj": CreditRecordFactory(subject=person, department=scj, decision_no="济市监罚〔2026〕12号"),
        "other_hb": CreditRecordFactory(
            subject=other_company,
            department=hb,
            decision_no="济环罚〔2026〕13号",
            category=Category.ABNORMAL_LIST,
            decision_date=date(2025, 12, 1),
        ),
    }


def test_the_home_page_answers_in_chinese(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page(response)
    assert "信用异议与修复" in page(response)
    assert "登录" in page(response)


@pytest.mark.parametrize("path", ["/records/", "/records/1/", "/query-log/"])
def test_pages_of_the_registry_send_anonymous_visitors_to_sign_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_a_subject_sees_its_own_records_only(client, records, company_user):
    # given a subject signed in
    client.force_login(company_user)

    # when it opens the list of records
    response = client.get("/records/")

    # then it sees its own record and no one else's, and its look-up is not logged
    assert response.status_code == 200
    assert "济市监罚〔2026〕11号" in page(response)
    assert "济市监罚〔2026〕12号" not in page(response)
    assert "济环罚〔2026〕13号" not in page(response)
    assert not QueryLog.objects.exists()


def test_a_department_sees_its_records_with_natural_persons_masked_and_its_look_up_logged(
    client, records, officer_scj, person
):
    client.force_login(officer_scj)

    response = client.get("/records/", {"purpose": "行政许可审批"})

    content = page(response)
    assert "济市监罚〔2026〕11号" in content
    assert "济市监罚〔2026〕12号" in content
    assert "济环罚〔2026〕13号" not in content
    assert person.identifier not in content
    assert person.identifier[:3] + "*" * 11 + person.identifier[-4:] in content
    log = QueryLog.objects.get()
    assert (log.user, log.kind, log.purpose) == (officer_scj, "list", "行政许可审批")
    assert sorted(log.returned_records) == sorted([records["company_scj"].pk, records["person_scj"].pk])


def test_the_list_page_filters_by_category(client, records, office):
    client.force_login(office)

    response = client.get("/records/", {"category": "abnormal_list"})

    assert "济环罚〔2026〕13号" in page(response)
    assert "济市监罚〔2026〕11号" not in page(response)


@pytest.mark.parametrize(("user", "record"), [("company_user", "person_scj"), ("officer_hb", "company_scj")])
def test_the_detail_page_of_an_invisible_record_is_not_found(client, records, request, user, record):
    client.force_login(request.getfixturevalue(user))

    response = client.get(f"/records/{records[record].pk}/")

    assert response.status_code == 404
    assert "此页面不存在，或您无权查看。" in page(response)
    assert records[record].decision_no not in page(response)


def test_the_detail_page_of_an_absent_record_is_the_same_not_found(client, records, company_user):
    client.force_login(company_user)

    response = client.get("/records/999999/")

    assert response.status_code == 404
    assert "此页面不存在，或您无权查看。" in page(response)


def test_the_detail_page_shows_the_record_and_its_history(api, client, officer_scj, office, company, company_user):
    # given a record created by a department and suspended by the office
    created = (
        api.as_user(officer_scj)
        .post(
            "/api/v1/records/",
            {
                "subject_id": company.identifier,
                "subject_name": company.name,
                "subject_type": "legal_person",
                "category": "administrative_penalty",
                "severity": "general",
                "decision_no": "济市监罚〔2026〕21号",
                "decision_date": "2026-01-05",
                "title": "虚假宣传",
            },
            format="json",
        )
        .json()
    )
    api.as_user(office).post(f"/api/v1/records/{created['id']}/suspend/", {"reason": "异议核实中"}, format="json")
    client.force_login(company_user)

    # when the subject opens it
    response = client.get(f"/records/{created['id']}/")

    # then it sees the record, its periods and who changed it, when and why
    content = page(response)
    assert response.status_code == 200
    assert "虚假宣传" in content
    assert "暂停公示" in content
    assert "2026-04-05" in content and "2027-01-05" in content
    assert company.identifier in content
    assert f"<td>2026-11-23 10:00</td><td>dept-scj</td><td>{in_chinese(RECORD_CREATED)}</td>" in content
    assert "<td>2026-11-23 10:00</td><td>office</td><td>异议核实中</td>" in content
    assert "公示中 → 暂停公示" in content


def test_the_person_sees_its_own_identifier_in_full_on_the_detail_page(client, records, person_user, person):
    client.force_login(person_user)

    response = client.get(f"/records/{records['person_scj'].pk}/")

    assert response.status_code == 200
    assert person.identifier in page(response)


def test_a_subject_sees_who_looked_at_its_records(api, client, records, officer_scj, officer_hb, company_user):
    # given a department that opened the subject's record, and another that opened someone else's
    api.as_user(officer_scj).get(f"/api/v1/records/{records['company_scj'].pk}/", {"purpose": "政府采购资格审查"})
    api.as_user(officer_hb).get(f"/api/v1/records/{records['other_hb'].pk}/", {"purpose": "环评审批"})
    client.force_login(company_user)

    # when the subject opens the query log
    response = client.get("/query-log/")

    # then it sees the look-up of its record only
    content = page(response)
    assert response.status_code == 200
    assert "政府采购资格审查" in content
    assert "市场监督管理局" in content
    assert "记录详情" in content
    assert "环评审批" not in content
    assert "dept-hb" not in content


def test_a_subject_nobody_looked_at_has_an_empty_query_log(client, records, person_user):
    client.force_login(person_user)

    response = client.get("/query-log/")

    assert response.status_code == 200
    assert "尚无查询。" in page(response)


def test_the_login_page_signs_in_with_the_right_password(client, company_user):
    # given the sign-in page
    assert client.get("/accounts/login/").status_code == 200

    # when a subject signs in with its password
    response = client.post("/accounts/login/", {"username": "subject-a", "password": "secret-password"})

    # then it is signed in and sent to the start page
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(company_user.pk)
    assert client.get("/records/").status_code == 200


def test_the_login_page_refuses_a_wrong_password(client, company_user):
    response = client.post("/accounts/login/", {"username": "subject-a", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "用户名或密码错误，请重试。" in page(response)


def test_the_login_page_follows_next(client, company_user):
    response = client.post(
        "/accounts/login/?next=/records/", {"username": "subject-a", "password": "secret-password", "next": "/records/"}
    )

    assert response["Location"] == "/records/"


def test_a_suspended_record_shows_its_state_on_the_list(client, company, scj, company_user):
    CreditRecordFactory(subject=company, department=scj, state=RecordState.SUSPENDED)
    client.force_login(company_user)

    response = client.get("/records/")

    assert "暂停公示" in page(response)


def test_pages_speak_chinese_even_to_a_browser_asking_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert "<h1>信用异议与修复</h1>" in response.content.decode()


def test_pages_speak_english_once_the_person_chooses_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert "<h1>Credit objections and repair</h1>" in response.content.decode()


def test_the_record_list_links_to_the_record_page(client, company_user):
    record = CreditRecordFactory(subject=company_user.credit_subject)
    client.force_login(company_user)

    response = client.get("/records/")

    assert f'href="/records/{record.pk}/"' in response.content.decode()


def test_the_record_page_shows_history_with_labels_and_readable_values(client, office):
    record = CreditRecordFactory(title="超标排放大气污染物")
    record_transition(record=record, actor=office, action="suspend", reason="核实中")
    client.force_login(office)

    body = page(client.get(f"/records/{record.pk}/"))

    assert "决定文书号" in body
    assert "公示中 → 暂停公示" in body
    assert "核实中" in body


def test_the_language_switch_names_english_in_english(client, db):
    assert 'lang="en">English</button>' in page(client.get("/"))
