"""The published records without login (docs/api.md "Public, without login"): the API's search,
the pages, and a natural person's full ID number never shown to the public."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from repairflow.records.models import RecordState
from repairflow.records.publication import Category
from repairflow.records.statements import record_statement_set
from tests.factories import CreditRecordFactory, CreditSubjectFactory, make_uscc
from tests.pages import text

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/public/records/"

pytestmark = pytest.mark.usefixtures("throttle_history_empty")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def records(company, person, person_user, scj, hb):
    other = CreditSubjectFactory(name="济南明湖环保工程有限公司", identifier=make_uscc(9001))
    found = {
        "company": CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕11号"),
        "person": CreditRecordFactory(
            subject=person,
            department=scj,
            decision_no="济市监罚〔2026〕12号",
            content=f"当事人张明（身份证号{person.identifier}）未按规定经营。",
        ),
        "other": CreditRecordFactory(
            subject=other,
            department=hb,
            decision_no="济环罚〔2026〕13号",
            category=Category.ABNORMAL_LIST,
            decision_date=date(2025, 12, 1),
            under_objection=True,
        ),
        "unpublished": CreditRecordFactory(subject=company, department=scj, state=RecordState.UNPUBLISHED),
        "ended": CreditRecordFactory(subject=company, department=scj, state=RecordState.ENDED),
        # published still, but its maximum period passed before the sweep ended it
        "past": CreditRecordFactory(subject=company, department=scj, decision_date=date(2022, 1, 5)),
    }
    record_statement_set(actor=person_user, record_id=found["person"].pk, text=f"我（{person.identifier}）已缴清罚款。")
    return found


def numbers(response) -> list[str]:
    return [row["decision_no"] for row in response.json()["results"]]


def test_anyone_lists_the_published_records_in_their_period_newest_first(api, records):
    response = api.get(URL)

    assert response.status_code == 200
    assert numbers(response) == ["济市监罚〔2026〕12号", "济市监罚〔2026〕11号", "济环罚〔2026〕13号"]
    assert response.json()["next"] is None and response.json()["previous"] is None


def test_a_record_shows_exactly_the_public_fields_a_natural_person_masked(api, records, person):
    response = api.get(URL, {"q": f"张明 {person.identifier}"})

    assert response.json()["results"] == [
        {
            "decision_no": "济市监罚〔2026〕12号",
            "subject_name": "张*",
            "subject_id": person.masked_identifier,
            "category": "administrative_penalty",
            "department": "SCJ",
            "department_name": "市场监督管理局",
            "decision_date": "2026-01-05",
            "title": "未按规定公示年度报告",
            "content": f"当事人张*（身份证号{person.masked_identifier}）未按规定经营。",
            "publication_start": records["person"].publication_start.isoformat(),
            "under_objection": False,
            "subject_statement": f"我（{person.masked_identifier}）已缴清罚款。",
        }
    ]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("泉城", []),  # under three characters: the names it begins with (济南泉城… does not)
        ("泉城示范", ["济市监罚〔2026〕11号"]),
        ("济南", ["济市监罚〔2026〕11号", "济环罚〔2026〕13号"]),
        ("明湖环保", ["济环罚〔2026〕13号"]),
        ("张明", []),  # a natural person is never found by name alone
    ],
)
def test_a_name_part_finds_enterprises(api, records, q, found):
    assert numbers(api.get(URL, {"q": q})) == found


@pytest.mark.parametrize(
    ("q", "found"), [("济南", ["济市监罚〔2026〕11号", "济环罚〔2026〕13号"]), ("明湖环保", ["济环罚〔2026〕13号"])]
)
def test_a_name_matching_more_subjects_than_are_listed_finds_the_same_records(api, records, monkeypatch, q, found):
    # Two named subjects over a list of one: they are checked as a subquery, with the same answer.
    monkeypatch.setattr("repairflow.portal.selectors.NAMED_SUBJECTS_LISTED", 1)

    assert numbers(api.get(URL, {"q": q})) == found


@pytest.fixture
def named_records(scj, hb):
    """Two enterprises named 历下… with records on interleaved days (two on one day each), a third
    named otherwise on the days between, and what the public must not see of the first."""
    first = CreditSubjectFactory(name="济南历下甲贸易有限公司", identifier=make_uscc(9101))
    second = CreditSubjectFactory(name="济南历下乙贸易有限公司", identifier=make_uscc(9102))
    other = CreditSubjectFactory(name="济南槐荫丙贸易有限公司", identifier=make_uscc(9103))
    keyed = []
    for day, subject in [(2, first), (3, second), (3, second), (5, first), (5, first), (8, second), (9, first)]:
        record = CreditRecordFactory(subject=subject, department=scj, decision_date=date(2026, 3, day))
        keyed.append((record.decision_date, record.pk, record.decision_no))
        CreditRecordFactory(subject=other, department=scj, decision_date=date(2026, 3, day))
    listed = CreditRecordFactory(
        subject=first, department=hb, decision_date=date(2026, 3, 7), category=Category.ABNORMAL_LIST
    )
    CreditRecordFactory(subject=first, department=scj, decision_date=date(2026, 3, 6), state=RecordState.ENDED)
    CreditRecordFactory(subject=second, department=scj, decision_date=date(2022, 1, 5))  # past its period
    return [number for *_key, number in sorted(keyed, reverse=True)], listed.decision_no


@pytest.mark.parametrize("listed", [5000, 1])  # each subject's records, or the newest walked
def test_a_name_search_pages_by_key_both_ways_over_its_subjects(api, named_records, monkeypatch, listed):
    monkeypatch.setattr("repairflow.portal.selectors.NAMED_SUBJECTS_LISTED", listed)
    monkeypatch.setattr("repairflow.portal.api.PUBLIC_PAGE_SIZE", 3)

    pages = [api.get(URL, {"q": "济南历下", "category": Category.ADMINISTRATIVE_PENALTY}).json()]
    while pages[-1]["next"]:
        pages.append(api.get(pages[-1]["next"]).json())
    backwards = [pages[-1]]
    while backwards[-1]["previous"]:
        backwards.append(api.get(backwards[-1]["previous"]).json())

    penalties, listed = named_records
    assert [row["decision_no"] for page in pages for row in page["results"]] == penalties
    assert [page["results"] for page in backwards] == [page["results"] for page in reversed(pages)]
    assert numbers(api.get(URL, {"q": "历下甲", "department": "HB"})) == [listed]


def test_an_enterprise_is_found_by_its_uscc(api, records, company):
    assert numbers(api.get(URL, {"q": company.identifier.lower()})) == ["济市监罚〔2026〕11号"]


def test_a_natural_person_s_id_number_alone_finds_nothing(api, records, person):
    assert numbers(api.get(URL, {"q": person.identifier})) == []
    assert numbers(api.get(URL, {"q": f"李四 {person.identifier}"})) == []
    assert numbers(api.get(URL, {"q": f"{person.identifier} 张明"})) == ["济市监罚〔2026〕12号"]


def test_filters_by_category_and_department(api, records):
    assert numbers(api.get(URL, {"category": "abnormal_list"})) == ["济环罚〔2026〕13号"]
    assert numbers(api.get(URL, {"department": "hb"})) == ["济环罚〔2026〕13号"]


def test_an_unknown_department_or_category_is_invalid(api, records):
    assert api.get(URL, {"department": "NOPE"}).json()["fields"].keys() == {"department"}
    assert api.get(URL, {"category": "nope"}).status_code == 400


def test_pages_follow_by_key_both_ways(api, records, settings, monkeypatch):
    monkeypatch.setattr("repairflow.portal.api.PUBLIC_PAGE_SIZE", 2)

    first = api.get(URL).json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()

    assert [row["decision_no"] for row in first["results"]] == ["济市监罚〔2026〕12号", "济市监罚〔2026〕11号"]
    assert [row["decision_no"] for row in second["results"]] == ["济环罚〔2026〕13号"]
    assert second["next"] is None
    assert back["results"] == first["results"] and back["previous"] is None


def test_the_search_is_throttled_per_client(api, records):
    statuses = [api.get(URL).status_code for _ in range(31)]

    assert statuses[30] == 429
    assert api.get(URL, REMOTE_ADDR="127.0.0.2").status_code == 200


# --- the pages -------------------------------------------------------------------------------


def test_the_search_page_works_without_login_and_filters_by_department_name(client, records):
    shown = client.get("/public/records/")
    response = client.get("/public/records/", {"department": "HB"})

    assert shown.status_code == 200
    assert "生态环境局" in shown.content.decode()  # the department chosen by its name
    assert "济环罚〔2026〕13号" in text(response) and "济市监罚〔2026〕11号" not in text(response)


def test_the_search_page_finds_a_person_by_name_and_id_number_masked(client, records, person):
    response = client.get("/public/records/", {"name": "张明", "subject_id": person.identifier})

    assert "济市监罚〔2026〕12号" in text(response)
    assert "张*" in text(response)


def test_the_search_page_refuses_a_bad_id_number_beside_its_field(client, records):
    response = client.get("/public/records/", {"subject_id": "370102198501011230"})

    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_a_published_record_s_page_shows_its_statement_and_objection_mark(client, records):
    person = client.get(f"/public/records/{records['person'].pk}/")
    objected = client.get(f"/public/records/{records['other'].pk}/")

    assert "已缴清罚款" in text(person)
    assert "badge warn" in objected.content.decode()


@pytest.mark.parametrize("name", ["unpublished", "ended", "past"])
def test_a_record_not_published_or_past_its_period_is_not_found(client, records, name):
    assert client.get(f"/public/records/{records[name].pk}/").status_code == 404


def test_the_home_page_links_the_public_pages_for_anonymous_visitors(client, db):
    page = client.get("/").content.decode()

    assert 'href="/public/records/"' in page and 'href="/query/"' in page


# --- the progress query page -----------------------------------------------------------------


@pytest.fixture
def objection(company, company_user, scj):
    from repairflow.objections import services

    record = CreditRecordFactory(subject=company, department=scj)
    with time_machine.travel(datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=False):
        return services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        )


def test_the_progress_page_answers_as_the_api(client, api, objection, company):
    query = {"number": objection.number, "subject_id": company.identifier}

    response = client.get("/query/", query)
    answer = api.get("/api/v1/public/status/", query).json()

    assert response.status_code == 200
    assert answer["state_label"] in text(response)
    assert answer["received_on"] in text(response)


def test_the_progress_page_without_a_query_shows_the_form(client, db):
    response = client.get("/query/")

    assert response.status_code == 200 and 'name="number"' in response.content.decode()


def test_the_progress_page_s_misses_share_the_api_s_throttle(client, api, objection, company):
    known = {"number": objection.number, "subject_id": company.identifier}
    for n in range(10):
        assert client.get("/query/", {**known, "number": f"YY2026{n + 100:06d}"}).status_code == 404

    assert client.get("/query/", known).status_code == 429
    assert api.get("/api/v1/public/status/", known).status_code == 429


def test_the_progress_page_refuses_a_malformed_number(client, db):
    assert client.get("/query/", {"number": "12", "subject_id": "x"}).status_code == 400


# --- a natural person's full ID number is never shown --------------------------------------------


def test_no_public_answer_ever_holds_a_natural_person_s_full_id_number(client, api, records, person):
    full = f"{person.identifier} {person.name}"
    responses = [
        api.get(URL),
        api.get(URL, {"q": f"张明 {person.identifier}"}),
        api.get(URL, {"q": person.identifier}),
        api.get(URL, {"q": "张"}),
        client.get("/public/records/"),
        client.get("/public/records/", {"name": "张明", "subject_id": person.identifier}),
        client.get("/public/records/", {"subject_id": person.identifier}),
        client.get(f"/public/records/{records['person'].pk}/"),
        client.get("/"),
        client.get("/query/"),
        client.get("/query/", {"number": "YY2026000999", "subject_id": person.identifier}),
    ]

    assert [response.status_code for response in responses] == [200] * (len(responses) - 1) + [404]
    for response in responses:
        assert person.identifier not in response.content.decode(), full
