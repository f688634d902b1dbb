"""The office's bulk extension reaches a repair's decision clock through the repair's own
extension: market regulation's 7 working days, forwarded on FILED_ON (Mon 2026-09-28), run 9/29,
9/30, 10/8, 10/9, Sat 10/10, 10/12, 10/13; two more working days make it 10/15."""

from datetime import date

import pytest

from repairflow.deadlines.services import case_deadlines
from tests.repair.conftest import proof, record, repair_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_office_extends_a_repair_decision_from_the_queue(client, repair_in, office):  # noqa: F811
    repair = repair_in("reviewing")
    decision = case_deadlines(repair).get(step="repair_decision")
    assert decision.due_on == date(2026, 10, 13)
    client.force_login(office)

    response = client.post(
        "/office/queue/", {"action": "extend", "days": "2", "reason": "需补充现场核查", "deadline": [decision.pk]}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.due_on == date(2026, 10, 15)
    assert repair.timeline.filter(action="extend").get().comment == "需补充现场核查"
