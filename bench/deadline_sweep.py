"""Benchmark: one deadline sweep (`case_deadlines_sweep`) over few and over many open clocks.

    .venv/bin/python bench/deadline_sweep.py [--small N] [--large N] [--due N]

Fills the deadline table with `--small` (default 10,000) open clocks, `--due` (default 100) of
them due on the sweep day, times one sweep, then does the same with `--large` (default
1,000,000) open clocks and the same number due. The sweep should read only the rows it fires,
found by the partial index `deadline_next_action`, so its time follows the due rows, not the
open ones. The target: large / small under 2.

Every clock is the objection verification step (a department's, 3 working days). One is started
by `deadline_start` with the clock pinned to the sweep day (2026-10-12, a Monday); the others are
its copies, bulk-created without history, with their start moved and their last day and next
stage computed again by `repairflow.deadlines.clock`: the due ones started just before the
sweep day and reach a stage on it, the others started from that day on over six months, so
their next stages spread over the months ahead. Due rows sit at random places among the others.
Each size gets emptied tables, a fresh load and ANALYZE; a warm-up sweep runs first and is not
counted. The sweep runs as in production: history rows, inbox notifications, and a delivery
task sent after each batch commits (to the filesystem broker in the temporary var directory,
unless CELERY_BROKER_URL says otherwise). After the timed sweep the same sweep runs again with
nothing left to fire: its time (no target) is the select's own cost, what beat's run costs on
a quiet minute.

Databases as in `bench/records_import.py`: on SQLite a file in a temporary `REPAIRFLOW_VAR_DIR`;
elsewhere (`DATABASE_URL`) a database of its own made by Django's test-database creation and
dropped at the end. Figures and the query plan of the sweep's select are printed and written to
`bench/results/deadline_sweep.json`, one entry per database vendor.
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

RESULTS_FILE = BASE_DIR / "bench" / "results" / "deadline_sweep.json"
TARGET_RATIO = 2.0
SWEEP_DAY = date(2026, 10, 12)  # a Monday, a working day
SWEEP_AT = datetime(2026, 10, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FUTURE_START_DAYS = 183  # the clocks not due started on each day of the six months from SWEEP_DAY
DUE_START_DAYS = 14  # the due ones on a day of the two weeks before it
DEPARTMENT_CODE = "BENCH"
INDEX_NAME = "deadline_next_action"  # the partial index the sweep's select is meant to use
SEED = 20261012


def make_case() -> tuple[Any, Any]:
    """The department, its officer, an office user (the sweep notifies both), and one record,
    created by `records_import`, to be the case of every clock."""
    from repairflow.core.permissions import Role
    from repairflow.records.models import Department, User
    from repairflow.records.services import records_import

    department = Department.objects.create(code=DEPARTMENT_CODE, name="市场监督管理局")
    officer = User.objects.create_user(username="bench-officer", role=Role.DEPARTMENT, department=department)
    User.objects.create_user(username="bench-office", role=Role.OFFICE)
    row = {
        "subject_id": "91370102MA3C4K7R18",
        "subject_name": "济南泉城示范科技有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "department": DEPARTMENT_CODE,
        "decision_no": "济市监罚〔2026〕1号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
    }
    report = records_import(actor=officer, rows=[row])
    if report.errors:
        raise SystemExit(f"the case record was not created: {report.errors}")
    return report.created[0], department


def clock_variants(template: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fields that follow from a clock's start, computed as the services compute them, for
    clocks due on SWEEP_DAY and for clocks whose next stage comes after it."""
    from repairflow.calendar.selectors import work_calendar
    from repairflow.deadlines.clock import next_stage, schedule

    calendar = work_calendar()
    rule = template.rule
    due, future = [], []
    starts = [SWEEP_DAY + timedelta(days=offset) for offset in range(-DUE_START_DAYS, FUTURE_START_DAYS)]
    for started_on in starts:
        result = schedule(calendar, started_on=started_on, working_days=template.working_days)
        planned = next_stage(calendar, rule, started_on=started_on, due_on=result.due_on, fired=[], today=SWEEP_DAY)
        if planned is None:
            continue
        variant = {
            "started_on": started_on,
            "due_on": result.due_on,
            "provisional": result.provisional,
            "paused_days": result.paused_days,
            "explanation": [note.as_json() for note in result.notes],
            "next_stage": planned[0],
            "next_action_on": planned[1],
        }
        if planned[1] == SWEEP_DAY:
            due.append(variant)
        elif planned[1] > SWEEP_DAY:
            future.append(variant)
    if not due or not future:
        raise SystemExit(f"no clock start gives a stage on {SWEEP_DAY} and after it: check the calendar")
    return due, future


def clear_tables() -> None:
    """Empty the tables a load and a sweep fill, so that every size starts afresh."""
    from repairflow.deadlines.models import Deadline
    from repairflow.notifications.models import Notification

    empty_tables([Deadline._meta.db_table, Deadline.history.model._meta.db_table, Notification._meta.db_table])


