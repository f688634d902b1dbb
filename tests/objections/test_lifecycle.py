"""Objections walked through the API from filing to the end (docs/api.md "Objections";
docs/domain.md "Objection"), asserting at the end what each walk left behind: the record, its
mark and history, the case's timeline, its clocks and its notices.

The clock is stopped in 2026 around 国庆: filed Monday 9/28, 10/1–10/7 holidays, Saturday 10/10
a make-up working day. Counted in working days from receipt (the day itself not counted):
acceptance 2 → 9/30, the office's own answer 3 → 10/8, the answer after verification 7 → 10/13."""

import hashlib
from datetime import date

import pytest

from repairflow.cases.services import case_deadlines_sweep
from repairflow.deadlines.clock import Stage
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Action
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.objections.flows import REASONS
from repairflow.objections.models import Objection, Outcome
from repairflow.objections.services import (
    REASON_REQUIRED,
    RECORD_CLEARED,
    RECORD_MARKED,
    RECORD_OUTCOME,
    VERIFICATION_RETURNED,
)
from tests.factories import UserFactory
from tests.helpers import clocks, invalid, record_history, record_of, timeline, told
from tests.i18n import in_chinese
from tests.objections.conftest import DEPARTMENT_REPLY, act, file_objection, read, snapshot

MARKED, CLEARED = "marked", "cleared"


def reasons(history: list[dict], number: str) -> list[tuple]:
    """A record's history as (actor, reason) with the objection's reasons named."""
    names = {
        in_chinese(RECORD_MARKED) % {"number": number}: MARKED,
        in_chinese(RECORD_CLEARED) % {"number": number}: CLEARED,
    }
    return [(entry["actor"], names.get(entry["reason"], entry["reason"])) for entry in history]


def outcome_reason(number: str, outcome: Outcome) -> str:
    return in_chinese(RECORD_OUTCOME) % {"number": number, "outcome": in_chinese(outcome.label)}


def download(api, user, number: str, kind: str):
    return api.as_user(user).get(f"/api/v1/objections/{number}/notices/{kind}.pdf")


# --- One walk per outcome -------------------------------------------------------------------------

CORRECTED_CONTENT = "责令改正，罚款五百元。"
SUPPLEMENTED_CONTENT = "责令改正，罚款一千元。当事人已于2026年2月1日缴清罚款。"

