"""The subject's statement on its own record (docs/api.md "Records: the subject's statement"): only
the record's subject writes it; it is part of the record wherever the record is shown and sent,
kept in the record's history, and told to the platforms as `record.statement_changed`."""

import pytest

from repairflow.records.models import CreditRecord, RecordEvent
from repairflow.records.statements import STATEMENT_REMOVED, STATEMENT_SET, STATEMENT_TOO_LONG
from repairflow.records.views import STATEMENT_DELETED, STATEMENT_SAVED
from tests.factories import CreditRecordFactory, RepairApplicationFactory, UserFactory
from tests.helpers import NOT_FOUND, forbidden, invalid, record_history, record_of
from tests.i18n import in_chinese
from tests.pages import text

pytestmark = pytest.mark.usefixtures("travel")

STATEMENT = "罚款已于2026年2月缴清，年度报告已补报。"


@pytest.fixture
def record(company, scj):
    return CreditRecordFactory(subject=company, department=scj)


def say(api, user, record, words):
    return api.as_user(user).post(f"/api/v1/records/{record.pk}/statement/", {"text": words}, format="json")


def kept(record) -> tuple:
    record = CreditRecord.objects.get(pk=record.pk)
    return record.subject_statement, record.version, record.history.count()


def test_the_subject_sets_its_statement_and_every_reader_of_the_record_sees_it(api, record, company_user, office):
    version = record.version

    response = say(api, company_user, record, f"  {STATEMENT}\n")

    assert response.status_code == 200
    assert response.json()["subject_statement"] == STATEMENT
    assert response.json()["version"] == version + 1
    assert record_of(api, office, record)["subject_statement"] == STATEMENT
    entry = record_history(api, company_user, record)[-1]
    assert entry["actor"] == "subject-a"
    assert entry["reason"] == in_chinese(STATEMENT_SET)
    assert entry["changes"] == [
        {"field": "subject_statement", "old": None, "new": STATEMENT},
        {"field": "version", "old": version, "new": version + 1},
    ]


def test_a_record_says_null_until_its_subject_speaks_and_its_creation_does_not_list_it(api, record, company_user):
    assert record_of(api, company_user, record)["subject_statement"] is None
    created = record_history(api, company_user, record)[0]
    assert "subject_statement" not in {change["field"] for change in created["changes"]}


def test_the_subject_changes_then_removes_its_statement(api, record, company_user):
    say(api, company_user, record, STATEMENT)

    changed = say(api, company_user, record, "已整改完毕。")
    removed = say(api, company_user, record, "   ")

    assert changed.json()["subject_statement"] == "已整改完毕。"
    assert removed.status_code == 200
    assert removed.json()["subject_statement"] is None
    reasons = [entry["reason"] for entry in record_history(api, company_user, record)[-3:]]
    assert reasons == [in_chinese(STATEMENT_SET), in_chinese(STATEMENT_SET), in_chinese(STATEMENT_REMOVED)]


def test_the_same_statement_again_changes_nothing(api, record, company_user):
    say(api, company_user, record, STATEMENT)
    before = kept(record)

    response = say(api, company_user, record, STATEMENT)

    assert response.status_code == 200
    assert kept(record) == before
    assert RecordEvent.objects.filter(record=record, type="record.statement_changed").count() == 1


def test_every_change_is_an_event_sent_with_the_record_as_it_now_is(api, record, company_user):
    say(api, company_user, record, STATEMENT)
    say(api, company_user, record, "")

    events = list(RecordEvent.objects.filter(record=record, type="record.statement_changed").order_by("id"))

    assert [event.snapshot["subject_statement"] for event in events] == [STATEMENT, None]
    assert [event.case_reference for event in events] == [None, None]


def test_later_events_carry_the_statement(api, record, company_user, office):
    say(api, company_user, record, STATEMENT)

    api.as_user(office).post(f"/api/v1/records/{record.pk}/suspend/", {"reason": "核查中"}, format="json")

    suspended = RecordEvent.objects.get(record=record, type="record.suspended")
    assert suspended.snapshot["subject_statement"] == STATEMENT


