"""Benchmark: one expiry sweep (`records_expire`) over few and over many records.

    .venv/bin/python bench/expiry_sweep.py [--small N] [--large N] [--due N]

Fills the record table with `--small` (default 10,000) records, `--due` (default 100) of them
expiring on the sweep day, times one sweep, then does the same with `--large` (default
1,000,000) records and the same number due. The sweep should read only the records it expires,
found by the index `record_expiry_idx` on (state, max_period_end), so its time follows the
records due, not the records kept. The target: large / small under 2.

The sweep day is 2027-01-06: the due records are general penalties decided 2026-01-05, published
through 2027-01-05 (four in five published, one in five suspended). The others are what a
registry holds: live penalties whose maximum periods end from the sweep day on (general ones
decided over the year before it, serious ones over the three years before it); records whose
publication already ended, expired or was revoked, with maximum periods long past (the rows a
query on the date alone would read); and licences and red-list entries with no maximum. Their
periods are computed by `publication_periods` under the active profile's cap, as
`CreditRecord.set_publication_periods` computes them; the rows are bulk-created without history,
the due ones at random places among the others. Each size gets emptied tables, a fresh load and
ANALYZE; a warm-up sweep over 1,000 records runs first and is not counted. The sweep runs as in
production: each record through `RecordFlow.expire` with its history row and version. After
the timed sweep the same sweep runs again with nothing left to expire: its time (no target) is
the select's own cost, what beat's hourly run costs on a quiet hour.

Databases as in `bench/deadline_sweep.py`: on SQLite a file in a temporary `REPAIRFLOW_VAR_DIR`;
elsewhere (`DATABASE_URL`) a database of its own made by Django's test-database creation and
dropped at the end. Figures and the query plan of the sweep's select are printed and written to
`bench/results/expiry_sweep.json`, one entry per database vendor.
"""

