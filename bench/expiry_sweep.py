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

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from _setup import (
    BASE_DIR,
    database_description,
    environment,
    machine_line,
    run_benchmark,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "expiry_sweep.json"
TARGET_RATIO = 2.0
SWEEP_DAY = date(2027, 1, 6)  # the day after the last day of a general penalty decided 2026-01-05
SWEEP_AT = datetime(2027, 1, 6, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DUE_DECIDED = date(2026, 1, 5)
LOAD_CHUNK = 50_000  # model instances built at a time
BATCH_SIZE = 5000
WARM_UP_ROWS = 1000
DEPARTMENT_CODE = "BENCH"
INDEX_NAME = "record_expiry_idx"  # the index the sweep's select is meant to use
SEED = 20270106


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="records in the small run (default 10000)")
    parser.add_argument("--large", type=int, default=1_000_000, help="records in the large run (default 1000000)")
    parser.add_argument("--due", type=int, default=100, help="of them, expiring on the sweep day (default 100)")
    arguments = parser.parse_args()
    if arguments.due < 1:
        parser.error("--due must be at least 1")
    if arguments.small <= arguments.due:
        parser.error("--small must be more than --due")
    if arguments.large < arguments.small:
        parser.error("--large must not be less than --small")
    return arguments


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
    from repairflow.records.publication import publication_periods

    result = publication_periods(
        category=category,
        severity=severity,
        decision_date=decided,
        published_on=decided,
        cap_years=active_profile().publication_cap_years,
    )
    return {
        "category": category,
        "severity": severity,
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
    from django.core.management.color import no_style
    from django.db import connection

    from repairflow.records.models import CreditRecord

    tables = [CreditRecord._meta.db_table, CreditRecord.history.model._meta.db_table]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def analyze() -> None:
    from django.db import connection

    from repairflow.records.models import CreditRecord

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {connection.ops.quote_name(CreditRecord._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")


def load(count: int, due: int, department: Any, subject: Any) -> list[int]:
    """Empty the tables, then `count` records of which `due` expire on SWEEP_DAY; return the ids
    of the due ones."""
    from repairflow.records.models import CreditRecord
    from repairflow.records.services import records_due_to_expire

    clear_tables()
    due_variants, other_variants = record_variants()
    rng = random.Random(SEED)
    due_places = set(rng.sample(range(count), due))
    common = {
        "subject_id": subject.pk,
        "department_id": department.pk,
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
    }
    for first in range(0, count, LOAD_CHUNK):
        chunk = []
        for index in range(first, min(first + LOAD_CHUNK, count)):
            variants = due_variants if index in due_places else other_variants
            variant = variants[index % len(variants)]
            chunk.append(CreditRecord(**common, **variant, decision_no=f"济市监罚〔{index}〕号"))
        CreditRecord.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
    analyze()
    due_ids = sorted(records_due_to_expire(SWEEP_DAY))
    rows = CreditRecord.objects.count()
    if len(due_ids) != due or rows != count:
        raise SystemExit(f"loaded {rows} records, {len(due_ids)} due; expected {count} and {due}")
    return due_ids


def sweep_plan() -> str:
    """The database's plan for the sweep's select of the due records (`records_due_to_expire`)."""
    from repairflow.records.services import records_due_to_expire

    return records_due_to_expire(SWEEP_DAY).explain()


def timed_sweep(due_ids: list[int]) -> dict[str, Any]:
    """One sweep on SWEEP_DAY, checked: every due record expired once, with its history row and
    its version, and nothing else changed."""
    import time_machine
    from django.db.models import Max

    from repairflow.records.flows import LIVE
    from repairflow.records.models import CreditRecord, RecordState
    from repairflow.records.services import records_expire

    history = CreditRecord.history.model
    history_before = history.objects.count()
    others_before = CreditRecord.objects.exclude(pk__in=due_ids).aggregate(Max("updated_at"))["updated_at__max"]
    suspended = CreditRecord.objects.filter(pk__in=due_ids, state=RecordState.SUSPENDED).count()
    with time_machine.travel(SWEEP_AT):
        started = time.perf_counter()
        report = records_expire(today=SWEEP_DAY)
        seconds = time.perf_counter() - started
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
    with time_machine.travel(SWEEP_AT):
        started = time.perf_counter()
        idle = records_expire(today=SWEEP_DAY)
        idle_seconds = time.perf_counter() - started
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

    started = time.perf_counter()
    due_ids = load(count, due, department, subject)
    load_seconds = time.perf_counter() - started
    live = CreditRecord.objects.filter(state__in=LIVE).count()
    plan = sweep_plan()
    figures = timed_sweep(due_ids)
    return {
        "records": count,
        "live": live,
        "due": due,
        "load_seconds": round(load_seconds, 1),
        **figures,
        "plan": plan,
        "plan_uses_index": INDEX_NAME in plan,
    }


def run(small: int, large: int, due: int) -> dict[str, Any]:
    from repairflow.deadlines.policy import active_profile

    vendor, version = database_description()
    department, subject = make_owners()
    # Load lazy code paths (translations, the flow, SQL compilers) first.
    measure(WARM_UP_ROWS, min(due, WARM_UP_ROWS // 2), department, subject)
    small_figures = measure(small, due, department, subject)
    print(f"  small: {small:>9,} records, {due} due: {small_figures['seconds']:.3f} s", flush=True)
    large_figures = measure(large, due, department, subject)
    print(f"  large: {large:>9,} records, {due} due: {large_figures['seconds']:.3f} s", flush=True)
    clear_tables()
    ratio = large_figures["seconds"] / small_figures["seconds"]
    idle_ratio = large_figures["idle_seconds"] / small_figures["idle_seconds"]
    return {
        "benchmark": "expiry_sweep",
        "database": vendor,
        "database_version": version,
        "sweep_day": SWEEP_DAY.isoformat(),
        "profile": active_profile().code,
        "small": small_figures,
        "large": large_figures,
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio < TARGET_RATIO,
        "idle_ratio": round(idle_ratio, 1),
        **environment(),
    }


def report(figures: dict[str, Any]) -> None:
    print(f"expiry_sweep on {figures['sweep_day']} (profile {figures['profile']})")
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}")
    for label in ("small", "large"):
        run_figures = figures[label]
        print(
            f"  {label}: {run_figures['records']:>9,} records ({run_figures['live']:,} live), {run_figures['due']} due"
            f" -> one sweep {run_figures['seconds']:.3f} s"
            f"  ({run_figures['expired']} expired, {run_figures['suspended_among_them']} of them suspended;"
            f" load {run_figures['load_seconds']:.0f} s)"
        )
    verdict = "PASS" if figures["target_met"] else "FAIL"
    print(f"  ratio (large / small): {figures['ratio']:.2f}, target < {TARGET_RATIO:g}: {verdict}")
    small_idle, large_idle = figures["small"]["idle_seconds"], figures["large"]["idle_seconds"]
    print(
        f"  sweep again with nothing due (no target): small {small_idle * 1000:.1f} ms,"
        f" large {large_idle * 1000:.1f} ms, ratio {figures['idle_ratio']:.1f}"
    )
    print("  plan of the sweep's select (large):")
    for line in figures["large"]["plan"].splitlines():
        print(f"    {line}")
    for label in ("small", "large"):
        if not figures[label]["plan_uses_index"]:
            print(f"  WARNING: the {label} run's plan does not use {INDEX_NAME}: the sweep reads rows that are not due")
    print(f"results: {RESULTS_FILE.relative_to(BASE_DIR)}")


def main() -> int:
    arguments = parse_arguments()
    return run_benchmark(
        "expiry_sweep", RESULTS_FILE, lambda: run(arguments.small, arguments.large, arguments.due), report
    )


if __name__ == "__main__":
    sys.exit(main())
