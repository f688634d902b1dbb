"""Benchmark: repairflow under a realistic mix of people, served as production serves it, against
the machine's own ceiling (issue 19).

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… .venv/bin/python bench/load.py \\
        [--records N] [--cases N] [--users N] [--duration S] [--web PxT …] [--celery-workers N …] \\
        [--public-web PxT] [--staff-nice N] [--seed NAME]

What is loaded: the registry and the objections of `bench/list_pages.py` (its loaders: a
department BENCH with its officers, the office's users, `--records` records, `--lifecycles`
objections run through the services and copies of them up to `--cases`), then `--subjects`
enterprises of their own, each with an account and one published record free of any case, then
VACUUM ANALYZE. With `--seed NAME` the seeded data is kept on the same server as the database
NAME, and a later run with the same `--seed` copies it from there (`CREATE DATABASE … TEMPLATE`,
seconds where seeding takes minutes) instead of seeding anew; a copy holds the sizes and the
day it was seeded with, whatever this run's options say. One platform subscribes to every event,
a receiver on 127.0.0.1 that answers 200 and remembers each delivery's id.

What runs, each a process of its own on 127.0.0.1: gunicorn (processes × threads, `--web`, 4x2 by
default; with `--public-web` a second gunicorn that the public's requests go to, as a proxy routing
`/api/v1/public/` to processes of their own would send them, and with `--staff-nice N` the staff's
gunicorn and Celery at a lower priority than the public's), Celery workers (one pool process each)
and one beat, on PostgreSQL and Redis (broker and cache), in one round for each web size and each
number of `--celery-workers` (1 and 2 by default: the scaling run), each round started afresh on the
same data. The throttles are raised (the whole load comes from one address). Then locust, headless
(`bench/load_users.py`): `--users` people started at `--spawn-rate` a second and kept busy for
`--duration` seconds, in the mix subjects 3 : officers 2 : office 1 : public 4 — subjects list and
read their cases, file an objection to their record and withdraw it; officers work their queue and
reply `maintain` to cases being verified; the office reads its dashboard and its overdue list and
accepts what came in; the public searches published records by name and by USCC and queries a case's
progress. Each person pauses `--think` seconds between tasks (1–3 by default; 0 keeps every person
busy, which measures what the server can take). `--people` keeps some of them only, and
`--writes-only` keeps only the tasks that change state (with `--think 0`: the most state-changing
requests a second the server takes).

Then, on the same server, `pgbench -N` (TPC-B without the updates of its branch and teller
rows: the machine's ceiling for short writing transactions) with `--pgbench-clients` clients
for `--pgbench-seconds` on a database of its own (scale 10).

Printed and written to bench/results/load.json, for each round: per request type the requests,
failures, p50, p95 and p99; the requests per second in all and of the state-changing ones (the
`POST`s), their ratio to pgbench's transactions per second; each gunicorn worker's resident
memory after the round; what each Celery worker did (tasks per worker, from their logs) and the
deliveries sent; then the deliveries received twice in all rounds (must be none). With
`--profile`, py-spy samples the web processes during each round (the last round's samples are
kept in bench/results/load-profile.txt, folded stacks) and the frames most samples were in are
printed."""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from _setup import BASE_DIR, database_description, environment, machine_line, run_benchmark
from list_pages import (
    Phases,
    copy_cases,
    database_url,
    free_port,
    load_records,
    make_people,
    run_lifecycles,
    templates_read,
    vacuum_analyze,
    wait_answering,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "load.json"
PROFILE_FILE = BASE_DIR / "bench" / "results" / "load-profile.txt"
BIN = Path(sys.executable).parent
# The issue's targets, on this 2-core machine.
P95_TARGET_MS = 300.0
PUBLIC_P95_TARGET_MS = 50.0
WRITE_SHARE_TARGET = 0.20
WORKER_MEMORY_TARGET_MB = 250.0
PEOPLE = ["Subject", "Officer", "Office", "Public"]  # bench/load_users.py's classes
RAISED_THROTTLES = {
    "PUBLIC_THROTTLE_RATE": "1000000/minute",
    "PUBLIC_MISS_THROTTLE_RATE": "1000000/hour",
    "AUTH_THROTTLE_RATE": "1000000/minute",
}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="credit records (1000000)")
    parser.add_argument("--cases", type=int, default=100_000, help="objections (100000)")
    parser.add_argument("--lifecycles", type=int, default=300, help="objections run through the services (300)")
    parser.add_argument("--subjects", type=int, default=200, help="enterprises of the load, with a free record (200)")
    parser.add_argument("--users", type=int, default=50, help="people at once (50)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="people started a second (10)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--think", default="1-3", help="each person's pause between tasks, seconds: 1-3, or 0 (1-3)")
    parser.add_argument(
        "--people",
        nargs="+",
        choices=PEOPLE,
        default=PEOPLE,
        help="who takes part, in the mix's proportions among them (all: " + " ".join(PEOPLE) + ")",
    )
    parser.add_argument(
        "--writes-only",
        action="store_true",
        help="each person does only the tasks that change state (filing and withdrawing, replying, accepting)",
    )
    parser.add_argument(
        "--web",
        type=web_size,
        nargs="+",
        default=[(4, 2)],
        help="gunicorn's processes x threads of each round, a round per size (4x2, the default)",
    )
    parser.add_argument(
        "--public-web",
        type=web_size,
        metavar="PxT",
        help="the public's own gunicorn, processes x threads, beside the staff's: the public's requests "
        "go to it, as a proxy routing /api/v1/public/ would send them (by default one gunicorn serves all)",
    )
    parser.add_argument(
        "--staff-nice",
        type=int,
        default=0,
        metavar="N",
        help="the staff's gunicorn and Celery run at this niceness, the public's gunicorn at 0 (0)",
    )
    parser.add_argument(
        "--celery-workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="Celery worker processes of each round, a round per number and web size (1 2)",
    )
    parser.add_argument("--pgbench-clients", type=int, default=8, help="pgbench clients (8)")
    parser.add_argument("--pgbench-seconds", type=int, default=30, help="pgbench seconds (30)")
    parser.add_argument("--profile", action="store_true", help="sample the web processes with py-spy during the load")
    parser.add_argument(
        "--seed",
        metavar="NAME",
        help="a database on the same server to keep the seeded data in, and to copy it from when it exists",
    )
    arguments = parser.parse_args()
    if not people_of(arguments):  # locust, given no class, would run them all
        parser.error("--writes-only: the public changes nothing; name --people who do")
    return arguments


# --- What the people of the load act on -----------------------------------------------------------


def make_load_subjects(count: int, officer: Any) -> None:
    """`count` enterprises, each with an account (no usable password) and one published record."""
    from objection_lifecycle import make_uscc

    from repairflow.core.permissions import Role
    from repairflow.records.models import User
    from repairflow.records.services import records_import

    rows = [
        {
            "subject_id": make_uscc(800_000 + n),
            "subject_name": f"济南负载测试企业{n}有限公司",
            "subject_type": "legal_person",
            "category": "administrative_penalty",
            "severity": "general",
            "department": officer.department.code,
            "decision_no": f"济市监罚〔2026〕负载{n + 1}号",
            "decision_date": "2026-03-02",
            "title": "未按规定公示年度报告",
            "content": "责令改正，罚款一千元。",
        }
        for n in range(count)
    ]
    report = records_import(actor=officer, rows=rows)
    if report.errors:
        raise SystemExit(f"the load's records were not created: {report.errors[:3]}")
    users = []
    for record in report.created:
        user = User(
            username=f"load-subject-{record.subject_id}", role=Role.SUBJECT, credit_subject_id=record.subject_id
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)


@dataclass
class Staff:
    """Who of the seeding's people act in the load: the department's officers, the office's users."""

    officers: list[Any]
    office: list[Any]

    @classmethod
    def read(cls) -> "Staff":
        from repairflow.records.models import User

        people = User.objects.order_by("pk")
        return cls(
            officers=list(people.filter(username__startswith="bench-officer-")),
            office=list(people.filter(username__startswith="bench-office-")),
        )


def load_records_read() -> list[Any]:
    """The records of the load's subjects (`make_load_subjects`), in the order they were made."""
    from repairflow.records.models import CreditRecord, User

    clerks = User.objects.filter(username__startswith="load-subject-").values("credit_subject")
    return list(CreditRecord.objects.filter(subject__in=clerks).order_by("pk"))


def write_plan(path: Path, staff: Staff, records: list[Any]) -> dict[str, int]:
    """The plan the locust users read (bench/load_users.py): tokens, free records, waiting cases,
    what the public asks for."""
    from repairflow.core.identifiers import SubjectType
    from repairflow.core.services import api_token_issue
    from repairflow.objections.models import OPEN_STATES, Objection
    from repairflow.records.models import CreditSubject, RecordState, User

    def token(user: Any) -> str:
        return api_token_issue(user=user, ttl=timedelta(days=1))[0]

    subjects = {user.credit_subject_id: user for user in User.objects.filter(username__startswith="load-subject-")}
    named = CreditSubject.objects.filter(
        subject_type=SubjectType.LEGAL_PERSON, records__state=RecordState.PUBLISHED
    ).distinct()
    # an objection an earlier round left open on a subject's record: its clerk withdraws it first
    still_open = dict(
        Objection.objects.filter(record__in=records, state__in=OPEN_STATES).values_list("record_id", "number")
    )
    plan = {
        "subjects": [
            {"token": token(subjects[record.subject_id]), "record": record.pk, "open": still_open.get(record.pk)}
            for record in records
        ],
        "officers": [token(officer) for officer in staff.officers],
        "office": [token(user) for user in staff.office],
        # not the clerks' own: a clerk withdraws its open objection as the round begins
        "submitted": list(
            Objection.objects.filter(state="submitted")
            .exclude(record__in=records)
            .values_list("number", flat=True)[:5000]
        ),
        # every case being verified is BENCH's (bench/list_pages.py copies them onto its records)
        "verifying": list(Objection.objects.filter(state="verifying").values_list("number", flat=True)[:5000]),
        "status": [list(row) for row in Objection.objects.values_list("number", "subject__identifier")[:2000]],
        "names": sorted({name[2:6] for name in named.values_list("name", flat=True)[:2000]}),
        "usccs": list(named.values_list("identifier", flat=True)[:2000]),
    }
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return {key: len(value) for key, value in plan.items()}


# --- The processes --------------------------------------------------------------------------------


def served_environment(var_dir: str, receiver_url: str) -> dict[str, str]:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        raise SystemExit("bench/load.py runs on Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<db>")
    cache = os.environ.get("CACHE_URL") or urlunsplit(urlsplit(broker)._replace(path="/15"))
    host = urlsplit(receiver_url).hostname
    return {
        **os.environ,
        **RAISED_THROTTLES,
        "DJANGO_SETTINGS_MODULE": "repairflow.settings",
        "REPAIRFLOW_VAR_DIR": var_dir,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": cache,
        "SYNC_ALLOWED_NETWORKS": f"{host}/32",
        "DEBUG": "false",
        "PYTHONPATH": str(BASE_DIR),
    }


class Process:
    """A command in the background, its output in `<var dir>/<name>.log`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], stop_signal: int = signal.SIGTERM) -> None:
        self.stop_signal = stop_signal
        self.log = Path(env["REPAIRFLOW_VAR_DIR"]) / f"{name}.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


# --- The load and the ceiling ---------------------------------------------------------------------


def people_of(arguments: argparse.Namespace) -> list[str]:
    """Who takes part: `--people`, less the public when only what changes state is asked for."""
    return [who for who in arguments.people if not (arguments.writes_only and who == "Public")]


def run_locust(
    arguments: argparse.Namespace, url: str, public_url: str, plan: Path, var_dir: str
) -> list[dict[str, Any]]:
    prefix = Path(var_dir) / "locust"
    command = [str(BIN / "locust"), "-f", str(BASE_DIR / "bench" / "load_users.py"), "--headless"]
    command += ["--users", str(arguments.users), "--spawn-rate", str(arguments.spawn_rate)]
    command += ["--run-time", f"{arguments.duration}s", "--host", url, "--csv", str(prefix), "--only-summary"]
    command += ["--loglevel", "WARNING", "--stop-timeout", "10", *people_of(arguments)]
    if arguments.writes_only:
        command += ["--tags", "writes"]
    finished = subprocess.run(
        command,
        env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_THINK": arguments.think, "LOAD_PUBLIC_URL": public_url},
        capture_output=True,
        text=True,
        check=False,
    )
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise SystemExit(f"locust failed ({finished.returncode}):\n{finished.stderr[-3000:]}")
    with stats_file.open(encoding="utf-8") as rows:
        return [
            {
                "name": row["Name"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": float(row["Requests/s"]),
            }
            for row in csv.DictReader(rows)
        ]


def admin_url() -> str:
    """The server of DATABASE_URL, through its `postgres` database."""
    return urlunsplit(urlsplit(database_url())._replace(path="/postgres", scheme="postgresql"))


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def copy_database(source: str, target: str) -> None:
    """`target` made anew as a copy of `source` (neither may be in use while it is copied: Django's
    connection is closed first, and opens again at the next query)."""
    import psycopg
    from django.db import connection

    connection.close()
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def pgbench_ceiling(clients: int, seconds: int) -> dict[str, Any]:
    """pgbench -N on a database of its own on the same server: transactions per second."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    name = f"{settings['NAME']}_pgbench"
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    target = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    try:
        subprocess.run(["pgbench", *target, "-i", "-s", "10", "-q", name], env=env, capture_output=True, check=True)
        command = ["pgbench", *target, "-N", "-c", str(clients), "-j", "2", "-T", str(seconds), name]
        out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    found = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    return {"clients": clients, "seconds": seconds, "tps": float(found.group(1)) if found else None}


def sampler(master: int, env: dict[str, str]) -> Process:
    """py-spy sampling gunicorn's processes (--profile) until it is stopped: what they spend their
    time in, as folded stacks with each frame's file and line, written to PROFILE_FILE."""
    PROFILE_FILE.parent.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "py-spy"), "record", "--pid", str(master), "--subprocesses", "--rate", "200"]
    command += ["--format", "raw", "--output", str(PROFILE_FILE), "--nonblocking"]
    return Process("py-spy", command, env, stop_signal=signal.SIGINT)  # it writes what it sampled on SIGINT


