"""The objection pages: filing, the queue, the case and its actions, scoped and refused as the API
is, in the user's language, never with a 500."""

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import explain
from repairflow.cases.api import deadline_as_json
from repairflow.core.errors import TRANSITION_NOT_ALLOWED
from repairflow.core.models import Attachment
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import FILE_NOT_ALLOWED, FILE_UNREADABLE
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Step
from repairflow.objections import api, flows, services
from repairflow.objections.forms import NOW
from repairflow.objections.models import Objection, ObjectionState
from repairflow.objections.views import ROLE_MAY_NOT_FILE
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE
from repairflow.records.models import CreditRecord
from tests.factories import CreditRecordFactory, CreditSubjectFactory, UserFactory
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import EXE_BYTES, page, pdf, text


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    # Monday 2026-11-23, a working day.
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def record(company, scj):
    return CreditRecordFactory(
        subject=company, department=scj, decision_no="济市监罚〔2026〕21号", title="未按规定公示年度报告"
    )


def file(record, actor, **fields):
    """An objection filed through the services (the setup of a test)."""
    return services.objection_submit(
        actor=actor,
        record=record,
        grounds=fields.get("grounds", ["content_error"]),
        statement=fields.get("statement", "罚款金额有误。"),
    )


def forwarded(record, company_user, office, *departments):
    objection = file(record, company_user)
    services.objection_accept(actor=office, number=objection.number)
    services.objection_forward(actor=office, number=objection.number, departments=list(departments))
    return Objection.objects.get(pk=objection.pk)


def url(objection, action=None) -> str:
    return f"/objections/{objection.number}/" + (f"{action}/" if action else "")


# --- Filing -------------------------------------------------------------------------------------


def test_the_subject_files_an_objection_with_evidence(client, record, company_user, office):
    client.force_login(company_user)

    # given the record's page offers to object to it
    record_page = client.get(f"/records/{record.pk}/")
    assert f'href="/objections/new/?record={record.pk}"' in page(record_page)

    # when the subject opens the form
    form = client.get(f"/objections/new/?record={record.pk}")
    assert form.status_code == 200
    assert 'name="grounds" value="content_error"' in page(form)
    assert 'type="file" name="files"' in page(form) and "multiple" in page(form)

    # and sends it with a PDF
    response = client.post(
        f"/objections/new/?record={record.pk}",
        {
            "grounds": ["content_error", "incomplete"],
            "statement": "罚款金额应为五百元。",
            "requested_change": "更正罚款金额。",
            "contact_phone": "0531-86001234",
            "files": [pdf("处罚决定书.pdf")],
        },
    )

    # then the objection exists with its evidence, and the subject is sent to it
    objection = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/objections/{objection.number}/"
    assert objection.subject == record.subject and objection.filed_by == company_user
    assert objection.grounds == ["content_error", "incomplete"]
    assert objection.statement == "罚款金额应为五百元。"
    assert objection.contact_phone == "0531-86001234"
    assert [attachment.name for attachment in objection.attachments.all()] == ["处罚决定书.pdf"]
    detail = client.get(response["Location"])
    assert in_chinese(flows.RECEIVED) in page(detail)
    assert objection.number in page(detail)
    assert "处罚决定书.pdf" in page(detail)
    assert f"/objections/{objection.number}/notices/receipt.pdf" in page(detail)
    # the record now links to its open objection instead of offering another
    record_page = client.get(f"/records/{record.pk}/")
    assert f'href="/objections/{objection.number}/"' in page(record_page)
    assert "/objections/new/" not in page(record_page)


def test_an_executable_named_pdf_is_refused_and_what_was_typed_is_kept(client, record, company_user):
    client.force_login(company_user)

    # when the subject sends a real PDF and an executable renamed .pdf
    response = client.post(
        f"/objections/new/?record={record.pk}",
        {
            "grounds": ["not_mine"],
            "statement": "该记录不是本公司的。",
            "files": [pdf("真的.pdf"), pdf("假的.pdf", EXE_BYTES)],
        },
    )

    # then nothing is filed, the refusal names the file, and what was typed is still there
    assert response.status_code == 415
    assert not Objection.objects.exists()
    assert "假的.pdf: " + in_chinese(FILE_NOT_ALLOWED) in text(response)
    assert "该记录不是本公司的。" in page(response)
    assert re.search(r'value="not_mine"[^>]*checked', page(response))
    # the accepted file is offered again, ticked, so that it need not be uploaded again
    kept = Attachment.objects.get()
    assert kept.name == "真的.pdf"
    assert re.search(rf'name="attachments" value="{kept.pk}"[^>]*checked', page(response))

    # when the subject sends the form again as shown, without the executable
    response = client.post(
        f"/objections/new/?record={record.pk}",
        {"grounds": ["not_mine"], "statement": "该记录不是本公司的。", "attachments": [str(kept.pk)]},
    )

    # then the objection is filed with the file kept from the first try
    assert response.status_code == 302
    assert list(Objection.objects.get().attachments.all()) == [kept]


