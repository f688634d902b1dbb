"""Benchmark: the list pages and list endpoints over a full registry, timed as gunicorn serves them.

    .venv/bin/python bench/list_pages.py [--cases N] [--records N] [--lifecycles N] [--requests N] [--profile]

Two lists, each as its page and its API endpoint, at page 1, at a deep page (200, or the last
when there are fewer) and with one filter:

- the credit office's objections (`/objections/`, `GET /api/v1/objections/`, as an office user;
  filter `overdue`): every case with its record and subject, the page's queue by the first open
  clock's last day, the API's cases with their clocks, timeline, notices and verifications;
- a department's records (`/records/`, `GET /api/v1/records/`, as one of its officers; filter
  `category=administrative_penalty`): newest decision first, each look-up written to the query log.

Targets: the office's objection list under 100 ms with `--cases` (default 20,000) objections in
the database; a department's record list under 20 ms with `--records` (default 1,000,000)
credit records in the table, the department owning four in five of them. A target is met when
every URL of its list has a median under it. Each list's plans must be index-driven: the record
list reads the department's records through `record_department_order` in order (no sort), and no
plan of either list reads half the record table or more by a Seq Scan (on SQLite: any full SCAN
of it); a plan that does fails the benchmark as a missed target does.

What is loaded. The department BENCH, its officers and the office's users, and `--lifecycles`
(default 300) records, each of a subject of its own with an account, as `bench/objection_lifecycle.py`
makes them (`records_import`). Then the registry, bulk-created without history: four other
departments, one subject per 5 records (one in five a natural person with a resident ID
number, the others legal persons with a USCC, both valid by python-stdnum), and the records,
four in five BENCH's, decided on a day drawn from 2022-01-03 to yesterday, a mix of penalties,
list entries, licences and red-list entries with their publication periods computed as
`set_publication_periods` computes them (published, suspended, expired when their maximum has
passed, unpublished when their rule set does not publish them). Then the lifecycles: one
objection per template record run through `repairflow.objections.services` on past working days
(time_machine), each step on the next working day, with beat's deadline sweep run on each day:
published (corrected or maintained), rejected, withdrawn, lapsed (a supplement asked for and
never made), and open ones submitted, waiting for a supplement, accepted, being verified and
replied to, filed over the last three weeks (some of them overdue). Then copies of those cases
up to `--cases`, bulk-created on other records of BENCH (each copy's subject its record's):
the objection with a new number, its transitions, clocks, notices (the same PDF bytes) and
verifications, created at the time its template was; the copied records are marked under
objection where the template's is. Then VACUUM ANALYZE on PostgreSQL (the visibility map and
statistics a live registry has from autovacuum; it also keeps autovacuum from starting during
the timing), ANALYZE on SQLite.

How it is measured. Each URL is requested once in-process through `django.test.Client` as the
same user, with its SQL captured (`CaptureQueriesContext`): the queries per request, and the plan
of the list's page SELECT (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite), and of the slowest SELECT when it is another one. With `--profile`, a pyinstrument
profile of 5 in-process requests per URL is written beside the results. Then gunicorn serves
the benchmark's database (`gunicorn repairflow.wsgi:application --workers 1`, one sync worker,
with this run's REPAIRFLOW_VAR_DIR and DATABASE_URL and DEBUG off), and a client on 127.0.0.1
(http.client, one connection object reused; gunicorn's sync worker closes the connection after
each response, so each request includes a loopback connect, timed and printed) times `--requests`
(default 50) requests per URL after 10 warm-up ones, URLs in turn; the pages with a session
cookie (a session made by `Client.force_login`) and the CSRF cookie the page sets, the API with
a token (`Authorization: Token …`). Every answer must be 200.

Databases as in `bench/records_import.py`: on SQLite a file in a temporary `REPAIRFLOW_VAR_DIR`;
elsewhere (`DATABASE_URL`) a database of its own made by Django's test-database creation and
dropped at the end. Figures and plans are printed and written to `bench/results/list_pages.json`,
one entry per database vendor. Needs the bench extras (gunicorn, pyinstrument): `make bench` installs them.
"""

