"""Whole repair applications through the API (docs/api.md "Repair applications"), one per way
an application ends: approved and executed (a penalty's publication ends, a list entry is
removed), denied, rejected, lapsed, withdrawn, revoked. Each walk checks the record, its
history, the timeline, the clocks and the notices."""

import hashlib
from datetime import date

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy

from repairflow.cases import services as cases
from repairflow.cases.services import case_deadlines_sweep
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import case_open_deadlines
from repairflow.records.models import RecordState
from repairflow.records.publication import Category, Severity
from repairflow.repair import services
from repairflow.repair.eligibility import BAN_IN_FORCE, MINIMUM_PERIOD_NOT_PASSED, RULES
from repairflow.repair.models import RepairApplication, RepairBan, RepairState
from tests.factories import CreditRecordFactory
from tests.helpers import clocks, invalid, record_history, record_of, timeline, told
from tests.i18n import in_chinese
from tests.repair.conftest import act, apply, read, snapshot

pytestmark = pytest.mark.django_db


def notice_pdf(api, user, number: str, kind: str) -> bytes:
    response = api.as_user(user).get(f"/api/v1/repairs/{number}/notices/{kind}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def failed_rules(body: dict) -> list[str]:
    return [result["rule"] for result in body["eligibility"] if not result["passed"]]


def test_an_approved_repair_ends_the_penalty_s_publication_and_is_published(
    api, travel, record, proof, company_user, office, officer_scj
):
    filed = apply(api, company_user, record, proof=proof)
    assert filed.status_code == 201
    body = filed.json()
    number = body["number"]
    assert (number, body["state"], body["received_on"], body["eligible"]) == (
        "XF2026000001",
        "submitted",
        "2026-09-28",
        True,
    )
    assert failed_rules(body) == []
    assert [result["rule"] for result in body["eligibility"]] == [rule.__name__ for rule in RULES]
    assert body["eligibility_rule_set"] == "ndrc_order_36"
    assert [(m["kind"], m["attachment"]) for m in body["materials"]] == [("performance_proof", proof.pk)]
    assert told("repair.submitted") == ["office"]

    assert act(api, office, number, "accept").json()["allowed_actions"] == ["forward"]
    travel(date(2026, 9, 29))
    forwarded = act(api, office, number, "forward").json()
    assert (forwarded["state"], forwarded["department"]) == ("reviewing", "SCJ")
    assert told("repair.forwarded") == ["dept-scj"]
    assert read(api, officer_scj, number).json()["allowed_actions"] == ["approve", "deny"]
    travel(date(2026, 9, 30))
    approved = act(api, officer_scj, number, "approve", reason="罚款已缴清，整改到位。").json()
    assert (approved["state"], approved["decision_reason"], approved["decided_by"]) == (
        "approved",
        "罚款已缴清，整改到位。",
        "dept-scj",
    )
    assert record_of(api, office, record)["state"] == "published"  # nothing happens to the record yet
    travel(date(2026, 10, 9))
    executed = act(api, office, number, "execute", comment="终止公示")
    assert executed.status_code == 200
    body = executed.json()

    assert (body["state"], body["repaired_on"]) == ("published", "2026-10-09")
    assert timeline(body) == [
        ("submit", "", "submitted", "subject-a"),
        ("accept", "submitted", "accepted", "office"),
        ("forward", "accepted", "reviewing", "office"),
        ("approve", "reviewing", "approved", "dept-scj"),
        ("execute", "approved", "repaired", "office"),
        ("publish", "repaired", "published", None),
    ]
    assert clocks(body) == [
        ("repair_acceptance", None, "2026-09-28", "2026-09-30", "met", "2026-09-28"),
        # 10 working days: 10/1–10/7 are holidays, Saturday 10/10 a working day.
        ("repair_answer", None, "2026-09-28", "2026-10-16", "met", "2026-10-09"),
        ("repair_decision", "SCJ", "2026-09-29", "2026-10-14", "met", "2026-09-30"),
        ("repair_sharing", None, "2026-10-09", "2026-10-13", "met", "2026-10-09"),
    ]
    # The record: publication ended through its state machine, its history naming the application.
    shown = record_of(api, office, record)
    assert (shown["state"], shown["version"]) == ("ended", 2)
    last = record_history(api, office, record)[-1]
    assert (last["actor"], last["reason"]) == ("office", in_chinese(services.RECORD_REPAIRED) % {"number": number})
    assert {"field": "state", "old": "published", "new": "ended"} in last["changes"]
    # The receipt and the decision, each kept with its hash.
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "decision"]
    for notice in body["notices"]:
        content = notice_pdf(api, company_user, number, notice["kind"])
        assert hashlib.sha256(content).hexdigest() == notice["sha256"]
    assert told("repair.repaired") == ["subject-a"]


