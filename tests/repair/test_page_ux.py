"""What a person meets on the repair pages: the repair offered only when the record is eligible
(else the reasons and the first day), one result banner that never says success for an
ineligible application, a second step before a withdrawal, a rejection, a denial or a revocation,
destructive actions that look so, required fields marked, errors announced beside their fields,
files kept across a refused form, department names, and the files and letters of the case opened
from its page."""

import re
from datetime import date, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import Attachment
from repairflow.core.services import attachment_upload
from repairflow.records.models import QueryLog
from repairflow.repair import forms, services
from repairflow.repair.eligibility import MINIMUM_PERIOD_NOT_PASSED
from repairflow.repair.models import MaterialKind, RepairApplication, RepairState
from repairflow.repair.views import FILED_NOT_ELIGIBLE
from tests.factories import CreditRecordFactory
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import page, pdf, text

TODAY = date(2026, 11, 23)  # a Monday; the record's minimum period (to 2026-04-05) has passed
YOU_MAY_APPLY_FROM = _("You may apply from %(day)s.")
PROOF = f"{forms.MATERIAL}{MaterialKind.PERFORMANCE_PROOF}"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def record(company, scj):
    return CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕41号")


def banners(response) -> list[str]:
    """The levels of the result banners the page shows."""
    return re.findall(r'<div class="banner (\w+)"', page(response))


def filed(record, user, *, proof: bool = True) -> RepairApplication:
    materials = []
    if proof:
        attachment = attachment_upload(actor=user, upload=pdf("缴款凭证.pdf"))
        materials = [services.Material(kind=MaterialKind.PERFORMANCE_PROOF, attachment=attachment)]
    return services.repair_submit(
        actor=user, record=record, statement="罚款已缴清。", commitment=True, materials=materials
    )


def url(application, action=None) -> str:
    return f"/repairs/{application.number}/" + (f"{action}/" if action else "")


# --- The repair offered only when the record is eligible ---------------------------------------


def test_an_eligible_record_offers_the_repair(client, record, company_user):
    client.force_login(company_user)

    shown = page(client.get(f"/records/{record.pk}/"))

    assert f'href="/repairs/new/?record={record.pk}"' in shown
    assert 'id="repair-not-eligible"' not in shown


def test_a_record_in_its_minimum_period_says_why_and_from_when_instead(client, company, scj, company_user):
    # a general penalty decided 2026-10-09: its minimum period runs through 2027-01-09
    record = CreditRecordFactory(subject=company, department=scj, decision_date=date(2026, 10, 9))
    client.force_login(company_user)

    response = client.get(f"/records/{record.pk}/")

    assert "/repairs/new/" not in page(response)
    assert 'id="repair-not-eligible"' in page(response)
    with translation.override("zh-hans"):
        reason = gettext(MINIMUM_PERIOD_NOT_PASSED) % {"end": "2027-01-09", "from": "2027-01-10"}
    assert reason in text(response)
    assert in_chinese(YOU_MAY_APPLY_FROM) % {"day": "2027-01-10"} in text(response)


def test_the_office_is_told_the_same(client, company, scj, office):
    record = CreditRecordFactory(subject=company, department=scj, decision_date=date(2026, 10, 9))
    client.force_login(office)

    response = client.get(f"/records/{record.pk}/")

    assert "/repairs/new/" not in page(response)
    assert 'id="repair-not-eligible"' in page(response)


def test_the_application_form_opened_directly_says_why_and_from_when_too(client, company, scj, company_user):
    record = CreditRecordFactory(subject=company, department=scj, decision_date=date(2026, 10, 9))
    client.force_login(company_user)

    response = client.get(f"/repairs/new/?record={record.pk}")

    assert response.status_code == 200 and 'id="repair-not-eligible"' in page(response)
    assert in_chinese(YOU_MAY_APPLY_FROM) % {"day": "2027-01-10"} in text(response)
    assert 'id="repair-not-eligible"' not in page(
        client.get(f"/repairs/new/?record={CreditRecordFactory(subject=company).pk}")
    )


def test_the_list_of_applications_says_where_to_apply(client, company_user, officer_scj):
    client.force_login(company_user)

    shown = page(client.get("/repairs/"))

    assert re.search(r'<p class="muted" id="how-to-apply">.*<a href="/records/">', shown)
    client.force_login(officer_scj)  # a department decides; it never applies
    assert 'id="how-to-apply"' not in page(client.get("/repairs/"))


# --- One result banner ---------------------------------------------------------------------------


