"""Benchmark: the credit office's desk, queue and statistics over a large registry.

    .venv/bin/python bench/office_pages.py [--cases N] [--records N] [--lifecycles N] [--requests N]

Target (issue 16): with 100,000 cases and some 300,000 deadlines on PostgreSQL, the desk, a queue
page and the statistics for a year each render in under 200 ms of server time, with the same
number of queries whatever the page (a queue page costs the same at page 1, deep in the list and
filtered).

What is loaded: the registry, the objections run through the services and their copies, exactly
as `bench/list_pages.py` loads them (its functions, its `--records`, `--lifecycles` and `--cases`;
here `--cases` defaults to 100,000 and `--records` to 400,000, each copy on a record of its own),
then the days' figures kept as beat keeps them each night (`keep_daily_figures`), then VACUUM
ANALYZE. How it is measured: in-process, through `django.test.Client` logged in as
the office (the server's own time, no network): each URL requested twice to warm up, then its
queries captured once and `--requests` (default 20) requests timed; the median and the 90th
percentile are printed and written to `bench/results/office_pages.json`, with the plans of the
slowest statement of each URL on PostgreSQL."""

import argparse
import statistics as stats
import sys
import time
from datetime import date
from typing import Any
from urllib.parse import urlencode

from _setup import BASE_DIR, database_description, environment, machine_line, run_benchmark
from list_pages import (
    Phases,
    copy_cases,
    explain,
    load_records,
    make_people,
    run_lifecycles,
    templates_read,
    vacuum_analyze,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "office_pages.json"
TARGET_MS = 200.0
WARM_UP = 2
DEEP_PAGE = 200


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="objections in the database (100000)")
    parser.add_argument("--records", type=int, default=400_000, help="credit records in the table (400000)")
    parser.add_argument("--lifecycles", type=int, default=300, help="objections run through the services (300)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL (20)")
    return parser.parse_args()


def urls(today: date, one_name: str) -> list[tuple[str, str]]:
    year = f"from={today.year}-01-01&to={today.isoformat()}"
    return [
        ("desk page", "/office/"),
        ("desk API", "/api/v1/office/dashboard/"),
        ("queue page 1", "/office/queue/"),
        (f"queue page {DEEP_PAGE}", f"/office/queue/?page={DEEP_PAGE}"),
        ("queue overdue", "/office/queue/?overdue=true"),
        ("queue search", "/office/queue/?q=%E5%95%86%E8%B4%B8"),  # 商贸: part of many subjects' names
        ("queue search, one name", f"/office/queue/?{urlencode({'q': one_name})}"),
        ("statistics API, the year", f"/api/v1/office/statistics/?{year}"),
        ("statistics page, the year", f"/office/statistics/?start={today.year}-01-01&end={today.isoformat()}"),
    ]


def measure(client: Any, label: str, path: str, requests: int, vendor: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = list(captured.captured_queries)  # the next request's start empties the log
    if response.status_code != 200 or not captured.captured_queries:
        raise SystemExit(
            f"{path} answered {response.status_code} with {len(captured)} queries: {response.content[:300]!r}"
        )
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    slowest = max(queries, key=lambda query: float(query["time"]))
    ordered = sorted(samples)
    return {
        "label": label,
        "path": path,
        "queries": len(queries),
        "median_ms": round(stats.median(samples), 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 1),
        "slowest_statement_ms": round(float(slowest["time"]) * 1000, 1),
        "slowest_plan": explain(slowest["sql"]) if vendor == "postgresql" else "",
    }


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client
    from django.utils import timezone

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import ClockTally, Deadline
    from repairflow.objections.models import Objection, Verification
    from repairflow.office.models import DailyFigure
    from repairflow.office.tasks import keep_daily_figures
    from repairflow.records.models import CreditRecord, CreditSubject, QueryLog

    vendor, version = database_description()
    today = timezone.localdate()
    print(f"office_pages: loading {arguments.records:,} records and {arguments.cases:,} cases on {vendor}")
    phases = Phases()
    people = phases.run("people and template records", lambda: make_people(arguments.lifecycles))
    department = people.department
    phases.run("records", lambda: load_records(arguments.records - arguments.lifecycles, department, today))
    phases.run("lifecycles through the services", lambda: run_lifecycles(people, today))
    templates = templates_read()
    phases.run("copies", lambda: copy_cases(templates, arguments.cases - len(templates), department, people.office[0]))
    tables = [CreditSubject, CreditRecord, Objection, Transition, Deadline, Notice, Verification, QueryLog]
    tables += [DailyFigure, ClockTally]
    phases.run("the days' figures kept, as beat keeps them each night", keep_daily_figures)
    phases.run("vacuum analyze" if vendor == "postgresql" else "analyze", lambda: vacuum_analyze(tables))
    one_name = CreditSubject.objects.filter(objections__isnull=False).order_by("-pk").values_list("name", flat=True)[0]

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people.office[0])
    figures = [measure(client, label, path, arguments.requests, vendor) for label, path in urls(today, one_name)]
    queue_queries = {row["queries"] for row in figures if row["label"].startswith("queue")}
    return {
        "benchmark": "office_pages",
        **environment(),
        "database": vendor,
        "database_version": version,
        "day": today.isoformat(),
        "cases": Objection.objects.count(),
        "deadlines": Deadline.objects.count(),
        "open_deadlines": Deadline.objects.filter(ended_on__isnull=True).count(),
        "transitions": Transition.objects.count(),
        "records": CreditRecord.objects.count(),
        "load_seconds": phases.seconds,
        "requests": arguments.requests,
        "urls": figures,
        "target_ms": TARGET_MS,
        "queue_queries_constant": len(queue_queries) == 1,
        "target_met": all(row["median_ms"] < TARGET_MS for row in figures) and len(queue_queries) == 1,
    }


def report(figures: dict[str, Any]) -> None:
    print(
        f"office_pages on {figures['day']}: {figures['cases']:,} cases, {figures['deadlines']:,} deadlines"
        f" ({figures['open_deadlines']:,} open), {figures['transitions']:,} transitions, {figures['records']:,} records"
    )
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}")
    print(
        f"  in-process server time, {figures['requests']} requests each, target < {figures['target_ms']:g} ms (median):"
    )
    for row in figures["urls"]:
        verdict = "met" if row["median_ms"] < figures["target_ms"] else "MISSED"
        print(
            f"    {row['label']:<28} median {row['median_ms']:>7.1f} ms  p90 {row['p90_ms']:>7.1f} ms"
            f"  {row['queries']:>3} queries  slowest statement {row['slowest_statement_ms']:.1f} ms  {verdict}"
        )
    print(f"  queue pages cost the same queries: {figures['queue_queries_constant']}")
    print(f"  target met: {figures['target_met']}")


def main() -> int:
    arguments = parse_arguments()
    return run_benchmark("office_pages", RESULTS_FILE, lambda: run(arguments), report)


if __name__ == "__main__":
    sys.exit(main())