import argparse
import http.client
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from _setup import (
    BASE_DIR,
    BATCH_SIZE,
    LOAD_CHUNK,
    database_description,
    environment,
    machine_line,
    run_benchmark,
)
from objection_lifecycle import (
    CORRECTED_SUFFIX,
    DEPARTMENT_CODE,
    EXPLANATION,
    GROUNDS,
    REQUESTED_CHANGE,
    STATEMENT,
    People,
    make_people,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "list_pages.json"
OBJECTIONS_TARGET_MS = 100.0
RECORDS_TARGET_MS = 20.0
DEEP_PAGE = 200
WARM_UP_REQUESTS = 10
PROFILED_REQUESTS = 5
RECORDS_PER_SUBJECT = 5
DEPARTMENT_SHARE = 5  # one record in DEPARTMENT_SHARE is another department's, the others BENCH's
FIRST_DECISION = date(2022, 1, 3)
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20261203
COPY_NUMBER_BASE = 500_000  # copies are numbered YY<year>500000 on, apart from the services' numbers
RECORD_FILTER = ("category", "administrative_penalty")
SERVER_START_SECONDS = 60

OTHER_DEPARTMENTS = [
    ("FGW", "发展和改革委员会"),
    ("SWJ", "税务局"),
    ("RSJ", "人力资源和社会保障局"),
    ("ZJJ", "住房和城乡建设局"),
]
# category, severity, title: a registry's mix, one row in 20 each
RECORD_KINDS = (
    [("administrative_penalty", "general", "未按规定公示年度报告")] * 7
    + [("administrative_penalty", "serious", "未取得许可擅自从事经营活动")] * 2
    + [("administrative_penalty", "minor", "未按规定悬挂营业执照")]
    + [("abnormal_list", "general", "通过登记的住所无法联系")] * 2
    + [("serious_list", "serious", "拒不履行法定义务，严重影响司法机关公信力")]
    + [("other", "general", "欠缴税款")]
    + [("administrative_license", None, "食品经营许可")] * 4
    + [("red_list", None, "纳税信用A级纳税人")] * 2
)

# The paths a template objection takes, one row in 20 each: (what it ends as, its steps).
CLOSED, OPEN = "closed", "open"
PATHS = (
    [(CLOSED, ("submit", "accept", "forward", "reply", "confirm"))] * 7
    + [(CLOSED, ("submit", "accept", "forward", "reply-maintain", "confirm"))] * 2
    + [(CLOSED, ("submit", "reject"))] * 2
    + [(CLOSED, ("submit", "accept", "withdraw"))]
    + [(CLOSED, ("submit", "request-supplement"))]  # filed long ago: the sweep lapses it
    + [(OPEN, ("submit",))]
    + [(OPEN, ("submit", "request-supplement"))]
    + [(OPEN, ("submit", "accept"))]
    + [(OPEN, ("submit", "accept", "forward"))] * 2
    + [(OPEN, ("submit", "accept", "forward", "reply"))] * 2
)
CLOSED_FILED_DAYS = (40, 180)  # closed cases were filed 40 to 180 days ago, open ones in the last 3 weeks
OPEN_FILED_DAYS = (0, 21)
REJECTION_REASON = "异议申请事项不属于本机构受理范围。"
MISSING = "请补充提交处罚决定书复印件。"
WITHDRAWAL_REASON = "已与认定部门沟通一致，撤回异议。"
MAINTAIN_EXPLANATION = "经核查，原记录内容无误，予以维持。"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="objections in the database (default 20000)")
    parser.add_argument("--records", type=int, default=1_000_000, help="credit records in the table (default 1000000)")
    parser.add_argument(
        "--lifecycles", type=int, default=300, help="objections run through the services, copied up to --cases (300)"
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL (default 50)")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile of each URL")
    arguments = parser.parse_args()
    if arguments.lifecycles < len(PATHS):
        parser.error(f"--lifecycles must be at least {len(PATHS)}, one of each path")
    if arguments.cases < arguments.lifecycles:
        parser.error("--cases must not be less than --lifecycles")
    bulk = arguments.records - arguments.lifecycles
    if bulk - math.ceil(bulk / DEPARTMENT_SHARE) < arguments.cases - arguments.lifecycles:
        parser.error("--records must leave a record of BENCH for every copied objection")
    if arguments.requests < 2:
        parser.error("--requests must be at least 2")
    return arguments


# --- The registry ---------------------------------------------------------------------------------


def legal_identifier(serial: int) -> str:
    """A valid USCC (the services' template subjects are 91370102…, these 91370103…)."""
    from stdnum.cn import uscc

    base = f"91370103{serial:09d}"
    return base + uscc.calc_check_digit(base)


