"""Who reads a natural person's ID number, and why: every list masks it, whoever reads the list;
staff open a natural person's record (page or API) only with the purpose the query log keeps."""

from datetime import datetime

import pytest

from repairflow.core.identifiers import identifier_listed, mask_identifier
from repairflow.records.models import QueryKind, QueryLog
from repairflow.records.services import PURPOSE_REQUIRED
from repairflow.repair import services as repairs
from tests.factories import CreditRecordFactory
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import page, text


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def person_record(person, scj):
    return CreditRecordFactory(subject=person, department=scj, decision_no="济市监罚〔2026〕51号")


@pytest.fixture
def company_record(company, scj):
    return CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕52号")


# --- Masked in lists -------------------------------------------------------------------------------


def test_the_helper_masks_a_natural_persons_number_and_leaves_a_company_s(person, company):
    assert identifier_listed(person.identifier, person.subject_type) == mask_identifier(person.identifier)
    assert identifier_listed(company.identifier, company.subject_type) == company.identifier
    # without the type, a resident ID number is recognised as one
    assert identifier_listed(person.identifier) == mask_identifier(person.identifier)
    assert identifier_listed(company.identifier) == company.identifier


@pytest.mark.parametrize("role", ["office", "auditor", "person_user"])
def test_the_record_list_masks_a_natural_persons_number_even_for_those_who_may_see_it(
    request, client, person, person_record, role
):
    client.force_login(request.getfixturevalue(role))

    shown = page(client.get("/records/"))

    assert person_record.decision_no in shown
    assert person.identifier not in shown
    assert mask_identifier(person.identifier) in shown


def test_the_case_list_masks_it_too(client, person, person_user, person_record, office):
    repairs.repair_submit(actor=person_user, record=person_record, statement="已缴清。", commitment=True)

    for user in (office, person_user):
        client.force_login(user)
        shown = page(client.get("/repairs/"))
        assert person.identifier not in shown
        assert mask_identifier(person.identifier) in shown


def test_a_company_s_code_is_listed_in_full(client, company, company_record, office):
    client.force_login(office)

    assert company.identifier in page(client.get("/records/"))


def test_the_detail_page_shows_the_number_in_full_to_those_allowed(client, person, person_record, office):
    client.force_login(office)

    response = client.get(f"/records/{person_record.pk}/", {"purpose": "行政许可审查"})

    assert response.status_code == 200
    assert person.identifier in page(response)


# --- A purpose for staff reading a natural person's record ---------------------------------------


@pytest.mark.parametrize("purpose", [None, "", "   "])
def test_staff_opening_a_natural_persons_record_page_are_asked_for_the_purpose(
    client, person, person_record, office, purpose
):
    client.force_login(office)

    response = client.get(f"/records/{person_record.pk}/", {} if purpose is None else {"purpose": purpose})

    assert response.status_code == 400
    shown = page(response)
    assert in_chinese(PURPOSE_REQUIRED) in text(response)
    assert person.identifier not in shown and person_record.title not in shown
    assert 'name="purpose"' in shown and 'aria-invalid="true"' in shown and 'role="alert"' in shown
    assert not QueryLog.objects.exists()


def test_with_the_purpose_the_page_opens_and_the_log_keeps_it(client, person_record, officer_scj):
    client.force_login(officer_scj)

    response = client.get(f"/records/{person_record.pk}/", {"purpose": "政府采购资格审查"})

    assert response.status_code == 200
    log = QueryLog.objects.get()
    assert (log.kind, log.purpose, log.returned_records) == (QueryKind.DETAIL, "政府采购资格审查", [person_record.pk])


@pytest.mark.parametrize("path", ["", "history/"])
def test_the_api_refuses_a_staff_read_of_a_natural_persons_record_without_purpose(
    api, person_record, officer_scj, path
):
    response = api.as_user(officer_scj).get(f"/api/v1/records/{person_record.pk}/{path}")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["fields"] == {"purpose": [in_chinese(PURPOSE_REQUIRED)]}
    assert not QueryLog.objects.exists()

    response = api.as_user(officer_scj).get(f"/api/v1/records/{person_record.pk}/{path}", {"purpose": "招投标审查"})

    assert response.status_code == 200
    assert QueryLog.objects.get().purpose == "招投标审查"


def test_the_api_refuses_a_staff_list_asked_by_a_natural_persons_number_without_purpose(
    api, person, person_record, office
):
    response = api.as_user(office).get("/api/v1/records/", {"subject": person.identifier})

    assert response.status_code == 400
    assert response.json()["fields"] == {"purpose": [in_chinese(PURPOSE_REQUIRED)]}
    assert not QueryLog.objects.exists()
    # a list browsed by category names nobody and needs none
    assert api.as_user(office).get("/api/v1/records/", {"category": "administrative_penalty"}).status_code == 200


def test_a_company_s_record_and_the_person_s_own_reads_need_no_purpose(
    api, client, company_record, person_record, office, person_user
):
    assert api.as_user(office).get(f"/api/v1/records/{company_record.pk}/").status_code == 200
    client.force_login(person_user)
    assert client.get(f"/records/{person_record.pk}/").status_code == 200
    assert api.as_user(person_user).get(f"/api/v1/records/{person_record.pk}/").status_code == 200


def test_the_purpose_given_on_the_list_is_carried_to_the_records_it_links(client, person_record, office):
    client.force_login(office)

    shown = page(client.get("/records/", {"purpose": "行政许可 审查"}))

    assert (
        f'href="/records/{person_record.pk}/?purpose=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF%20%E5%AE%A1%E6%9F%A5"'
        in shown
    )
