"""Real Celery worker processes delivering to a real receiver, on a database of their own: what
the worker test (test_worker.py) and the throughput benchmark (bench/sync_throughput.py) share.

The workers are other processes, so they cannot see pytest-django's (in-memory) test database.
`worker_database()` makes one they can: a temporary var directory (REPAIRFLOW_VAR_DIR: the SQLite
file, the kombu filesystem broker's folders, beat's schedule) and, when DATABASE_URL names
PostgreSQL, a database of its own on that server (`<name>_worker_<pid>`), created, migrated with
`manage.py migrate` and dropped afterwards. Every process (migrate, `populate`, the workers) gets
the same environment; the test reads the outcome with a plain DB-API connection. The Celery queue
is one of the run's own (tests/sync/worker_settings.py), so that a shared Redis is left as found.
The receiver's address, 127.0.0.1, is allowed in tests/sync/worker_settings.py
(SYNC_ALLOWED_NETWORKS): a webhook is not sent to a loopback address otherwise.

    python -m tests.sync.worker_harness populate --url URL --records N --changes N [--paused]

(run with that environment) makes an office user, one subscription to URL (paused with
--paused) and N records, each changed by the office N times (suspend, resume, suspend, …): one
event and one pending delivery each, none handed to the workers yet (nothing is queued when a
record changes). A worker's beat runs the relay (`relay_deliveries`), which hands each record's
first delivery, unless the subscription is paused; each acknowledgement hands the record's next.
`… worker_harness resume` resumes the paused subscription: its first-in-line deliveries are
handed at once.
"""

import argparse
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
SECRET = "s3cret-for-the-provincial-platform"


# --- The receiver ---------------------------------------------------------------------------------


@dataclass
class Receiver:
    """A platform on 127.0.0.1 answering 200, or 500 to every `fail_every`-th request it gets,
    after `delay` seconds.
    `seen` keeps (X-Repairflow-Delivery, status) of every request in the order they came;
    `in_flight` counts the requests being answered."""

    fail_every: int = 0
    delay: float = 0.0  # seconds each request is held before it is answered
    seen: list[tuple[str, int]] = field(default_factory=list)
    in_flight: int = 0

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                delivery = self.headers.get("X-Repairflow-Delivery", "")
                with receiver.lock:
                    receiver.in_flight += 1
                    failing = receiver.fail_every and (len(receiver.seen) + 1) % receiver.fail_every == 0
                    status = 500 if failing else 200
                    receiver.seen.append((delivery, status))
                body = b'{"ok":true}' if status == 200 else b'{"error":"try again"}'
                try:
                    time.sleep(receiver.delay)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

            def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.request_queue_size = 128
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/credit"

    def requests(self) -> int:
        with self.lock:
            return len(self.seen)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- The database and the environment -------------------------------------------------------------


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


