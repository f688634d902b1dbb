"""The repair application pages: applying (with materials and the commitment), the lists, the
application and its actions for each role, scoped and refused as the API is, in the user's
language, never with a 500."""

import html
import re
from datetime import date, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from repairflow.cases.models import Notice
from repairflow.cases.selectors import case_timeline
from repairflow.core.errors import TRANSITION_NOT_ALLOWED
from repairflow.core.models import Attachment
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import FILE_NOT_ALLOWED, attachment_upload
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.records.models import CreditRecord, RecordState
from repairflow.records.publication import Category
from repairflow.repair import eligibility, flows, forms, services
from repairflow.repair.models import MaterialKind, RepairApplication, RepairBan, RepairState
from repairflow.repair.views import ROLE_MAY_NOT_APPLY, RULE_LABELS
from tests.factories import CreditRecordFactory, CreditSubjectFactory, UserFactory
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import EXE_BYTES, PDF_BYTES, page, pdf, text

# Monday 2026-11-23, a working day: the records' minimum period (to 2026-04-05) has passed, and
# the rules in force are those of 国办发〔2025〕22号 / NDRC Order 36 (proof of performance).
TODAY = date(2026, 11, 23)
PROOF = f"{forms.MATERIAL}{MaterialKind.PERFORMANCE_PROOF}"
REPORT = f"{forms.MATERIAL}{MaterialKind.CREDIT_REPORT}"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=SHANGHAI), tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def chinese_detail(result: eligibility.RuleResult) -> str:
    """A rule's result as a reader of the default language reads it."""
    with translation.override("zh-hans"):
        return result.detail


def ticked(response, name: str, value) -> bool:
    return bool(re.search(rf'name="{name}" value="{value}"[^>]*checked', page(response)))


@pytest.fixture
def record(company, scj):
    """The company's general administrative penalty from market regulation, decided 2026-01-05."""
    return CreditRecordFactory(
        subject=company, department=scj, decision_no="济市监罚〔2026〕31号", title="未按规定公示年度报告"
    )


def apply(record, actor, *, proof: bool = True) -> RepairApplication:
    """A repair application filed through the services (the setup of a test): eligible with a
    proof of performance, missing a material without."""
    materials = []
    if proof:
        attachment = attachment_upload(actor=actor, upload=pdf("缴款凭证.pdf"))
        materials = [services.Material(kind=MaterialKind.PERFORMANCE_PROOF, attachment=attachment)]
    return services.repair_submit(
        actor=actor, record=record, statement="罚款已缴清，已按规定补报年度报告。", commitment=True, materials=materials
    )


def reviewing(record, company_user, office) -> RepairApplication:
    application = apply(record, company_user)
    services.repair_accept(actor=office, number=application.number)
    services.repair_forward(actor=office, number=application.number)
    return RepairApplication.objects.get(pk=application.pk)


def repaired(record, company_user, office, officer) -> RepairApplication:
    application = reviewing(record, company_user, office)
    services.repair_approve(actor=officer, number=application.number, reason="已整改到位。")
    services.repair_execute(actor=office, number=application.number)
    return RepairApplication.objects.get(pk=application.pk)


def url(application, action=None) -> str:
    return f"/repairs/{application.number}/" + (f"{action}/" if action else "")


def snapshot(application) -> tuple:
    """What a refused action must leave as it was: the application's state, history, timeline,
    materials and eligibility, its record, its clocks, the notices and notifications."""
    application = RepairApplication.objects.select_related("record").get(pk=application.pk)
    return (
        application.state,
        application.history.count(),
        case_timeline(application).count(),
        application.materials.count(),
        application.eligibility,
        application.record.state,
        application.record.version,
        [(d.step, d.status, d.due_on, d.ended_on) for d in case_deadlines(application).order_by("id")],
        Notice.objects.count(),
        Notification.objects.count(),
    )


# --- Applying -----------------------------------------------------------------------------------