def test_a_pdf_header_with_garbage_after_it_is_refused_on_the_page_and_nothing_is_filed(client, record, company_user):
    client.force_login(company_user)
    fake = b"%PDF-1.7\n" + b"\x8fnot a pdf" * 100

    response = client.post(
        f"/objections/new/?record={record.pk}",
        {"grounds": ["not_mine"], "statement": "该记录不是本公司的。", "files": [pdf("假的\u202efdp.exe", fake)]},
    )

    assert response.status_code == 400
    assert "假的fdp.exe: " + in_chinese(FILE_UNREADABLE) % {"type": "PDF"} in text(response)
    assert "\u202e" not in page(response)
    assert not Objection.objects.exists()
    assert not Attachment.objects.exists()


def test_missing_grounds_and_statement_are_named_on_the_form(client, record, company_user):
    client.force_login(company_user)

    response = client.post(f"/objections/new/?record={record.pk}", {"statement": "", "requested_change": "改正"})

    assert response.status_code == 400
    assert in_chinese(api.GROUNDS_REQUIRED) in text(response)
    assert in_chinese(api.STATEMENT_REQUIRED) in text(response)
    assert "改正" in page(response)
    assert not Objection.objects.exists()


def test_a_second_open_objection_to_the_same_record_is_refused(client, record, company_user):
    first = file(record, company_user)
    client.force_login(company_user)

    # the form says there is one already
    form = client.get(f"/objections/new/?record={record.pk}")
    assert f'href="/objections/{first.number}/"' in page(form)

    # and a second one sent anyway is refused with the reason
    response = client.post(
        f"/objections/new/?record={record.pk}", {"grounds": ["other"], "statement": "再次提出异议。"}
    )

    assert response.status_code == 409
    assert in_chinese(services.ALREADY_OPEN) in text(response)
    assert "再次提出异议。" in page(response)
    assert Objection.objects.count() == 1


def test_the_office_files_on_the_subjects_behalf(client, record, office):
    client.force_login(office)

    response = client.post(
        f"/objections/new/?record={record.pk}", {"grounds": ["incomplete"], "statement": "主体来电反映记录不完整。"}
    )

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert objection.subject == record.subject and objection.filed_by == office


def test_only_the_subject_and_the_office_may_file(client, record, officer_scj, auditor, person_user):
    client.force_login(officer_scj)
    assert client.get(f"/objections/new/?record={record.pk}").status_code == 403
    response = client.post(f"/objections/new/?record={record.pk}", {"grounds": ["other"], "statement": "x"})
    assert response.status_code == 403
    assert in_chinese(ROLE_MAY_NOT_FILE) in text(response)

    # someone else's record does not exist for a subject; nor does a record that is not there
    client.force_login(person_user)
    assert client.get(f"/objections/new/?record={record.pk}").status_code == 404
    assert client.post(f"/objections/new/?record={record.pk}", {"statement": "x"}).status_code == 404
    assert client.get("/objections/new/?record=abc").status_code == 404
    assert client.get("/objections/new/").status_code == 404
    assert not Objection.objects.exists()

    # the record's page offers no objection to a department or an auditor
    for user in (officer_scj, auditor):
        client.force_login(user)
        assert "/objections/new/" not in page(client.get(f"/records/{record.pk}/"))


@pytest.mark.parametrize("path", ["/objections/", "/objections/new/?record=1", "/objections/YY2026000001/"])
def test_the_pages_send_anonymous_visitors_to_sign_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- The office's actions -----------------------------------------------------------------------