@contextlib.contextmanager
def worker_database(settings: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """A migrated database of the run's own and the environment every process of the run gets
    (with `settings`, e.g. REPAIRFLOW_SYNC_* ones); everything is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="repairflow-worker-") as var_dir:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        env.update(settings or {})
        env["REPAIRFLOW_VAR_DIR"] = var_dir
        env["DJANGO_SETTINGS_MODULE"] = "tests.sync.worker_settings"
        env["REPAIRFLOW_WORKER_QUEUE"] = f"repairflow-worker-{uuid.uuid4().hex[:12]}"
        env["PYTHONPATH"] = str(BASE_DIR)
        url = os.environ.get("DATABASE_URL", "")
        created = None
        if url.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(url)
            created = f"{parts.path.lstrip('/') or 'repairflow'}_worker_{os.getpid()}"
            with _postgres_admin(url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}"')
                admin.execute(f'CREATE DATABASE "{created}"')
            env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{created}"))
        else:  # never a SQLite file DATABASE_URL may name
            env["DATABASE_URL"] = f"sqlite:///{var_dir}/repairflow.sqlite3"
        try:
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            yield env
        finally:
            if created is not None:
                with _postgres_admin(url) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
            forget_queue(env)


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *arguments], env=env, cwd=BASE_DIR, check=True)


def populate(env: dict[str, str], *, url: str, records: int, changes: int, paused: bool = False) -> None:
    command = [PYTHON, "-m", "tests.sync.worker_harness", "populate", "--url", url]
    command += ["--records", str(records), "--changes", str(changes)] + (["--paused"] if paused else [])
    subprocess.run(command, env=env, cwd=BASE_DIR, check=True)


def resume(env: dict[str, str]) -> None:
    """The office resumes the subscription: its first-in-line deliveries are handed to the workers."""
    subprocess.run([PYTHON, "-m", "tests.sync.worker_harness", "resume"], env=env, cwd=BASE_DIR, check=True)


def forget_queue(env: dict[str, str]) -> None:
    """On Redis, remove the run's queue, its bindings and what the killed worker left unacknowledged
    (kombu would restore that to the queue an hour later)."""
    broker = env.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        return
    import redis

    queue = env["REPAIRFLOW_WORKER_QUEUE"]
    client = redis.Redis.from_url(broker)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):  # the queue, its bindings
            client.delete(key)
        for key in client.scan_iter(match="_kombu.binding.*"):
            for member in client.smembers(key):
                if queue.encode() in member:
                    client.srem(key, member)
        for tag, message in client.hscan_iter("unacked"):
            if queue.encode() in message:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    finally:
        client.close()


# --- The workers ----------------------------------------------------------------------------------


class Background:
    """A command run in the background in a process group of its own, its output in
    `<var dir>/<name>.log`; `ready_when` is what that log says once the command serves."""

    def __init__(self, env: dict[str, str], name: str, command: list[str], *, ready_when: bytes = b"") -> None:
        self.name, self.ready_when = name, ready_when
        self.log = Path(env["REPAIRFLOW_VAR_DIR"]) / f"{name}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}):\n{self.tail()}")
            if self.ready_when in self.log.read_bytes():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready after {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL to the whole group (the main process and its children): nothing is cleaned up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL after 10 s."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def tail(self, size: int = 4000) -> str:
        return self.log.read_bytes()[-size:].decode(errors="replace") if self.log.exists() else ""


def worker_command(name: str, *, concurrency: int, beat: bool, var_dir: str) -> list[str]:
    """The arguments of `celery -A repairflow worker` (with beat when `beat`)."""
    command = ["-A", "repairflow", "worker", "--hostname", f"{name}@%h", "--concurrency", str(concurrency)]
    command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if beat:
        command += ["--beat", "--schedule", str(Path(var_dir) / f"{name}-beat-schedule")]
    return command


# What a worker's log says once it takes tasks.
WORKER_READY = b" ready."


class Worker(Background):
    """`celery -A repairflow worker` (with beat when `beat`) in a process group of its own."""

    def __init__(self, env: dict[str, str], name: str, *, concurrency: int, beat: bool) -> None:
        arguments = worker_command(name, concurrency=concurrency, beat=beat, var_dir=env["REPAIRFLOW_VAR_DIR"])
        super().__init__(env, name, [CELERY, *arguments], ready_when=WORKER_READY)


# --- The outcome ----------------------------------------------------------------------------------


@contextlib.contextmanager
def connect(env: dict[str, str]):
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20)
    else:
        import psycopg

        connection = psycopg.connect(url, autocommit=True)
    try:
        yield connection
    finally:
        connection.close()


def status_counts(env: dict[str, str]) -> dict[str, int]:
    with connect(env) as connection:
        rows = connection.execute("SELECT status, COUNT(*) FROM records_delivery GROUP BY status").fetchall()
    return dict(rows)


def queued_count(env: dict[str, str]) -> int:
    """How many deliveries have been handed to the workers (`queued_at` set)."""
    with connect(env) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM records_delivery WHERE queued_at IS NOT NULL").fetchone()
    return count


@dataclass(frozen=True)
class Row:
    delivery_id: str  # the event's uuid, as in X-Repairflow-Delivery
    record_id: int
    event_id: int
    status: str


def deliveries(env: dict[str, str]) -> list[Row]:
    with connect(env) as connection:
        rows = connection.execute(
            "SELECT e.uuid, d.record_id, d.event_id, d.status FROM records_delivery d"
            " JOIN records_recordevent e ON e.id = d.event_id ORDER BY d.event_id"
        ).fetchall()
    return [Row(str(uuid.UUID(str(key))), record, event, status) for key, record, event, status in rows]


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


# --- populate (run in a process of the run's environment) -----------------------------------------


def make_events(url: str, records: int, changes: int, paused: bool) -> None:
    """The office user, the subscription, the records and their changes (Django set up)."""
    from repairflow.records.models import Subscription
    from repairflow.records.services import record_act
    from tests.factories import CreditRecordFactory, UserFactory

    office = UserFactory(username="office", office=True)
    Subscription.objects.create(name="省信用平台", url=url, secret=SECRET, events=[], paused=paused)
    made = [CreditRecordFactory() for _ in range(records)]
    for change in range(changes):
        action = "suspend" if change % 2 == 0 else "resume"
        for record in made:
            record_act(actor=office, record_id=record.pk, action=action, reason="同步测试")


def resume_paused() -> None:
    """The office resumes every paused subscription (Django set up)."""
    from repairflow.records.models import Subscription, User
    from repairflow.sync.services import subscription_resume

    office = User.objects.get(username="office")
    for subscription in Subscription.objects.filter(paused=True):
        subscription_resume(actor=office, subscription_id=subscription.pk, reason="同步测试")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("populate")
    command.add_argument("--url", required=True)
    command.add_argument("--records", type=int, required=True)
    command.add_argument("--changes", type=int, required=True)
    command.add_argument("--paused", action="store_true")
    commands.add_parser("resume")
    arguments = parser.parse_args()
    import django

    django.setup()
    if arguments.command == "resume":
        resume_paused()
    else:
        make_events(arguments.url, arguments.records, arguments.changes, arguments.paused)


if __name__ == "__main__":
    main()