OUTCOMES = {
    # outcome: (the record, corrected fields, the record's changes when the outcome is applied)
    "maintain": ("record", {}, None),
    "correct": (
        "record",
        {"content": CORRECTED_CONTENT},
        [{"field": "content", "old": "责令改正，罚款一千元。", "new": CORRECTED_CONTENT}],
    ),
    "supplement": (
        "record",
        {"content": SUPPLEMENTED_CONTENT},
        [{"field": "content", "old": "责令改正，罚款一千元。", "new": SUPPLEMENTED_CONTENT}],
    ),
    "revoke": ("record", {}, [{"field": "state", "old": "published", "new": "revoked"}]),
    "stop_publication": ("record", {}, [{"field": "state", "old": "published", "new": "ended"}]),
    "remove_from_list": ("list_record", {}, [{"field": "state", "old": "published", "new": "ended"}]),
}


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_an_objection_walks_from_filing_to_publication_for_each_outcome(
    api, travel, request, company_user, office, officer_scj, outcome
):
    record_name, corrected_fields, record_changes = OUTCOMES[outcome]
    record = request.getfixturevalue(record_name)
    before = record_of(api, company_user, record)

    # given the company files an objection on Monday 9/28 (Shandong: no mark before acceptance)
    filed = file_objection(api, company_user, record)
    assert filed.status_code == 201
    number = filed.json()["number"]
    assert (number, filed.json()["state"], filed.json()["received_on"]) == ("YY2026000001", "submitted", "2026-09-28")
    assert record_of(api, company_user, record)["under_objection"] is False

    # when the office accepts it the same day (the record is marked) and forwards it on 9/29
    assert act(api, office, number, "accept", comment="材料齐全").json()["state"] == "accepted"
    assert record_of(api, company_user, record)["under_objection"] is True
    travel(date(2026, 9, 29))
    assert act(api, office, number, "forward").json()["departments"] == ["SCJ"]

    # and market regulation replies on 10/8 and the office confirms on 10/9
    travel(date(2026, 10, 8))
    reply = {"outcome": outcome, "explanation": "经核实，依异议处理。", "corrected_fields": corrected_fields}
    replied = act(api, officer_scj, number, "reply", **reply).json()
    assert (replied["state"], replied["outcome"]) == ("replied", outcome)
    assert record_of(api, company_user, record)["under_objection"] is True
    travel(date(2026, 10, 9))
    confirmed = act(api, office, number, "confirm", comment="同意")

    # then the outcome is applied, the result published and the case over
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["state"], body["outcome"], body["corrected_fields"], body["allowed_actions"]) == (
        "published",
        outcome,
        corrected_fields,
        [],
    )
    assert timeline(body) == [
        ("submit", "", "submitted", "subject-a"),
        ("accept", "submitted", "accepted", "office"),
        ("forward", "accepted", "verifying", "office"),
        ("reply", "verifying", "replied", "dept-scj"),
        ("confirm", "replied", "corrected", "office"),
        ("publish", "corrected", "published", None),
    ]
    assert [step["at"][:10] for step in body["timeline"]] == [
        "2026-09-28",
        "2026-09-28",
        "2026-09-29",
        "2026-10-08",
        "2026-10-09",
        "2026-10-09",
    ]
    assert clocks(body) == [
        ("objection_acceptance", None, "2026-09-28", "2026-09-30", "met", "2026-09-28"),
        ("objection_answer_in_office", None, "2026-09-28", "2026-10-08", "met", "2026-09-29"),
        ("objection_verification", "SCJ", "2026-09-29", "2026-10-09", "met", "2026-10-08"),
        ("objection_answer", None, "2026-09-28", "2026-10-13", "met", "2026-10-09"),
        ("objection_publication", None, "2026-10-09", "2026-10-13", "met", "2026-10-09"),
    ]

    # the record: changed by the outcome, its mark cleared, every step in its history
    after = record_of(api, company_user, record)
    expected = {**before, "under_objection": False, "version": before["version"] + (3 if record_changes else 2)}
    for change in record_changes or []:
        expected[change["field"]] = change["new"]
    assert after == expected
    # (the confirmation changes the record once: the outcome applied and, the case published at
    # once, its mark cleared, in one history row naming the office that confirmed it)
    history = record_history(api, company_user, record)
    confirmed_entry = (
        ("office", f"{outcome_reason(number, Outcome(outcome))}；{in_chinese(RECORD_CLEARED) % {'number': number}}")
        if record_changes
        else (None, CLEARED)
    )
    assert reasons(history, number) == [(None, ""), ("office", MARKED), confirmed_entry]
    if record_changes:
        mark = {"field": "under_objection", "old": True, "new": False}
        version = {"field": "version", "old": before["version"] + 1, "new": before["version"] + 3}
        assert history[2]["changes"] == [*record_changes, mark, version]

    # the notices: the receipt and the result, the result's bytes as their SHA-256 says
    assert [(notice["kind"], notice["issued_at"][:10]) for notice in body["notices"]] == [
        ("receipt", "2026-09-28"),
        ("result", "2026-10-09"),
    ]
    result = download(api, company_user, number, "result")
    assert (result.status_code, result["Content-Type"]) == (200, "application/pdf")
    assert result.content.startswith(b"%PDF")
    assert hashlib.sha256(result.content).hexdigest() == body["notices"][1]["sha256"] == result["X-Content-SHA256"]
    assert len(result.content) == body["notices"][1]["size"]


def test_everyone_is_told_what_concerns_them_at_each_step(
    api, travel, record, company_user, office, officer_scj, officer_hb
):
    # given an objection walked from filing to its result
    number = file_objection(api, company_user, record).json()["number"]
    for user, action, body in [
        (office, "accept", {}),
        (office, "forward", {}),
        (officer_scj, "reply", DEPARTMENT_REPLY),
        (office, "confirm", {}),
    ]:
        assert act(api, user, number, action, **body).status_code == 200

    # then the office heard of the filing and the reply, the subject of each step, market
    # regulation of its task, and environment of nothing
    kinds = sorted(set(Notification.objects.values_list("kind", flat=True)))
    assert [(kind, told(kind)) for kind in kinds] == [
        ("objection.accepted", ["subject-a"]),
        ("objection.forwarded", ["dept-scj"]),
        ("objection.in_verification", ["subject-a"]),
        ("objection.replied", ["office"]),
        ("objection.result", ["subject-a"]),
        ("objection.submitted", ["office"]),
    ]


