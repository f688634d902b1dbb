"""Automatic expiry (docs/domain.md "Credit records"): the sweep ends the publication of every
live record the day after its maximum period, with a history row and a version like any other
change, and the provincial 5-year cap (山东省社会信用条例 Art. 38, 河南省社会信用条例 Art. 19)
is part of that maximum. A general penalty decided 2026-01-05 is published through 2027-01-05."""

import logging
from dataclasses import replace
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation

from repairflow.records import flows, publication, services
from repairflow.records.models import CreditRecord, EventType, RecordEvent, RecordState
from repairflow.records.publication import NDRC_ORDER_36, Category, Severity, SeverityRule
from repairflow.records.services import CAP_EXPIRED, PERIOD_EXPIRED, records_due_to_expire, records_expire
from repairflow.records.tasks import expire_records
from tests.factories import CreditRecordFactory
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
LAST_DAY = date(2027, 1, 5)  # the last day of a general penalty decided 2026-01-05
EXPIRY_DAY = date(2027, 1, 6)


@pytest.fixture
def travel():
    """Stop the clock at 01:00 Beijing time on 2027-01-04; `travel(day)` moves it to another day."""
    traveller = time_machine.travel(datetime(2027, 1, 4, 1, tzinfo=BEIJING), tick=False)
    coordinates = traveller.start()

    def to(day: date) -> None:
        coordinates.move_to(datetime(day.year, day.month, day.day, 1, tzinfo=BEIJING))

    yield to
    traveller.stop()


@pytest.fixture
def sweep(travel):
    """Sweep on `day`, with the clock moved there so that every part of the code agrees on today."""

    def on(day: date, **kwargs):
        travel(day)
        return records_expire(today=day, **kwargs)

    return on


def state_of(record: CreditRecord) -> dict:
    """Every column of the record and the number of its history rows."""
    return {**CreditRecord.objects.filter(pk=record.pk).values().get(), "history": record.history.count()}


def expired_on(record: CreditRecord) -> str:
    return in_chinese(PERIOD_EXPIRED) % {"date": record.max_period_end.isoformat()}


def test_a_record_is_published_through_its_last_day_and_expires_the_day_after(sweep):
    record = CreditRecordFactory(severity=Severity.GENERAL, decision_date=date(2026, 1, 5))
    assert record.max_period_end == LAST_DAY
    before = state_of(record)

    report = sweep(LAST_DAY)

    assert (report.expired, report.skipped, report.failed) == ([], [], [])
    assert state_of(record) == before

    report = sweep(EXPIRY_DAY)

    assert (report.expired, report.skipped, report.failed) == ([record.pk], [], [])
    after = state_of(record)
    assert (after["state"], after["version"], after["history"]) == (RecordState.EXPIRED, 2, 2)
    unchanged = {name for name in before if name not in ("state", "version", "updated_at", "history")}
    assert {name: after[name] for name in unchanged} == {name: before[name] for name in unchanged}


def test_the_expiry_is_in_the_history_with_no_actor_and_the_reason(sweep):
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))

    sweep(EXPIRY_DAY)

    row = record.history.order_by("-history_id").first()
    assert (row.state, row.version, row.history_user, row.history_change_reason) == (
        RecordState.EXPIRED,
        2,
        None,
        expired_on(record),
    )
    with translation.override("en"):
        assert str(PERIOD_EXPIRED) % {"date": "2027-01-05"} == "Maximum publication period ended on 2027-01-05"


def test_a_sweep_that_comes_late_expires_what_it_missed(sweep):
    records = [CreditRecordFactory(decision_date=date(2026, 1, day)) for day in (3, 4, 5)]

    report = sweep(date(2027, 1, 20))

    assert sorted(report.expired) == sorted(record.pk for record in records)
    assert {record.history.order_by("-history_id").first().history_change_reason for record in records} == {
        in_chinese(PERIOD_EXPIRED) % {"date": f"2027-01-0{day}"} for day in (3, 4, 5)
    }


def test_a_suspended_record_expires_too_and_keeps_its_objection_mark(sweep):
    record = CreditRecordFactory(state=RecordState.SUSPENDED, under_objection=True, decision_date=date(2026, 1, 5))

    assert sweep(EXPIRY_DAY).expired == [record.pk]

    record.refresh_from_db()
    assert (record.state, record.under_objection, record.version) == (RecordState.EXPIRED, True, 2)


