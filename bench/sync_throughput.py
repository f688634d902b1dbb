"""Benchmark: events per second delivered to a local platform by one Celery worker, and by two.

    .venv/bin/python bench/sync_throughput.py [--records N] [--changes N]

Makes `--records` (default 500) published records and changes each `--changes` (default 4)
times through the office's `record_act` (suspend, resume, …): one event and one delivery each
(2,000 by default) to one subscription, paused while they are made. Then starts real worker
processes (`celery -A repairflow worker --concurrency 1`, as the Procfile's), resumes the
subscription (its first delivery of each record is queued; each acknowledgement queues the
record's next, the ordering rule) and times until every delivery is acknowledged by the
receiver: a threaded HTTP server on 127.0.0.1 answering 200 at once. Once with one worker, once
with two, each on emptied tables; the figure is events per second, and the ratio two / one.

The workers run as tests/sync/test_worker.py runs them (tests/sync/worker_harness.py): another
process on this benchmark's database, a queue of its own, kombu's filesystem transport in the
temporary var directory polled every 0.05 s (kombu's default 1 s caps a worker at one message a
second per pool process), or CELERY_BROKER_URL's Redis. Databases as in the other benchmarks
(bench/_setup.py): on SQLite a file in a temporary `REPAIRFLOW_VAR_DIR`; elsewhere
(`DATABASE_URL`) a database of its own, dropped at the end. Figures are printed and written to
`bench/results/sync_throughput.json`, one entry per database vendor.
"""

import argparse
import os
import sys
import time
import uuid
from typing import Any

from _setup import BASE_DIR, database_description, environment, machine_line, run_benchmark

RESULTS_FILE = BASE_DIR / "bench" / "results" / "sync_throughput.json"
TIMEOUT = 600  # seconds for one run's deliveries


def worker_environment(queue: str) -> dict[str, str]:
    """The environment of the workers: this process's database and var directory, the run's queue."""
    from django.db import connection

    settings = connection.settings_dict
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.sync.worker_settings"
    env["REPAIRFLOW_WORKER_QUEUE"] = queue
    env["PYTHONPATH"] = str(BASE_DIR)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings['NAME']}"
    else:
        user, password = settings["USER"] or "", settings["PASSWORD"] or ""
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        env["DATABASE_URL"] = f"postgres://{credentials}{settings['HOST']}{port}/{settings['NAME']}"
    return env


def one_run(workers: int, records: int, changes: int) -> dict[str, Any]:
    from django.core.management import call_command

    from repairflow.celery import app
    from repairflow.records.models import Delivery, DeliveryStatus
    from tests.sync.worker_harness import Receiver, Worker, forget_queue, make_events, resume_paused

    call_command("flush", interactive=False, verbosity=0)
    queue = f"repairflow-bench-{uuid.uuid4().hex[:12]}"
    app.conf.task_default_queue = queue  # what this process queues goes to the workers' queue
    env = worker_environment(queue)
    receiver = Receiver()
    started: list[Worker] = []
    try:
        made_at = time.perf_counter()
        make_events(receiver.url, records, changes, paused=True)
        events = Delivery.objects.count()
        make_seconds = time.perf_counter() - made_at
        for number in range(workers):
            started.append(Worker(env, f"bench{workers}-{number}", concurrency=1, beat=False))
        for worker in started:
            worker.wait_ready()
        began = time.perf_counter()
        resume_paused()
        deadline = time.monotonic() + TIMEOUT
        while Delivery.objects.filter(status=DeliveryStatus.ACKNOWLEDGED).count() < events:
            if time.monotonic() > deadline:
                raise SystemExit(f"{workers} worker(s): not every delivery acknowledged after {TIMEOUT} s")
            time.sleep(0.1)
        seconds = time.perf_counter() - began
    finally:
        for worker in started:
            worker.stop()
        receiver.close()
        forget_queue(env)
    if len(receiver.seen) != events or len({delivery for delivery, _ in receiver.seen}) != events:
        raise SystemExit(f"{workers} worker(s): {len(receiver.seen)} requests for {events} events")
    figures = {
        "workers": workers,
        "events": events,
        "seconds": round(seconds, 2),
        "events_per_second": round(events / seconds, 1),
        "make_seconds": round(make_seconds, 1),
    }
    print(f"  {workers} worker(s): {events:,} events in {seconds:.1f} s: {events / seconds:.1f} events/s", flush=True)
    return figures


def run(records: int, changes: int) -> dict[str, Any]:
    from django.conf import settings

    vendor, version = database_description()
    one = one_run(1, records, changes)
    two = one_run(2, records, changes)
    return {
        "benchmark": "sync_throughput",
        "database": vendor,
        "database_version": version,
        "broker": settings.CELERY_BROKER_URL.split("://")[0],
        "records": records,
        "changes": changes,
        "one_worker": one,
        "two_workers": two,
        "ratio": round(two["events_per_second"] / one["events_per_second"], 2),
        "target_met": True,  # no target: the figures are recorded
        **environment(),
    }


def report(figures: dict[str, Any]) -> None:
    print(f"sync_throughput: {figures['one_worker']['events']:,} events, one subscription, receiver answering 200")
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}, broker: {figures['broker']}")
    for key in ("one_worker", "two_workers"):
        run_figures = figures[key]
        print(
            f"  {run_figures['workers']} worker(s): {run_figures['seconds']:.1f} s,"
            f" {run_figures['events_per_second']:.1f} events/s"
        )
    print(f"  ratio (two / one): {figures['ratio']:.2f}")
    print(f"results: {RESULTS_FILE.relative_to(BASE_DIR)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=500, help="records (default 500)")
    parser.add_argument("--changes", type=int, default=4, help="changes of each record (default 4)")
    arguments = parser.parse_args()
    if arguments.records < 1 or arguments.changes < 1:
        parser.error("--records and --changes must be at least 1")
    return run_benchmark("sync_throughput", RESULTS_FILE, lambda: run(arguments.records, arguments.changes), report)


if __name__ == "__main__":
    sys.exit(main())