def test_the_subject_applies_with_materials_through_the_page(client, record, company_user):
    client.force_login(company_user)

    # given the record's page offers to apply for its repair
    record_page = client.get(f"/records/{record.pk}/")
    assert f'href="/repairs/new/?record={record.pk}"' in page(record_page)
    assert in_chinese(_("Apply for credit repair")) in text(record_page)

    # when the subject opens the form: the commitment's text, a file input per material
    form = client.get(f"/repairs/new/?record={record.pk}")
    assert form.status_code == 200
    assert in_chinese(forms.COMMITMENT_TEXT) in text(form)
    assert 'type="checkbox" name="commitment"' in page(form)
    for kind in MaterialKind.values:
        assert f'type="file" name="{forms.MATERIAL}{kind}"' in page(form)
    assert f'name="{REPORT}{forms.ISSUED_ON}"' in page(form)

    # and sends it with a proof of performance, a credit report issued in June and other evidence
    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {
            "statement": "罚款已缴清，已按规定补报年度报告。",
            "commitment": "on",
            "contact_phone": "0531-86001234",
            PROOF: [pdf("缴款凭证.pdf")],
            REPORT: [pdf("信用报告.pdf")],
            f"{REPORT}{forms.ISSUED_ON}": "2026-06-01",
            "files": [pdf("整改报告.pdf")],
        },
    )

    # then the application exists with its materials, and the subject is sent to it
    application = RepairApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(application)
    assert application.subject == record.subject and application.filed_by == company_user
    assert (application.statement, application.commitment, application.contact_phone) == (
        "罚款已缴清，已按规定补报年度报告。",
        True,
        "0531-86001234",
    )
    assert [(m.kind, m.attachment.name, m.issued_on) for m in application.materials.order_by("kind")] == [
        ("credit_report", "信用报告.pdf", date(2026, 6, 1)),
        ("performance_proof", "缴款凭证.pdf", None),
    ]
    assert sorted(a.name for a in application.attachments.all()) == ["信用报告.pdf", "整改报告.pdf", "缴款凭证.pdf"]
    assert application.state == RepairState.SUBMITTED and application.eligible

    # the application shows its eligibility, rule by rule, its materials and its receipt
    detail = client.get(response["Location"])
    body = text(detail)
    assert in_chinese(flows.RECEIVED) in body
    for result in map(eligibility.RuleResult.from_json, application.eligibility):
        assert f"{in_chinese(RULE_LABELS[result.rule])} ✓ {chinese_detail(result)}" in body
    assert "缴款凭证.pdf" in body and "2026-06-01" in body
    assert f"/repairs/{application.number}/notices/receipt.pdf" in page(detail)

    # the record now links to its open application instead of offering another
    record_page = client.get(f"/records/{record.pk}/")
    assert f'href="/repairs/{application.number}/"' in page(record_page)
    assert "/repairs/new/" not in page(record_page)


def test_without_the_commitment_nothing_is_filed_and_nothing_typed_is_lost(client, record, company_user):
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", PROOF: [pdf("缴款凭证.pdf")], f"{REPORT}{forms.ISSUED_ON}": "2026-06-01"},
    )

    # the API's refusal, next to the checkbox; nothing filed
    assert response.status_code == 400
    assert in_chinese(services.COMMITMENT_REQUIRED) in text(response)
    assert not RepairApplication.objects.exists()
    # what was typed is still there, and the uploaded proof is offered again, ticked
    assert "罚款已缴清。" in page(response)
    assert 'value="2026-06-01"' in page(response)
    kept = Attachment.objects.get()
    assert ticked(response, f"{PROOF}{forms.KEPT}", kept.pk)

    # when the subject ticks the commitment and sends the form again as shown
    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", f"{PROOF}{forms.KEPT}": [str(kept.pk)]},
    )

    # then it is filed with the proof kept from the first try
    assert response.status_code == 302
    application = RepairApplication.objects.get()
    assert [(m.kind, m.attachment) for m in application.materials.all()] == [("performance_proof", kept)]
    assert application.eligible


def test_a_renamed_executable_is_refused_and_nothing_is_filed(client, record, company_user):
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", PROOF: [pdf("缴款凭证.pdf", EXE_BYTES)]},
    )

    assert response.status_code == 415
    assert "缴款凭证.pdf: " + in_chinese(FILE_NOT_ALLOWED) in text(response)
    assert not RepairApplication.objects.exists()
    assert not Attachment.objects.exists()
    assert "罚款已缴清。" in page(response)
    assert re.search(r'name="commitment"[^>]*checked', page(response))


def test_a_file_over_the_limit_is_refused_and_nothing_is_filed(client, settings, record, company_user):
    settings.REPAIRFLOW_UPLOAD_MAX_BYTES = 64
    client.force_login(company_user)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "罚款已缴清。", "commitment": "on", "files": [pdf("整改报告.pdf", PDF_BYTES + b"\x00" * 64)]},
    )

    assert response.status_code == 413
    assert "整改报告.pdf: " in text(response)
    assert not RepairApplication.objects.exists() and not Attachment.objects.exists()
    assert "罚款已缴清。" in page(response)


