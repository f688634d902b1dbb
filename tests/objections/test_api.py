"""The objections API apart from the actions (docs/api.md "Objections", "Errors"): filing and
its input rules, the office filing for a subject, Idempotency-Key, one open objection per record,
reading, lists with their filters and scoping, and the notices."""

from datetime import date

import pytest

from repairflow.cases import api as case_api
from repairflow.cases.api import PHONE
from repairflow.cases.models import Notice
from repairflow.cases.services import NOT_YOUR_RECORD
from repairflow.core.api import KEY_REUSED
from repairflow.core.identifiers import NOT_AN_IDENTIFIER
from repairflow.core.models import IdempotencyKey
from repairflow.objections import api as objections_api
from repairflow.objections import services
from repairflow.objections.models import Objection
from repairflow.records.models import RecordState
from tests.factories import CreditRecordFactory, CreditSubjectFactory
from tests.helpers import NOT_FOUND, conflict, forbidden, invalid, timeline
from tests.i18n import in_chinese
from tests.objections.conftest import act, file_objection, read

URL = "/api/v1/objections/"
INVALID_CHOICE = "“{input}” 不是合法选项。"


def numbers(response) -> list[str]:
    return [objection["number"] for objection in response.json()["results"]]


# --- Filing --------------------------------------------------------------------------------------


def test_a_subject_files_an_objection_with_evidence(api, travel, record, company_user, evidence):
    # given a copy of the decision the company uploaded
    copy = evidence(company_user)

    # when it objects to its record
    response = file_objection(
        api, company_user, record, grounds=["content_error", "incomplete", "content_error"], attachments=[copy.pk]
    )

    # then the case is received today, with its grounds once each and the copy
    assert response.status_code == 201
    body = response.json()
    assert {name: body[name] for name in ("number", "state", "record", "subject_id", "grounds", "received_on")} == {
        "number": "YY2026000001",
        "state": "submitted",
        "record": record.pk,
        "subject_id": record.subject.identifier,
        "grounds": ["content_error", "incomplete"],
        "received_on": "2026-09-28",
    }
    assert body["attachments"] == [
        {
            "id": copy.pk,
            "name": "处罚决定书.pdf",
            "size": copy.size,
            "sha256": copy.sha256,
            "content_type": "application/pdf",
            "uploaded_at": "2026-09-28T10:00:00+08:00",
            "uploaded_by_role": "subject",
        }
    ]
    assert (body["statement"], body["requested_change"], body["contact_phone"]) == (
        "处罚决定书载明的罚款金额有误。",
        "更正罚款金额",
        "0531-86000000",
    )
    assert timeline(body) == [("submit", "", "submitted", "subject-a")]
    assert body["allowed_actions"] == ["withdraw"]
    assert read(api, company_user, body["number"]).json() == body


def test_the_office_files_for_a_subject_named_by_its_identifier(api, travel, record, company, office):
    response = file_objection(api, office, record, subject_id=company.identifier)

    assert response.status_code == 201
    objection = Objection.objects.get(number=response.json()["number"])
    assert (objection.subject, objection.filed_by) == (company, office)
    assert timeline(response.json()) == [("submit", "", "submitted", "office")]


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"statement": ""}, {"statement": [objections_api.STATEMENT_REQUIRED]}),
        ({"grounds": []}, {"grounds": [objections_api.GROUNDS_REQUIRED]}),
        ({"grounds": ["content_error", "bad_luck"]}, {"grounds": {"1": [INVALID_CHOICE.format(input="bad_luck")]}}),
        ({"record": 999999}, {"record": [NOT_YOUR_RECORD]}),
        ({"attachments": [999999]}, {"attachments": [case_api.UNKNOWN_ATTACHMENT % {"ids": "999999"}]}),
        ({"contact_phone": "call me"}, {"contact_phone": [PHONE.message]}),
    ],
    ids=["empty statement", "no grounds", "unknown ground", "unknown record", "unknown attachment", "bad phone"],
)
def test_bad_input_is_400_naming_the_field_and_files_nothing(api, travel, record, company_user, overrides, fields):
    response = file_objection(api, company_user, record, **overrides)

    expected = {
        name: messages if isinstance(messages, dict) else [in_chinese(message) for message in messages]
        for name, messages in fields.items()
    }
    assert (response.status_code, response.json()) == (400, invalid(expected))
    assert not Objection.objects.exists()