def load(count: int, due: int, case: Any, department: Any) -> list[int]:
    """Empty the tables, then `count` open clocks of which `due` reach a stage on SWEEP_DAY;
    return the ids of the due ones."""
    import time_machine

    from repairflow.deadlines.models import Deadline
    from repairflow.deadlines.policy import Step
    from repairflow.deadlines.services import deadline_start

    clear_tables()
    with time_machine.travel(SWEEP_AT):
        template = deadline_start(
            case=case, step=Step.OBJECTION_VERIFICATION, started_on=SWEEP_DAY, department=department
        )
    if template is None or template.next_action_on is None or template.next_action_on <= SWEEP_DAY:
        raise SystemExit(f"deadline_start did not give a clock whose next stage comes after {SWEEP_DAY}")
    due_variants, future_variants = clock_variants(template)
    copied = {
        field.attname: getattr(template, field.attname)
        for field in Deadline._meta.concrete_fields
        if not field.primary_key and field.attname not in ("created_at", "updated_at")
    }
    # The template is one of the open clocks; the copies are the others.
    bulk_load(
        Deadline,
        count - 1,
        due,
        due_variants,
        future_variants,
        seed=SEED,
        build=lambda _place, variant: Deadline(**{**copied, **variant}),
    )
    analyze(Deadline._meta.db_table)
    due_ids = list(Deadline.objects.filter(next_action_on__lte=SWEEP_DAY).values_list("pk", flat=True))
    open_rows = Deadline.objects.filter(ended_on__isnull=True).count()
    if len(due_ids) != due or open_rows != count:
        raise SystemExit(f"loaded {open_rows} open clocks, {len(due_ids)} due; expected {count} and {due}")
    return due_ids


def timed_sweep(due_ids: list[int]) -> dict[str, Any]:
    """One sweep on SWEEP_DAY, checked: every due clock fired once, and nothing else did."""
    from repairflow.cases.services import case_deadlines_sweep
    from repairflow.deadlines.models import Deadline
    from repairflow.notifications.models import Notification

    history = Deadline.history.model
    history_before = history.objects.count()
    report, seconds = timed(lambda: case_deadlines_sweep(today=SWEEP_DAY), at=SWEEP_AT)
    fired_ids = sorted(pk for pk, _stage, _action in report.fired)
    if report.failed or fired_ids != sorted(due_ids):
        raise SystemExit(
            f"expected the {len(due_ids)} due clocks to fire: {len(fired_ids)} fired, {len(report.failed)} failed"
        )
    fired_rows = Deadline.objects.filter(pk__in=due_ids)
    recorded = [row for row in fired_rows if len(row.actions) == 1 and row.actions[0]["on"] == SWEEP_DAY.isoformat()]
    if len(recorded) != len(due_ids):
        raise SystemExit(f"{len(due_ids) - len(recorded)} fired clocks have no action recorded for {SWEEP_DAY}")
    new_history = history.objects.count() - history_before
    if new_history != len(due_ids):
        raise SystemExit(f"expected {len(due_ids)} history rows from the sweep, found {new_history}")
    if Deadline.objects.filter(next_action_on__lte=SWEEP_DAY).exists():
        raise SystemExit(f"clocks with a stage on or before {SWEEP_DAY} are left after the sweep")
    notifications = Notification.objects.count()
    if not notifications:
        raise SystemExit("the sweep sent no notification")
    # The same sweep again, with nothing left to fire: what beat's every-minute run costs on a
    # quiet minute. Not part of the target; it shows the select's own cost.
    idle, idle_seconds = timed(lambda: case_deadlines_sweep(today=SWEEP_DAY), at=SWEEP_AT)
    if idle.fired or idle.failed:
        raise SystemExit(f"the second sweep fired {len(idle.fired)} clocks and failed {len(idle.failed)}")
    return {
        "seconds": round(seconds, 4),
        "idle_seconds": round(idle_seconds, 4),
        "fired": len(fired_ids),
        "stages": {stage: sum(1 for _, fired, _ in report.fired if fired == stage) for stage in ("warning", "due")},
        "notifications": notifications,
    }


def measure(count: int, due: int, case: Any, department: Any) -> dict[str, Any]:
    from repairflow.deadlines.services import deadlines_due

    due_ids, load_seconds = timed(lambda: load(count, due, case, department))
    plan = query_plan(deadlines_due(SWEEP_DAY), INDEX_NAME)  # before the sweep fires the due clocks
    return {"open": count, "due": due, "load_seconds": round(load_seconds, 1), **timed_sweep(due_ids), **plan}


def run(small: int, large: int, due: int) -> dict[str, Any]:
    case, department = make_case()
    # The warm-up before the small and the large run loads the Celery app and its broker too.
    small_figures, large_figures = measure_small_and_large(
        partial(measure, case=case, department=department), small, large, due, "open"
    )
    clear_tables()
    return sweep_figures("deadline_sweep", SWEEP_DAY, small_figures, large_figures, TARGET_RATIO)


def describe(run_figures: dict[str, Any]) -> tuple[str, str]:
    """What a run's line of the report says of the table and of what the sweep did."""
    table = f"{run_figures['open']:>9,} open clocks"
    return table, f"{run_figures['fired']} fired, {run_figures['notifications']} notifications"


def report(figures: dict[str, Any]) -> None:
    report_sweep(f"deadline_sweep on {figures['sweep_day']}", figures, describe, INDEX_NAME, RESULTS_FILE)


def main() -> int:
    arguments = parse_sweep_arguments(__doc__.split("\n\n")[0], "open clocks", "due on the sweep day")
    return run_benchmark(
        "deadline_sweep", RESULTS_FILE, lambda: run(arguments.small, arguments.large, arguments.due), report
    )


if __name__ == "__main__":
    sys.exit(main())