def test_the_office_accepts_and_forwards_through_the_forms(client, record, company_user, office, scj, hb):
    objection = file(record, company_user)
    client.force_login(office)

    # the case offers the office its actions, each with its form
    detail = client.get(url(objection))
    for action in ("accept", "reject", "request-supplement"):
        assert f'action="/objections/{objection.number}/{action}/"' in page(detail)
    assert "/withdraw/" not in page(detail)

    # when the office accepts
    response = client.post(url(objection, "accept"), {"comment": "材料齐全。"})

    # then the case is accepted and the record marked
    assert response.status_code == 302 and response["Location"] == url(objection)
    objection.refresh_from_db()
    assert objection.state == ObjectionState.ACCEPTED
    assert CreditRecord.objects.get(pk=record.pk).under_objection

    # and the forward form offers every department, the record's own ticked
    detail = client.get(url(objection))
    assert re.search(r'name="departments" value="SCJ"[^>]*checked', page(detail))
    assert re.search(r'name="departments" value="HB"', page(detail))
    assert not re.search(r'name="departments" value="HB"[^>]*checked', page(detail))

    # when the office forwards to both departments
    response = client.post(url(objection, "forward"), {"departments": ["SCJ", "HB"]})

    # then both verify it
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.VERIFYING
    assert sorted(objection.verifications.values_list("department__code", flat=True)) == ["HB", "SCJ"]
    detail = client.get(url(objection))
    assert "生态环境局" in page(detail) and "市场监督管理局" in page(detail)


def test_a_refused_action_keeps_the_input_and_says_why(client, record, company_user, office):
    objection = file(record, company_user)
    client.force_login(office)

    # a rejection needs a reason
    response = client.post(url(objection, "reject"), {"reason": "  "})
    assert response.status_code == 400
    assert in_chinese(services.REASON_REQUIRED) in text(response)
    assert 'id="action-reject"' in page(response)

    # an action the state does not allow is a conflict, named
    response = client.post(url(objection, "confirm"), {"comment": "确认"})
    assert response.status_code == 409
    assert in_chinese(TRANSITION_NOT_ALLOWED) in text(response)

    # an action that does not exist is not found
    assert client.post(url(objection, "approve"), {}).status_code == 404
    assert client.get(url(objection, "accept")).status_code == 405

    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED


# --- The departments ----------------------------------------------------------------------------


def test_a_department_sees_its_queue_with_the_overdue_first(
    client, company, company_user, office, scj, hb, officer_scj, frozen_clock
):
    # given three objections forwarded to SCJ on three days, and one to HB only
    numbers = {}
    for day in (25, 23, 24):
        frozen_clock.move_to(datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI), tick=False)
        numbers[day] = forwarded(CreditRecordFactory(subject=company, department=scj), company_user, office, scj).number
    other = forwarded(CreditRecordFactory(subject=company, department=hb), company_user, office, hb)

    # when the SCJ officer opens the list on 2026-11-27 (forwarded on the 23rd: due on the 26th)
    frozen_clock.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI), tick=False)
    client.force_login(officer_scj)
    response = client.get("/objections/")

    # then its own cases come by due date, the overdue one first and marked
    body = page(response)
    assert response.status_code == 200
    assert other.number not in body
    positions = [body.index(numbers[day]) for day in (23, 24, 25)]
    assert positions == sorted(positions)
    first_row = body[body.index(numbers[23]) : body.index(numbers[24])]
    assert 'class="badge warn"' in first_row
    assert "2026-11-26" in first_row
    last_row = body[body.index(numbers[25]) :]
    assert "2026-11-30" in last_row