def test_an_ineligible_application_is_filed_with_a_warning_never_a_success(client, record, company_user):
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}", {"statement": "罚款已缴清。", "commitment": "on"}, follow=True
    )

    application = RepairApplication.objects.get()
    assert not application.eligible
    assert banners(response) == ["warning"]
    assert 'role="alert"' in page(response)
    with translation.override("zh-hans"):
        warned = str(FILED_NOT_ELIGIBLE).split("%(failed)s")[0] % {"number": application.number}
    assert warned in text(response)


def test_an_eligible_application_is_filed_with_a_success(client, record, company_user):
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", PROOF: [pdf("缴款凭证.pdf")]},
        follow=True,
    )

    assert RepairApplication.objects.get().eligible
    assert banners(response) == ["success"]


def test_a_refused_action_is_an_error_banner(client, record, company_user, office):
    application = filed(record, company_user)
    client.force_login(office)

    response = client.post(url(application, "request-supplement"), {"missing": ""})

    assert response.status_code == 400
    assert "error" in banners(response) and "success" not in banners(response)


# --- A second step before withdrawing, rejecting, denying or revoking -----------------------------


def test_withdrawing_asks_first_and_changes_nothing_until_confirmed(client, record, company_user):
    application = filed(record, company_user)
    client.force_login(company_user)

    asked = client.post(url(application, "withdraw"), {"reason": "已另行处理。"})

    assert asked.status_code == 200
    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.SUBMITTED
    shown = page(asked)
    assert f'action="/repairs/{application.number}/withdraw/"' in shown
    assert '<input type="hidden" name="reason" value="已另行处理。"' in shown
    assert '<input type="hidden" name="confirmed" value="1">' in shown
    assert 'class="danger"' in shown
    assert f'href="/repairs/{application.number}/"' in shown  # going back is a plain link

    done = client.post(url(application, "withdraw"), {"reason": "已另行处理。", "confirmed": "1"})

    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.WITHDRAWN


def test_rejecting_asks_first(client, record, company_user, office):
    application = filed(record, company_user, proof=False)
    client.force_login(office)

    asked = client.post(url(application, "reject"), {"reason": "缺少履行证明材料。"})

    assert asked.status_code == 200
    assert 'id="confirm-reject"' in page(asked)
    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.SUBMITTED

    client.post(url(application, "reject"), {"reason": "缺少履行证明材料。", "confirmed": "1"})

    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.REJECTED


def test_denying_asks_first_and_says_the_subject_may_object(client, record, company_user, office, officer_scj):
    application = filed(record, company_user)
    services.repair_accept(actor=office, number=application.number)
    services.repair_forward(actor=office, number=application.number)
    client.force_login(officer_scj)

    asked = client.post(url(application, "deny"), {"reason": "整改尚未完成。"})

    assert asked.status_code == 200
    shown = page(asked)
    assert 'id="confirm-deny"' in shown
    assert in_chinese(forms.DenyForm.confirm) in text(asked)
    assert '<input type="hidden" name="reason" value="整改尚未完成。"' in shown
    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.REVIEWING

    client.post(url(application, "deny"), {"reason": "整改尚未完成。", "confirmed": "1"})

    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.DENIED


def test_a_denial_without_its_reasons_is_refused_before_any_question(client, record, company_user, office, officer_scj):
    application = filed(record, company_user)
    services.repair_accept(actor=office, number=application.number)
    services.repair_forward(actor=office, number=application.number)
    client.force_login(officer_scj)

    refused = client.post(url(application, "deny"), {"reason": " "})

    assert refused.status_code == 400
    assert 'id="confirm-deny"' not in page(refused) and 'id="action-deny"' in page(refused)
    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.REVIEWING


def test_revoking_asks_first(client, record, company_user, office, officer_scj):
    application = filed(record, company_user)
    services.repair_accept(actor=office, number=application.number)
    services.repair_forward(actor=office, number=application.number)
    services.repair_approve(actor=officer_scj, number=application.number, reason="整改到位。")
    services.repair_execute(actor=office, number=application.number)
    client.force_login(office)

    asked = client.post(url(application, "revoke"), {"reason": "承诺不实。"})

    assert asked.status_code == 200
    assert 'id="confirm-revoke"' in page(asked)
    assert in_chinese(forms.RevokeForm.confirm) in text(asked)
    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.PUBLISHED

    client.post(url(application, "revoke"), {"reason": "承诺不实。", "confirmed": "1"})

    assert RepairApplication.objects.get(pk=application.pk).state == RepairState.REVOKED


def test_destructive_actions_look_so_and_the_others_do_not(client, record, company_user, office):
    application = filed(record, company_user)
    client.force_login(office)

    shown = page(client.get(url(application)))

    reject = re.search(r'id="action-reject".*?<button([^>]*)>', shown, re.S).group(1)
    accept = re.search(r'id="action-accept".*?<button([^>]*)>', shown, re.S).group(1)
    assert 'class="danger"' in reject
    assert "danger" not in accept


