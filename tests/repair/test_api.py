"""The repair API's refusals (docs/api.md "Errors"): what may not be filed, who may not act,
in which state, with which body; each refusal changes nothing. Also the list's scoping and
filters and the OpenAPI description."""

import pytest

from repairflow.cases import api as case_api
from repairflow.cases.services import NOT_YOUR_RECORD
from repairflow.records.models import RecordState
from repairflow.records.publication import Category, Severity
from repairflow.repair import api as repair_api
from repairflow.repair import services
from repairflow.repair.models import RepairApplication
from tests.factories import CreditRecordFactory, DepartmentFactory, UserFactory
from tests.helpers import NOT_FOUND, conflict, forbidden, invalid, not_allowed
from tests.i18n import in_chinese
from tests.repair.conftest import URL, act, apply, read, snapshot

pytestmark = pytest.mark.django_db


# --- Filing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"commitment": False}, {"commitment": [services.COMMITMENT_REQUIRED]}),
        ({"commitment": None}, {"commitment": [services.COMMITMENT_REQUIRED]}),
        ({"statement": ""}, {"statement": [repair_api.STATEMENT_REQUIRED]}),
        ({"record": 999999}, {"record": [NOT_YOUR_RECORD]}),
        ({"contact_phone": "call me"}, {"contact_phone": [case_api.PHONE.message]}),
    ],
)
def test_a_bad_application_is_refused_naming_the_field(api, travel, record, company_user, overrides, errors):
    response = apply(api, company_user, record, **overrides)

    assert response.json() == invalid({field: [in_chinese(m) for m in messages] for field, messages in errors.items()})
    assert response.status_code == 400
    assert not RepairApplication.objects.exists()


def test_an_application_without_a_commitment_is_refused(api, travel, record, company_user):
    body = {"record": record.pk, "statement": "已整改。"}

    response = api.as_user(company_user).post(URL, body, format="json")

    assert response.json() == invalid({"commitment": [in_chinese(services.COMMITMENT_REQUIRED)]})
    assert not RepairApplication.objects.exists()


def test_materials_must_be_the_caller_s_own_uploads_of_a_known_kind(api, travel, record, company_user, evidence):
    theirs = evidence(UserFactory(subject=True), "别人的凭证.pdf")
    mine = evidence(company_user)

    foreign = apply(api, company_user, record, materials=[{"kind": "performance_proof", "attachment": theirs.pk}])
    unknown_kind = apply(api, company_user, record, materials=[{"kind": "diploma", "attachment": mine.pk}])

    assert foreign.status_code == unknown_kind.status_code == 400
    assert foreign.json()["fields"] == {
        "materials": [in_chinese(case_api.UNKNOWN_ATTACHMENT) % {"ids": str(theirs.pk)}]
    }
    assert list(unknown_kind.json()["fields"]["materials"]["0"]) == ["kind"]
    assert not RepairApplication.objects.exists()


def test_only_the_record_s_own_subject_may_apply(api, travel, record, other_subject_user):
    response = apply(api, other_subject_user, record)

    assert response.json() == invalid({"record": [in_chinese(NOT_YOUR_RECORD)]})
    assert not RepairApplication.objects.exists()


@pytest.mark.parametrize("role", ["department", "auditor"])
def test_staff_other_than_the_office_may_not_apply(api, travel, record, officer_scj, auditor, role):
    user = {"department": officer_scj, "auditor": auditor}[role]

    response = apply(api, user, record)

    assert (response.status_code, response.json()) == (403, forbidden())
    assert not RepairApplication.objects.exists()


def test_the_office_applies_on_a_subject_s_behalf(api, travel, record, office, proof, company):
    response = apply(api, office, record, subject_id=company.identifier)

    assert response.status_code == 201
    assert response.json()["subject_id"] == company.identifier
    assert apply(api, office, record).json()["fields"] == {"subject_id": [in_chinese(case_api.SUBJECT_ID_REQUIRED)]}