def test_a_department_replies_with_corrected_fields_and_the_office_confirms(
    client, record, company_user, office, scj, officer_scj
):
    objection = forwarded(record, company_user, office, scj)
    client.force_login(officer_scj)

    # the department sees the reply form, with the fields a correction may change
    detail = client.get(url(objection))
    assert f'action="/objections/{objection.number}/reply/"' in page(detail)
    assert 'name="corrected_title"' in page(detail)
    # each of them saying what the record holds now, to be changed only where it is wrong
    shown = text(detail)
    assert in_chinese(NOW) % {"value": record.title} in shown
    assert in_chinese(NOW) % {"value": record.decision_date.isoformat()} in shown
    assert in_chinese(NOW) % {"value": record.get_category_display()} in shown

    # a correction that is not one (a decision date in the future) is refused next to the field
    response = client.post(
        url(objection, "reply"),
        {"outcome": "correct", "explanation": "核实有误。", "corrected_decision_date": "2027-01-01"},
    )
    assert response.status_code == 400
    assert "核实有误。" in page(response)
    assert response.context["form"].errors["corrected_decision_date"] == [in_chinese(DECISION_DATE_IN_FUTURE)]
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.VERIFYING

    # when it replies with a corrected title (the empty inputs are not sent)
    response = client.post(
        url(objection, "reply"),
        {
            "outcome": "correct",
            "explanation": "经核实，记录标题有误。",
            "corrected_title": "未按规定报送年度报告",
            "corrected_content": "",
            "corrected_category": "",
            "files": [pdf("核查报告.pdf")],
        },
    )

    # then the case is replied with the department's outcome
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.REPLIED
    assert objection.outcome == "correct"
    assert objection.corrected_fields == {"title": "未按规定报送年度报告"}
    assert [a.name for a in objection.verifications.get().attachments.all()] == ["核查报告.pdf"]

    # when the office confirms the reply
    client.force_login(office)
    detail = client.get(url(objection))
    assert "未按规定报送年度报告" in page(detail)
    response = client.post(url(objection, "confirm"), {"comment": ""})

    # then the record is corrected and the result notice can be downloaded
    assert response.status_code == 302
    assert CreditRecord.objects.get(pk=record.pk).title == "未按规定报送年度报告"
    objection.refresh_from_db()
    assert objection.state in (ObjectionState.CORRECTED, ObjectionState.PUBLISHED)
    notice = client.get(f"/objections/{objection.number}/notices/result.pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"


def test_the_office_decides_within_its_own_scope(client, record, company_user, office):
    objection = file(record, company_user)
    services.objection_accept(actor=office, number=objection.number)
    client.force_login(office)

    response = client.post(
        url(objection, "decide-in-office"),
        {"outcome": "maintain", "explanation": "平台归集无误，维持。", "corrected_title": ""},
    )

    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.state, objection.outcome, objection.decided_in_office) == ("replied", "maintain", True)


# --- The subject --------------------------------------------------------------------------------


def test_the_subject_withdraws(client, record, company_user, office):
    objection = file(record, company_user)
    services.objection_accept(actor=office, number=objection.number)
    client.force_login(company_user)

    detail = client.get(url(objection))
    assert f'action="/objections/{objection.number}/withdraw/"' in page(detail)
    assert "/accept/" not in page(detail)

    response = client.post(url(objection, "withdraw"), {"reason": "已与部门沟通解决。", "confirmed": "1"})

    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.WITHDRAWN
    assert not CreditRecord.objects.get(pk=record.pk).under_objection
    detail = client.get(url(objection))
    assert "已与部门沟通解决。" in page(detail)
    assert "/withdraw/" not in page(detail)


def test_the_subject_supplements_with_a_file(client, record, company_user, office):
    objection = file(record, company_user)
    services.objection_request_supplement(actor=office, number=objection.number, missing="请补充处罚决定书。")
    client.force_login(company_user)

    response = client.post(url(objection, "supplement"), {"statement": "", "files": [pdf("决定书.pdf")]})

    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == ObjectionState.SUBMITTED
    assert [a.name for a in objection.attachments.all()] == ["决定书.pdf"]


# --- Refusals -----------------------------------------------------------------------------------


def test_a_role_that_may_not_take_an_action_gets_403_and_nothing_changes(
    client, record, company_user, office, officer_scj, scj
):
    objection = file(record, company_user)

    # the subject tries the office's action
    client.force_login(company_user)
    response = client.post(url(objection, "accept"), {"comment": "我自己受理"})
    assert response.status_code == 403
    assert in_chinese(ROLE_NOT_ALLOWED) in text(response)

    # the office tries the subject's
    client.force_login(office)
    assert client.post(url(objection, "withdraw"), {"reason": "x"}).status_code == 403

    # the routed department tries the office's, with a body the office's form would need
    objection = forwarded(CreditRecordFactory(subject=record.subject, department=scj), company_user, office, scj)
    client.force_login(officer_scj)
    response = client.post(url(objection, "extend"), {"reason": "延期"})
    assert response.status_code == 403
    response = client.post(url(objection, "reply"), {"outcome": "maintain", "files": [pdf()]})
    assert response.status_code == 400  # its own action, refused for the missing explanation

    assert Objection.objects.get(number=objection.number).state == ObjectionState.VERIFYING
    assert Objection.objects.exclude(number=objection.number).get().state == ObjectionState.SUBMITTED