@pytest.mark.parametrize(
    "state", [RecordState.ENDED, RecordState.EXPIRED, RecordState.REVOKED], ids=lambda state: state.value
)
def test_records_no_longer_published_are_left_alone(sweep, state):
    record = CreditRecordFactory(state=state, decision_date=date(2025, 6, 16))
    before = state_of(record)

    assert sweep(EXPIRY_DAY).expired == []

    assert state_of(record) == before


def test_an_unpublished_record_is_left_alone(sweep):
    record = CreditRecordFactory(state=RecordState.UNPUBLISHED, max_period_end=date(2026, 6, 30))
    before = state_of(record)

    assert sweep(EXPIRY_DAY).expired == []

    assert state_of(record) == before


@pytest.mark.parametrize("category", [Category.ADMINISTRATIVE_LICENSE, Category.RED_LIST])
def test_information_that_is_not_negative_never_expires(sweep, category):
    record = CreditRecordFactory(category=category, severity=None, decision_date=date(2019, 1, 7))
    assert record.max_period_end is None
    before = state_of(record)

    assert sweep(date(2040, 1, 1)).expired == []

    assert state_of(record) == before


def test_only_the_due_records_change(sweep):
    due = CreditRecordFactory(decision_date=date(2026, 1, 5))
    others = [
        CreditRecordFactory(decision_date=date(2026, 1, 6)),  # last day 2027-01-06
        CreditRecordFactory(severity=Severity.SERIOUS, decision_date=date(2025, 6, 16)),  # to 2028-06-16
        CreditRecordFactory(state=RecordState.ENDED, decision_date=date(2025, 1, 6)),
        CreditRecordFactory(category=Category.ADMINISTRATIVE_LICENSE, severity=None),
    ]
    before = [state_of(record) for record in others]

    assert sweep(EXPIRY_DAY).expired == [due.pk]

    assert [state_of(record) for record in others] == before


def test_the_sweep_works_through_many_records_in_batches(sweep):
    records = [CreditRecordFactory(decision_date=date(2026, 1, 5)) for _ in range(7)]

    report = sweep(EXPIRY_DAY, batch_size=3)

    assert report.expired == sorted(record.pk for record in records)
    assert set(CreditRecord.objects.values_list("state", flat=True)) == {RecordState.EXPIRED}
    assert sweep(EXPIRY_DAY, batch_size=3).expired == []


def test_a_record_that_fails_to_expire_does_not_stop_the_others(sweep, monkeypatch, caplog):
    first, broken, last = (CreditRecordFactory(decision_date=date(2026, 1, 5)) for _ in range(3))
    broken_before = state_of(broken)
    transition = services.record_transition

    def failing_transition(*, record, **kwargs):
        if record.pk == broken.pk:
            raise RuntimeError("disk full")
        return transition(record=record, **kwargs)

    monkeypatch.setattr(services, "record_transition", failing_transition)

    with caplog.at_level(logging.ERROR, logger="repairflow.records.services"):
        report = sweep(EXPIRY_DAY, batch_size=2)

    assert (report.expired, report.failed) == ([first.pk, last.pk], [broken.pk])
    assert state_of(broken) == broken_before
    assert f"Record {broken.pk} could not expire" in caplog.text

    # The next sweep tries it again.
    monkeypatch.setattr(services, "record_transition", transition)
    assert sweep(EXPIRY_DAY).expired == [broken.pk]


def test_a_record_no_longer_live_when_locked_is_skipped(sweep, monkeypatch):
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))
    ended = CreditRecordFactory(decision_date=date(2026, 1, 5))
    # The ids were read before a repair ended the second record's publication.
    monkeypatch.setattr("repairflow.records.services.records_due_to_expire", lambda today: [record.pk, ended.pk])
    flows.RecordFlow(ended, actor=None, reason="信用修复").end_publication()
    before = state_of(ended)

    report = sweep(EXPIRY_DAY)

    assert (report.expired, report.skipped, report.failed) == ([record.pk], [ended.pk], [])
    assert state_of(ended) == before


# --- The provincial cap ------------------------------------------------------------------------


@pytest.fixture
def serious_for_ten_years(monkeypatch):
    """Order 36 with serious information published up to 10 years, longer than any province's cap."""
    rule_set = replace(
        NDRC_ORDER_36,
        severities={
            **NDRC_ORDER_36.severities,
            Severity.SERIOUS: SeverityRule(publishable=True, min_months=12, max_months=120),
        },
    )
    monkeypatch.setattr(publication, "RULE_SETS", (*publication.RULE_SETS[:2], rule_set))


