"""What the office's tests share: open cases of the company's with clocks worked out by hand."""

from datetime import date

import pytest

from repairflow.deadlines.services import case_deadlines
from repairflow.objections import services as objections
from repairflow.repair import services as repairs
from tests.factories import CreditRecordFactory

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