def test_a_case_not_visible_is_not_found(client, record, company_user, office, officer_hb, scj, hb):
    objection = file(record, company_user)
    stranger = UserFactory(subject=True, credit_subject=CreditSubjectFactory())

    for user in (stranger, officer_hb):  # HB: not forwarded to it
        client.force_login(user)
        assert client.get(url(objection)).status_code == 404
        assert client.post(url(objection, "withdraw"), {"reason": "x"}).status_code == 404
        assert client.get(f"/objections/{objection.number}/notices/receipt.pdf").status_code == 404
        assert objection.number not in page(client.get("/objections/"))
    client.force_login(office)
    assert client.get("/objections/YY2026999999/").status_code == 404
    assert Objection.objects.get().state == ObjectionState.SUBMITTED


# --- What the case shows ------------------------------------------------------------------------


def test_the_case_shows_its_deadlines_explained_and_its_timeline(client, record, company_user, office, frozen_clock):
    # filed on Wednesday 2026-09-30, just before the National Day holidays
    frozen_clock.move_to(datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI), tick=False)
    objection = file(record, company_user)
    services.objection_accept(actor=office, number=objection.number, comment="受理。")
    client.force_login(company_user)

    response = client.get(url(objection))

    body = text(response)
    assert response.status_code == 200
    deadline = Deadline.objects.get(step=Step.OBJECTION_ANSWER_IN_OFFICE)
    assert in_chinese(deadline.get_step_display()) in body
    assert deadline.due_on.isoformat() in body
    lines = explain(deadline.notes(), deadline.due_on)
    assert lines and all(line in body for line in lines)
    data = deadline_as_json(deadline, calendar=work_calendar(), today=timezone.localdate())
    assert data["working_days_left"] is not None
    # the timeline: filed, then accepted by the office with its comment
    assert in_chinese(flows.RECEIVED) in body
    assert in_chinese(flows.REASONS["accept"]) in body
    assert f"{in_chinese(ObjectionState.SUBMITTED.label)} → {in_chinese(ObjectionState.ACCEPTED.label)}" in body
    assert "office" in body and "受理。" in body


def test_the_notice_downloads_as_pdf(client, record, company_user):
    objection = file(record, company_user)
    client.force_login(company_user)
    address = f"/objections/{objection.number}/notices/receipt.pdf"

    # the case's page offers it to save, as its attachments, rather than to open in its place
    assert f'<a href="{address}" download>' in page(client.get(objection.get_absolute_url()))
    response = client.get(address)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/objections/{objection.number}/notices/result.pdf").status_code == 404
    assert client.get(f"/objections/{objection.number}/notices/other.pdf").status_code == 404


def test_the_lists_are_scoped_and_the_office_filters(
    client, record, company, company_user, office, person_user, frozen_clock
):
    first = file(record, company_user)
    second = file(CreditRecordFactory(subject=company), company_user)
    services.objection_accept(actor=office, number=second.number)

    client.force_login(person_user)
    assert first.number not in page(client.get("/objections/"))

    client.force_login(company_user)
    body = page(client.get("/objections/"))
    assert first.number in body and second.number in body
    assert 'name="overdue"' not in body

    client.force_login(office)
    body = page(client.get("/objections/?state=accepted"))
    assert second.number in body and first.number not in body
    assert not re.search(r"YY2026\d+", page(client.get("/objections/?overdue=1")))

    # on the 26th the first's acceptance (2 working days) is late; the second's answer (3) is not yet
    frozen_clock.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI), tick=False)
    client.force_login(office)  # a staff session lasts 8 hours
    body = page(client.get("/objections/?overdue=1"))
    assert first.number in body and second.number not in body


def test_the_pages_answer_in_chinese(client, record, company_user):
    objection = file(record, company_user)
    client.force_login(company_user)

    for path in ("/objections/", f"/objections/new/?record={record.pk}", url(objection)):
        response = client.get(path)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in page(response)
        assert "信用主体" in page(response)  # "Subject", already in the catalogue
    assert date(2026, 11, 23).isoformat() in page(client.get(url(objection)))