def test_a_subject_cannot_object_to_another_subjects_record(api, travel, company_user, scj):
    # given a record of another company
    theirs = CreditRecordFactory(subject=CreditSubjectFactory(), department=scj)

    response = file_objection(api, company_user, theirs)

    assert (response.status_code, response.json()) == (400, invalid({"record": [in_chinese(NOT_YOUR_RECORD)]}))
    assert not Objection.objects.exists()


def test_an_attachment_someone_else_uploaded_is_unknown(
    api, travel, record, company_user, other_subject_user, evidence
):
    theirs = evidence(other_subject_user)

    response = file_objection(api, company_user, record, attachments=[theirs.pk])

    message = in_chinese(case_api.UNKNOWN_ATTACHMENT) % {"ids": str(theirs.pk)}
    assert (response.status_code, response.json()) == (400, invalid({"attachments": [message]}))
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("subject_id", "message"),
    [
        (None, case_api.SUBJECT_ID_REQUIRED),
        ("91370102MA3C4K7R18", case_api.SUBJECT_MISMATCH),
        ("91370102MA3C4K7R10", NOT_AN_IDENTIFIER),
    ],
    ids=["missing", "another subject's", "not an identifier"],
)
def test_the_office_must_name_the_records_subject(api, travel, record, office, subject_id, message):
    overrides = {} if subject_id is None else {"subject_id": subject_id}

    response = file_objection(api, office, record, **overrides)

    assert (response.status_code, response.json()) == (400, invalid({"subject_id": [in_chinese(message)]}))
    assert not Objection.objects.exists()


@pytest.mark.parametrize("role", ["officer_scj", "auditor"])
def test_departments_and_auditors_cannot_file(api, travel, record, company, request, role):
    response = file_objection(api, request.getfixturevalue(role), record, subject_id=company.identifier)

    assert (response.status_code, response.json()) == (403, forbidden())
    assert not Objection.objects.exists()


def test_filing_needs_credentials(api, record):
    response = api.post(URL, {"record": record.pk}, format="json")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_a_second_open_objection_to_the_same_record_is_a_conflict(api, travel, record, company_user, office):
    # given an open objection by the company to its record
    first = file_objection(api, company_user, record).json()["number"]

    # when the company (or the office for it) objects to the record again
    again = file_objection(api, company_user, record)
    for_it = file_objection(api, office, record, subject_id=record.subject.identifier)

    # then both are refused while the first is open
    assert (again.status_code, again.json()) == (409, conflict(services.ALREADY_OPEN))
    assert (for_it.status_code, for_it.json()) == (409, conflict(services.ALREADY_OPEN))
    assert list(Objection.objects.values_list("number", flat=True)) == [first]

    # and once it is withdrawn, a new one may be filed
    act(api, company_user, first, "withdraw")
    assert file_objection(api, company_user, record).status_code == 201


def test_a_repeated_filing_with_the_same_idempotency_key_files_once(api, travel, record, company_user):
    # given a filing sent with an Idempotency-Key
    client = api.as_user(company_user)
    body = {"record": record.pk, "grounds": ["not_mine"], "statement": "该记录不属于本公司。"}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="filing-1")

    # when the same request is sent again the next morning, within the day a key is kept (the answer was lost)
    travel(date(2026, 9, 29), hour=9)
    repeat = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="filing-1")

    # then it gets the first answer and one case exists
    assert (first.status_code, repeat.status_code) == (201, 201)
    assert repeat.json() == first.json()
    assert Objection.objects.count() == 1
    assert Notice.objects.count() == 1

    # and the key cannot be reused for a different request
    other = client.post(URL, {**body, "statement": "另一份陈述"}, format="json", HTTP_IDEMPOTENCY_KEY="filing-1")
    assert (other.status_code, other.json()) == (409, conflict(KEY_REUSED))
    assert Objection.objects.count() == 1


def test_a_refused_filing_frees_its_idempotency_key(api, travel, record, company_user):
    client = api.as_user(company_user)
    body = {"record": record.pk, "grounds": ["not_mine"], "statement": ""}

    refused = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="filing-2")
    corrected = client.post(
        URL, {**body, "statement": "该记录不属于本公司。"}, format="json", HTTP_IDEMPOTENCY_KEY="filing-2"
    )

    assert (refused.status_code, corrected.status_code) == (400, 201)
    assert IdempotencyKey.objects.get(key="filing-2").response_status == 201