def natural_identifier(serial: int) -> str:
    """A valid resident ID number of 济南市历下区 (370102, a county code since 1983), born 1983-01-01
    or after."""
    from stdnum.cn import ric

    born = date(1983, 1, 1) + timedelta(days=serial // 1000)
    base = f"370102{born:%Y%m%d}{serial % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def make_subjects(count: int) -> list[int]:
    """`count` subjects, one in five a natural person; their ids."""
    from repairflow.core.identifiers import SubjectType
    from repairflow.records.models import CreditSubject

    ids: list[int] = []
    for first in range(0, count, LOAD_CHUNK):
        chunk = []
        for serial in range(first, min(first + LOAD_CHUNK, count)):
            if serial % 5 == 4:
                subject = CreditSubject(
                    subject_type=SubjectType.NATURAL_PERSON,
                    identifier=natural_identifier(serial),
                    name=f"个体工商户经营者{serial}",
                )
            else:
                subject = CreditSubject(
                    subject_type=SubjectType.LEGAL_PERSON,
                    identifier=legal_identifier(serial),
                    name=f"示范商贸{serial}有限公司",
                )
            chunk.append(subject)
        ids += [subject.pk for subject in CreditSubject.objects.bulk_create(chunk, batch_size=BATCH_SIZE)]
    return ids


@cache
def record_fields(category: str, severity: str | None, decided: date, today: date, suspended: bool) -> dict[str, Any]:
    """A record's state, rule set and periods, as `records_import` fixes them for a record
    published on its decision date, and as the expiry sweep leaves it by `today`."""
    from repairflow.deadlines.policy import active_profile
    from repairflow.records.models import RecordState
    from repairflow.records.publication import is_negative, may_be_published, publication_periods

    negative = is_negative(category, severity)
    if not may_be_published(negative=negative, severity=severity, decision_date=decided):
        return {"state": RecordState.UNPUBLISHED, "rule_set": "", "negative": negative}
    periods = publication_periods(
        negative=negative,
        severity=severity,
        decision_date=decided,
        published_on=decided,
        cap_years=active_profile().publication_cap_years,
    )
    if periods.max_end is not None and periods.max_end < today:
        state = RecordState.EXPIRED
    else:
        state = RecordState.SUSPENDED if suspended else RecordState.PUBLISHED
    return {
        "state": state,
        "negative": negative,
        "rule_set": periods.rule_set.code,
        "publication_start": periods.start,
        "min_period_end": periods.min_end,
        "max_period_end": periods.max_end,
    }


def load_records(count: int, department: Any, today: date) -> dict[str, Any]:
    """The other departments, the subjects and `count` records without history (see the module's doc)."""
    from repairflow.records.models import CreditRecord, Department

    others = Department.objects.bulk_create([Department(code=code, name=name) for code, name in OTHER_DEPARTMENTS])
    subject_ids = make_subjects(max(1, count // RECORDS_PER_SUBJECT))
    rng = random.Random(SEED)
    span = (today - FIRST_DECISION).days  # up to yesterday
    for first in range(0, count, LOAD_CHUNK):
        chunk = []
        for index in range(first, min(first + LOAD_CHUNK, count)):
            owner = others[(index // DEPARTMENT_SHARE) % len(others)] if index % DEPARTMENT_SHARE == 0 else department
            category, severity, title = RECORD_KINDS[index % len(RECORD_KINDS)]
            decided = FIRST_DECISION + timedelta(days=rng.randrange(span))
            chunk.append(
                CreditRecord(
                    subject_id=subject_ids[rng.randrange(len(subject_ids))],
                    department=owner,
                    category=category,
                    severity=severity,
                    decision_no=f"{owner.code}罚〔{decided.year}〕{index + 1}号",
                    decision_date=decided,
                    title=title,
                    content="责令改正，并处罚款。" if severity else "",
                    **record_fields(category, severity, decided, today, index % 40 == 1),
                )
            )
        CreditRecord.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
    return {"subjects": len(subject_ids), "other_departments": [code for code, _name in OTHER_DEPARTMENTS]}


# --- Objections through the services --------------------------------------------------------------


def take_step(step: str, people: People, record: Any, number: str) -> str:
    """One use-case of `repairflow.objections.services` on the record's objection; its number."""
    from repairflow.objections import services

    office, officer, subject_user = people.office[0], people.officers[0], people.subject_user(record)
    if step == "submit":
        objection = services.objection_submit(
            actor=subject_user, record=record, grounds=GROUNDS, statement=STATEMENT, requested_change=REQUESTED_CHANGE
        )
        return objection.number
    if step == "reply":
        corrected = {"title": record.title + CORRECTED_SUFFIX}
        services.objection_reply(
            actor=officer, number=number, outcome="correct", explanation=EXPLANATION, corrected_fields=corrected
        )
    elif step == "reply-maintain":
        services.objection_reply(actor=officer, number=number, outcome="maintain", explanation=MAINTAIN_EXPLANATION)
    elif step == "withdraw":
        services.objection_withdraw(actor=subject_user, number=number, reason=WITHDRAWAL_REASON)
    else:
        office_steps: dict[str, Callable[[], Any]] = {
            "accept": lambda: services.objection_accept(actor=office, number=number),
            "reject": lambda: services.objection_reject(actor=office, number=number, reason=REJECTION_REASON),
            "request-supplement": lambda: services.objection_request_supplement(
                actor=office, number=number, missing=MISSING
            ),
            "forward": lambda: services.objection_forward(actor=office, number=number),
            "confirm": lambda: services.objection_confirm(actor=office, number=number),
        }
        office_steps[step]()
    return number


def working_days_from(calendar: Any, first: date, count: int) -> list[date]:
    """`count` working days from `first` on (`first` itself when it is one)."""
    from repairflow.calendar.workdays import next_working_day, receipt_day

    days = [receipt_day(calendar, first)]
    while len(days) < count:
        days.append(next_working_day(calendar, days[-1]))
    return days


def run_lifecycles(people: People, today: date) -> dict[str, Any]:
    """One objection per template record along PATHS, each step on its working day, beat's
    deadline sweep run at 01:00 of every day from the first filing to today."""
    import time_machine

    from repairflow.calendar.selectors import calendar_version, work_calendar
    from repairflow.cases.services import case_deadlines_sweep

    calendar = work_calendar(version=calendar_version())
    rng = random.Random(SEED + 1)
    steps_on: dict[date, list[tuple[int, int]]] = {}  # day -> (template, step)
    for index in range(len(people.records)):
        kind, steps = PATHS[index % len(PATHS)]
        low, high = CLOSED_FILED_DAYS if kind == CLOSED else OPEN_FILED_DAYS
        filed = today - timedelta(days=rng.randint(low, high))
        days = working_days_from(calendar, filed, len(steps))
        while days[-1] > today:  # an open case's last step is today at the latest
            filed -= timedelta(days=1)
            days = working_days_from(calendar, filed, len(steps))
        for position, day in enumerate(days):
            steps_on.setdefault(day, []).append((index, position))
    numbers: dict[int, str] = {}
    fired = failed = 0
    day = min(steps_on)
    while day <= today:
        with time_machine.travel(datetime.combine(day, clock_time(1, 0), tzinfo=SHANGHAI)):
            report = case_deadlines_sweep(today=day)
        fired, failed = fired + len(report.fired), failed + len(report.failed)
        for index, position in steps_on.get(day, []):
            record = people.records[index]
            step = PATHS[index % len(PATHS)][1][position]
            at = datetime.combine(day, clock_time(9, 30), tzinfo=SHANGHAI) + timedelta(minutes=index)
            with time_machine.travel(at):
                numbers[index] = take_step(step, people, record, numbers.get(index, ""))
        day += timedelta(days=1)
    if failed:
        raise SystemExit(f"{failed} clocks failed to fire in the deadline sweeps")
    return {"first_filed": min(steps_on).isoformat(), "sweep_stages_fired": fired}


# --- Copies ---------------------------------------------------------------------------------------


@dataclass
class Template:
    objection: Any
    transitions: list[Any]
    deadlines: list[Any]
    notices: list[Any]
    verifications: list[Any]
    record_marked: bool


def templates_read() -> list[Template]:
    """Every objection the services made, with the rows a copy repeats."""
    from django.contrib.contenttypes.models import ContentType

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, Verification

    case_type = ContentType.objects.get_for_model(Objection)
    objections = list(Objection.objects.select_related("record").order_by("pk"))

    def by_case(model: Any) -> dict[int, list[Any]]:
        rows: dict[int, list[Any]] = {}
        for row in model.objects.filter(case_type=case_type).order_by("pk"):
            rows.setdefault(row.case_id, []).append(row)
        return rows

    transitions, deadlines, notices = by_case(Transition), by_case(Deadline), by_case(Notice)
    verifications: dict[int, list[Any]] = {}
    for verification in Verification.objects.order_by("pk"):
        verifications.setdefault(verification.objection_id, []).append(verification)
    unrendered = [notice.pk for rows in notices.values() for notice in rows if not notice.sha256]
    if unrendered:
        raise SystemExit(f"notices {unrendered[:5]} were not rendered after their commit")
    return [
        Template(
            objection=objection,
            transitions=transitions.get(objection.pk, []),
            deadlines=deadlines.get(objection.pk, []),
            notices=notices.get(objection.pk, []),
            verifications=verifications.get(objection.pk, []),
            record_marked=objection.record.under_objection,
        )
        for objection in objections
    ]


def fields_of(row: Any, *skipped: str) -> dict[str, Any]:
    """A row's concrete fields by attname, without its id and `skipped`."""
    return {
        model_field.attname: getattr(row, model_field.attname)
        for model_field in type(row)._meta.concrete_fields
        if not model_field.primary_key and model_field.attname not in skipped
    }


def copy_cases(templates: list[Template], count: int, department: Any, office: Any) -> int:
    """`count` copies of the templates, round-robin, each on a record of `department` that has no
    objection yet; the records of copies of marked templates marked under objection. Each
    template's copies are created at its `created_at` (time_machine: `auto_now_add`)."""
    import time_machine

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import CreditRecord

    free = CreditRecord.objects.filter(department=department, objections__isnull=True).order_by("pk")
    pool = list(free.values_list("pk", "subject_id"))
    if len(pool) < count:
        raise SystemExit(f"{len(pool)} records of {department.code} without an objection, {count} copies to make")
    chosen = random.Random(SEED + 2).sample(pool, count)
    year = templates[0].objection.number[2:6]
    marked: list[int] = []
    pending: dict[Any, list[Any]] = {Transition: [], Notice: [], Verification: []}

    def flush(model: Any, least: int) -> None:
        if len(pending[model]) >= least:
            model.objects.bulk_create(pending[model], batch_size=1000)
            pending[model] = []

    for position, template in enumerate(templates):
        places = range(position, count, len(templates))
        if not places:
            continue
        base = fields_of(template.objection, "number", "record_id", "subject_id", "filed_by_id")
        objections = [
            Objection(
                **base,
                number=f"YY{year}{COPY_NUMBER_BASE + place:06d}",
                record_id=chosen[place][0],
                subject_id=chosen[place][1],
                filed_by_id=office.pk,  # the office files for the subject
            )
            for place in places
        ]
        with time_machine.travel(template.objection.created_at, tick=False):
            Objection.objects.bulk_create(objections)
            Deadline.objects.bulk_create(
                [
                    Deadline(
                        **{
                            **fields_of(deadline, "case_id", "created_at", "updated_at"),
                            "case_id": objection.pk,
                            "concerns_id": objection.subject_id,
                            "subject_id": objection.subject_id if deadline.subject_id else None,
                        }
                    )
                    for objection in objections
                    for deadline in template.deadlines
                ]
            )
        for objection in objections:
            pending[Transition] += [
                Transition(**{**fields_of(row, "case_id"), "case_id": objection.pk}) for row in template.transitions
            ]
            pending[Notice] += [
                Notice(**{**fields_of(row, "case_id"), "case_id": objection.pk}) for row in template.notices
            ]
            pending[Verification] += [
                Verification(**{**fields_of(row, "objection_id"), "objection_id": objection.pk})
                for row in template.verifications
            ]
        if template.record_marked:
            marked += [objection.record_id for objection in objections]
        for model in pending:
            flush(model, LOAD_CHUNK // 10)
    for model in pending:
        flush(model, 1)
    for first in range(0, len(marked), 1000):
        CreditRecord.objects.filter(pk__in=marked[first : first + 1000]).update(under_objection=True)
    if Objection.objects.count() != count + len(templates):
        raise SystemExit("the copies were not all created")
    return len(marked)


def vacuum_analyze(models: list[Any]) -> None:
    """VACUUM ANALYZE each table on PostgreSQL; ANALYZE on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


# --- The URLs -------------------------------------------------------------------------------------


@dataclass
class Url:
    list_name: str  # "objections", "records"
    kind: str  # "page", "api"
    variant: str  # "page 1", "page 200", "overdue", ...
    path: str
    rows: int  # the rows the list holds (all its pages)
    page_size: int
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.list_name} {'HTML' if self.kind == 'page' else 'API'} {self.variant}"


def deep_page(rows: int, page_size: int) -> int:
    return max(1, min(DEEP_PAGE, math.ceil(rows / page_size)))


def make_urls(department: Any, today: date) -> list[Url]:
    from django.conf import settings

    from repairflow.cases.selectors import cases_overdue
    from repairflow.cases.views import PAGE_SIZE as CASE_PAGE_SIZE
    from repairflow.objections.models import Objection
    from repairflow.records.models import CreditRecord
    from repairflow.records.views import PAGE_SIZE as RECORD_PAGE_SIZE

    api_size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    cases = Objection.objects.count()
    overdue = cases_overdue(Objection.objects.all(), today=today).count()
    records = CreditRecord.objects.filter(department=department)
    record_rows = records.count()
    name, value = RECORD_FILTER
    filtered = records.filter(**{name: value}).count()
    urls = []
    for kind, size, prefix, flag in (
        ("page", CASE_PAGE_SIZE, "/objections/", "1"),
        ("api", api_size, "/api/v1/objections/", "true"),
    ):
        deep = deep_page(cases, size)
        urls += [
            Url("objections", kind, "page 1", prefix, cases, size),
            Url("objections", kind, f"page {deep}", f"{prefix}?page={deep}", cases, size),
            Url("objections", kind, "overdue", f"{prefix}?overdue={flag}", overdue, size),
        ]
    for kind, size, prefix in (("page", RECORD_PAGE_SIZE, "/records/"), ("api", api_size, "/api/v1/records/")):
        deep = deep_page(record_rows, size)
        urls += [
            Url("records", kind, "page 1", prefix, record_rows, size),
            Url("records", kind, f"page {deep}", f"{prefix}?page={deep}", record_rows, size),
            Url("records", kind, f"{name}={value}", f"{prefix}?{name}={value}", filtered, size),
        ]
    return urls


@dataclass
class Caller:
    """How a URL is called: the in-process client (logged in) and the headers for gunicorn."""

    client: Any
    headers: dict[str, str]


def make_callers(office: Any, officer: Any) -> dict[tuple[str, str], Caller]:
    """By (list, kind): the office for the objections, BENCH's officer for the records; the
    pages with a session cookie, the API with a token."""
    from django.test import Client

    from repairflow.core.services import api_token_issue

    callers = {}
    for list_name, user in (("objections", office), ("records", officer)):
        page_client = Client(HTTP_HOST="127.0.0.1")
        page_client.force_login(user)
        session = page_client.cookies["sessionid"].value
        callers[(list_name, "page")] = Caller(page_client, {"Cookie": f"sessionid={session}"})
        token = api_token_issue(user=user)[0]
        api_client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
        callers[(list_name, "api")] = Caller(
            api_client, {"Authorization": f"Token {token}", "Accept": "application/json"}
        )
    return callers


# --- In-process: queries and plans ----------------------------------------------------------------


def explain(sql: str) -> str:
    """The plan of one captured statement: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY
    PLAN (as a tree) elsewhere."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        rows = cursor.fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return "\n".join(lines)


def is_page_select(sql: str, table: str) -> bool:
    """The list's page: a SELECT from its main table with ORDER BY and LIMIT (not the count)."""
    return (
        sql.startswith("SELECT")
        and not sql.startswith("SELECT COUNT")
        and f'FROM "{table}"' in sql
        and "ORDER BY" in sql
        and "LIMIT" in sql
    )


def rows_scanned(plan: str, table: str) -> int:
    """The rows the sequential scans of `table` in a PostgreSQL plan read, the rows their filters
    removed included, over all their loops."""
    lines = plan.splitlines()
    total = 0
    for number, line in enumerate(lines):
        scan = re.search(rf"Seq Scan on {table}\b.*actual time=\S+ rows=(\d+) loops=(\d+)", line)
        if scan is None:
            continue
        indent, removed = len(line) - len(line.lstrip()), 0
        for detail in lines[number + 1 :]:
            if len(detail) - len(detail.lstrip()) <= indent or "->" in detail:
                break
            if filtered := re.search(r"Rows Removed by Filter: (\d+)", detail):
                removed = int(filtered[1])
        total += (int(scan[1]) + removed) * int(scan[2])
    return total


def plan_findings(url: Url, plans: dict[str, str], table_rows: int) -> list[str]:
    """What is wrong with the plans: a sequential read of half the record table or more (on
    SQLite, any SCAN of it); for the record list, a page not read in order through
    record_department_order, or sorted after it is read."""
    from django.db import connection

    from repairflow.records.models import CreditRecord

    table = CreditRecord._meta.db_table
    pg = connection.vendor == "postgresql"
    findings = []
    for which, plan in plans.items():
        if pg and (scanned := rows_scanned(plan, table)) * 2 >= table_rows:
            findings.append(f"the {which} plan reads {scanned:,} of the {table_rows:,} rows of {table} by a Seq Scan")
        if not pg and re.search(rf"^\s*SCAN (TABLE )?{table}\s*$", plan, re.MULTILINE):
            findings.append(f"the {which} plan scans the whole {table} table")
    if url.list_name == "records":
        main = plans["page"]
        ordered = (
            re.search(r"Index (Only )?Scan( Backward)? using record_department_order", main)
            if pg
            else "INDEX record_department_order" in main
        )
        sorted_after = re.search(r"(^|->\s+)(Incremental )?Sort\b", main, re.MULTILINE) if pg else "TEMP B-TREE" in main
        if not ordered:
            findings.append("the page is not read through record_department_order")
        if sorted_after:
            findings.append("the page's rows are sorted after they are read")
    return findings


def access_path(plan: str, table: str) -> str:
    """How the plan reads `table`: its first node on it ("Index Scan using … on …", "SCAN …")."""
    for line in plan.splitlines():
        if table in line and re.search(r"Scan|SCAN|SEARCH", line):
            return re.sub(r"\s+\(cost=.*$", "", line.strip().removeprefix("->").strip())
    return "—"


def inspect(url: Url, caller: Caller, table_rows: int) -> None:
    """One in-process request with its SQL captured: the queries, the page's plan (and the
    slowest SELECT's when it is another), the findings; the API's count and page length."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from repairflow.objections.models import Objection
    from repairflow.records.models import CreditRecord

    table = (Objection if url.list_name == "objections" else CreditRecord)._meta.db_table
    caller.client.get(url.path)  # what a worker reads once (translations, caches) is read before
    with CaptureQueriesContext(connection) as captured:
        response = caller.client.get(url.path)
    if response.status_code != 200:
        raise SystemExit(f"{url.path} answered {response.status_code} in-process")
    queries = captured.captured_queries
    selects = [query for query in queries if query["sql"].startswith("SELECT")]
    page = next((query for query in selects if is_page_select(query["sql"], table)), None)
    if page is None:
        raise SystemExit(f"no SELECT of the page from {table} among the queries of {url.path}")
    slowest = max(selects, key=lambda query: float(query["time"]))
    plans = {"page": explain(page["sql"])}
    if slowest is not page and float(slowest["time"]) > float(page["time"]):
        plans["slowest"] = explain(slowest["sql"])
    statements = Counter(query["sql"].split(None, 1)[0].upper() for query in queries)
    executed = re.search(r"Execution Time: ([0-9.]+) ms", plans["page"])
    url.figures.update(
        queries=len(queries),
        statements=dict(statements.most_common()),
        in_process_sql_ms=round(sum(float(query["time"]) for query in queries) * 1000, 1),
        # the page SELECT's execution time in its EXPLAIN ANALYZE (PostgreSQL), else as captured (in ms)
        page_select_ms=float(executed[1]) if executed else round(float(page["time"]) * 1000, 2),
        slowest_select_ms=round(float(slowest["time"]) * 1000, 2),
        plans=plans,
        access=access_path(plans["page"], table),
        findings=plan_findings(url, plans, table_rows),
    )
    if url.kind == "api":
        body = response.json()
        url.figures.update(
            api_count=body["count"], count_is_estimate=body["count_is_estimate"], page_rows=len(body["results"])
        )


def profile(url: Url, caller: Caller, vendor: str, number: int) -> str:
    """A pyinstrument profile of PROFILED_REQUESTS in-process requests, written beside the results."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(PROFILED_REQUESTS):
        caller.client.get(url.path)
    profiler.stop()
    path = RESULTS_FILE.parent / f"list_pages-profile-{vendor}-{number:02d}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    path.write_text(f"{url.label}: {url.path}, {PROFILED_REQUESTS} requests\n\n{text}", encoding="utf-8")
    return str(path.relative_to(BASE_DIR))


# --- gunicorn -------------------------------------------------------------------------------------


def database_url() -> str:
    """The benchmark's own database as DATABASE_URL says it."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    if connection.vendor != "postgresql":
        raise SystemExit(f"no DATABASE_URL scheme known here for {connection.vendor}")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{quote(settings['USER'] or '', safe='')}{password}@{settings['HOST']}{port}/{settings['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    version: str

    def stop(self) -> None:
        """SIGTERM to the master (it stops its worker and their connections close), then wait."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server() -> Server:
    """gunicorn with one sync worker on a free port of 127.0.0.1, on this run's var directory and
    database, DEBUG off; returned once it answers."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise SystemExit(f"{gunicorn} is missing: install the bench extras (make .venv/.installed-bench)")
    version = subprocess.run([gunicorn, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    var_dir = os.environ["REPAIRFLOW_VAR_DIR"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "repairflow.settings",
        "REPAIRFLOW_VAR_DIR": var_dir,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
    }
    port = free_port()
    log = Path(var_dir) / "gunicorn.log"
    command = [str(gunicorn), "repairflow.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log, version)
    try:
        wait_answering(port, process, log)
    except SystemExit:
        server.stop()
        raise
    return server


def wait_answering(port: int, process: subprocess.Popen, log: Path) -> None:
    """Return once gunicorn, started as `process` on `port` and writing `log`, answers
    `/healthz`; stop the benchmark, with the log's end, if it exits or does not answer in time."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    ending = log.read_text(errors="replace")[-3000:]
    raise SystemExit(f"gunicorn did not answer within {SERVER_START_SECONDS} s:\n{ending}")


class Browser:
    """One http.client connection to the server (opened again when the server closes it), with the
    cookies the server sets kept per caller, as a browser keeps them."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, dict[str, str]] = {}
        self.kept_alive = 0
        self.requests = 0

    def get(self, path: str, caller_key: str, headers: dict[str, str]) -> tuple[int, bytes, float]:
        headers = dict(headers)
        kept = self.cookies.setdefault(caller_key, {})
        if kept:
            extra = "; ".join(f"{name}={value}" for name, value in kept.items())
            headers["Cookie"] = f"{headers['Cookie']}; {extra}" if "Cookie" in headers else extra
        started = time.perf_counter()
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            kept.update({name: morsel.value for name, morsel in cookie.items() if name != "sessionid"})
        self.requests += 1
        self.kept_alive += not response.will_close
        return response.status, body, seconds


def connect_ms(port: int, times: int = 50) -> float:
    """The median time of a bare TCP connect to the server (what a closed connection adds)."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 3)


def time_urls(urls: list[Url], callers: dict[tuple[str, str], Caller], requests: int) -> dict[str, Any]:
    """WARM_UP_REQUESTS then `requests` timed requests per URL through gunicorn, the URLs in turn;
    every answer 200."""
    server = start_server()
    load_before = os.getloadavg()[0]
    try:
        browser = Browser(server.port)
        samples: list[list[float]] = [[] for _url in urls]
        sizes: list[int] = [0 for _url in urls]

        def call(number: int) -> float:
            url = urls[number]
            caller_key = f"{url.list_name}/{url.kind}"
            status, body, seconds = browser.get(url.path, caller_key, callers[(url.list_name, url.kind)].headers)
            if status != 200:
                raise SystemExit(f"{url.path} answered {status}: {body[:300]!r}")
            sizes[number] = len(body)
            return seconds

        for _ in range(WARM_UP_REQUESTS):
            for number in range(len(urls)):
                call(number)
        for _ in range(requests):
            for number in range(len(urls)):
                samples[number].append(call(number))
        for number, url in enumerate(urls):
            timings = sorted(samples[number])
            url.figures.update(
                median_ms=round(statistics.median(timings) * 1000, 2),
                p95_ms=round(statistics.quantiles(timings, n=20, method="inclusive")[18] * 1000, 2),
                min_ms=round(timings[0] * 1000, 2),
                max_ms=round(timings[-1] * 1000, 2),
                bytes=sizes[number],
            )
        return {
            "server": f"{server.version}, 1 sync worker",
            "kept_alive_share": round(browser.kept_alive / browser.requests, 2),
            "connect_ms": connect_ms(server.port),
            # the 1-minute load average before and after the timing (the benchmark itself keeps about one
            # CPU busy): well above 1, another process shared the two CPUs
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
    finally:
        server.stop()


# --- The run --------------------------------------------------------------------------------------


@dataclass
class Phases:
    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, call: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = call()
        self.seconds[name] = round(time.perf_counter() - started, 1)
        print(f"  {name}: {self.seconds[name]:.1f} s", flush=True)
        return result


def states_of_objections() -> dict[str, int]:
    from django.db.models import Count

    from repairflow.objections.models import Objection

    rows = Objection.objects.order_by().values("state").annotate(n=Count("id")).order_by("-n")
    return {row["state"]: row["n"] for row in rows}


def list_verdict(urls: list[Url], list_name: str, target_ms: float) -> dict[str, Any]:
    mine = [url for url in urls if url.list_name == list_name]
    slowest = max(mine, key=lambda url: url.figures["median_ms"])
    findings = [f"{url.label}: {finding}" for url in mine for finding in url.figures["findings"]]
    return {
        "target_ms": target_ms,
        "slowest_median_ms": slowest.figures["median_ms"],
        "slowest": slowest.label,
        "time_met": all(url.figures["median_ms"] < target_ms for url in mine),
        "plans_met": not findings,
        "plan_findings": findings,
        # the queries per request of every variant, for the page and for the API
        "queries": {
            kind: sorted({url.figures["queries"] for url in mine if url.kind == kind}) for kind in ("page", "api")
        },
    }


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import CreditRecord, CreditSubject, QueryLog

    vendor, version = database_description()
    today = timezone.localdate()
    print(f"list_pages: loading {arguments.records:,} records and {arguments.cases:,} objections on {vendor}")
    phases = Phases()
    people = phases.run("people and template records", lambda: make_people(arguments.lifecycles))
    department = people.department
    registry = phases.run("records", lambda: load_records(arguments.records - arguments.lifecycles, department, today))
    lifecycles = phases.run("lifecycles through the services", lambda: run_lifecycles(people, today))
    templates = templates_read()
    marked = phases.run(
        "copies", lambda: copy_cases(templates, arguments.cases - len(templates), department, people.office[0])
    )
    tables = [CreditSubject, CreditRecord, Objection, Transition, Deadline, Notice, Verification, QueryLog]
    phases.run("vacuum analyze" if vendor == "postgresql" else "analyze", lambda: vacuum_analyze(tables))

    urls = make_urls(department, today)
    callers = make_callers(people.office[0], people.officers[0])
    profiles = []
    table_rows = CreditRecord.objects.count()
    for number, url in enumerate(urls):
        inspect(url, callers[(url.list_name, url.kind)], table_rows)
        if arguments.profile:
            profiles.append(profile(url, callers[(url.list_name, url.kind)], vendor, number))
    serving = phases.run("timed requests", lambda: time_urls(urls, callers, arguments.requests))

    objections = list_verdict(urls, "objections", OBJECTIONS_TARGET_MS)
    records = list_verdict(urls, "records", RECORDS_TARGET_MS)
    return {
        "benchmark": "list_pages",
        "database": vendor,
        "database_version": version,
        "profile": settings.REPAIRFLOW_PROFILE,
        "day": today.isoformat(),
        "cases": Objection.objects.count(),
        "lifecycles": len(templates),
        "objection_states": states_of_objections(),
        "records": CreditRecord.objects.count(),
        "department": DEPARTMENT_CODE,
        "department_records": CreditRecord.objects.filter(department=department).count(),
        "records_under_objection": CreditRecord.objects.filter(under_objection=True).count(),
        "copied_marked": marked,
        **registry,
        **lifecycles,
        "load_seconds": phases.seconds,
        "requests": arguments.requests,
        "warm_up_requests": WARM_UP_REQUESTS,
        **serving,
        "urls": [{"label": url.label, "path": url.path, "rows": url.rows, **url.figures} for url in urls],
        "objections": objections,
        "records_list": records,
        "profiles": profiles,
        "target_met": all(verdict["time_met"] and verdict["plans_met"] for verdict in (objections, records)),
        **environment(),
    }


# --- The report -----------------------------------------------------------------------------------


def report(figures: dict[str, Any]) -> None:
    print(
        f"list_pages on {figures['day']}, profile {figures['profile']}: {figures['cases']:,} objections"
        f" ({figures['lifecycles']} through the services), {figures['records']:,} records"
        f" ({figures['department_records']:,} of {figures['department']})"
    )
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}")
    states = ", ".join(f"{state} {n:,}" for state, n in figures["objection_states"].items())
    print(f"  objections by state: {states}")
    print(
        f"  server: {figures['server']}; {figures['requests']} timed requests per URL after"
        f" {figures['warm_up_requests']} warm-up; connections kept alive: {figures['kept_alive_share']:.0%}"
        f" (a loopback connect: {figures['connect_ms']:.2f} ms); load average {figures['load_average'][0]:.2f}"
        f" before, {figures['load_average'][1]:.2f} after"
    )
    for list_name, verdict_key, who in (
        ("objections", "objections", "the office"),
        ("records", "records_list", f"an officer of {figures['department']}"),
    ):
        verdict = figures[verdict_key]
        print(f"  {list_name} as {who}, target < {verdict['target_ms']:g} ms (median):")
        for url in figures["urls"]:
            if not url["label"].startswith(list_name):
                continue
            estimate = " (estimated)" if url.get("count_is_estimate") else ""
            print(
                f"    {url['label'].removeprefix(list_name + ' '):<38} median {url['median_ms']:7.2f} ms"
                f"  p95 {url['p95_ms']:7.2f} ms  min {url['min_ms']:7.2f} ms  {url['queries']:3d} queries"
                f"  {url['rows']:>9,} rows{estimate}"
                f"  {url['bytes'] / 1024:6.1f} KiB  page SELECT {url['page_select_ms']:6.2f} ms  {url['path']}"
            )
        queries = ", ".join(f"{kind} {'–'.join(str(n) for n in counts)}" for kind, counts in verdict["queries"].items())
        print(f"    queries per request: {queries}")
        print(
            f"    time: slowest median {verdict['slowest_median_ms']:.2f} ms ({verdict['slowest']}),"
            f" target < {verdict['target_ms']:g} ms: {'met' if verdict['time_met'] else 'NOT met'}"
        )
        print(f"    plans: {'index-driven: met' if verdict['plans_met'] else 'NOT index-driven: NOT met'}")
        for finding in verdict["plan_findings"]:
            print(f"      NOT met: {finding}")
    print("  plans (the page's SELECT; the slowest SELECT when it is another):")
    for url in figures["urls"]:
        for which, plan in url["plans"].items():
            took = url["page_select_ms"] if which == "page" else url["slowest_select_ms"]
            print(f"  [{url['label']}] {which} ({url['path']}; {took:.2f} ms):")
            for line in plan.splitlines():
                print(f"      {line}")
    for path in figures["profiles"]:
        print(f"  profile: {path}")
    print(f"results: {RESULTS_FILE.relative_to(BASE_DIR)}")


def main() -> int:
    arguments = parse_arguments()
    return run_benchmark("list_pages", RESULTS_FILE, lambda: run(arguments), report)


if __name__ == "__main__":
    sys.exit(main())