def test_a_second_open_application_for_the_same_record_is_refused(client, record, company_user):
    first = apply(record, company_user)
    client.force_login(company_user)

    form = client.get(f"/repairs/new/?record={record.pk}")
    assert f'href="/repairs/{first.number}/"' in page(form)

    response = client.post(f"/repairs/new/?record={record.pk}", {"statement": "再次申请。", "commitment": "on"})

    assert response.status_code == 409
    assert in_chinese(services.ALREADY_OPEN) in text(response)
    assert RepairApplication.objects.count() == 1


def test_the_office_applies_on_the_subjects_behalf(client, record, office):
    client.force_login(office)

    response = client.post(
        f"/repairs/new/?record={record.pk}",
        {"statement": "主体来窗口申请。", "commitment": "on", PROOF: [pdf("缴款凭证.pdf")]},
    )

    application = RepairApplication.objects.get()
    assert response.status_code == 302
    assert application.subject == record.subject and application.filed_by == office
    assert application.materials.get().attachment.uploaded_by == office


def test_only_the_subject_and_the_office_may_apply(client, record, officer_scj, auditor, person_user):
    client.force_login(officer_scj)
    assert client.get(f"/repairs/new/?record={record.pk}").status_code == 403
    response = client.post(f"/repairs/new/?record={record.pk}", {"statement": "x", "commitment": "on"})
    assert response.status_code == 403
    assert in_chinese(ROLE_MAY_NOT_APPLY) in text(response)

    # someone else's record does not exist for a subject
    client.force_login(person_user)
    assert client.get(f"/repairs/new/?record={record.pk}").status_code == 404
    assert client.post(f"/repairs/new/?record={record.pk}", {"statement": "x"}).status_code == 404
    assert not RepairApplication.objects.exists()

    # the record's page offers no repair to a department or an auditor
    for user in (officer_scj, auditor):
        client.force_login(user)
        assert "/repairs/new/" not in page(client.get(f"/records/{record.pk}/"))


def test_the_record_page_offers_repair_only_for_negative_information_still_published(client, company, company_user):
    licence = CreditRecordFactory(subject=company, category=Category.ADMINISTRATIVE_LICENSE, severity=None)
    ended = CreditRecordFactory(subject=company, state=RecordState.ENDED)
    client.force_login(company_user)

    for record in (licence, ended):
        assert "/repairs/new/" not in page(client.get(f"/records/{record.pk}/"))

    # applying anyway is refused by the service, in the user's language
    response = client.post(f"/repairs/new/?record={licence.pk}", {"statement": "x", "commitment": "on"})
    assert response.status_code == 400
    assert in_chinese(services.NOT_NEGATIVE) in text(response)


# --- The lists ----------------------------------------------------------------------------------


def test_each_role_sees_its_own_list(
    client, company, record, company_user, person_user, office, auditor, scj, hb, officer_scj, settings
):
    settings.REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS = []  # 22号's 3 working days, as the dates below
    submitted = apply(record, company_user)
    in_review = reviewing(CreditRecordFactory(subject=company, department=scj), company_user, office)
    elsewhere = reviewing(CreditRecordFactory(subject=company, department=hb), company_user, office)
    numbers = {submitted.number, in_review.number, elsewhere.number}

    def listed(user, query="") -> set[str]:
        client.force_login(user)
        response = client.get(f"/repairs/{query}")
        assert response.status_code == 200
        return set(re.findall(r"XF\d{10}", page(response)))

    assert listed(company_user) == numbers
    assert listed(person_user) == set()
    assert listed(office) == numbers
    assert listed(auditor) == numbers
    assert listed(officer_scj) == {in_review.number}  # forwarded to it only
    assert listed(office, "?state=reviewing") == {in_review.number, elsewhere.number}

    # the department's queue: its decision clock (3 working days from the 23rd) with days left
    client.force_login(officer_scj)
    body = text(client.get("/repairs/"))
    assert in_chinese(_("Repair applications to decide")) in body
    assert "2026-11-26" in body
    assert 'name="overdue"' in page(client.get("/repairs/"))

    # each of them sees the application it reviews with its eligibility; the auditor can act on none
    label = in_chinese(RULE_LABELS["minimum_period_passed"])
    for user in (company_user, office, officer_scj, auditor):
        client.force_login(user)
        detail = client.get(url(in_review))
        assert 'id="eligibility"' in page(detail) and label in text(detail)
    assert 'method="post" enctype' not in page(detail)