import sys
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from _setup import (
    BASE_DIR,
    analyze,
    bulk_load,
    empty_tables,
    measure_small_and_large,
    parse_sweep_arguments,
    query_plan,
    report_sweep,
    run_benchmark,
    sweep_figures,
    timed,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "expiry_sweep.json"
TARGET_RATIO = 2.0
SWEEP_DAY = date(2027, 1, 6)  # the day after the last day of a general penalty decided 2026-01-05
SWEEP_AT = datetime(2027, 1, 6, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DUE_DECIDED = date(2026, 1, 5)
DEPARTMENT_CODE = "BENCH"
INDEX_NAME = "record_expiry_idx"  # the index the sweep's select is meant to use
SEED = 20270106


def make_owners() -> tuple[Any, Any]:
    """The department and the subject every record belongs to."""
    from repairflow.core.identifiers import SubjectType
    from repairflow.records.models import CreditSubject, Department

    department = Department.objects.create(code=DEPARTMENT_CODE, name="市场监督管理局")
    subject = CreditSubject.objects.create(
        subject_type=SubjectType.LEGAL_PERSON, identifier="91370102MA3C4K7R18", name="济南泉城示范科技有限公司"
    )
    return department, subject


def periods(category: str, severity: str | None, decided: date) -> dict[str, Any]:
    """The fields `set_publication_periods` fixes for a record published on its decision date."""
    from repairflow.deadlines.policy import active_profile
    from repairflow.records.publication import is_negative, publication_periods

    result = publication_periods(
        negative=is_negative(category, severity),
        severity=severity,
        decision_date=decided,
        published_on=decided,
        cap_years=active_profile().publication_cap_years,
    )
    return {
        "category": category,
        "severity": severity,
        "negative": is_negative(category, severity),
        "decision_date": decided,
        "rule_set": result.rule_set.code,
        "publication_start": result.start,
        "min_period_end": result.min_end,
        "max_period_end": result.max_end,
    }


def record_variants() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fields of records expiring on SWEEP_DAY and of the others (see the module's doc)."""
    from repairflow.records.models import RecordState
    from repairflow.records.publication import Category, Severity

    penalty, general, serious = Category.ADMINISTRATIVE_PENALTY, Severity.GENERAL, Severity.SERIOUS
    live = [RecordState.PUBLISHED] * 4 + [RecordState.SUSPENDED]
    gone = [RecordState.EXPIRED, RecordState.EXPIRED, RecordState.ENDED, RecordState.REVOKED]
    due = [{**periods(penalty, general, DUE_DECIDED), "state": state} for state in live]
    others = []
    for offset in range(1, 366):  # general penalties live to a day from SWEEP_DAY to a year after
        others.append({**periods(penalty, general, DUE_DECIDED + timedelta(days=offset)), "state": live[offset % 5]})
    for offset in range(1, 3 * 365, 3):  # serious ones decided over the three years before
        decided = SWEEP_DAY - timedelta(days=offset)
        others.append({**periods(penalty, serious, decided), "state": live[offset % 5]})
    for offset in range(0, 6 * 365, 2):  # ended, expired or revoked, decided 2019-2025
        decided = date(2019, 1, 7) + timedelta(days=offset)
        severity = general if offset % 3 else serious
        others.append({**periods(penalty, severity, decided), "state": gone[offset % len(gone)]})
    for offset in range(0, 5 * 365, 5):  # licences and red-list entries: no maximum
        category = Category.ADMINISTRATIVE_LICENSE if offset % 2 else Category.RED_LIST
        decided = date(2022, 1, 4) + timedelta(days=offset)
        others.append({**periods(category, None, decided), "state": RecordState.PUBLISHED})
    live_states = {RecordState.PUBLISHED, RecordState.SUSPENDED}
    wrong = [
        variant
        for variant in others
        if variant["state"] in live_states and variant["max_period_end"] and variant["max_period_end"] < SWEEP_DAY
    ]
    if wrong or any(variant["max_period_end"] != SWEEP_DAY - timedelta(days=1) for variant in due):
        raise SystemExit("the record variants do not split into due and not due on the sweep day")
    return due, others


def clear_tables() -> None:
    """Empty the record table and its history (TRUNCATE … CASCADE on PostgreSQL: the cases'
    tables that point at records are empty here), so that every size starts afresh."""
    from repairflow.records.models import CreditRecord

    empty_tables([CreditRecord._meta.db_table, CreditRecord.history.model._meta.db_table], cascade=True)


def load(count: int, due: int, department: Any, subject: Any) -> list[int]:
    """Empty the tables, then `count` records of which `due` expire on SWEEP_DAY; return the ids
    of the due ones."""
    from repairflow.records.models import CreditRecord
    from repairflow.records.services import records_due_to_expire

    clear_tables()
    due_variants, other_variants = record_variants()
    common = {
        "subject_id": subject.pk,
        "department_id": department.pk,
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
    }
    bulk_load(
        CreditRecord,
        count,
        due,
        due_variants,
        other_variants,
        seed=SEED,
        build=lambda place, variant: CreditRecord(**common, **variant, decision_no=f"济市监罚〔{place}〕号"),
    )
    analyze(CreditRecord._meta.db_table)
    due_ids = sorted(records_due_to_expire(SWEEP_DAY))
    rows = CreditRecord.objects.count()
    if len(due_ids) != due or rows != count:
        raise SystemExit(f"loaded {rows} records, {len(due_ids)} due; expected {count} and {due}")
    return due_ids


def timed_sweep(due_ids: list[int]) -> dict[str, Any]:
    """One sweep on SWEEP_DAY, checked: every due record expired once, with its history row and
    its version, and nothing else changed."""
    from django.db.models import Max

    from repairflow.records.flows import LIVE
    from repairflow.records.models import CreditRecord, RecordState
    from repairflow.records.services import records_expire

    history = CreditRecord.history.model
    history_before = history.objects.count()
    others_before = CreditRecord.objects.exclude(pk__in=due_ids).aggregate(Max("updated_at"))["updated_at__max"]
    suspended = CreditRecord.objects.filter(pk__in=due_ids, state=RecordState.SUSPENDED).count()
    report, seconds = timed(lambda: records_expire(today=SWEEP_DAY), at=SWEEP_AT)
    if report.failed or report.skipped or sorted(report.expired) != due_ids:
        raise SystemExit(
            f"expected the {len(due_ids)} due records to expire: {len(report.expired)} expired,"
            f" {len(report.skipped)} skipped, {len(report.failed)} failed"
        )
    expired = CreditRecord.objects.filter(pk__in=due_ids, state=RecordState.EXPIRED, version=2).count()
    if expired != len(due_ids):
        raise SystemExit(f"{len(due_ids) - expired} swept records are not expired with version 2")
    new_history = history.objects.filter(state=RecordState.EXPIRED, history_user=None).count()
    if history.objects.count() - history_before != len(due_ids) or new_history != len(due_ids):
        raise SystemExit(f"expected {len(due_ids)} history rows from the sweep, found {new_history}")
    others_after = CreditRecord.objects.exclude(pk__in=due_ids).aggregate(Max("updated_at"))["updated_at__max"]
    if others_after != others_before:
        raise SystemExit("the sweep changed records that were not due")
    if CreditRecord.objects.filter(state__in=LIVE, max_period_end__lt=SWEEP_DAY).exists():
        raise SystemExit(f"live records whose maximum period ended before {SWEEP_DAY} are left after the sweep")
    # The same sweep again, with nothing left to expire: what beat's hourly run costs on a quiet
    # hour. Not part of the target; it shows the select's own cost.
    idle, idle_seconds = timed(lambda: records_expire(today=SWEEP_DAY), at=SWEEP_AT)
    if idle.expired or idle.skipped or idle.failed:
        raise SystemExit(f"the second sweep expired {len(idle.expired)} records and failed {len(idle.failed)}")
    return {
        "seconds": round(seconds, 4),
        "idle_seconds": round(idle_seconds, 4),
        "expired": len(report.expired),
        "suspended_among_them": suspended,
    }


def measure(count: int, due: int, department: Any, subject: Any) -> dict[str, Any]:
    from repairflow.records.flows import LIVE
    from repairflow.records.models import CreditRecord
    from repairflow.records.services import records_due_to_expire

    due_ids, load_seconds = timed(lambda: load(count, due, department, subject))
    live = CreditRecord.objects.filter(state__in=LIVE).count()
    plan = query_plan(records_due_to_expire(SWEEP_DAY), INDEX_NAME)  # before the sweep expires the due records
    return {
        "records": count,
        "live": live,
        "due": due,
        "load_seconds": round(load_seconds, 1),
        **timed_sweep(due_ids),
        **plan,
    }


def run(small: int, large: int, due: int) -> dict[str, Any]:
    from repairflow.deadlines.policy import active_profile

    department, subject = make_owners()
    # The warm-up before the small and the large run loads the flow too.
    small_figures, large_figures = measure_small_and_large(
        partial(measure, department=department, subject=subject), small, large, due, "records"
    )
    clear_tables()
    return sweep_figures(
        "expiry_sweep", SWEEP_DAY, small_figures, large_figures, TARGET_RATIO, profile=active_profile().code
    )


def describe(run_figures: dict[str, Any]) -> tuple[str, str]:
    """What a run's line of the report says of the table and of what the sweep did."""
    table = f"{run_figures['records']:>9,} records ({run_figures['live']:,} live)"
    return table, f"{run_figures['expired']} expired, {run_figures['suspended_among_them']} of them suspended"


def report(figures: dict[str, Any]) -> None:
    title = f"expiry_sweep on {figures['sweep_day']} (profile {figures['profile']})"
    report_sweep(title, figures, describe, INDEX_NAME, RESULTS_FILE)


def main() -> int:
    arguments = parse_sweep_arguments(__doc__.split("\n\n")[0], "records", "expiring on the sweep day")
    return run_benchmark(
        "expiry_sweep", RESULTS_FILE, lambda: run(arguments.small, arguments.large, arguments.due), report
    )


if __name__ == "__main__":
    sys.exit(main())
