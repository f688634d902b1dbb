"""Benchmark: the registry at ten times the province's size — a subject look-up and the public
search over 10,000,000 records (issue 19, docs/scaling.md).

    DATABASE_URL=postgres://... .venv/bin/python bench/registry_scale.py [--records N] [--requests N]

docs/scaling.md works out on paper where one machine ends; this checks the two claims it rests on
that can be checked here: that a staff look-up of one subject's records (`GET
/api/v1/records/?subject=<USCC>`, as the credit office, with its query log written) and the public
search (`/api/v1/public/records/`) cost what an index walk costs, whatever the table's size.

The registry is loaded as `bench/public_search.py` loads it (in SQL, one subject for every five
records, four years of decisions, nine in ten published), then VACUUM ANALYZE; each request is
timed in-process through `django.test.Client` after two warm-up requests, and the plan of each
query is printed. Target: p95 under 50 ms for each, as over 1,000,000 records."""

import argparse
import os
import sys
import time
from typing import Any

os.environ["PUBLIC_THROTTLE_RATE"] = "1000000/minute"  # the bench is one client asking many times

from _setup import BASE_DIR, run_benchmark  # noqa: E402
from public_search import TARGET_MS, load, plan_lines, print_queries, search_queries, search_timed, timed  # noqa: E402

RESULTS_FILE = BASE_DIR / "bench" / "results" / "registry_scale.json"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000, help="credit records (10000000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per query (20)")
    return parser.parse_args()


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from repairflow.core.permissions import Role
    from repairflow.records.models import CreditRecord, User

    started = time.perf_counter()
    known = load(arguments.records)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('records_creditrecord'), pg_total_relation_size('records_creditsubject'),"
            " (SELECT count(*) FROM records_creditsubject)"
        )
        table_bytes, subject_bytes, subjects = cursor.fetchone()

    office = Client(HTTP_HOST="127.0.0.1")
    office.force_login(User.objects.create_user("office-bench", role=Role.OFFICE))
    look_up = timed(office, "/api/v1/records/", {"subject": known}, arguments.requests)
    subject_records = CreditRecord.objects.filter(subject__identifier=known).order_by("-id").values("pk")
    look_up["plan"] = plan_lines(*subject_records.query.sql_with_params())
    queries = {"subject look-up (office, by USCC)": look_up}
    queries.update(search_timed(Client(HTTP_HOST="127.0.0.1"), search_queries(known), arguments.requests))
    return {
        "database": connection.vendor,
        "records": arguments.records,
        "load_seconds": round(load_seconds),
        "records_table_gib": round(table_bytes / 2**30, 2),
        "bytes_per_record": round(table_bytes / arguments.records),
        "subjects": subjects,
        "subjects_table_gib": round(subject_bytes / 2**30, 2),
        "queries": queries,
        "target_met": all(result["p95_ms"] < TARGET_MS for result in queries.values()),
    }


def report(figures: dict[str, Any]) -> None:
    print(
        f"{figures['records']:,} records on {figures['database']} ({figures['records_table_gib']} GiB with its "
        f"indexes, {figures['bytes_per_record']} bytes a record) of {figures['subjects']:,} subjects "
        f"({figures['subjects_table_gib']} GiB), loaded in {figures['load_seconds']} s"
    )
    print_queries(figures["queries"])
    print(f"\ntarget p95 < {TARGET_MS:.0f} ms: {'met' if figures['target_met'] else 'MISSED'}")


if __name__ == "__main__":
    arguments = parse_arguments()
    sys.exit(run_benchmark("registry_scale", RESULTS_FILE, lambda: run(arguments), report))
