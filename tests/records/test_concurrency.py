"""Two departments' systems sending the same decision at the same moment: one record, one 409.
Real concurrent transactions need a server database; on SQLite these tests are skipped."""

import threading
from datetime import date

import pytest
from django.db import connection

from repairflow.core.errors import Conflict
from repairflow.records.models import CreditRecord, CreditSubject
from repairflow.records.services import record_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL")


def run_at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        barrier.wait()
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


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