# --- When the mark appears ------------------------------------------------------------------------


def test_henan_marks_the_record_on_receipt_and_acceptance_leaves_it(
    settings, api, travel, record, company_user, office
):
    # given the Henan profile (河南省社会信用条例 Art. 41: marked on receipt)
    settings.REPAIRFLOW_PROFILE = "henan"

    # when the company files an objection
    number = file_objection(api, company_user, record).json()["number"]

    # then the record is marked at once, by the filing
    assert record_of(api, company_user, record)["under_objection"] is True
    assert reasons(record_history(api, company_user, record), number) == [(None, ""), ("subject-a", MARKED)]

    # and acceptance marks nothing again
    act(api, office, number, "accept")
    assert reasons(record_history(api, company_user, record), number) == [(None, ""), ("subject-a", MARKED)]


def test_shandong_marks_the_record_only_when_the_office_accepts(api, travel, record, company_user, office):
    number = file_objection(api, company_user, record).json()["number"]
    assert reasons(record_history(api, company_user, record), number) == [(None, "")]

    act(api, office, number, "accept")

    assert record_of(api, company_user, record)["under_objection"] is True
    assert reasons(record_history(api, company_user, record), number) == [(None, ""), ("office", MARKED)]


# --- A supplement, or none --------------------------------------------------------------------------


def test_a_supplement_restarts_the_offices_clocks_from_the_day_it_is_received(
    api, travel, record, company_user, office, evidence
):
    # given an objection the office asks to supplement on the day it is filed
    number = file_objection(api, company_user, record).json()["number"]
    asked = act(api, office, number, "request-supplement", missing="处罚决定书复印件")
    assert (asked.json()["state"], asked.json()["missing"]) == ("needs_supplement", "处罚决定书复印件")
    assert clocks(asked.json()) == [
        ("objection_acceptance", None, "2026-09-28", "2026-09-30", "paused", None),
        ("objection_answer_in_office", None, "2026-09-28", "2026-10-08", "paused", None),
        ("objection_supplement", None, "2026-09-28", "2026-10-10", "running", None),
    ]
    assert [notice["kind"] for notice in asked.json()["notices"]] == ["receipt", "supplement"]
    assert download(api, company_user, number, "supplement").content.startswith(b"%PDF")
    assert told("objection.supplement_requested") == ["subject-a"]

    # when the company supplements on Friday 10/9, with a copy of the decision
    travel(date(2026, 10, 9))
    copy = evidence(company_user)
    supplemented = act(api, company_user, number, "supplement", statement="附处罚决定书复印件。", attachments=[copy.pk])

    # then it is submitted again, with the statement and the copy added
    body = supplemented.json()
    assert (body["state"], body["statement"]) == ("submitted", "处罚决定书载明的罚款金额有误。\n\n附处罚决定书复印件。")
    assert [attachment["id"] for attachment in body["attachments"]] == [copy.pk]
    # and the office's clocks count afresh from 10/9 (10/10 is a working Saturday)
    assert clocks(body) == [
        ("objection_acceptance", None, "2026-10-09", "2026-10-12", "running", None),
        ("objection_answer_in_office", None, "2026-10-09", "2026-10-13", "running", None),
        ("objection_supplement", None, "2026-09-28", "2026-10-10", "met", "2026-10-09"),
    ]
    restart = {"on": "2026-10-09", "previous_start": "2026-09-28", "reason": in_chinese(REASONS["supplement"])}
    objection = Objection.objects.get(number=number)
    assert [deadline.restarts for deadline in case_deadlines(objection).order_by("id")] == [[restart], [restart], []]
    assert told("objection.supplemented") == ["office"]

    # and once accepted and forwarded, the answer's 7 working days count from the supplement too
    act(api, office, number, "accept")
    forwarded = act(api, office, number, "forward").json()
    assert clocks(forwarded)[3:] == [
        ("objection_verification", "SCJ", "2026-10-09", "2026-10-13", "running", None),
        ("objection_answer", None, "2026-10-09", "2026-10-19", "running", None),
    ]
    assert timeline(forwarded) == [
        ("submit", "", "submitted", "subject-a"),
        ("request-supplement", "submitted", "needs_supplement", "office"),
        ("supplement", "needs_supplement", "submitted", "subject-a"),
        ("accept", "submitted", "accepted", "office"),
        ("forward", "accepted", "verifying", "office"),
    ]


