"""What the office's tests share: open cases of the company's with clocks worked out by hand."""

from datetime import date

import pytest

from repairflow.deadlines.services import case_deadlines
from repairflow.objections import services as objections
from repairflow.repair import services as repairs
from tests.factories import CreditRecordFactory, record_entry

TODAY = date(2026, 10, 9)  # a Friday: the first two working days after it are Sat 10/10 and Mon 10/12


def due_on(case, step: str) -> date:
    return case_deadlines(case).get(step=step).due_on


@pytest.fixture
def cases(travel, company, company_user, scj, office):
    """Three objections and a repair application of the company's, with their clocks as the
    comments work out (Shandong: acceptance 2 working days, answer in the office's own scope 3,
    the department's verification 3, the repair's acceptance 2)."""
    records = [CreditRecordFactory(subject=company, department=scj) for _ in range(4)]

    def objection_on(day: date, record):
        travel(day)
        return objections.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="有误"
        )

    travel(date(2026, 9, 28))
    repair = repairs.repair_submit(actor=company_user, record=records[3], statement="已整改", commitment=True)
    # the repair, received Mon 9/28: accepted by 9/30 (9/29, 9/30): overdue on 10/9
    assert due_on(repair, "repair_acceptance") == date(2026, 9, 30)

    late = objection_on(date(2026, 9, 29), records[0])  # received Tue 9/29, never accepted
    # acceptance: 9/30, 10/8 → due 10/8 (overdue); own-scope answer: 9/30, 10/8, 10/9 → due 10/9 (today)
    assert (due_on(late, "objection_acceptance"), due_on(late, "objection_answer_in_office")) == (
        date(2026, 10, 8),
        date(2026, 10, 9),
    )
    waiting = objection_on(date(2026, 9, 30), records[1])  # received Wed 9/30
    # acceptance: 10/8, 10/9 → due 10/9 (today); own-scope answer: 10/8, 10/9, Sat 10/10 → due 10/10 (soon)
    assert (due_on(waiting, "objection_acceptance"), due_on(waiting, "objection_answer_in_office")) == (
        date(2026, 10, 9),
        date(2026, 10, 10),
    )
    forwarded = objection_on(date(2026, 10, 8), records[2])  # received Thu 10/8, accepted and forwarded at once
    objections.objection_accept(actor=office, number=forwarded.number)
    objections.objection_forward(actor=office, number=forwarded.number)
    # market regulation verifies: 10/9, Sat 10/10, 10/12 → due 10/12 (soon); the answer from
    # receipt, 7: 10/9 … 10/16, beyond the horizon
    assert due_on(forwarded, "objection_verification") == date(2026, 10, 12)
    assert due_on(forwarded, "objection_answer") == date(2026, 10, 16)
    travel(TODAY)
    return {"repair": repair, "late": late, "waiting": waiting, "forwarded": forwarded}


MAINTAIN = {"outcome": "maintain", "explanation": "经核实，记录无误。"}
CORRECT = {"outcome": "correct", "explanation": "金额有误", "corrected_fields": {"content": "责令改正，罚款五百元。"}}


@pytest.fixture
def october(travel, api, company, company_user, scj, hb, office, officer_scj, officer_hb):
    def objection_on(day: date, record):
        travel(day)
        objection = objections.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
        objections.objection_accept(actor=office, number=objection.number)
        objections.objection_forward(actor=office, number=objection.number)
        return objection

    # A, received Tue 9/29 and forwarded that day: market regulation's 3 working days run 9/30,
    # 10/8, 10/9; its reply on Mon 10/12 is late, after 5 working days (9/30, 10/8, 10/9, Sat
    # 10/10, 10/12). Confirmed 10/13 (maintained).
    late = objection_on(date(2026, 9, 29), CreditRecordFactory(subject=company, department=scj))
    travel(date(2026, 10, 12))
    objections.objection_reply(actor=officer_scj, number=late.number, **MAINTAIN)
    # B, received Mon 10/12: due 10/15 (10/13, 10/14, 10/15); replied 10/14, on time, after 2
    # working days. Confirmed 10/15 (corrected).
    on_time = objection_on(date(2026, 10, 12), CreditRecordFactory(subject=company, department=scj))
    # C, received Mon 10/12, forwarded to environment: due 10/15, never answered: late.
    objection_on(date(2026, 10, 12), CreditRecordFactory(subject=company, department=hb))
    travel(date(2026, 10, 13))
    objections.objection_confirm(actor=office, number=late.number)
    travel(date(2026, 10, 14))
    objections.objection_reply(actor=officer_scj, number=on_time.number, **CORRECT)
    travel(date(2026, 10, 15))
    objections.objection_confirm(actor=office, number=on_time.number)

    # Two licences decided Mon 10/12, due by 7 working days: 10/13–10/16, 10/19–10/21 → 10/21.
    travel(date(2026, 10, 12))
    client = api.as_user(officer_scj)
    on_time_licence = record_entry(
        category="administrative_license", severity=None, decision_no="许〔2026〕1号", decision_date="2026-10-12"
    )
    assert client.post("/api/v1/records/", on_time_licence, format="json").status_code == 201
    unpublished = {**on_time_licence, "decision_no": "许〔2026〕2号", "publish": False}
    late_licence = client.post("/api/v1/records/", unpublished, format="json").json()["id"]
    travel(date(2026, 10, 22))  # the 8th working day: one day late
    assert client.post(f"/api/v1/records/{late_licence}/publish/", {"reason": "补发"}, format="json").status_code == 200

    travel(date(2026, 11, 2))
