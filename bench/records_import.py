"""Benchmark: a department's batch import (`records_import`) with and without history.

    .venv/bin/python bench/records_import.py [--records N]

Builds N valid rows (one subject per 5 records) and times `records_import` twice on empty
tables: with simple-history (as in production) and with `SIMPLE_HISTORY_ENABLED=False`, which
simple-history's bulk path honours, so both runs take the same code path. The target: with
history at least half the rate without it (ratio >= 0.5).

It never touches the application's database. On SQLite the database file lives in a temporary
`REPAIRFLOW_VAR_DIR`; on any other database (`DATABASE_URL`) it creates its own database with
Django's test-database creation and drops it at the end. Figures are printed and written to
`bench/results/records_import.json`, one entry per database vendor.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from _setup import (
    BASE_DIR,
    database_description,
    environment,
    run_benchmark,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "records_import.json"
TARGET_RATIO = 0.5
RECORDS_PER_SUBJECT = 5
FIRST_DECISION_DATE = date(2022, 1, 1)
LAST_DECISION_DATE = date(2026, 12, 31)
DEPARTMENT_CODE = "BENCH"
WARM_UP_RECORDS = 1000
SEED = 20260101


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records in the batch (default 100000)")
    arguments = parser.parse_args()
    if arguments.records < 1:
        parser.error("--records must be at least 1")
    return arguments


def empty_database() -> None:
    """Empty every table (TRUNCATE on PostgreSQL), so that each timed run starts afresh."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def department_user() -> Any:
    from repairflow.core.permissions import Role
    from repairflow.records.models import Department, User

    department = Department.objects.create(code=DEPARTMENT_CODE, name="市场监督管理局")
    return User.objects.create_user(username="bench-officer", role=Role.DEPARTMENT, department=department)


def make_uscc(serial: int, region: str) -> str:
    from stdnum.cn import uscc

    base = f"91{region}{serial:09d}"
    return base + uscc.calc_check_digit(base)


def build_rows(count: int, *, last_day: date) -> list[dict[str, Any]]:
    """`count` valid rows as a department sends them: strings, mixed categories and severities,
    decision dates spread from 2022 to `last_day`, one subject per five records."""
    from repairflow.records.publication import Category, Severity, is_negative, may_be_published

    rng = random.Random(SEED)
    regions = ("370100", "370200", "370300", "410100", "110000", "310000")
    # (category, severity, weight): penalties are most of what departments send.
    kinds = (
        (Category.ADMINISTRATIVE_PENALTY, Severity.GENERAL, 30),
        (Category.ADMINISTRATIVE_PENALTY, Severity.MINOR, 15),
        (Category.ADMINISTRATIVE_PENALTY, Severity.SERIOUS, 10),
        (Category.SERIOUS_LIST, Severity.SERIOUS, 5),
        (Category.ABNORMAL_LIST, Severity.GENERAL, 10),
        (Category.OTHER, Severity.MINOR, 5),
        (Category.ADMINISTRATIVE_LICENSE, None, 15),
        (Category.RED_LIST, None, 10),
    )
    titles = {
        Category.ADMINISTRATIVE_PENALTY: "未按规定公示年度报告",
        Category.SERIOUS_LIST: "列入严重失信主体名单",
        Category.ABNORMAL_LIST: "列入经营异常名录",
        Category.OTHER: "其他失信信息",
        Category.ADMINISTRATIVE_LICENSE: "食品经营许可",
        Category.RED_LIST: "守信激励对象",
    }
    days = (last_day - FIRST_DECISION_DATE).days + 1
    rows = []
    for index in range(count):
        subject = index // RECORDS_PER_SUBJECT
        category, severity, _ = rng.choices(kinds, weights=[kind[2] for kind in kinds])[0]
        decision_date = FIRST_DECISION_DATE + timedelta(days=rng.randrange(days))
        row = {
            "subject_id": make_uscc(subject, regions[subject % len(regions)]),
            "subject_name": f"示例企业{subject}有限公司",
            "subject_type": "legal_person",
            "category": str(category),
            "department": DEPARTMENT_CODE,
            "decision_no": f"鲁市监罚〔{decision_date.year}〕{index + 1}号",
            "decision_date": decision_date.isoformat(),
            "title": titles[category],
            "content": "责令改正，罚款一千元。" if severity else "",
        }
        if severity is not None:
            row["severity"] = str(severity)
        choice = rng.random()
        if choice < 0.1:
            row["publish"] = False
        elif choice < 0.2 and may_be_published(
            negative=is_negative(category, severity), severity=severity, decision_date=decision_date
        ):
            row["publish"] = True
        rows.append(row)
    rng.shuffle(rows)
    return rows


def timed_import(rows: list[dict[str, Any]], *, history: bool) -> dict[str, Any]:
    """Import `rows` into an empty database and return the figures of the run."""
    from django.test import override_settings

    from repairflow.records.models import CreditRecord, CreditSubject
    from repairflow.records.services import records_import

    empty_database()
    user = department_user()
    with override_settings(SIMPLE_HISTORY_ENABLED=history):
        started = time.perf_counter()
        report = records_import(actor=user, rows=rows)
        seconds = time.perf_counter() - started
    if report.errors or len(report.created) != len(rows):
        raise SystemExit(f"the batch was not imported whole: {len(report.errors)} errors, e.g. {report.errors[:3]}")
    history_rows = CreditRecord.history.count() + CreditSubject.history.count()
    expected_history = len(rows) + CreditSubject.objects.count() if history else 0
    if history_rows != expected_history:
        raise SystemExit(f"expected {expected_history} history rows, found {history_rows}")
    return {
        "seconds": round(seconds, 3),
        "records_per_second": round(len(rows) / seconds, 1),
        "history_rows": history_rows,
    }


def run(count: int) -> dict[str, Any]:
    from django.utils import timezone

    from repairflow.records.models import CreditSubject

    vendor, version = database_description()
    rows = build_rows(count, last_day=min(LAST_DECISION_DATE, timezone.localdate()))
    # Load lazy code paths (translations, serializer fields, SQL compilers) before timing.
    timed_import(rows[:WARM_UP_RECORDS], history=True)
    with_history = timed_import(rows, history=True)
    subjects = CreditSubject.objects.count()
    without_history = timed_import(rows, history=False)
    empty_database()
    ratio = with_history["records_per_second"] / without_history["records_per_second"]
    return {
        "benchmark": "records_import",
        "database": vendor,
        "database_version": version,
        "records": count,
        "subjects": subjects,
        "with_history": with_history,
        "without_history": without_history,
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO,
        **environment(),
    }


def report(figures: dict[str, Any]) -> None:
    print(f"records_import: {figures['records']} records, {figures['subjects']} subjects")
    print(f"database: {figures['database']} {figures['database_version']}")
    for label, key in (("with history", "with_history"), ("without history", "without_history")):
        run_figures = figures[key]
        print(f"  {label:16} {run_figures['records_per_second']:>10.1f} records/s  ({run_figures['seconds']:.2f} s)")
    verdict = "met" if figures["target_met"] else "NOT met"
    print(f"  ratio (with / without history): {figures['ratio']:.3f}, target >= {TARGET_RATIO}: {verdict}")
    print(f"results: {RESULTS_FILE.relative_to(BASE_DIR)}")


def main() -> int:
    arguments = parse_arguments()
    return run_benchmark("records_import", RESULTS_FILE, lambda: run(arguments.records), report)


if __name__ == "__main__":
    sys.exit(main())