def test_a_repeated_action_with_the_same_idempotency_key_acts_once(api, objection_in, office):
    number = objection_in("submitted").number
    client = api.as_user(office)

    first = client.post(f"{URL}{number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="accept-1")
    repeat = client.post(f"{URL}{number}/accept/", {}, format="json", HTTP_IDEMPOTENCY_KEY="accept-1")

    assert (first.status_code, repeat.status_code) == (200, 200)
    assert repeat.json() == first.json()
    assert [step[0] for step in timeline(read(api, office, number).json())] == ["submit", "accept"]


# --- Reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("company_user", 200),
        ("office", 200),
        ("auditor", 200),
        ("officer_scj", 200),
        ("other_subject_user", 404),
        ("officer_hb", 404),
    ],
)
def test_a_case_is_read_by_whoever_may_see_it_and_is_absent_for_the_rest(api, objection_in, request, role, status):
    # given an objection forwarded to market regulation
    number = objection_in("verifying").number

    user = request.getfixturevalue(role)
    response = read(api, user, number)
    notice = api.as_user(user).get(f"{URL}{number}/notices/receipt.pdf")

    assert response.status_code == status
    assert notice.status_code == status
    if status == 404:
        assert (response.json(), notice.json()) == (NOT_FOUND, NOT_FOUND)


def test_a_notice_not_issued_is_404(api, objection_in, company_user):
    number = objection_in("verifying").number

    response = api.as_user(company_user).get(f"{URL}{number}/notices/result.pdf")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_each_caller_sees_the_actions_open_to_it(api, objection_in, company_user, office, officer_scj, auditor):
    number = objection_in("verifying").number

    assert {
        user.username: read(api, user, number).json()["allowed_actions"]
        for user in (company_user, office, officer_scj, auditor)
    } == {
        "subject-a": ["withdraw"],
        "office": ["extend", "pause"],
        "dept-scj": ["reply"],
        "auditor": [],
    }


def test_a_natural_persons_identifier_is_masked_for_a_department(
    api, travel, person, person_user, scj, officer_scj, office
):
    # given a person's objection forwarded to market regulation
    record = CreditRecordFactory(subject=person, department=scj)
    number = file_objection(api, person_user, record).json()["number"]
    act(api, office, number, "accept")
    act(api, office, number, "forward")

    # then the person and the office see the identifier, the department only its ends
    identifier = person.identifier
    assert read(api, person_user, number).json()["subject_id"] == identifier
    assert read(api, office, number).json()["subject_id"] == identifier
    assert read(api, officer_scj, number).json()["subject_id"] == identifier[:3] + "*" * 11 + identifier[-4:]


# --- Lists ---------------------------------------------------------------------------------------


@pytest.fixture
def cases(travel, company, company_user, office, officer_scj, scj, hb):
    """Four objections, listed newest first: the company's forwarded to environment (filed 9/30),
    another company's forwarded to market regulation and environment (9/29), the company's
    accepted (9/28 12:00) and the company's rejected (9/28 10:00)."""
    other = CreditSubjectFactory()
    rejected = CreditRecordFactory(subject=company, department=scj)
    accepted = CreditRecordFactory(subject=company, department=scj)
    both = CreditRecordFactory(subject=other, department=scj)
    to_hb = CreditRecordFactory(subject=company, department=hb)

    def file(record, actor):
        return services.objection_submit(
            actor=actor, record=record, grounds=["content_error"], statement="内容有误。"
        ).number

    numbers = {"rejected": file(rejected, company_user)}
    services.objection_reject(actor=office, number=numbers["rejected"], reason="重复提交")
    travel(date(2026, 9, 28), hour=12)
    numbers["accepted"] = file(accepted, company_user)
    services.objection_accept(actor=office, number=numbers["accepted"])
    travel(date(2026, 9, 29))
    numbers["both"] = file(both, office)
    services.objection_accept(actor=office, number=numbers["both"])
    services.objection_forward(actor=office, number=numbers["both"], departments=[scj, hb])
    travel(date(2026, 9, 30))
    numbers["to_hb"] = file(to_hb, company_user)
    services.objection_accept(actor=office, number=numbers["to_hb"])
    services.objection_forward(actor=office, number=numbers["to_hb"])
    return numbers


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("company_user", ["to_hb", "accepted", "rejected"]),
        ("officer_scj", ["both"]),
        ("officer_hb", ["to_hb", "both"]),
        ("office", ["to_hb", "both", "accepted", "rejected"]),
        ("auditor", ["to_hb", "both", "accepted", "rejected"]),
        ("other_subject_user", []),
    ],
)
def test_the_list_shows_each_role_what_it_may_see(api, cases, request, role, visible):
    response = api.as_user(request.getfixturevalue(role)).get(URL)

    assert response.status_code == 200
    assert numbers(response) == [cases[name] for name in visible]
    assert response.json()["count"] == len(visible)