def hottest(folded: Path, count: int = 25) -> list[tuple[str, float]]:
    """The frames of repairflow, Django and the libraries that the most samples were in (their
    own time and what they called), as shares of all samples."""
    inclusive: Counter = Counter()
    total = 0
    for line in folded.read_text(errors="replace").splitlines():
        stack, _, samples = line.rpartition(" ")
        if not samples.isdigit():
            continue
        total += int(samples)
        for frame in set(stack.split(";")):
            if "(" in frame and "site-packages/gunicorn" not in frame and "threading.py" not in frame:
                inclusive[frame] += int(samples)
    return [(frame, round(100 * n / total, 1)) for frame, n in inclusive.most_common(count)] if total else []


def tasks_done(log: str) -> Counter:
    return Counter(re.findall(r"Task ([\w.]+)\[[^\]]+\] succeeded", log))


# --- The run --------------------------------------------------------------------------------------


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import CreditRecord, CreditSubject, QueryLog, Subscription
    from tests.sync.worker_harness import SECRET, Receiver

    if connection.vendor != "postgresql":
        raise SystemExit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    vendor, version = database_description()
    today = timezone.localdate()
    var_dir = os.environ["REPAIRFLOW_VAR_DIR"]
    phases = Phases()
    database = connection.settings_dict["NAME"]
    if arguments.seed and database_exists(arguments.seed):
        phases.run(f"copied from {arguments.seed}", lambda: copy_database(arguments.seed, database))
    else:
        people = phases.run("people and template records", lambda: make_people(arguments.lifecycles))
        phases.run("records", lambda: load_records(arguments.records, people.department, today))
        phases.run("lifecycles through the services", lambda: run_lifecycles(people, today))
        templates = templates_read()
        office = people.office[0]
        phases.run(
            "copies", lambda: copy_cases(templates, max(arguments.cases - len(templates), 0), people.department, office)
        )
        phases.run("the load's subjects", lambda: make_load_subjects(arguments.subjects, people.officers[0]))
        tables = [CreditSubject, CreditRecord, Objection, Transition, Deadline, Notice, Verification, QueryLog]
        phases.run("vacuum analyze", lambda: vacuum_analyze(tables))
        if arguments.seed:
            phases.run(f"kept as {arguments.seed}", lambda: copy_database(database, arguments.seed))
    staff, free = Staff.read(), load_records_read()
    plan_file = Path(var_dir) / "load_plan.json"

    receiver = Receiver()
    Subscription.objects.create(name="省信用平台", url=receiver.url, secret=SECRET, events=[])
    rounds = []
    try:  # one round for each web size and number of Celery workers, on the same data
        for web in arguments.web:
            for workers in arguments.celery_workers:
                plan = write_plan(plan_file, staff, free)  # the cases waiting now: a round acts on them
                name = f"round-{len(rounds) + 1}"  # its processes' logs: round-1-web.log, …
                figures = served_round(arguments, name, web, workers, var_dir, plan_file, receiver)
                rounds.append({**figures, "plan": plan})
    finally:
        receiver.close()
    ceiling = phases.run("pgbench", lambda: pgbench_ceiling(arguments.pgbench_clients, arguments.pgbench_seconds))
    twice = sum(1 for times in delivered(receiver).values() if times > 1)
    for figures in rounds:
        figures["write_share"] = round(figures["writes_rps"] / ceiling["tps"], 4) if ceiling["tps"] else None
        figures["targets"]["write_share"] = (figures["write_share"] or 0) >= WRITE_SHARE_TARGET
    return {
        "benchmark": "load",
        "database": vendor,
        "database_version": version,
        "day": today.isoformat(),
        "records": CreditRecord.objects.count(),
        "cases": Objection.objects.count(),
        "subjects": CreditSubject.objects.count(),
        "seed": arguments.seed,
        "load_seconds": phases.seconds,
        "users": arguments.users,
        "duration_s": arguments.duration,
        "think_s": arguments.think,
        "people": people_of(arguments),
        "writes_only": arguments.writes_only,
        "rounds": rounds,
        "pgbench": ceiling,
        "received_twice": twice,
        "profile": hottest(PROFILE_FILE) if arguments.profile else [],
        "target_met": twice == 0 and all(all(figures["targets"].values()) for figures in rounds),
        **environment(),
    }