def test_the_queue_puts_the_overdue_first_and_the_office_filters_them(
    client, company, company_user, office, scj, officer_scj, frozen_clock, settings
):
    settings.REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS = []  # 22号's 3 working days, as the dates below
    # given two applications forwarded to SCJ: on the 25th (due the 30th), on the 23rd (due the 26th)
    frozen_clock.move_to(datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    later = reviewing(CreditRecordFactory(subject=company, department=scj), company_user, office)
    frozen_clock.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)
    late = reviewing(CreditRecordFactory(subject=company, department=scj), company_user, office)

    # when the department opens its queue on the 27th
    frozen_clock.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI), tick=False)
    client.force_login(officer_scj)
    body = page(client.get("/repairs/"))

    # then the late one comes first, marked, and the other says how many working days are left
    assert body.index(late.number) < body.index(later.number)
    first_row = body[body.index(late.number) : body.index(later.number)]
    assert 'class="badge warn"' in first_row and "2026-11-26" in first_row
    assert "2026-11-30" in body[body.index(later.number) :]

    # and the office's overdue filter shows the late one only
    client.force_login(office)
    overdue = page(client.get("/repairs/?overdue=1"))
    assert late.number in overdue and later.number not in overdue


def test_a_case_not_visible_is_not_found(client, record, company_user, office, officer_hb, scj, hb):
    application = apply(record, company_user)
    stranger = UserFactory(subject=True, credit_subject=CreditSubjectFactory())

    for user in (stranger, officer_hb):  # HB: not forwarded to it
        client.force_login(user)
        assert client.get(url(application)).status_code == 404
        assert client.post(url(application, "withdraw"), {"reason": "x"}).status_code == 404
        assert client.get(f"/repairs/{application.number}/notices/receipt.pdf").status_code == 404
        assert application.number not in page(client.get("/repairs/"))
    client.force_login(office)
    assert client.get("/repairs/XF2026999999/").status_code == 404
    assert RepairApplication.objects.get().state == RepairState.SUBMITTED


# --- The actions, each through its form by its role ----------------------------------------------


def test_the_office_accepts_and_forwards_and_the_department_approves(client, record, company_user, office, officer_scj):
    application = apply(record, company_user)
    client.force_login(office)

    # the application offers the office its actions, each with its form
    detail = client.get(url(application))
    for action in ("accept", "reject", "request-supplement"):
        assert f'action="/repairs/{application.number}/{action}/"' in page(detail)
    assert "/withdraw/" not in page(detail) and "/approve/" not in page(detail)

    # when the office accepts it
    response = client.post(url(application, "accept"), {"comment": "材料齐全。"})
    assert response.status_code == 302 and response["Location"] == url(application)
    application.refresh_from_db()
    assert application.state == RepairState.ACCEPTED

    # and forwards it to the department that produced the record
    detail = client.get(url(application))
    assert f'action="/repairs/{application.number}/forward/"' in page(detail)
    assert "市场监督管理局" in text(detail)
    response = client.post(url(application, "forward"), {"comment": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.department.code) == (RepairState.REVIEWING, "SCJ")

    # then the department finds it with its approve and deny forms
    client.force_login(officer_scj)
    detail = client.get(url(application))
    for action in ("approve", "deny"):
        assert f'action="/repairs/{application.number}/{action}/"' in page(detail)
    assert "/accept/" not in page(detail)

    # when it approves
    response = client.post(url(application, "approve"), {"reason": "已整改到位。"})

    # then the application is approved with its reasons, for the office to execute
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.decision_reason, application.decided_by) == (
        RepairState.APPROVED,
        "已整改到位。",
        officer_scj,
    )
    assert "已整改到位。" in text(client.get(url(application)))


