"""A real Celery worker process delivering 1,000 events to a receiver that fails every third
request, killed once while deliveries are in flight and started again: nothing is lost, nothing
is processed twice, and each record's events arrive in order.

The worker runs on the broker the suite runs with: kombu's filesystem transport (no
CELERY_BROKER_URL), or Redis (CELERY_BROKER_URL=redis://…, the CI's PostgreSQL run); and on a
database of its own made by the test (tests/sync/worker_harness.py: a SQLite file in a temporary
var directory, or a PostgreSQL database created and dropped on DATABASE_URL's server), not
pytest-django's. The delivery settings are small (through the environment): back-off from 0.2 s,
the relay (beat, embedded in each worker) every 0.2 s, the resend interval 5 s. The events are
all made before any worker runs, and nothing is queued when a record changes: the worker's beat
runs the relay (`relay_deliveries`), which hands each record's first delivery, and each
acknowledgement hands the record's next. The worker (4 pool processes) is SIGKILLed, with its
pool and its beat, after the receiver has seen 300 requests, at a moment one is being answered;
what it held (its leased deliveries, its prefetched and countdown tasks) is handed again by the
second worker's relay once the lease (connect + read timeout + a 1 s margin here) has run out; the
second worker then sends the remaining ~700 events, which takes 25–30 s on 2 CPUs with SQLite.
"""

import time
from collections import Counter, defaultdict

import pytest

from tests.sync.worker_harness import (
    Receiver,
    Worker,
    deliveries,
    populate,
    queued_count,
    status_counts,
    wait_until,
    worker_database,
)

pytestmark = pytest.mark.worker

RECORDS = 250
CHANGES = 4  # suspend, resume, suspend, resume: 1,000 events
EVENTS = RECORDS * CHANGES
SETTINGS = {
    "REPAIRFLOW_SYNC_CONNECT_TIMEOUT_SECONDS": "2",
    "REPAIRFLOW_SYNC_READ_TIMEOUT_SECONDS": "2",
    "REPAIRFLOW_SYNC_LEASE_MARGIN_SECONDS": "1",  # what the killed worker held is free 5 s after it took it
    "REPAIRFLOW_SYNC_MAX_ATTEMPTS": "50",  # the receiver fails one request in three: none may fail
    "REPAIRFLOW_SYNC_BACKOFF_SECONDS": "0.2",
    "REPAIRFLOW_SYNC_BACKOFF_MAX_SECONDS": "1",
    "REPAIRFLOW_SYNC_RELAY_SECONDS": "0.2",
    "REPAIRFLOW_SYNC_SWEEP_SECONDS": "5",
}
CONCURRENCY = 4  # pool processes of each worker: at most this many requests out at once
KILL_AFTER = 300  # requests the receiver has seen when the worker is killed
DEADLINE = 180  # seconds for every delivery to be acknowledged after the restart


def test_a_killed_worker_loses_nothing_and_sends_each_event_once_in_order():
    # Each answer held 20 ms: a request is being answered most of the time, and the kill lands
    # on one (the receiver has decided its answer, the worker has not kept it).
    receiver = Receiver(fail_every=3, delay=0.02)
    workers: list[Worker] = []
    try:
        with worker_database(SETTINGS) as env:
            try:
                populate(env, url=receiver.url, records=RECORDS, changes=CHANGES)
                assert status_counts(env) == {"pending": EVENTS}
                assert queued_count(env) == 0  # nothing is handed until a relay runs

                began = time.monotonic()
                first = Worker(env, "first", concurrency=CONCURRENCY, beat=True)
                workers.append(first)
                first.wait_ready()
                # Killed once it has delivered a good part, at a moment a request is being answered.
                assert wait_until(
                    lambda: receiver.requests() >= KILL_AFTER and receiver.in_flight > 0, timeout=90, interval=0.005
                ), f"the receiver saw {receiver.requests()} requests:\n{first.tail()}"
                in_flight_at_kill = receiver.in_flight
                first.kill()
                killed_after = time.monotonic() - began
                seen_at_kill = receiver.requests()
                acknowledged_at_kill = status_counts(env).get("acknowledged", 0)
                assert acknowledged_at_kill < EVENTS, "the worker was killed after the work was done"

                second = Worker(env, "second", concurrency=CONCURRENCY, beat=True)
                workers.append(second)
                started = time.monotonic()
                done = wait_until(
                    lambda: status_counts(env) == {"acknowledged": EVENTS}, timeout=DEADLINE, interval=0.2
                )
                assert done, f"after {DEADLINE} s: {status_counts(env)}\n{second.tail()}"
                recovery = time.monotonic() - started
                rows = deliveries(env)
            finally:
                for worker in workers:
                    worker.stop()
    finally:
        receiver.close()

    # Every one of the 1,000 events ends acknowledged, one delivery each (one subscription).
    assert len(rows) == EVENTS and all(row.status == "acknowledged" for row in rows)
    ids = {row.delivery_id for row in rows}
    assert len(ids) == EVENTS

    seen = list(receiver.seen)
    # The receiver saw only ids it was meant to, and every one of them answered 2xx at least once:
    # none lost.
    assert {delivery for delivery, _ in seen} == ids
    answered = Counter(delivery for delivery, status in seen if status == 200)
    assert set(answered) == ids
    # Processed exactly once by delivery id: a receiver that deduplicates stores an event at its
    # first 2xx; a later 2xx for the same id is a duplicate it ignores (a worker killed after the
    # receiver answered and before the acknowledgement was kept sends it again). Duplicates are
    # allowed and counted, but only for what the killed worker had out: at most one per pool
    # process, each of an id first answered 2xx before the kill.
    processed = len(answered)
    duplicates = sum(answered.values()) - processed
    assert processed == EVENTS
    assert duplicates <= CONCURRENCY, f"{duplicates} duplicates"
    repeated = [delivery for delivery, count in answered.items() if count > 1]
    assert all(seen.index((delivery, 200)) < seen_at_kill for delivery in repeated)
    # The 500s were retried: every third request failed, yet all ended acknowledged.
    assert sum(1 for _, status in seen if status == 500) == len(seen) // 3

    # Ordering per record: for each record, the first 2xx of its events came in event order.
    first_ok: dict[str, int] = {}
    for position, (delivery, status) in enumerate(seen):
        if status == 200:
            first_ok.setdefault(delivery, position)
    by_record: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        by_record[row.record_id].append((row.event_id, row.delivery_id))
    assert len(by_record) == RECORDS
    for record, events in by_record.items():
        positions = [first_ok[delivery] for _, delivery in sorted(events)]
        assert positions == sorted(positions), f"record {record}: its events were first acknowledged out of order"

    print(
        f"\n{EVENTS} events: {len(seen)} requests ({len(seen) // 3} answered 500), killed after {seen_at_kill}"
        f" with {in_flight_at_kill} in flight"
        f" ({acknowledged_at_kill} acknowledged), all acknowledged {recovery:.1f} s after the restart,"
        f" {duplicates} duplicate 2xx; killed {killed_after:.1f} s after the first worker was started"
    )