def delivered(receiver: Any) -> Counter:
    """How many times the receiver took each delivery."""
    return Counter(delivery for delivery, status in receiver.seen if status == 200)


def web_size(text: str) -> tuple[int, int]:
    """`2x4`: gunicorn's processes and the threads of each."""
    found = re.fullmatch(r"(\d+)x(\d+)", text)
    if not found:
        raise argparse.ArgumentTypeError(f"{text!r}: processes x threads, e.g. 2x4")
    return int(found.group(1)), int(found.group(2))


def served_round(
    arguments: argparse.Namespace,
    name: str,
    web: tuple[int, int],
    celery_workers: int,
    var_dir: str,
    plan_file: Path,
    receiver: Any,
) -> dict[str, Any]:
    """One round of the load (`name`, its processes' logs named after it): gunicorn (`web`:
    processes, threads; with `--public-web` a second one, the public's), `celery_workers` Celery
    workers and beat started, locust run against them, everything stopped; what was asked and what
    the workers did."""
    from repairflow.records.models import Delivery

    env = served_environment(var_dir, receiver.url)
    env["CELERY_WORKER_CONCURRENCY"] = "1"
    staff = ["nice", "-n", str(arguments.staff_nice)]
    webs = {"web": served_web(f"{name}-web", web, env, staff)}
    if arguments.public_web:
        webs["public"] = served_web(f"{name}-public-web", arguments.public_web, env, [])
    processes = [process for process, _ in webs.values()]
    celery = [*staff, str(BIN / "celery"), "-A", "repairflow"]
    workers = []
    for number in range(celery_workers):
        worker = [*celery, "worker", "--hostname", f"load{number}@%h", "--concurrency", "1", "--loglevel", "INFO"]
        workers.append(Process(f"{name}-worker-{number}", worker, env))
    processes += [*workers, Process(f"{name}-beat", [*celery, "beat", "--schedule", f"{var_dir}/beat-schedule"], env)]
    received_before = len(delivered(receiver))
    acknowledged_before = Delivery.objects.filter(status="acknowledged").count()
    try:
        for process, port in webs.values():
            wait_answering(port, process.process, process.log)
        if arguments.profile:
            processes.append(sampler(processes[0].process.pid, env))
        began = time.monotonic()
        urls = {key: f"http://127.0.0.1:{port}" for key, (_, port) in webs.items()}
        requests = run_locust(arguments, urls["web"], urls.get("public", ""), plan_file, var_dir)
        load_seconds = time.monotonic() - began
        masters = [process.process.pid for process, _ in webs.values()]
        memory = [round(resident_mb(pid), 1) for master in masters for pid in worker_pids(master)]
        time.sleep(5)  # the deliveries of the last changes
    finally:
        for process in reversed(processes):  # the sampler first, gunicorn last
            process.stop()

    by_type = [row for row in requests if row["name"] != "Aggregated"]
    total = next((row for row in requests if row["name"] == "Aggregated"), None)
    writes_rps = sum(row["rps"] for row in by_type if row["name"].startswith("POST "))
    public = [row for row in by_type if row["name"].startswith("public:")]
    return {
        "web": {"workers": web[0], "threads": web[1]},
        "public_web": {"workers": arguments.public_web[0], "threads": arguments.public_web[1]}
        if arguments.public_web
        else None,
        "staff_nice": arguments.staff_nice,
        "celery_workers": celery_workers,
        "measured_s": round(load_seconds, 1),
        "requests": by_type,
        "total": total,
        "writes_rps": round(writes_rps, 1),
        "web_worker_memory_mb": memory,
        "celery_work": {f"worker-{n}": dict(tasks_done(worker.text())) for n, worker in enumerate(workers)},
        "deliveries": {
            "acknowledged": Delivery.objects.filter(status="acknowledged").count() - acknowledged_before,
            "received": len(delivered(receiver)) - received_before,
        },
        "targets": {
            "no_errors": bool(total) and total["failures"] == 0,
            "p95_every_type": all(row["p95_ms"] < P95_TARGET_MS for row in by_type),
            "p95_public": bool(public) and all(row["p95_ms"] < PUBLIC_P95_TARGET_MS for row in public),
            "worker_memory": bool(memory) and max(memory) < WORKER_MEMORY_TARGET_MB,
        },
    }


