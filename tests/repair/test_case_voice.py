"""What the subject says of a repair application (docs/api.md "Cases: feedback and repeats"): its
feedback once the application is closed, an application that repeats a closed one with nothing
new, and the denial notice that says how to object to the denial on the platform."""

from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.cases.models import Feedback, Notice, NoticeKind, RejectionCode
from repairflow.cases.services import FEEDBACK_ALREADY_GIVEN, FEEDBACK_BEFORE_CLOSURE
from repairflow.core.services import attachment_upload
from repairflow.repair.models import MaterialKind, RepairApplication
from tests.files import PNG_BYTES
from tests.helpers import NOT_FOUND, conflict
from tests.i18n import in_chinese
from tests.repair.conftest import URL, act, apply, read


def feedback(api, user, number, **body):
    return api.as_user(user).post(f"{URL}{number}/feedback/", body, format="json")


def test_the_subject_rates_its_denied_application_once(api, repair_in, company_user, office):
    number = repair_in("denied").number
    assert read(api, company_user, number).json()["feedback"] is None

    answer = feedback(api, company_user, number, rating=1, comment="未说明整改标准")
    again = feedback(api, company_user, number, rating=5)

    assert answer.status_code == 201 and answer.json()["feedback"]["rating"] == 1
    assert (again.status_code, again.json()) == (409, conflict(FEEDBACK_ALREADY_GIVEN))
    assert feedback(api, office, number, rating=5).json() == NOT_FOUND
    assert list(Feedback.objects.values_list("rating", flat=True)) == [1]


def test_no_feedback_while_the_application_is_open(api, repair_in, company_user):
    number = repair_in("approved").number

    answer = feedback(api, company_user, number, rating=5)

    assert (answer.status_code, answer.json()) == (409, conflict(FEEDBACK_BEFORE_CLOSURE))
    assert not Feedback.objects.exists()


# --- Repeats ------------------------------------------------------------------------------------------


def test_an_application_with_the_same_materials_after_a_rejected_one_is_a_repeat(
    api, repair_in, record, proof, company_user
):
    earlier = repair_in("rejected")

    answer = apply(api, company_user, record, proof=proof)

    assert answer.status_code == 201, answer.json()
    assert answer.json()["repeat_of"] == earlier.number


def test_a_new_document_makes_it_a_new_application(api, repair_in, record, proof, company_user):
    repair_in("rejected")
    receipt = attachment_upload(actor=company_user, upload=SimpleUploadedFile("缴款回单.png", PNG_BYTES))

    answer = apply(api, company_user, record, proof=proof, attachments=[receipt.pk])

    assert answer.json()["repeat_of"] is None


def test_the_office_rejects_a_repeat_and_the_notice_names_the_materials_not_given(
    api, repair_in, record, proof, company_user, office
):
    earlier = repair_in("withdrawn")
    number = apply(api, company_user, record, proof=proof).json()["number"]

    answer = act(api, office, number, "reject", reason_code="repeat")

    assert answer.status_code == 200, answer.json()
    application = RepairApplication.objects.get(number=number)
    assert (application.state, application.rejection_code) == ("rejected", RejectionCode.REPEAT)
    paragraphs = Notice.objects.filter(kind=NoticeKind.REJECTION).latest("id").text["paragraphs"]
    assert paragraphs[-1] == in_chinese("a material of a kind that case %(number)s did not give: %(kinds)s.") % {
        "number": earlier.number,
        "kinds": "、".join(
            in_chinese(kind.label) for kind in (MaterialKind.TRAINING_CERTIFICATE, MaterialKind.CREDIT_REPORT)
        ),
    }
    assert paragraphs[-2] == in_chinese("new evidence: a document that was not attached to case %(number)s;") % {
        "number": earlier.number
    }


# --- The denial notice ------------------------------------------------------------------------------


def test_the_denial_notice_says_how_to_object_on_the_platform(repair_in):
    application = repair_in("denied")

    notice = Notice.objects.filter(kind=NoticeKind.DECISION).latest("id")

    assert notice.text["paragraphs"][-1] == (
        f"如有异议，可在信用平台对本决定提出异议：打开申请{application.number}，选择“对本决定提出异议”。"
        "异议成立的，认定单位将重新审核您的申请。您也可以依法申请行政复议或者提起行政诉讼。"
    )