@pytest.mark.parametrize(
    ("profile", "max_period_end"),
    [
        pytest.param("shandong", date(2031, 5, 11), id="shandong-capped"),
        pytest.param("henan", date(2031, 5, 11), id="henan-capped"),
        pytest.param("national", date(2036, 5, 11), id="national-no-cap"),
    ],
)
def test_a_longer_maximum_is_cut_to_the_provincial_cap(settings, serious_for_ten_years, profile, max_period_end):
    settings.REPAIRFLOW_PROFILE = profile

    record = CreditRecordFactory(severity=Severity.SERIOUS, decision_date=date(2026, 5, 11))

    assert (record.publication_start, record.min_period_end, record.max_period_end) == (
        date(2026, 5, 11),
        date(2027, 5, 11),
        max_period_end,
    )


@pytest.mark.parametrize("profile", ["shandong", "henan"])
def test_negative_information_with_no_maximum_gets_the_cap_and_expires_after_it(settings, sweep, profile):
    settings.REPAIRFLOW_PROFILE = profile
    record = CreditRecordFactory(category=Category.OTHER, severity=None, negative=True, decision_date=date(2026, 1, 5))
    assert (record.min_period_end, record.max_period_end) == (None, date(2031, 1, 5))

    assert sweep(date(2031, 1, 5)).expired == []
    assert sweep(date(2031, 1, 6)).expired == [record.pk]

    row = record.history.order_by("-history_id").first()
    assert (row.state, row.history_user, row.history_change_reason) == (
        RecordState.EXPIRED,
        None,
        in_chinese(CAP_EXPIRED) % {"years": 5, "date": "2031-01-05"},
    )
    with translation.override("en"):
        assert str(CAP_EXPIRED) % {"years": 5, "date": "2031-01-05"} == (
            "Publication of negative information is capped at 5 years; the cap ended on 2031-01-05"
        )


def test_without_a_cap_negative_information_with_no_maximum_stays_published(settings, sweep):
    settings.REPAIRFLOW_PROFILE = "national"
    record = CreditRecordFactory(category=Category.OTHER, severity=None, negative=True, decision_date=date(2026, 1, 5))
    assert record.max_period_end is None
    before = state_of(record)

    assert sweep(date(2040, 1, 1)).expired == []

    assert state_of(record) == before


def test_under_a_capping_profile_a_record_whose_own_maximum_comes_first_gives_the_plain_reason(settings, sweep):
    settings.REPAIRFLOW_PROFILE = "henan"
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))

    sweep(EXPIRY_DAY)

    assert record.history.order_by("-history_id").first().history_change_reason == expired_on(record)


def test_a_correction_of_the_severity_recomputes_the_cap(settings):
    settings.REPAIRFLOW_PROFILE = "shandong"
    record = CreditRecordFactory(category=Category.OTHER, severity=None, negative=True, decision_date=date(2026, 1, 5))
    assert record.max_period_end == date(2031, 1, 5)

    flows.RecordFlow(record, actor=None, reason="更正").correct(changes={"severity": Severity.GENERAL})

    record.refresh_from_db()
    assert (record.min_period_end, record.max_period_end) == (date(2026, 4, 5), date(2027, 1, 5))


# --- Running it --------------------------------------------------------------------------------


def test_the_task_sweeps_as_of_today(travel):
    records = [CreditRecordFactory(decision_date=date(2026, 1, 5)) for _ in range(2)]
    travel(LAST_DAY)
    assert expire_records() == 0

    travel(EXPIRY_DAY)
    assert expire_records() == 2

    assert {record.state for record in CreditRecord.objects.filter(pk__in=[r.pk for r in records])} == {
        RecordState.EXPIRED
    }


def test_beat_runs_the_task_every_hour_by_default():
    entry = django_settings.CELERY_BEAT_SCHEDULE["expire-records"]

    assert (entry["task"], entry["schedule"]) == (expire_records.name, 3600.0)
    assert expire_records.name == "repairflow.records.tasks.expire_records"


def test_the_command_sweeps_today_or_an_earlier_day(travel):
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))
    travel(date(2027, 1, 10))
    out = StringIO()

    call_command("expire_records", "--date", "2027-01-05", stdout=out)
    assert out.getvalue() == "2027-01-05: 0 records expired, 0 skipped (changed or locked meanwhile), 0 failed.\n"

    call_command("expire_records", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "2027-01-10: 1 records expired, 0 skipped (changed or locked meanwhile), 0 failed."
    )
    record.refresh_from_db()
    assert record.state == RecordState.EXPIRED


