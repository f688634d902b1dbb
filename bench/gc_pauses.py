"""Benchmark: the garbage collector's pauses in a web process, with Python's defaults and as
gunicorn.conf.py sets it (`post_worker_init`).

    DATABASE_URL=postgres://... .venv/bin/python bench/gc_pauses.py [--cases N] [--records N] [--requests N]

A collection pauses every thread of its process, so one long pass in a process serving a page of
50 cases also holds the public's 5 ms search waiting behind it. What is loaded: as
`bench/list_pages.py` loads it (`--records` records, `--cases` objections copied from ones run
through the services). How it is measured, in-process through `django.test.Client` as the credit
office (a token) and the public: `--requests` requests in turn over the office's objections (the
API's page 1 and a deep page) and the public search, after a warm-up; once with Python's defaults
(thresholds 700, 10, 10, nothing frozen), then after gunicorn.conf.py's `post_worker_init` (what
loading made frozen, thresholds `GC_THRESHOLDS`). Printed for each: the requests' median, p95 and
longest, their total, and the collector's passes by generation (how many, their total, the
longest). And how many objects one request of each kind leaves to the collector (reference cycles;
what is not in one is freed as the request ends).

Target: with gunicorn.conf.py's settings, no pass longer than 50 ms, the public's p95 budget."""

import argparse
import gc
import os
import runpy
import statistics
import sys
import time
from typing import Any

os.environ["PUBLIC_THROTTLE_RATE"] = "1000000/minute"  # the bench is one client asking many times

from _setup import BASE_DIR, run_benchmark  # noqa: E402
from list_pages import copy_cases, load_records, make_people, run_lifecycles, templates_read, vacuum_analyze  # noqa: E402

RESULTS_FILE = BASE_DIR / "bench" / "results" / "gc_pauses.json"
TARGET_PAUSE_MS = 50.0
WARM_UP = 3  # rounds of every URL


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="objections (20000)")
    parser.add_argument("--records", type=int, default=200_000, help="credit records (200000)")
    parser.add_argument("--lifecycles", type=int, default=300, help="objections run through the services (300)")
    parser.add_argument("--requests", type=int, default=240, help="timed requests in each round (240)")
    return parser.parse_args()


def load(arguments: argparse.Namespace) -> Any:
    """The registry and its objections, as bench/list_pages.py loads them; the office's user."""
    from django.utils import timezone

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import CreditRecord, CreditSubject

    today = timezone.localdate()
    people = make_people(arguments.lifecycles)
    load_records(arguments.records - arguments.lifecycles, people.department, today)
    run_lifecycles(people, today)
    templates = templates_read()
    copy_cases(templates, arguments.cases - len(templates), people.department, people.office[0])
    vacuum_analyze([CreditSubject, CreditRecord, Objection, Transition, Deadline, Notice, Verification])
    return people.office[0]


class Pauses:
    """The collector's passes while it is installed: (generation, milliseconds) each."""

    def __init__(self) -> None:
        self.passes: list[tuple[int, float]] = []
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.passes.append((info["generation"], (time.perf_counter() - self._began) * 1000))

    def by_generation(self) -> dict[str, dict[str, float]]:
        figures = {}
        for generation in (0, 1, 2):
            times = [ms for gen, ms in self.passes if gen == generation]
            figures[str(generation)] = {
                "passes": len(times),
                "total_ms": round(sum(times), 1),
                "longest_ms": round(max(times, default=0.0), 1),
            }
        return figures


def timed_round(urls: list[tuple[Any, str]], requests: int) -> dict[str, Any]:
    """`requests` requests over `urls` in turn, the collector's passes watched."""
    for _ in range(WARM_UP):
        for client, path in urls:
            assert client.get(path).status_code == 200, path
    pauses = Pauses()
    gc.callbacks.append(pauses)
    times = []
    try:
        for number in range(requests):
            client, path = urls[number % len(urls)]
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
    finally:
        gc.callbacks.remove(pauses)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "longest_ms": round(times[-1], 1),
        "total_s": round(sum(times) / 1000, 2),
        "passes": pauses.by_generation(),
    }


def left_to_the_collector(urls: list[tuple[Any, str]]) -> dict[str, int]:
    """Objects in reference cycles after one request of each URL: what only a pass frees."""
    left = {}
    gc.collect()
    gc.disable()
    try:
        for client, path in urls:
            client.get(path)
            left[path] = gc.collect()
    finally:
        gc.enable()
    return left


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from repairflow.core.services import api_token_issue
    from repairflow.objections.models import Objection

    started = time.perf_counter()
    office = load(arguments)
    load_seconds = time.perf_counter() - started
    token = api_token_issue(user=office)[0]
    staff = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    public = Client(HTTP_HOST="127.0.0.1")
    deep = max(1, min(100, Objection.objects.count() // 50))
    urls = [
        (staff, "/api/v1/objections/"),
        (staff, f"/api/v1/objections/?page={deep}"),
        (public, "/api/v1/public/records/?q=%E6%B5%8E%E5%8D%97"),  # 济南
    ]
    defaults = timed_round(urls, arguments.requests)
    runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))["post_worker_init"](None)
    configured = timed_round(urls, arguments.requests)
    longest_pass = max(generation["longest_ms"] for generation in configured["passes"].values())
    return {
        "database": connection.vendor,
        "records": arguments.records,
        "cases": arguments.cases,
        "load_seconds": round(load_seconds),
        "frozen_objects": gc.get_freeze_count(),
        "thresholds": list(gc.get_threshold()),
        "rounds": {"Python's defaults": defaults, "gunicorn.conf.py": configured},
        "left_to_the_collector": left_to_the_collector(urls),
        "longest_pass_ms": longest_pass,
        "target_met": longest_pass < TARGET_PAUSE_MS,
    }


def report(figures: dict[str, Any]) -> None:
    print(
        f"{figures['records']:,} records and {figures['cases']:,} objections on {figures['database']}, "
        f"loaded in {figures['load_seconds']} s; gunicorn.conf.py froze {figures['frozen_objects']:,} objects, "
        f"thresholds {tuple(figures['thresholds'])}"
    )
    for name, result in figures["rounds"].items():
        print(
            f"\n{name}: requests median {result['median_ms']} ms, p95 {result['p95_ms']} ms, longest "
            f"{result['longest_ms']} ms, all {result['total_s']} s"
        )
        for generation, passes in result["passes"].items():
            print(
                f"    generation {generation}: {passes['passes']} passes, {passes['total_ms']} ms in all, "
                f"the longest {passes['longest_ms']} ms"
            )
    print("\nobjects one request leaves to the collector:")
    for path, left in figures["left_to_the_collector"].items():
        print(f"    {left:6,}  {path}")
    verdict = "met" if figures["target_met"] else "MISSED"
    print(f"\ntarget: no pass over {TARGET_PAUSE_MS:.0f} ms with gunicorn.conf.py's settings: {verdict}")


if __name__ == "__main__":
    arguments = parse_arguments()
    sys.exit(run_benchmark("gc_pauses", RESULTS_FILE, lambda: run(arguments), report))