# --- Forms: required fields, errors beside their fields, files kept --------------------------


def test_required_fields_are_marked(client, record, company_user):
    client.force_login(company_user)

    shown = page(client.get(f"/repairs/new/?record={record.pk}"))

    assert re.search(r'<label for="id_statement">[^<]*<span class="required"', shown)
    assert re.search(r'<textarea[^>]*name="statement"[^>]*aria-required="true"', shown) or re.search(
        r'<textarea[^>]*aria-required="true"[^>]*name="statement"', shown
    )
    assert re.search(r'<input type="checkbox" name="commitment"[^>]*aria-required="true"', shown)


def test_an_error_is_announced_beside_its_field(client, record, company_user):
    client.force_login(company_user)

    response = client.post(f"/repairs/new/?record={record.pk}", {"statement": "罚款已缴清。"})

    assert response.status_code == 400
    shown = page(response)
    assert re.search(r'<div class="banner error" role="alert" id="form-errors">', shown)
    assert '<a href="#id_commitment">' in shown
    field = re.search(r'<input type="checkbox" name="commitment"[^>]*>', shown).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "id_commitment_error" in described
    for id_ in described:  # every id it points at is on the page
        assert f'id="{id_}"' in shown


def test_an_uploaded_file_is_kept_when_another_field_is_refused(client, record, company_user):
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", "contact_phone": "1" * 30, PROOF: [pdf("缴款凭证.pdf")]},
    )

    assert response.status_code == 400
    assert not RepairApplication.objects.exists()
    kept = Attachment.objects.get(uploaded_by=company_user)
    assert kept.name == "缴款凭证.pdf"
    assert re.search(rf'name="{PROOF}{forms.KEPT}" value="{kept.pk}"[^>]*checked', page(response))

    # sent again with the field corrected, the kept file is the proof, not uploaded twice
    again = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", f"{PROOF}{forms.KEPT}": [kept.pk]},
    )

    assert again.status_code == 302
    application = RepairApplication.objects.get()
    assert [m.attachment_id for m in application.materials.all()] == [kept.pk]
    assert Attachment.objects.count() == 1


def test_a_file_of_another_user_is_never_kept(client, record, company_user, other_subject_user):
    theirs = attachment_upload(actor=other_subject_user, upload=pdf("他人文件.pdf"))
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {
            "statement": "罚款已缴清。",
            "commitment": "on",
            f"{PROOF}{forms.KEPT}": [theirs.pk],
            "contact_phone": "1" * 30,
        },
    )

    assert response.status_code == 400
    assert "他人文件.pdf" not in page(response)


# --- Department names, attachments and letters on the case page ----------------------------


def test_the_timeline_names_the_department_not_its_code(client, record, company_user, office):
    application = filed(record, company_user)
    services.repair_accept(actor=office, number=application.number)
    services.repair_forward(actor=office, number=application.number)
    client.force_login(company_user)

    shown = text(client.get(url(application)))

    assert "市场监督管理局" in shown
    assert "SCJ" not in shown


def test_the_subject_opens_its_files_and_letters_from_the_case_page(client, record, company_user, office, officer_scj):
    application = filed(record, company_user, proof=False)
    client.force_login(office)
    client.post(url(application, "reject"), {"reason": "缺少履行证明材料。", "confirmed": "1"})
    proof = attachment_upload(actor=company_user, upload=pdf("补充凭证.pdf"))
    application.attachments.add(proof)
    client.force_login(company_user)

    shown = page(client.get(url(application)))

    links = re.findall(r'href="(/api/v1/attachments/\d+/content/|/repairs/[^"]+\.pdf)"', shown)
    assert f"/api/v1/attachments/{proof.pk}/content/" in links
    assert f"/repairs/{application.number}/notices/rejection.pdf" in links
    for link in links:
        assert client.get(link).status_code == 200


def test_a_material_is_opened_from_the_case_page_by_the_subject_and_staff_not_by_another(
    client, record, company_user, office, other_subject_user
):
    application = filed(record, company_user)
    material = application.materials.get()
    link = f"/api/v1/attachments/{material.attachment_id}/content/"

    for user in (company_user, office):
        client.force_login(user)
        shown = page(client.get(url(application)))
        assert re.search(rf'<td><a href="{link}" download>缴款凭证.pdf</a>', shown)
        assert client.get(link).status_code == 200
    assert QueryLog.objects.filter(user=office, kind="attachment").exists()

    client.force_login(other_subject_user)
    assert client.get(link).status_code == 404