def test_a_statement_over_500_characters_is_refused_under_its_field(api, record, company_user):
    before = kept(record)

    response = say(api, company_user, record, "字" * 501)

    assert response.status_code == 400
    assert response.json() == invalid({"text": [in_chinese(STATEMENT_TOO_LONG) % {"limit": 500, "length": 501}]})
    assert kept(record) == before
    assert not RecordEvent.objects.filter(record=record, type="record.statement_changed").exists()


def test_500_characters_are_enough(api, record, company_user):
    assert say(api, company_user, record, "字" * 500).json()["subject_statement"] == "字" * 500


def test_a_statement_is_never_kept_as_a_spreadsheet_formula(api, record, company_user):
    assert say(api, company_user, record, "=HYPERLINK(1)").json()["subject_statement"] == "'=HYPERLINK(1)"


def test_another_subject_finds_no_such_record_and_nothing_changes(api, record, other_subject_user):
    before = kept(record)

    response = say(api, other_subject_user, record, STATEMENT)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert kept(record) == before


@pytest.mark.parametrize("who", ["officer_scj", "office"])
def test_staff_who_see_the_record_may_not_write_its_statement(api, record, request, who):
    before = kept(record)

    response = say(api, request.getfixturevalue(who), record, STATEMENT)

    assert response.status_code == 403
    assert response.json() == forbidden()
    assert kept(record) == before


def test_a_department_that_does_not_see_the_record_finds_nothing(api, record, officer_hb):
    assert say(api, officer_hb, record, STATEMENT).status_code == 404


# --- the pages -------------------------------------------------------------------------------


def test_the_subject_writes_its_statement_on_the_record_s_page(client, record, company_user):
    client.force_login(company_user)

    shown = client.get(f"/records/{record.pk}/")
    response = client.post(f"/records/{record.pk}/statement/", {"text": STATEMENT}, follow=True)

    assert f'action="/records/{record.pk}/statement/"' in shown.content.decode()
    assert response.redirect_chain == [(f"/records/{record.pk}/", 302)]
    assert in_chinese(STATEMENT_SAVED) in text(response)
    assert STATEMENT in text(response)
    assert kept(record)[0] == STATEMENT


def test_the_subject_removes_its_statement_on_the_page(client, record, company_user, api):
    say(api, company_user, record, STATEMENT)
    client.force_login(company_user)

    response = client.post(f"/records/{record.pk}/statement/", {"text": ""}, follow=True)

    assert in_chinese(STATEMENT_DELETED) in text(response)
    assert kept(record)[0] is None


def test_the_page_shows_a_refused_statement_again_with_its_error_beside_it(client, record, company_user):
    client.force_login(company_user)
    before = kept(record)

    response = client.post(f"/records/{record.pk}/statement/", {"text": "字" * 501})

    assert response.status_code == 400
    assert in_chinese(STATEMENT_TOO_LONG) % {"limit": 500, "length": 501} in text(response)
    assert "字" * 501 in response.content.decode()  # what was written is not lost
    assert kept(record) == before


def test_staff_see_the_statement_but_no_form(client, api, record, company_user, officer_scj):
    say(api, company_user, record, STATEMENT)
    client.force_login(officer_scj)

    response = client.get(f"/records/{record.pk}/")

    assert STATEMENT in text(response)
    assert "/statement/" not in response.content.decode()
    assert client.post(f"/records/{record.pk}/statement/", {"text": "x"}).status_code == 403
    assert kept(record)[0] == STATEMENT


def test_another_subject_s_page_post_finds_nothing(client, record, other_subject_user):
    client.force_login(other_subject_user)

    assert client.post(f"/records/{record.pk}/statement/", {"text": STATEMENT}).status_code == 404
    assert kept(record)[0] is None


def test_a_case_page_shows_the_record_s_statement(client, api, record, company_user):
    application = RepairApplicationFactory(record=record, filed_by=company_user)
    say(api, company_user, record, STATEMENT)
    client.force_login(UserFactory(office=True))

    response = client.get(f"/repairs/{application.number}/")

    assert response.status_code == 200
    assert STATEMENT in text(response)