def test_an_objection_not_supplemented_in_time_lapses_in_the_sweep(settings, api, travel, record, company_user, office):
    # given (Henan: marked on receipt) an objection the office asks to supplement by Saturday 10/10
    settings.REPAIRFLOW_PROFILE = "henan"
    number = file_objection(api, company_user, record).json()["number"]
    act(api, office, number, "request-supplement", missing="处罚决定书复印件")
    objection = Objection.objects.get(number=number)
    supplement = case_deadlines(objection).get(step="objection_supplement")

    # when the sweep runs on the last day: a reminder, nothing lapses
    travel(date(2026, 10, 10))
    assert case_deadlines_sweep(today=date(2026, 10, 10)).fired == [(supplement.pk, Stage.DUE, Action.REMIND)]
    assert read(api, company_user, number).json()["state"] == "needs_supplement"

    # and on Monday 10/12, the next working day
    travel(date(2026, 10, 12))
    report = case_deadlines_sweep(today=date(2026, 10, 12))

    # then the objection has lapsed by itself, its mark is cleared and every clock has ended
    assert report.fired == [(supplement.pk, Stage.OVERDUE, Action.LAPSE)]
    body = read(api, company_user, number).json()
    assert (body["state"], body["allowed_actions"]) == ("lapsed", [])
    assert timeline(body)[-1] == ("lapse", "needs_supplement", "lapsed", None)
    assert clocks(body) == [
        # the office's clocks stood still from 9/28 to 10/12 (6 working days); the case ended
        # without them, so they are no longer due (neither met nor missed)
        ("objection_acceptance", None, "2026-09-28", "2026-10-14", "cancelled", "2026-10-12"),
        ("objection_answer_in_office", None, "2026-09-28", "2026-10-15", "cancelled", "2026-10-12"),
        ("objection_supplement", None, "2026-09-28", "2026-10-10", "missed", "2026-10-12"),
    ]
    assert record_of(api, company_user, record)["under_objection"] is False
    assert reasons(record_history(api, company_user, record), number) == [
        (None, ""),
        ("subject-a", MARKED),
        (None, CLEARED),
    ]
    assert told("deadline.lapsed") == ["office", "subject-a"]


# --- Withdrawal and rejection ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "needs_supplement", "accepted", "verifying"])
def test_the_subject_withdraws_an_open_objection_and_the_mark_goes(
    settings, api, objection_in, company_user, record, state
):
    # given (Henan: marked on receipt) an objection in `state`
    settings.REPAIRFLOW_PROFILE = "henan"
    number = objection_in(state).number
    assert record_of(api, company_user, record)["under_objection"] is True

    # when the company withdraws it
    withdrawn = act(api, company_user, number, "withdraw", reason="已与部门沟通，不再异议")

    # then it is withdrawn, every clock ended, the record no longer marked
    body = withdrawn.json()
    assert (withdrawn.status_code, body["state"], body["allowed_actions"]) == (200, "withdrawn", [])
    assert timeline(body)[-1] == ("withdraw", state, "withdrawn", "subject-a")
    assert body["timeline"][-1]["comment"] == "已与部门沟通，不再异议"
    assert {clock["ended_on"] for clock in body["deadlines"]} == {"2026-09-28"}
    # the clocks the withdrawal cut short are no longer due: neither met nor missed
    still_due = {"submitted": 2, "needs_supplement": 3, "accepted": 1, "verifying": 2}[state]
    assert [clock["status"] for clock in body["deadlines"]].count("cancelled") == still_due
    assert record_of(api, company_user, record)["under_objection"] is False
    assert told("objection.withdrawn") == (["dept-scj", "office"] if state == "verifying" else ["office"])