def test_an_approved_repair_removes_a_serious_list_entry(
    api, travel, company, scj, proof, company_user, office, officer_scj
):
    entry = CreditRecordFactory(
        subject=company,
        department=scj,
        category=Category.SERIOUS_LIST,
        severity=Severity.SERIOUS,
        decision_no="济市监列严〔2025〕3号",
        decision_date=date(2025, 6, 3),  # Order 58: a year's minimum period, ended 2026-06-03
        title="列入严重违法失信名单",
    )
    number = apply(api, company_user, entry, proof=proof).json()["number"]
    for user, action in ((office, "accept"), (office, "forward"), (officer_scj, "approve"), (office, "execute")):
        assert act(api, user, number, action).status_code == 200

    assert record_of(api, office, entry)["state"] == "ended"
    assert record_history(api, office, entry)[-1]["reason"] == in_chinese(services.RECORD_REMOVED) % {"number": number}


def test_a_denied_repair_leaves_the_record_published_and_tells_the_subject_why(
    api, travel, record, proof, company_user, office, officer_scj
):
    number = apply(api, company_user, record, proof=proof).json()["number"]
    act(api, office, number, "accept")
    act(api, office, number, "forward")
    before = snapshot(number)

    refused = act(api, officer_scj, number, "deny", reason="  ")
    assert refused.status_code == 400
    assert refused.json() == invalid({"reason": [in_chinese(services.REASON_REQUIRED)]})
    assert snapshot(number) == before

    travel(date(2026, 9, 29))
    body = act(api, officer_scj, number, "deny", reason="罚款尚未缴清。").json()
    assert (body["state"], body["decision_reason"], body["allowed_actions"]) == ("denied", "罚款尚未缴清。", [])
    assert clocks(body) == [
        ("repair_acceptance", None, "2026-09-28", "2026-09-30", "met", "2026-09-28"),
        ("repair_answer", None, "2026-09-28", "2026-10-16", "met", "2026-09-29"),
        ("repair_decision", "SCJ", "2026-09-28", "2026-10-13", "met", "2026-09-29"),
    ]
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "decision"]
    notice_pdf(api, company_user, number, "decision")
    shown = record_of(api, office, record)
    assert (shown["state"], shown["version"]) == ("published", 1)
    assert told("repair.denied") == ["office", "subject-a"]


def test_an_application_before_the_minimum_period_ends_is_filed_and_rejected_with_the_rules_reasons(
    api, travel, company, scj, proof, company_user, office
):
    recent = CreditRecordFactory(subject=company, department=scj, decision_date=date(2026, 8, 3))  # minimum to 11-03
    body = apply(api, company_user, recent, proof=proof).json()
    number = body["number"]
    assert (body["state"], body["eligible"], failed_rules(body)) == ("submitted", False, ["minimum_period_passed"])
    detail = next(result["detail"] for result in body["eligibility"] if not result["passed"])
    assert detail == in_chinese(gettext_lazy(MINIMUM_PERIOD_NOT_PASSED)) % {"end": "2026-11-03", "from": "2026-11-04"}
    # The office may not accept it: it rejects it (or asks for more).
    before = snapshot(number)
    refused = act(api, office, number, "accept")
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["reject", "request-supplement"]
    assert snapshot(number) == before

    body = act(api, office, number, "reject").json()  # no reason given: the failed rules are the reason

    assert (body["state"], body["rejection_reason"]) == ("rejected", detail)
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "rejection"]
    assert {clock[4] for clock in clocks(body)} == {"met"}
    assert record_of(api, office, recent)["state"] == "published"
    assert told("repair.rejected") == ["subject-a"]


def test_a_supplement_runs_the_rules_again(api, travel, record, proof, company_user, office):
    body = apply(api, company_user, record).json()  # no proof of performance
    number = body["number"]
    assert (body["eligible"], failed_rules(body)) == (False, ["materials_complete"])
    act(api, office, number, "request-supplement", missing="罚款缴纳凭证")
    travel(date(2026, 9, 30))

    body = act(
        api, company_user, number, "supplement", materials=[{"kind": "performance_proof", "attachment": proof.pk}]
    ).json()

    assert (body["state"], body["eligible"], failed_rules(body)) == ("submitted", True, [])
    assert [m["kind"] for m in body["materials"]] == ["performance_proof"]
    assert act(api, office, number, "accept").json()["state"] == "accepted"


def test_an_application_lapses_when_the_supplement_period_runs_out(api, travel, record, company_user, office):
    number = apply(api, company_user, record).json()["number"]
    body = act(api, office, number, "request-supplement", missing="罚款缴纳凭证").json()
    supplement = next(clock for clock in body["deadlines"] if clock["step"] == "repair_supplement")
    assert supplement["due_on"] == "2026-10-10"  # 5 working days: 10/1–10/7 off, Saturday 10/10 a working day

    travel(date(2026, 10, 10))
    case_deadlines_sweep()  # the last day: a reminder
    assert read(api, office, number).json()["state"] == "needs_supplement"
    travel(date(2026, 10, 12))
    case_deadlines_sweep()  # the next working day: lapsed

    body = read(api, office, number).json()
    assert body["state"] == "lapsed"
    assert timeline(body)[-1] == ("lapse", "needs_supplement", "lapsed", None)
    assert {clock[0]: clock[4] for clock in clocks(body)} == {
        "repair_acceptance": "cancelled",
        "repair_answer": "cancelled",
        "repair_supplement": "missed",
    }
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "supplement"]
    shown = record_of(api, office, record)
    assert (shown["state"], shown["version"], len(record_history(api, office, record))) == ("published", 1, 1)


