"""Reading attachments (docs/api.md "Attachments: reading them"): the uploader and whoever may see
a case an attachment belongs to get its metadata and its file, exactly as stored; anyone else is
told it does not exist; a staff download is in the query log."""

import hashlib

import pytest

from repairflow.objections import services as objections
from repairflow.records.models import QueryKind, QueryLog
from tests.factories import CreditRecordFactory, UserFactory
from tests.files import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(travel, evidence, company, company_user, scj, office):
    """The company's objection with its PDF, accepted and forwarded to market regulation, which
    replied with a PDF of its own."""
    record = CreditRecordFactory(subject=company, department=scj)
    proof = evidence(company_user, "营业执照 副本.pdf")
    objection = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="有误", attachments=[proof]
    )
    objections.objection_accept(actor=office, number=objection.number)
    objections.objection_forward(actor=office, number=objection.number)
    return objection, proof


def content(api, user, attachment):
    return api.as_user(user).get(f"/api/v1/attachments/{attachment.pk}/content/")


@pytest.mark.parametrize("who", ["company_user", "office", "auditor", "officer_scj"])
def test_the_subject_the_routed_department_and_the_office_read_the_file(api, filed, request, who):
    _objection, proof = filed

    response = content(api, request.getfixturevalue(who), proof)

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == proof.sha256 and body == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert (
        "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC.pdf"
        in response["Content-Disposition"]
    )


def test_the_metadata_names_the_file_and_who_uploaded_it(api, filed, office):
    _objection, proof = filed

    body = api.as_user(office).get(f"/api/v1/attachments/{proof.pk}/").json()

    assert body == {
        "id": proof.pk,
        "name": "营业执照 副本.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
        "sha256": proof.sha256,
        "uploaded_at": body["uploaded_at"],
        "uploaded_by_role": "subject",
    }


def test_the_case_lists_its_attachments_with_who_uploaded_them(api, filed, office):
    objection, proof = filed

    shown = api.as_user(office).get(f"/api/v1/objections/{objection.number}/").json()["attachments"]

    assert [(item["id"], item["uploaded_by_role"]) for item in shown] == [(proof.pk, "subject")]


@pytest.mark.parametrize("who", ["officer_hb", "other_subject_user"])
def test_anyone_else_is_told_the_attachment_does_not_exist(api, filed, request, who):
    _objection, proof = filed
    user = request.getfixturevalue(who)
    logged = QueryLog.objects.count()

    for path in (f"/api/v1/attachments/{proof.pk}/", f"/api/v1/attachments/{proof.pk}/content/"):
        response = api.as_user(user).get(path)
        assert (response.status_code, response.json()["error"]) == (404, "not_found")
    assert QueryLog.objects.count() == logged


def test_an_attachment_on_no_case_is_its_uploaders_alone(api, travel, evidence, company_user, office):
    draft = evidence(company_user)

    assert content(api, company_user, draft).status_code == 200
    assert content(api, office, draft).status_code == 404
    assert api.as_user(office).get("/api/v1/attachments/999999/content/").status_code == 404


def test_a_staff_download_is_in_the_query_log_and_a_subjects_is_not(api, filed, office, company_user):
    objection, proof = filed
    content(api, company_user, proof)
    assert not QueryLog.objects.filter(kind=QueryKind.ATTACHMENT).exists()

    content(api, office, proof)

    log = QueryLog.objects.get(kind=QueryKind.ATTACHMENT)
    assert (log.user, log.parameters) == (office, {"attachment": proof.pk, "cases": [objection.number]})
    assert log.returned_records == [objection.record_id]


def test_a_departments_reply_attachment_is_read_through_its_case(api, filed, officer_scj, company_user, evidence):
    objection, _proof = filed
    reply = evidence(officer_scj, "核查报告.pdf")
    objections.objection_reply(
        actor=officer_scj, number=objection.number, outcome="maintain", explanation="无误", attachments=[reply]
    )

    assert content(api, company_user, reply).status_code == 200
    assert content(api, UserFactory(officer=True), reply).status_code == 404


def test_the_case_page_links_each_attachment(client, filed, office):
    objection, proof = filed
    client.force_login(office)

    page = client.get(f"/objections/{objection.number}/").content.decode()

    assert f'href="/api/v1/attachments/{proof.pk}/content/"' in page


def test_the_file_is_answered_to_a_client_that_accepts_only_its_type(api, filed, office):
    _objection, proof = filed

    response = api.as_user(office).get(f"/api/v1/attachments/{proof.pk}/content/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
