"""Two departments' systems sending the same decision at the same moment: one record, one 409.
Two expiry sweeps at once, and a sweep meeting a record another transaction holds. Real
concurrent transactions need a server database; on SQLite these tests are skipped."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections, transaction

from repairflow.core.errors import Conflict
from repairflow.records.models import CreditRecord, CreditSubject, RecordState
from repairflow.records.services import record_create, records_expire
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import CreditRecordFactory

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


EXPIRY_DAY = date(2027, 1, 6)  # the day after the last day of a general penalty decided 2026-01-05
EXPIRY_MORNING = datetime(2027, 1, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_two_expiry_sweeps_at_once_expire_each_record_once(scj):
    records = [CreditRecordFactory(department=scj, decision_date=date(2026, 1, 5)) for _ in range(20)]

    with time_machine.travel(EXPIRY_MORNING, tick=False):
        reports = run_at_once(*[lambda: records_expire(today=EXPIRY_DAY, batch_size=3)] * 2)

    assert all(not isinstance(report, Exception) for report in reports), reports
    assert [report.failed for report in reports] == [[], []]
    expired = [set(report.expired) for report in reports]
    assert expired[0].isdisjoint(expired[1])
    assert expired[0] | expired[1] == {record.pk for record in records}
    assert set(CreditRecord.objects.values_list("state", "version")) == {(RecordState.EXPIRED, 2)}
    assert CreditRecord.history.filter(state=RecordState.EXPIRED).count() == 20


def test_a_record_another_transaction_holds_is_skipped_and_expired_by_the_next_sweep(scj):
    held, free = (CreditRecordFactory(department=scj, decision_date=date(2026, 1, 5)) for _ in range(2))
    locked, release = threading.Event(), threading.Event()

    def hold():  # a case applying its outcome to the record, say
        try:
            with transaction.atomic():
                CreditRecord.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        with time_machine.travel(EXPIRY_MORNING, tick=False):
            report = records_expire(today=EXPIRY_DAY)
    finally:
        release.set()
        holder.join(timeout=30)

    assert (report.expired, report.skipped, report.failed) == ([free.pk], [held.pk], [])
    held.refresh_from_db()
    assert (held.state, held.version) == (RecordState.PUBLISHED, 1)
    with time_machine.travel(EXPIRY_MORNING, tick=False):
        assert records_expire(today=EXPIRY_DAY).expired == [held.pk]