@pytest.mark.parametrize(
    ("category", "severity"),
    [
        (Category.ADMINISTRATIVE_REWARD, None),
        (Category.ADMINISTRATIVE_LEVY, None),
        (Category.COURT_JUDGMENT, None),  # a court judgment that does not say it is negative
        (Category.OTHER, None),
    ],
)
def test_no_new_category_is_repairable_unless_negative(api, travel, company, scj, company_user, category, severity):
    record = CreditRecordFactory(subject=company, department=scj, category=category, severity=severity)

    response = apply(api, company_user, record)

    assert record.negative is False
    assert response.json() == invalid({"record": [in_chinese(services.NOT_NEGATIVE)]})
    assert not RepairApplication.objects.exists()


def test_a_dishonest_judgment_debtor_entry_is_the_court_s_to_remove(api, travel, company, company_user):
    court = DepartmentFactory(code="FY", name="市中级人民法院")
    entry = CreditRecordFactory(
        subject=company, department=court, category=Category.DISHONEST_JUDGMENT_DEBTOR, severity=Severity.SERIOUS
    )

    response = apply(api, company_user, entry)

    assert entry.negative is True
    assert response.json() == invalid({"record": [in_chinese(services.COURT_REMOVES)]})
    assert not RepairApplication.objects.exists()


def test_information_that_is_not_negative_cannot_be_repaired(api, travel, company, scj, company_user):
    licence = CreditRecordFactory(
        subject=company, department=scj, category=Category.ADMINISTRATIVE_LICENSE, severity=None
    )

    response = apply(api, company_user, licence)

    assert response.json() == invalid({"record": [in_chinese(services.NOT_NEGATIVE)]})
    assert not RepairApplication.objects.exists()


@pytest.mark.parametrize(
    "state", [RecordState.ENDED, RecordState.EXPIRED, RecordState.REVOKED, RecordState.UNPUBLISHED]
)
def test_a_record_no_longer_published_cannot_be_repaired(api, travel, company, scj, company_user, state):
    ended = CreditRecordFactory(subject=company, department=scj, state=state)

    response = apply(api, company_user, ended)

    label = RecordState(state).label
    assert response.json() == invalid({"record": [in_chinese(services.NOT_LIVE) % {"state": in_chinese(label)}]})
    assert not RepairApplication.objects.exists()


def test_a_second_open_application_for_the_same_record_is_a_conflict(api, travel, record, company_user, proof):
    first = apply(api, company_user, record, proof=proof)
    before = snapshot(first.json()["number"])

    second = apply(api, company_user, record, proof=proof)

    assert (second.status_code, second.json()) == (409, conflict(services.ALREADY_OPEN))
    assert RepairApplication.objects.count() == 1
    assert snapshot(first.json()["number"]) == before


def test_a_repeated_request_with_its_idempotency_key_files_once(api, travel, record, company_user, proof):
    client = api.as_user(company_user)
    body = {"record": record.pk, "statement": "已整改。", "commitment": True}

    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"]
    assert RepairApplication.objects.count() == 1


# --- Acting -------------------------------------------------------------------------------------


def test_execute_before_approval_is_refused(api, repair_in, office):
    application = repair_in("reviewing")
    before = snapshot(application.number)

    response = act(api, office, application.number, "execute")

    assert (response.status_code, response.json()) == (409, not_allowed("reviewing", ["extend", "pause"]))
    assert snapshot(application.number) == before


def test_a_deny_without_a_reason_is_refused(api, repair_in, officer_scj):
    application = repair_in("reviewing")
    before = snapshot(application.number)

    response = act(api, officer_scj, application.number, "deny")

    assert response.json() == invalid({"reason": [in_chinese(services.REASON_REQUIRED)]})
    assert snapshot(application.number) == before


@pytest.mark.parametrize(
    ("state", "action", "who"),
    [
        ("submitted", "accept", "subject"),
        ("reviewing", "withdraw", "department"),
        ("reviewing", "approve", "office"),
        ("reviewing", "deny", "subject"),
        ("approved", "execute", "department"),
        ("published", "revoke", "subject"),
        ("accepted", "withdraw", "office"),
    ],
)
def test_a_role_that_may_not_take_an_action_is_forbidden(
    api, repair_in, company_user, office, officer_scj, state, action, who
):
    application = repair_in(state)
    user = {"subject": company_user, "office": office, "department": officer_scj}[who]
    before = snapshot(application.number)

    response = act(api, user, application.number, action, reason="理由")

    assert (response.status_code, response.json()) == (403, forbidden())
    assert snapshot(application.number) == before