def test_the_office_rejects_with_a_reason_and_the_subject_gets_a_rejection_notice(
    api, travel, record, company_user, office
):
    # given a filed objection
    number = file_objection(api, company_user, record).json()["number"]
    before = snapshot(number)

    # when the office rejects it without a reason: refused, nothing changed
    refused = act(api, office, number, "reject", reason="  ")
    assert (refused.status_code, refused.json()) == (400, invalid({"reason": [in_chinese(REASON_REQUIRED)]}))
    assert snapshot(number) == before

    # and with one on 9/29
    travel(date(2026, 9, 29))
    rejected = act(api, office, number, "reject", reason="异议事项不属于本平台信用信息。")

    # then it is rejected, its clocks ended, and the rejection notice is there
    body = rejected.json()
    assert (body["state"], body["rejection_reason"]) == ("rejected", "异议事项不属于本平台信用信息。")
    assert timeline(body)[-1] == ("reject", "submitted", "rejected", "office")
    assert clocks(body) == [
        ("objection_acceptance", None, "2026-09-28", "2026-09-30", "met", "2026-09-29"),
        ("objection_answer_in_office", None, "2026-09-28", "2026-10-08", "met", "2026-09-29"),
    ]
    assert [notice["kind"] for notice in body["notices"]] == ["receipt", "rejection"]
    notice = download(api, company_user, number, "rejection")
    assert notice.content.startswith(b"%PDF")
    assert hashlib.sha256(notice.content).hexdigest() == body["notices"][1]["sha256"]
    assert told("objection.rejected") == ["subject-a"]
    assert record_of(api, company_user, record)["under_objection"] is False


# --- Verification: return, several departments, the office's own decision ------------------------


def test_a_returned_reply_is_verified_again_on_a_new_clock(api, objection_in, travel, office, officer_scj):
    # given market regulation replied on 9/28 that the record stands
    number = objection_in("replied").number

    # when the office returns the reply on 9/29
    travel(date(2026, 9, 29))
    returned = act(api, office, number, "return", reason="请核实罚款金额。")

    # then the case is verified again: the reply is cleared and a new clock runs from 9/29
    body = returned.json()
    assert (body["state"], body["outcome"], body["explanation"]) == ("verifying", "", "")
    assert [(v["department"], v["forwarded_on"], v["replied_at"], v["outcome"]) for v in body["verifications"]] == [
        ("SCJ", "2026-09-29", None, "")
    ]
    verification_clocks = [clock for clock in clocks(body) if clock[0] == "objection_verification"]
    assert verification_clocks == [
        ("objection_verification", "SCJ", "2026-09-28", "2026-10-08", "met", "2026-09-28"),
        ("objection_verification", "SCJ", "2026-09-29", "2026-10-09", "running", None),
    ]
    assert told("objection.returned") == ["dept-scj"]
    assert read(api, officer_scj, number).json()["allowed_actions"] == ["reply"]

    # and the department replies again, now correcting the record
    travel(date(2026, 10, 8))
    again = act(
        api,
        officer_scj,
        number,
        "reply",
        outcome="correct",
        explanation="罚款金额录入有误。",
        corrected_fields={"content": CORRECTED_CONTENT},
    ).json()
    assert (again["state"], again["outcome"], again["corrected_fields"]) == (
        "replied",
        "correct",
        {"content": CORRECTED_CONTENT},
    )
    assert timeline(again)[-3:] == [
        ("reply", "verifying", "replied", "dept-scj"),
        ("return", "replied", "verifying", "office"),
        ("reply", "verifying", "replied", "dept-scj"),
    ]
    assert clocks(again)[-1] == ("objection_verification", "SCJ", "2026-09-29", "2026-10-09", "met", "2026-10-08")