def test_the_office_executes_the_repair_and_the_decision_can_be_downloaded(
    client, record, company_user, office, officer_scj
):
    application = reviewing(record, company_user, office)
    services.repair_approve(actor=officer_scj, number=application.number)
    client.force_login(office)
    assert client.get(f"/repairs/{application.number}/notices/decision.pdf").status_code == 404

    response = client.post(url(application, "execute"), {"comment": "已终止公示。"})

    # the record's publication ends and, nothing else awaited, the repair is published
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.PUBLISHED and application.repaired_on == TODAY
    assert CreditRecord.objects.get(pk=record.pk).state == RecordState.ENDED
    body = text(client.get(url(application)))
    assert in_chinese(flows.REASONS["execute"]) in body and "已终止公示。" in body
    notice = client.get(f"/repairs/{application.number}/notices/decision.pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert notice.content.startswith(b"%PDF")


def test_the_office_revokes_a_repair_with_a_reason_and_the_ban_is_shown(
    client, record, company_user, office, officer_scj
):
    application = repaired(record, company_user, office, officer_scj)
    before = snapshot(application)
    client.force_login(office)
    assert f'action="/repairs/{application.number}/revoke/"' in page(client.get(url(application)))

    # a revocation needs a reason
    response = client.post(url(application, "revoke"), {"reason": " "})
    assert response.status_code == 400
    assert in_chinese(services.REASON_REQUIRED) in text(response)
    assert snapshot(application) == before

    # with one, the repair is revoked, the record published again and the subject banned
    response = client.post(url(application, "revoke"), {"reason": "承诺不实，仍有同类违法行为。", "confirmed": "1"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.REVOKED
    assert CreditRecord.objects.get(pk=record.pk).state == RecordState.PUBLISHED
    ban = RepairBan.objects.get(application=application)
    body = text(client.get(url(application)))
    assert "承诺不实，仍有同类违法行为。" in body
    assert f"{in_chinese(_('No new application until'))} {ban.ends_on.isoformat()}" in body
    assert client.get(f"/repairs/{application.number}/notices/revocation.pdf").status_code == 200


def test_a_supplement_is_asked_for_and_given_with_the_missing_material(client, record, company_user, office):
    application = apply(record, company_user, proof=False)
    client.force_login(office)

    # an application missing a material cannot be accepted; its rejection offers the failed rule
    detail = client.get(url(application))
    missing = next(
        chinese_detail(result)
        for result in map(eligibility.RuleResult.from_json, application.eligibility)
        if result.rule == "materials_complete"
    )
    assert "/accept/" not in page(detail)
    assert f"{in_chinese(RULE_LABELS['materials_complete'])} ✗ {missing}" in text(detail)
    assert re.search(r'name="reason"[^>]*>\s*' + re.escape(html.escape(missing)), page(detail))
    response = client.post(url(application, "accept"), {"comment": ""})
    assert response.status_code == 409

    # when the office asks for it
    response = client.post(url(application, "request-supplement"), {"missing": "请提交罚款缴纳凭证。"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.NEEDS_SUPPLEMENT

    # and the subject supplements with the proof of performance
    client.force_login(company_user)
    detail = client.get(url(application))
    assert "请提交罚款缴纳凭证。" in text(detail)
    assert f'type="file" name="{PROOF}"' in page(detail)
    response = client.post(
        url(application, "supplement"), {"statement": "补充缴款凭证。", PROOF: [pdf("缴款凭证.pdf")]}
    )

    # then it is submitted again, eligible now, and the office may accept it
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.eligible) == (RepairState.SUBMITTED, True)
    assert [(m.kind, m.attachment.name) for m in application.materials.all()] == [("performance_proof", "缴款凭证.pdf")]
    client.force_login(office)
    assert f'action="/repairs/{application.number}/accept/"' in page(client.get(url(application)))


def test_a_denial_without_a_reason_is_refused_and_changes_nothing(client, record, company_user, office, officer_scj):
    application = reviewing(record, company_user, office)
    before = snapshot(application)
    client.force_login(officer_scj)

    response = client.post(url(application, "deny"), {"reason": "  "})

    assert response.status_code == 400
    assert in_chinese(services.REASON_REQUIRED) in text(response)
    assert 'id="action-deny"' in page(response)
    assert snapshot(application) == before

    # with its reasons, the department denies and the subject gets the decision
    response = client.post(url(application, "deny"), {"reason": "整改尚未完成。", "confirmed": "1"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == (RepairState.DENIED, "整改尚未完成。")
    client.force_login(company_user)
    assert "整改尚未完成。" in text(client.get(url(application)))
    assert client.get(f"/repairs/{application.number}/notices/decision.pdf").status_code == 200


def test_the_subject_withdraws(client, record, company_user, office):
    application = apply(record, company_user)
    client.force_login(company_user)

    detail = client.get(url(application))
    assert f'action="/repairs/{application.number}/withdraw/"' in page(detail)
    assert "/accept/" not in page(detail)

    response = client.post(url(application, "withdraw"), {"reason": "已另行处理。", "confirmed": "1"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == RepairState.WITHDRAWN
    assert "/withdraw/" not in page(client.get(url(application)))


# --- Refusals -----------------------------------------------------------------------------------


def test_a_role_that_may_not_take_an_action_gets_403_and_nothing_changes(
    client, record, company, company_user, office, officer_scj, scj
):
    submitted = apply(record, company_user)
    in_review = reviewing(CreditRecordFactory(subject=company, department=scj), company_user, office)
    before = (snapshot(submitted), snapshot(in_review))

    # the subject tries the office's action
    client.force_login(company_user)
    response = client.post(url(submitted, "accept"), {"comment": "我自己受理"})
    assert response.status_code == 403
    assert in_chinese(ROLE_NOT_ALLOWED) in text(response)

    # the office tries the subject's and the department's
    client.force_login(office)
    assert client.post(url(submitted, "withdraw"), {"reason": "x"}).status_code == 403
    assert client.post(url(in_review, "approve"), {"reason": "同意"}).status_code == 403

    # the reviewing department tries the office's
    client.force_login(officer_scj)
    assert client.post(url(in_review, "execute"), {"comment": ""}).status_code == 403
    assert client.post(url(in_review, "revoke"), {"reason": "x"}).status_code == 403

    assert (snapshot(submitted), snapshot(in_review)) == before


def test_an_action_the_state_does_not_allow_is_a_conflict_and_changes_nothing(client, record, company_user, office):
    application = apply(record, company_user)
    before = snapshot(application)
    client.force_login(office)

    for action, body in (("execute", {"comment": ""}), ("revoke", {"reason": "虚假承诺"}), ("forward", {})):
        response = client.post(url(application, action), body)
        assert response.status_code == 409
        assert in_chinese(TRANSITION_NOT_ALLOWED) in text(response)

    # an action repairs do not have is not found; a GET is not allowed
    assert client.post(url(application, "confirm"), {}).status_code == 404
    assert client.get(url(application, "accept")).status_code == 405
    assert snapshot(application) == before


@pytest.mark.parametrize("path", ["/repairs/", "/repairs/new/?record=1", "/repairs/XF2026000001/"])
def test_the_pages_send_anonymous_visitors_to_sign_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- Notices and language -----------------------------------------------------------------------


def test_the_notices_download_as_pdf(client, record, company_user, office):
    application = apply(record, company_user, proof=False)
    client.force_login(office)
    client.post(url(application, "reject"), {"reason": "缺少履行证明材料。", "confirmed": "1"})
    client.force_login(company_user)

    for kind in ("receipt", "rejection"):
        response = client.get(f"/repairs/{application.number}/notices/{kind}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    detail = page(client.get(url(application)))
    assert f"/repairs/{application.number}/notices/rejection.pdf" in detail
    assert client.get(f"/repairs/{application.number}/notices/decision.pdf").status_code == 404
    assert client.get(f"/repairs/{application.number}/notices/other.pdf").status_code == 404


def test_the_pages_speak_chinese_and_english_once_the_person_chooses_it(client, record, company_user):
    application = apply(record, company_user)
    minimum_period = next(
        eligibility.RuleResult.from_json(result)
        for result in application.eligibility
        if result["rule"] == "minimum_period_passed"
    )
    client.force_login(company_user)

    # Chinese by default, the navigation leading to the applications
    for path in ("/repairs/", f"/repairs/new/?record={record.pk}", url(application)):
        response = client.get(path)
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in page(response)
        assert f'<a href="/repairs/">{in_chinese(_("Credit repair"))}</a>' in page(response)
    assert chinese_detail(minimum_period) in text(client.get(url(application)))

    # English once chosen, the rules' results too
    client.post("/i18n/setlang/", {"language": "en", "next": url(application)})
    response = client.get(url(application), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert '<html lang="en">' in page(response)
    assert '<a href="/repairs/">Credit repair</a>' in page(response)
    assert "Minimum publication period ended on 2026-04-05." in text(response)
    assert "Repair application received" in text(response)