@pytest.mark.parametrize(
    ("query", "visible"),
    [
        ({"state": "verifying"}, ["to_hb", "both"]),
        ({"state": "rejected"}, ["rejected"]),
        ({"state": "published"}, []),
        ({"department": "HB"}, ["to_hb", "both"]),
        ({"department": "SCJ"}, ["both"]),
        ({"department": "HB", "state": "accepted"}, []),
    ],
)
def test_the_list_filters_by_state_and_department(api, cases, office, query, visible):
    response = api.as_user(office).get(URL, query)

    assert numbers(response) == [cases[name] for name in visible]


def test_the_list_filters_the_cases_with_a_clock_past_its_last_day(api, cases, travel, office, company_user):
    # given on 9/30 nothing is late
    assert numbers(api.as_user(office).get(URL, {"overdue": "true"})) == []

    # when it is Saturday 10/10, a working day: the verifications of `both` (forwarded 9/29) were
    # due 10/9, the office's own answer to `accepted` (received 9/28) 10/8; `to_hb`'s is due today
    travel(date(2026, 10, 10))

    # then those two are overdue, for whoever sees them
    assert numbers(api.as_user(office).get(URL, {"overdue": "true"})) == [cases["both"], cases["accepted"]]
    assert numbers(api.as_user(company_user).get(URL, {"overdue": "true"})) == [cases["accepted"]]
    assert numbers(api.as_user(office).get(URL, {"overdue": "false"})) == [
        cases["to_hb"],
        cases["both"],
        cases["accepted"],
        cases["rejected"],
    ]


def test_an_unknown_state_filter_is_400(api, cases, office):
    response = api.as_user(office).get(URL, {"state": "lost"})

    assert (response.status_code, response.json()) == (400, invalid({"state": [INVALID_CHOICE.format(input="lost")]}))


def test_a_clock_standing_still_is_not_overdue(api, objection_in, travel, office):
    # given an objection the office asked on 9/28 to supplement: its own clocks (due 9/30 and 10/8)
    # stand still until the supplement comes; the subject's period ends 10/10
    number = objection_in("needs_supplement").number

    # when it is Friday 10/9: the case is not late, the office waits for the subject
    travel(date(2026, 10, 9))
    assert numbers(api.as_user(office).get(URL, {"overdue": "true"})) == []

    # and on Monday 10/12 the subject's period has passed
    travel(date(2026, 10, 12))
    assert numbers(api.as_user(office).get(URL, {"overdue": "true"})) == [number]


def test_a_revoked_record_cannot_be_objected_to(api, travel, company, company_user, scj):
    revoked = CreditRecordFactory(subject=company, department=scj, state=RecordState.REVOKED)

    response = file_objection(api, company_user, revoked)

    assert response.status_code == 400
    assert response.json() == invalid({"record": [in_chinese(services.RECORD_REVOKED)]})
    assert not Objection.objects.exists()


def test_the_openapi_schema_describes_the_objection_endpoints(api, db):
    response = api.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert {
        "/api/v1/objections/",
        "/api/v1/objections/{number}/",
        "/api/v1/objections/{number}/{objection_action}/",
        "/api/v1/objections/{number}/notices/{kind}.pdf",
        "/api/v1/attachments/",
        "/api/v1/public/status/",
    } <= set(paths)
    assert set(paths["/api/v1/objections/"]) >= {"get", "post"}
    act = paths["/api/v1/objections/{number}/{objection_action}/"]["post"]
    action = next(p for p in act["parameters"] if p["name"] == "objection_action")
    assert action["schema"]["enum"] == sorted(objections_api.ACTIONS)
    notice = paths["/api/v1/objections/{number}/notices/{kind}.pdf"]["get"]
    assert notice["operationId"] == "v1_objections_notice"
    kind = next(p for p in notice["parameters"] if p["name"] == "kind")
    assert sorted(kind["schema"]["enum"]) == ["receipt", "rejection", "result", "supplement"]