def test_several_departments_verify_each_on_its_own_clock_and_the_records_department_leads(
    api, travel, record, company_user, office, officer_scj, officer_hb
):
    # given an objection to market regulation's record, forwarded on 9/29 to environment and market regulation
    number = file_objection(api, company_user, record).json()["number"]
    act(api, office, number, "accept")
    travel(date(2026, 9, 29))
    forwarded = act(api, office, number, "forward", departments=["HB", "SCJ"]).json()
    assert (forwarded["departments"], forwarded["timeline"][-1]["comment"]) == (
        ["SCJ", "HB"],
        "生态环境局、市场监督管理局",
    )
    assert [(v["department"], v["leads"]) for v in forwarded["verifications"]] == [("SCJ", True), ("HB", False)]

    def verification_clocks() -> list[tuple]:
        body = read(api, office, number).json()
        return [clock[1:] for clock in clocks(body) if clock[0] == "objection_verification"]

    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-09", "running", None),
        ("SCJ", "2026-09-29", "2026-10-09", "running", None),
    ]
    assert told("objection.forwarded") == ["dept-hb", "dept-scj"]

    # when the office pauses environment's clock for testing on 9/30 and resumes it on 10/8
    travel(date(2026, 9, 30))
    act(api, office, number, "pause", reason="委托检测", department="HB")
    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-09", "paused", None),
        ("SCJ", "2026-09-29", "2026-10-09", "running", None),
    ]
    travel(date(2026, 10, 8))
    act(api, office, number, "resume", department="HB")
    # then environment has one working day more (10/8 did not count)
    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-10", "running", None),
        ("SCJ", "2026-09-29", "2026-10-09", "running", None),
    ]

    # when the office extends environment's clock by 2 and then every clock by 1 (10/10 counts)
    act(api, office, number, "extend", days=2, reason="需调取执法记录", department="HB")
    act(api, office, number, "extend", days=1, reason="国庆假期后材料补齐")
    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-14", "running", None),
        ("SCJ", "2026-09-29", "2026-10-10", "running", None),
    ]

    # and pauses every running clock and resumes them all the next day
    act(api, office, number, "pause", reason="专家评审")
    assert [clock[3] for clock in verification_clocks()] == ["paused", "paused"]
    travel(date(2026, 10, 9))
    act(api, office, number, "resume")
    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-15", "running", None),
        ("SCJ", "2026-09-29", "2026-10-12", "running", None),
    ]

    # when environment replies first: the case waits for market regulation
    first = act(
        api,
        officer_hb,
        number,
        "reply",
        outcome="correct",
        explanation="环境部分有误。",
        corrected_fields={"content": CORRECTED_CONTENT},
    ).json()
    assert (first["state"], first["outcome"], first["allowed_actions"]) == ("verifying", "", [])
    assert timeline(first)[-1] == ("reply", "verifying", "verifying", "dept-hb")
    assert verification_clocks() == [
        ("HB", "2026-09-29", "2026-10-15", "met", "2026-10-09"),
        ("SCJ", "2026-09-29", "2026-10-12", "running", None),
    ]
    assert told("objection.replied") == []

    # and market regulation replies last: replied, with market regulation's outcome
    last = act(api, officer_scj, number, "reply", **DEPARTMENT_REPLY).json()
    assert (last["state"], last["outcome"], last["explanation"], last["corrected_fields"]) == (
        "replied",
        "maintain",
        DEPARTMENT_REPLY["explanation"],
        {},
    )
    assert timeline(last)[-1] == ("reply", "verifying", "replied", "dept-scj")
    assert [(v["department"], v["outcome"]) for v in last["verifications"]] == [("SCJ", "maintain"), ("HB", "correct")]
    assert told("objection.replied") == ["office"]

    # when the office returns the replies on Saturday 10/10
    travel(date(2026, 10, 10))
    returned = act(api, office, number, "return", reason="两部门意见不一致，请重新核实。").json()

    # then both departments verify again, each on a new clock, and both are told
    assert [(v["department"], v["replied_at"], v["forwarded_on"]) for v in returned["verifications"]] == [
        ("SCJ", None, "2026-10-10"),
        ("HB", None, "2026-10-10"),
    ]
    assert verification_clocks()[2:] == [
        ("SCJ", "2026-10-10", "2026-10-14", "running", None),
        ("HB", "2026-10-10", "2026-10-14", "running", None),
    ]
    assert told("objection.returned") == ["dept-hb", "dept-scj"]
    assert [read(api, user, number).json()["allowed_actions"] for user in (officer_scj, officer_hb)] == [
        ["reply"],
        ["reply"],
    ]