def served_web(name: str, size: tuple[int, int], env: dict[str, str], prefix: list[str]) -> tuple[Process, int]:
    """gunicorn as the Procfile serves it (gunicorn.conf.py), sized by the environment it reads
    (`size`: processes, threads), on a free port of 127.0.0.1; `prefix` runs it (`nice -n N`)."""
    port = free_port()
    command = [*prefix, str(BIN / "gunicorn"), "-c", str(BASE_DIR / "gunicorn.conf.py"), "repairflow.wsgi"]
    sized = {"WEB_CONCURRENCY": str(size[0]), "WEB_THREADS": str(size[1]), "HOST": "127.0.0.1", "PORT": str(port)}
    return Process(name, command, {**env, **sized}), port


def report(figures: dict[str, Any]) -> None:
    ceiling = figures["pgbench"]
    print(
        f"load on {figures['day']}: {figures['records']:,} records, {figures['cases']:,} objections; "
        f"{figures['users']} people ({', '.join(figures['people'])}) for {figures['duration_s']} s a round, "
        f"pausing {figures['think_s']} s{', writes only' if figures['writes_only'] else ''}; "
        f"pgbench -N ({ceiling['clients']} clients): {ceiling['tps']} tps"
    )
    for round_ in figures["rounds"]:
        web = round_["web"]
        public = round_.get("public_web")
        print(
            f"\ngunicorn {web['workers']} × {web['threads']}"
            + (f" and the public's {public['workers']} × {public['threads']}" if public else "")
            + (f", staff and Celery at nice {round_['staff_nice']}" if round_.get("staff_nice") else "")
            + f", {round_['celery_workers']} Celery worker(s), {round_['measured_s']} s"
        )
        print(f"{'request':<36}{'n':>7}{'fail':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'rps':>8}")
        for row in [*round_["requests"], round_["total"] or {}]:
            if row:
                print(
                    f"{row['name']:<36}{row['requests']:>7}{row['failures']:>6}{row['p50_ms']:>8.0f}"
                    f"{row['p95_ms']:>8.0f}{row['p99_ms']:>8.0f}{row['rps']:>8.1f}"
                )
        print(f"state-changing: {round_['writes_rps']} req/s; ratio to pgbench {round_['write_share']}")
        print(f"gunicorn workers' memory after the round: {round_['web_worker_memory_mb']} MB")
        print(f"Celery work by worker: {round_['celery_work']}")
        print(f"deliveries: {round_['deliveries']}")
        print(f"targets: {round_['targets']}")
    print(f"\ndeliveries received twice, in all rounds: {figures['received_twice']}")
    if figures["profile"]:
        print(f"hottest frames of the web processes in the last round, share of samples ({PROFILE_FILE}):")
        for frame, share in figures["profile"]:
            print(f"  {share:5.1f} %  {frame}")
    print(machine_line(figures))


if __name__ == "__main__":
    arguments = parse_arguments()
    sys.exit(run_benchmark("load", RESULTS_FILE, lambda: run(arguments), report))
