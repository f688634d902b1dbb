"""Staff reads of cases are in the query log as look-ups of records are (seed 000 §六(二)): the
lists, a case, and its notices, through the API and the pages; a subject's own reads are not."""

import pytest

from repairflow.records.models import QueryKind, QueryLog

pytestmark = pytest.mark.django_db


def reads(objection):
    return [
        ("/api/v1/objections/?state=accepted", QueryKind.CASE_LIST),
        (f"/api/v1/objections/{objection.number}/", QueryKind.CASE_DETAIL),
        (f"/api/v1/objections/{objection.number}/notices/receipt.pdf", QueryKind.NOTICE),
        ("/objections/?state=accepted", QueryKind.CASE_LIST),
        (f"/objections/{objection.number}/", QueryKind.CASE_DETAIL),
        (f"/objections/{objection.number}/notices/receipt.pdf", QueryKind.NOTICE),
    ]


@pytest.mark.parametrize("reader", ["office", "auditor"])
def test_each_staff_read_of_a_case_is_logged_with_its_record_and_subject(request, objection_in, client, api, reader):
    objection = objection_in("accepted")
    user = request.getfixturevalue(reader)
    client.force_login(user)
    api.as_user(user)

    for url, kind in reads(objection):
        answer = (api if url.startswith("/api/") else client).get(url)
        assert answer.status_code == 200, url
        log = QueryLog.objects.order_by("pk").last()
        assert (log.user, log.kind) == (user, kind), url
        assert log.parameters["cases"] == [objection.number]
        assert log.returned_records == [objection.record_id]
        assert list(log.subjects.values_list("pk", flat=True)) == [objection.subject_id]

    assert QueryLog.objects.count() == 6


def test_a_subject_s_reads_of_its_own_case_are_not_logged(objection_in, client, api, company_user):
    objection = objection_in("accepted")
    client.force_login(company_user)
    api.as_user(company_user)

    for url, _kind in reads(objection):
        assert (api if url.startswith("/api/") else client).get(url).status_code == 200, url

    assert not QueryLog.objects.exists()


def test_a_read_refused_is_not_logged(objection_in, api, officer_hb):
    objection = objection_in("accepted")

    answer = api.as_user(officer_hb).get(f"/api/v1/objections/{objection.number}/")

    assert answer.status_code == 404
    assert not QueryLog.objects.exists()