def test_the_office_decides_within_its_own_scope_without_a_department(api, travel, record, company_user, office):
    # given an accepted objection to a mistake the platform itself made
    number = file_objection(api, company_user, record).json()["number"]
    act(api, office, number, "accept")

    # when the office decides on 9/30 that the title is corrected, and confirms it
    travel(date(2026, 9, 30))
    decided = act(
        api,
        office,
        number,
        "decide-in-office",
        outcome="correct",
        explanation="平台归集时标题录入有误。",
        corrected_fields={"title": "未按规定公示2025年度报告"},
    ).json()
    assert (decided["state"], decided["decided_in_office"], decided["departments"]) == ("replied", True, [])
    # a decision without a department round cannot be returned to one
    assert decided["allowed_actions"] == ["confirm"]
    confirmed = act(api, office, number, "confirm").json()

    # then the record's title is corrected and the office's own clock was met
    assert confirmed["state"] == "published"
    assert timeline(confirmed) == [
        ("submit", "", "submitted", "subject-a"),
        ("accept", "submitted", "accepted", "office"),
        ("decide-in-office", "accepted", "replied", "office"),
        ("confirm", "replied", "corrected", "office"),
        ("publish", "corrected", "published", None),
    ]
    assert clocks(confirmed) == [
        ("objection_acceptance", None, "2026-09-28", "2026-09-30", "met", "2026-09-28"),
        ("objection_answer_in_office", None, "2026-09-28", "2026-10-08", "met", "2026-09-30"),
        ("objection_publication", None, "2026-09-30", "2026-10-10", "met", "2026-09-30"),
    ]
    after = record_of(api, company_user, record)
    assert (after["title"], after["under_objection"]) == ("未按规定公示2025年度报告", False)


# --- A department that misses its clock ------------------------------------------------------------


def test_a_department_past_its_last_day_is_escalated_to_its_head_and_the_office(
    api, objection_in, travel, officer_scj, office
):
    # given an objection forwarded to market regulation on 9/28 (reply due 10/8), whose head is named
    UserFactory(username="scj-head", officer=True, department=officer_scj.department, is_unit_head=True)
    objection = objection_in("verifying")
    verification = Deadline.objects.get(step="objection_verification")

    def sweep(day: date) -> list[tuple]:
        travel(day)
        return [
            (pk, stage, action) for pk, stage, action in case_deadlines_sweep(today=day).fired if pk == verification.pk
        ]

    # when the sweep runs the working day before, on the last day and the day after
    assert sweep(date(2026, 9, 30)) == [(verification.pk, Stage.WARNING, Action.REMIND)]
    assert told("deadline.reminder") == ["dept-scj", "scj-head"]
    assert sweep(date(2026, 10, 8)) == [(verification.pk, Stage.DUE, Action.ESCALATE)]
    # then on the last day the 督办 notification goes to the department's head and the office
    assert told("deadline.escalation") == ["office", "scj-head"]
    assert sweep(date(2026, 10, 9)) == [(verification.pk, Stage.OVERDUE, Action.REMIND)]
    assert told("deadline.overdue") == ["dept-scj", "office", "scj-head"]

    # and the clock is missed, the case overdue, and a late reply does not make it met
    verification.refresh_from_db()
    assert verification.status == "missed"
    listed = api.as_user(office).get("/api/v1/objections/", {"overdue": "true"}).json()
    assert [case["number"] for case in listed["results"]] == [objection.number]
    act(api, officer_scj, objection.number, "reply", **DEPARTMENT_REPLY)
    verification.refresh_from_db()
    assert (verification.status, verification.ended_on) == ("missed", date(2026, 10, 9))


def test_filing_on_a_holiday_is_received_on_the_next_working_day(api, travel, record, company_user):
    # given the company files on 国庆 Saturday 10/3
    travel(date(2026, 10, 3))
    filed = file_objection(api, company_user, record).json()

    # then it is received on Thursday 10/8 and its clocks count from there
    assert filed["received_on"] == "2026-10-08"
    assert clocks(filed) == [
        ("objection_acceptance", None, "2026-10-08", "2026-10-10", "running", None),
        ("objection_answer_in_office", None, "2026-10-08", "2026-10-12", "running", None),
    ]


def test_a_long_reason_is_kept_whole_in_the_history(api, objection_in, office):
    # given a replied objection, and a reason for returning it of 1,100 characters
    number = objection_in("replied").number
    reason = "请逐项核实处罚决定书所载罚款金额及其计算依据。" * 50

    # when the office returns the reply with it
    response = act(api, office, number, "return", reason=reason)

    # then it is kept whole in the verification's history (simple-history's default kept 100)
    assert response.status_code == 200
    verification = Objection.objects.get(number=number).verifications.get()
    returned = in_chinese(VERIFICATION_RETURNED) % {"reason": reason}
    assert verification.history.latest().history_change_reason == returned