def test_another_department_does_not_see_the_application(api, repair_in, officer_hb):
    application = repair_in("reviewing")
    before = snapshot(application.number)

    assert read(api, officer_hb, application.number).status_code == 404
    response = act(api, officer_hb, application.number, "approve")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(application.number) == before


def test_another_subject_does_not_see_the_application(api, repair_in, other_subject_user):
    application = repair_in("submitted")

    assert read(api, other_subject_user, application.number).json() == NOT_FOUND
    assert act(api, other_subject_user, application.number, "withdraw").status_code == 404


def test_execute_is_a_conflict_when_the_record_is_no_longer_published(api, repair_in, record, office):
    application = repair_in("approved")
    record.refresh_from_db()
    record.state = RecordState.EXPIRED
    record.save()
    before = snapshot(application.number)

    response = act(api, office, application.number, "execute")

    label = in_chinese(RecordState.EXPIRED.label)
    assert (response.status_code, response.json()) == (409, conflict(services.RECORD_NOT_LIVE % {"state": label}))
    assert snapshot(application.number) == before


def test_a_supplement_with_nothing_in_it_is_refused(api, repair_in, company_user):
    application = repair_in("needs_supplement")
    before = snapshot(application.number)

    response = act(api, company_user, application.number, "supplement", statement=" ")

    assert response.json() == invalid({"statement": [in_chinese(services.SUPPLEMENT_EMPTY)]})
    assert snapshot(application.number) == before


def test_a_supplement_request_must_say_what_is_missing(api, repair_in, office):
    application = repair_in("submitted")
    before = snapshot(application.number)

    response = act(api, office, application.number, "request-supplement")

    assert response.json() == invalid({"missing": [in_chinese(services.MISSING_REQUIRED)]})
    assert snapshot(application.number) == before


# --- Reading ------------------------------------------------------------------------------------


def test_each_role_lists_what_it_may_see(
    api, repair_in, company_user, other_subject_user, office, officer_scj, officer_hb
):
    reviewing = repair_in("reviewing")

    def numbers(user, **filters) -> list[str]:
        response = api.as_user(user).get(URL, filters)
        assert response.status_code == 200
        return [item["number"] for item in response.json()["results"]]

    assert numbers(company_user) == numbers(office) == numbers(officer_scj) == [reviewing.number]
    assert numbers(other_subject_user) == numbers(officer_hb) == []
    assert numbers(office, state="reviewing", department="SCJ") == [reviewing.number]
    assert numbers(office, state="submitted") == numbers(office, department="HB") == []
    assert numbers(office, overdue="true") == []
    bad = api.as_user(office).get(URL, {"state": "lost"})
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["state"])


def test_the_applications_allowed_actions_are_the_caller_s(api, repair_in, company_user, office, officer_scj):
    application = repair_in("reviewing")

    assert read(api, company_user, application.number).json()["allowed_actions"] == ["withdraw"]
    assert read(api, office, application.number).json()["allowed_actions"] == ["extend", "pause"]
    assert read(api, officer_scj, application.number).json()["allowed_actions"] == ["approve", "deny"]


def test_the_openapi_schema_describes_the_repair_endpoints(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {
        "/api/v1/repairs/",
        "/api/v1/repairs/{number}/",
        "/api/v1/repairs/{number}/{repair_action}/",
        "/api/v1/repairs/{number}/notices/{kind}.pdf",
    } <= set(paths)
    act_parameters = paths["/api/v1/repairs/{number}/{repair_action}/"]["post"]["parameters"]
    action = next(p for p in act_parameters if p["name"] == "repair_action")
    assert action["schema"]["enum"] == sorted(repair_api.ACTIONS)
    notice_parameters = paths["/api/v1/repairs/{number}/notices/{kind}.pdf"]["get"]["parameters"]
    kind = next(p for p in notice_parameters if p["name"] == "kind")
    assert sorted(kind["schema"]["enum"]) == ["decision", "receipt", "rejection", "revocation", "supplement"]
