"""An objection that repeats a closed one with nothing new (docs/api.md "Cases: feedback and
repeats"): marked `repeat_of` when filed; the office may reject it with the reason code `repeat`,
and the refusal notice says exactly what a new objection would have to bring."""

from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.cases.models import Notice, NoticeKind, RejectionCode
from repairflow.cases.services import NOT_A_REPEAT
from repairflow.core.services import attachment_upload
from repairflow.objections import services
from repairflow.objections.models import Ground, Objection
from tests.factories import CreditRecordFactory
from tests.files import PNG_BYTES
from tests.helpers import invalid
from tests.i18n import in_chinese
from tests.objections.conftest import act, file_objection, snapshot


def closed_objection(company_user, office, record, attachments=(), grounds=("content_error",)):
    """The company's objection to `record`, rejected by the office (closed)."""
    objection = services.objection_submit(
        actor=company_user, record=record, grounds=list(grounds), statement="罚款金额有误。", attachments=attachments
    )
    return services.objection_reject(actor=office, number=objection.number, reason="证据不足")


def test_the_same_grounds_and_the_same_evidence_again_is_a_repeat(api, travel, record, company_user, office, evidence):
    earlier = closed_objection(company_user, office, record, [evidence(company_user)])
    again = evidence(company_user, "再次上传.pdf")  # the same bytes under another name

    answer = file_objection(api, company_user, record, attachments=[again.pk])

    assert answer.status_code == 201, answer.json()
    assert answer.json()["repeat_of"] == earlier.number
    assert Objection.objects.get(number=answer.json()["number"]).repeat_of == earlier


def test_fewer_grounds_and_no_evidence_is_a_repeat_too(api, travel, record, company_user, office):
    earlier = closed_objection(company_user, office, record, grounds=("content_error", "incomplete"))

    answer = file_objection(api, company_user, record, grounds=["incomplete"])

    assert answer.json()["repeat_of"] == earlier.number


def test_new_evidence_is_not_a_repeat(api, travel, record, company_user, office, evidence):
    closed_objection(company_user, office, record, [evidence(company_user)])
    new = attachment_upload(actor=company_user, upload=SimpleUploadedFile("缴款凭证.png", PNG_BYTES))

    answer = file_objection(api, company_user, record, attachments=[new.pk])

    assert answer.status_code == 201 and answer.json()["repeat_of"] is None


def test_a_new_ground_is_not_a_repeat(api, travel, record, company_user, office):
    closed_objection(company_user, office, record)

    answer = file_objection(api, company_user, record, grounds=["content_error", "past_period"])

    assert answer.json()["repeat_of"] is None


def test_a_closed_objection_to_another_record_makes_no_repeat(api, travel, record, company, scj, company_user, office):
    other = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕9号")
    closed_objection(company_user, office, other)

    assert file_objection(api, company_user, record).json()["repeat_of"] is None


def test_an_open_earlier_objection_is_no_reason_for_a_repeat(api, travel, record, company, scj, company_user):
    first = file_objection(api, company_user, record).json()
    services.objection_withdraw(actor=company_user, number=first["number"])  # closed now: the next repeats it

    assert first["repeat_of"] is None
    assert file_objection(api, company_user, record).json()["repeat_of"] == first["number"]


def test_the_office_rejects_a_repeat_and_the_notice_says_what_is_missing(
    api, travel, record, company_user, office, evidence
):
    earlier = closed_objection(company_user, office, record, [evidence(company_user)])
    number = file_objection(api, company_user, record, attachments=[evidence(company_user).pk]).json()["number"]

    answer = act(api, office, number, "reject", reason_code="repeat")

    assert answer.status_code == 200, answer.json()
    objection = Objection.objects.get(number=number)
    assert (objection.state, objection.rejection_code) == ("rejected", RejectionCode.REPEAT)
    assert objection.rejection_reason == in_chinese(RejectionCode.REPEAT.label)
    paragraphs = Notice.objects.filter(kind=NoticeKind.REJECTION).latest("id").text["paragraphs"]
    assert paragraphs[1:] == [
        in_chinese(RejectionCode.REPEAT.label),
        in_chinese(
            "It repeats case %(number)s, which is closed: it is about the same record, rests on nothing that "
            "case did not rest on, and brings no document that case did not already have."
        )
        % {"number": earlier.number},
        in_chinese("It will be handled as a new case if you file it again with at least one of:"),
        in_chinese("new evidence: a document that was not attached to case %(number)s;") % {"number": earlier.number},
        in_chinese("a ground that case %(number)s did not raise: %(grounds)s.")
        % {
            "number": earlier.number,
            "grounds": "、".join(in_chinese(ground.label) for ground in Ground if ground != Ground.CONTENT_ERROR),
        },
    ]


def test_a_case_that_repeats_nothing_cannot_be_rejected_as_a_repeat(api, travel, record, company_user, office):
    number = file_objection(api, company_user, record).json()["number"]
    before = snapshot(number)

    answer = act(api, office, number, "reject", reason_code="repeat")

    assert (answer.status_code, answer.json()) == (400, invalid({"reason_code": [in_chinese(NOT_A_REPEAT)]}))
    assert snapshot(number) == before


def test_an_ordinary_rejection_still_needs_its_reason_and_keeps_no_code(api, travel, record, company_user, office):
    number = file_objection(api, company_user, record).json()["number"]

    assert act(api, office, number, "reject").status_code == 400
    assert act(api, office, number, "reject", reason="不属于受理范围").status_code == 200
    assert Objection.objects.get(number=number).rejection_code == ""


def test_the_office_s_page_marks_the_repeat_with_a_link_and_offers_the_code(
    client, api, travel, record, company_user, office
):
    earlier = closed_objection(company_user, office, record)
    number = file_objection(api, company_user, record).json()["number"]
    client.force_login(office)

    page = client.get(f"/objections/{number}/").content.decode()

    assert 'id="repeat-mark"' in page and f'href="/objections/{earlier.number}/"' in page
    assert 'name="reason_code"' in page
    answer = client.post(f"/objections/{number}/reject/", {"reason": "", "reason_code": "repeat"})
    assert answer.status_code == 302 and Objection.objects.get(number=number).rejection_code == "repeat"


def test_no_repeat_mark_on_the_subject_s_page_nor_on_a_case_that_repeats_nothing(
    client, api, travel, record, company_user, office
):
    earlier = closed_objection(company_user, office, record)
    repeat = file_objection(api, company_user, record).json()["number"]
    client.force_login(company_user)
    assert 'id="repeat-mark"' not in client.get(f"/objections/{repeat}/").content.decode()
    client.force_login(office)
    page = client.get(f"/objections/{earlier.number}/").content.decode()
    assert 'id="repeat-mark"' not in page and 'name="reason_code"' not in page


def test_a_supplement_with_new_evidence_makes_the_repeat_a_new_case(api, travel, record, company_user, office):
    closed_objection(company_user, office, record)
    number = file_objection(api, company_user, record).json()["number"]
    services.objection_request_supplement(actor=office, number=number, missing="缴款凭证")
    new = attachment_upload(actor=company_user, upload=SimpleUploadedFile("缴款凭证.png", PNG_BYTES))

    answer = act(api, company_user, number, "supplement", statement="补充缴款凭证", attachments=[new.pk])

    assert answer.status_code == 200 and answer.json()["repeat_of"] is None
    refused = act(api, office, number, "reject", reason_code="repeat")
    assert (refused.status_code, refused.json()) == (400, invalid({"reason_code": [in_chinese(NOT_A_REPEAT)]}))
