"""Two departments' systems sending the same decision at the same moment: one record, one 409.
Real concurrent transactions need a server database; on SQLite these tests are skipped."""

from datetime import date

import pytest

from repairflow.core.errors import Conflict
from repairflow.records.models import CreditRecord, CreditSubject
from repairflow.records.services import record_create
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_decision_sent_twice_at_once_makes_one_record_and_one_conflict(officer_scj, scj):
    entry = {
        "subject_id": "91370102MA3C4K7R18",
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "department": scj,
        "decision_no": "济市监罚〔2026〕1号",
        "decision_date": date(2026, 1, 5),
        "title": "未按规定公示年度报告",
        "content": "",
        "publish": None,
    }

    outcomes = run_at_once(*[lambda: record_create(actor=officer_scj, entry=entry)] * 2)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Conflict", "CreditRecord"]
    assert all(isinstance(outcome, (Conflict, CreditRecord)) for outcome in outcomes)
    assert (CreditRecord.objects.count(), CreditSubject.objects.count()) == (1, 1)
    assert CreditRecord.history.count() == 1