@pytest.mark.parametrize("state", ["submitted", "needs_supplement", "accepted", "reviewing"])
def test_the_subject_withdraws_until_the_department_decides(api, repair_in, state, company_user, office):
    application = repair_in(state)

    response = act(api, company_user, application.number, "withdraw", reason="暂不申请")

    body = response.json()
    assert (response.status_code, body["state"]) == (200, "withdrawn")
    assert all(clock[4] in ("met", "cancelled") for clock in clocks(body))
    assert not any(clock["ended_on"] is None for clock in body["deadlines"])
    assert told("repair.withdrawn") == (["dept-scj", "office"] if state == "reviewing" else ["office"])
    issued = ["receipt", "supplement"] if state == "needs_supplement" else ["receipt"]
    assert [notice["kind"] for notice in body["notices"]] == issued
    shown = record_of(api, office, application.record)
    assert (shown["state"], shown["version"], len(record_history(api, office, application.record))) == (
        "published",
        1,
        1,
    )


@pytest.mark.parametrize("state", ["approved", "published", "denied", "rejected", "lapsed", "revoked"])
def test_no_withdrawal_once_the_department_has_decided(api, repair_in, state, company_user):
    application = repair_in(state)
    before = snapshot(application.number)

    response = act(api, company_user, application.number, "withdraw")

    assert (response.status_code, response.json()["error"]) == (409, "transition_not_allowed")
    assert snapshot(application.number) == before


def test_a_revoked_repair_publishes_the_record_again_and_bans_new_applications(
    api, travel, repair_in, record, proof, company_user, office
):
    application = repair_in("published")
    number = application.number
    travel(date(2026, 10, 12))
    refused = act(api, office, number, "revoke")
    assert refused.status_code == 400

    body = act(api, office, number, "revoke", reason="缴费凭证系伪造。").json()

    assert (body["state"], body["revocation_reason"]) == ("revoked", "缴费凭证系伪造。")
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "decision", "revocation"]
    notice_pdf(api, company_user, number, "revocation")
    shown = record_of(api, office, record)
    assert (shown["state"], shown["version"]) == ("published", 3)
    last = record_history(api, office, record)[-1]
    assert last["reason"] == in_chinese(services.RECORD_REPUBLISHED) % {"number": number}
    assert {"field": "state", "old": "ended", "new": "published"} in last["changes"]
    ban = RepairBan.objects.get()
    assert (ban.subject_id, ban.application_id, ban.starts_on, ban.ends_on) == (
        record.subject_id,
        application.pk,
        date(2026, 10, 12),
        date(2027, 10, 12),
    )
    assert told("repair.revoked") == ["subject-a"]

    # During the ban a new application is refused with its end; nothing is filed.
    travel(date(2027, 10, 12))
    during = apply(api, company_user, record, proof=proof)
    assert during.json() == invalid(
        {"record": [in_chinese(gettext_lazy(BAN_IN_FORCE)) % {"until": "2027-10-12", "from": "2027-10-13"}]}
    )
    assert RepairApplication.objects.count() == 1
    travel(date(2027, 10, 13))
    assert apply(api, company_user, record, proof=proof).status_code == 201


def test_revoking_a_repair_whose_record_has_since_expired_still_bans(api, travel, repair_in, record, office):
    application = repair_in("published")
    record.refresh_from_db()
    record.state = RecordState.EXPIRED
    record.save()

    body = act(api, office, application.number, "revoke", reason="承诺不实。").json()

    assert body["state"] == "revoked"
    assert record_of(api, office, record)["state"] == "expired"
    assert RepairBan.objects.filter(application=application).exists()


def test_a_repair_waits_in_repaired_until_every_platform_has_acknowledged(monkeypatch, repair_in, office):
    acknowledged = {"all": False}
    monkeypatch.setattr(cases, "case_awaits_platforms", lambda case, writes=None: not acknowledged["all"])

    application = repair_in("approved")
    services.repair_execute(actor=office, number=application.number)

    application.refresh_from_db()
    assert application.state == RepairState.REPAIRED
    sharing = case_open_deadlines(application, Step.REPAIR_SHARING).get()
    assert cases.case_publish_when_ready(application) is False

    acknowledged["all"] = True
    with transaction.atomic():
        locked = (
            RepairApplication.objects.select_for_update().select_related("record", "subject").get(pk=application.pk)
        )
        assert cases.case_publish_when_ready(locked) is True

    application.refresh_from_db()
    sharing.refresh_from_db()
    assert (application.state, sharing.status) == (RepairState.PUBLISHED, "met")
    assert cases.case_publish_when_ready(application) is False