def test_the_command_refuses_a_day_after_today(travel):
    record = CreditRecordFactory(decision_date=date(2026, 1, 5))
    travel(LAST_DAY)

    with pytest.raises(CommandError, match="after today"):
        call_command("expire_records", "--date", "2027-01-06")

    record.refresh_from_db()
    assert record.state == RecordState.PUBLISHED


def test_the_command_refuses_what_is_not_a_date():
    with pytest.raises(CommandError, match="not a date"):
        call_command("expire_records", "--date", "2027-13-01")


# --- The index -----------------------------------------------------------------------------------


def test_the_sweep_finds_the_due_records_through_the_expiry_index(company, scj):
    # 5,000 records, most published to 2030 or expired long ago, ten due: the planner (with fresh
    # statistics) reads the ids from the index on (state, max_period_end), not from the table.
    template = CreditRecordFactory.build(subject=company, department=scj, decision_date=date(2026, 1, 5))
    template.set_publication_periods(published_on=template.decision_date)
    fields = {
        field.attname: getattr(template, field.attname)
        for field in CreditRecord._meta.concrete_fields
        if not field.primary_key and field.attname not in ("decision_no", "state", "max_period_end")
    }
    kinds = [(RecordState.PUBLISHED, date(2030, 1, 1)), (RecordState.EXPIRED, date(2025, 1, 5))]
    CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                **fields,
                decision_no=f"罚〔2026〕{n}号",
                state=RecordState.PUBLISHED if n < 10 else kinds[n % 2][0],
                max_period_end=LAST_DAY if n < 10 else kinds[n % 2][1],
            )
            for n in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(CreditRecord._meta.db_table)
        cursor.execute(f"ANALYZE {table}")

    plan = records_due_to_expire(EXPIRY_DAY).explain()

    assert "record_expiry_idx" in plan, plan
    assert len(records_due_to_expire(EXPIRY_DAY)) == 10


# --- A correction that ends the period ends the publication at once --------------------------


def corrected(record: CreditRecord, actor, **changes) -> CreditRecord:
    """The record corrected in one transaction, as an objection's outcome or an import does."""
    with transaction.atomic():
        locked = CreditRecord.objects.select_for_update().get(pk=record.pk)
        services.record_transition(record=locked, actor=actor, action="correct", reason="更正", changes=changes)
    return CreditRecord.objects.get(pk=record.pk)


def test_a_correction_that_moves_the_maximum_period_into_the_past_ends_the_publication_with_it(travel, office):
    record = CreditRecordFactory(severity=Severity.GENERAL, decision_date=date(2026, 1, 5))
    travel(date(2027, 1, 4))

    record = corrected(record, office, decision_date=date(2026, 1, 2))

    assert (record.state, record.max_period_end, record.version) == (RecordState.EXPIRED, date(2027, 1, 2), 3)
    row = record.history.order_by("-history_id").first()
    assert (row.state, row.history_user) == (RecordState.EXPIRED, office)
    assert in_chinese(PERIOD_EXPIRED) % {"date": "2027-01-02"} in row.history_change_reason
    # one event for the use-case, named by its weightiest change, the correction with it
    event = RecordEvent.objects.get(record=record)
    assert (event.type, event.also, event.snapshot["state"]) == (
        EventType.RECORD_EXPIRED,
        [EventType.RECORD_CORRECTED],
        RecordState.EXPIRED,
    )
    assert records_due_to_expire(date(2027, 1, 4)).count() == 0


def test_a_correction_that_leaves_the_period_running_leaves_the_record_published(travel, office):
    record = CreditRecordFactory(severity=Severity.GENERAL, decision_date=date(2026, 1, 5))
    travel(date(2027, 1, 4))

    record = corrected(record, office, decision_date=date(2026, 1, 4))

    assert (record.state, record.max_period_end, record.version) == (RecordState.PUBLISHED, date(2027, 1, 4), 2)
    assert not RecordEvent.objects.filter(record=record, type=EventType.RECORD_EXPIRED).exists()


def test_a_correction_of_a_record_no_longer_published_does_not_expire_it(travel, office):
    record = CreditRecordFactory(state=RecordState.ENDED, severity=Severity.GENERAL, decision_date=date(2026, 1, 5))
    travel(date(2027, 1, 4))

    record = corrected(record, office, decision_date=date(2026, 1, 2))

    assert record.state == RecordState.ENDED
    assert not RecordEvent.objects.filter(record=record, type=EventType.RECORD_EXPIRED).exists()
