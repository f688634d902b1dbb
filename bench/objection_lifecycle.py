"""Benchmark: a whole objection, filed to published, through the services and as bare writes.

    .venv/bin/python bench/objection_lifecycle.py [--cases N]

Runs N objections (default 200) through the use-cases of `repairflow.objections.services`:
`objection_submit` (by the subject) → `objection_accept` → `objection_forward` (to the record's
department) → `objection_reply` (by the department: outcome `correct`, the title corrected) →
`objection_confirm`, which applies the correction, issues the result notice and publishes the
case by itself. Then the baseline: the same rows written as bare ORM saves and creates in the
same five transactions, each row saved with `Model.save()` and its history row written by
django-simple-history's post_save handler, as the library does by default (the objection and its
history rows, the `Transition` rows, the clocks with their history as they start and stop, the
verification, the record's two changes with their history rows and events, the two notices, the
notification rows), without the services' reads, locks, permission and state checks,
validation, calendar arithmetic, the record's API snapshot and delivery tasks. A notice's row
is rendered after its transaction's commit, its PDF stored then, on both sides
(`repairflow.core.pdf.notice_pdf`): the same bytes are written.

Targets: the services take at most 1.5 times the baseline's time per lifecycle, and at most 16
queries per business transition (the lifecycle's queries over its 5 steps, each step's BEGIN
and COMMIT included, the UPDATE that stores a notice's PDF after the commit, and the two of the
hash chains: their heads locked and moved, `repairflow/core/audit.py`; 14 before the chains).
Both sides write the chained rows (history, Transition) onto their chains: the baseline row by
row, as `Model.save()` does.

Subjects, users and records (one record per objection) are created first and are not timed;
the day is today's (filed on a day off, the objection is received on the next working day).
A few lifecycles of each kind warm up first; then each kind runs again with its SQL captured
(`CaptureQueriesContext`) to count queries per lifecycle and per step; then the timed runs,
without capture, in alternating blocks. The script checks that every objection ended published
with its record corrected and free of the objection mark, and that the baseline wrote as many
rows to every table as the services did.

Databases as in `bench/records_import.py`: on SQLite a file in a temporary `REPAIRFLOW_VAR_DIR`;
elsewhere (`DATABASE_URL`) a database of its own made by Django's test-database creation and
dropped at the end. Notifications' delivery tasks go, after each commit, to the filesystem broker
in the temporary var directory unless CELERY_BROKER_URL says otherwise. Figures are printed and
written to `bench/results/objection_lifecycle.json`, one entry per database vendor.
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from _setup import (
    BASE_DIR,
    database_description,
    environment,
    machine_line,
    run_benchmark,
)

RESULTS_FILE = BASE_DIR / "bench" / "results" / "objection_lifecycle.json"
TARGET_RATIO = 1.5
TARGET_QUERIES_PER_STEP = 16
DEPARTMENT_CODE = "BENCH"
OFFICE_USERS = 2
DEPARTMENT_OFFICERS = 2
WARM_UP_CASES = 5
COUNTED_CASES = 10
BLOCK = 5  # timed lifecycles of one kind before the other kind's turn
BASELINE_PREFIX = "YB"  # the baseline's objections are numbered apart from the services' ("YY")
STEPS = ("submit", "accept", "forward", "reply", "confirm")
GROUNDS = ["content_error"]
STATEMENT = "处罚决定书载明的违法事实与实际不符，请予核查更正。"
REQUESTED_CHANGE = "更正记录标题。"
EXPLANATION = "经核查，原记录标题有误，予以更正。"
CORRECTED_SUFFIX = "（已更正）"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="timed lifecycles of each kind (default 200)")
    arguments = parser.parse_args()
    if arguments.cases < 1:
        parser.error("--cases must be at least 1")
    return arguments


@dataclass
class People:
    department: Any
    office: list[Any]
    officers: list[Any]
    records: list[Any]  # one per objection, each of its own subject
    subject_users: dict[int, Any]  # by credit subject id

    def subject_user(self, record: Any) -> Any:
        return self.subject_users[record.subject_id]


def make_uscc(serial: int) -> str:
    from stdnum.cn import uscc

    base = f"91370102{serial:09d}"
    return base + uscc.calc_check_digit(base)


def make_people(count: int) -> People:
    """The department and its officers, the office's users, and `count` published records, each
    of a subject of its own with one account (users without a usable password: no hashing)."""
    from repairflow.core.permissions import Role
    from repairflow.records.models import Department, RecordState, User
    from repairflow.records.services import records_import

    def users(**fields: Any) -> User:
        user = User(**fields)
        user.set_unusable_password()
        return user

    department = Department.objects.create(code=DEPARTMENT_CODE, name="市场监督管理局")
    office = User.objects.bulk_create(
        [users(username=f"bench-office-{n}", role=Role.OFFICE, is_unit_head=n == 0) for n in range(OFFICE_USERS)]
    )
    officers = User.objects.bulk_create(
        [
            users(username=f"bench-officer-{n}", role=Role.DEPARTMENT, department=department)
            for n in range(DEPARTMENT_OFFICERS)
        ]
    )
    rows = [
        {
            "subject_id": make_uscc(n),
            "subject_name": f"济南示范企业{n}有限公司",
            "subject_type": "legal_person",
            "category": "administrative_penalty",
            "severity": "general",
            "department": DEPARTMENT_CODE,
            "decision_no": f"济市监罚〔2026〕{n + 1}号",
            "decision_date": "2026-01-05",
            "title": "未按规定公示年度报告",
            "content": "责令改正，罚款一千元。",
        }
        for n in range(count)
    ]
    report = records_import(actor=officers[0], rows=rows)
    if report.errors or len(report.created) != count:
        raise SystemExit(f"the records were not created: {report.errors[:3]}")
    records = sorted(report.created, key=lambda record: record.pk)
    if any(record.state != RecordState.PUBLISHED for record in records):
        raise SystemExit("the records were not published")
    subject_users = User.objects.bulk_create(
        [
            users(username=f"bench-subject-{n}", role=Role.SUBJECT, credit_subject_id=record.subject_id)
            for n, record in enumerate(records)
        ]
    )
    return People(
        department=department,
        office=office,
        officers=officers,
        records=records,
        subject_users={user.credit_subject_id: user for user in subject_users},
    )


# --- Through the services ---------------------------------------------------------------------


def services_lifecycle(people: People, record: Any, step: Callable[[str], Any]) -> None:
    """One objection from filing to publication; `step(name)` is a context manager around each use-case."""
    from repairflow.objections import services

    subject_user, office, officer = people.subject_user(record), people.office[0], people.officers[0]
    with step("submit"):
        objection = services.objection_submit(
            actor=subject_user,
            record=record,
            grounds=GROUNDS,
            statement=STATEMENT,
            requested_change=REQUESTED_CHANGE,
        )
    number = objection.number
    with step("accept"):
        services.objection_accept(actor=office, number=number)
    with step("forward"):
        services.objection_forward(actor=office, number=number)
    with step("reply"):
        services.objection_reply(
            actor=officer,
            number=number,
            outcome="correct",
            explanation=EXPLANATION,
            corrected_fields={"title": record.title + CORRECTED_SUFFIX},
        )
    with step("confirm"):
        services.objection_confirm(actor=office, number=number)


# --- The baseline: the same rows, bare ----------------------------------------------------------


@dataclass
class Template:
    """What the baseline copies from an objection the services ran: each clock's row as it
    started, each notice's PDF, the day of receipt."""

    received_on: Any
    clocks: dict[str, dict[str, Any]]
    notices: dict[str, bytes]
    sequence: Any  # the baseline's own number sequence, held in memory


def make_template(objection: Any) -> Template:
    from django.contrib.contenttypes.models import ContentType

    from repairflow.cases.models import CaseSequence, Notice
    from repairflow.deadlines.models import Deadline

    case_type = ContentType.objects.get_for_model(objection)
    skipped = {"id", "case_type_id", "case_id", "concerns_id", "created_at", "updated_at"}
    fields = [field.attname for field in Deadline._meta.concrete_fields if field.attname not in skipped]
    started = Deadline.history.filter(case_type=case_type, case_id=objection.pk, history_type="+")
    clocks = {row.step: {name: getattr(row, name) for name in fields} for row in started}
    notices = {notice.kind: bytes(notice.content) for notice in Notice.objects.filter(case_id=objection.pk)}
    if len(clocks) != 5 or set(notices) != {"receipt", "result"}:
        raise SystemExit(f"unexpected clocks {sorted(clocks)} or notices {sorted(notices)} of a lifecycle")
    return Template(
        received_on=objection.received_on,
        clocks=clocks,
        notices=notices,
        sequence=CaseSequence.objects.create(prefix=BASELINE_PREFIX, year=int(objection.number[2:6])),
    )


def baseline_lifecycle(people: People, record: Any, template: Template, step: Callable[[str], Any]) -> None:
    """The rows `services_lifecycle` writes, in the same five transactions, as bare saves and creates."""
    import hashlib

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.forms.models import model_to_dict
    from django.utils import timezone, translation

    from repairflow.cases.models import Notice, Transition
    from repairflow.core.pdf import notice_pdf
    from repairflow.deadlines.models import Deadline
    from repairflow.notifications.models import Notification
    from repairflow.objections import notices as objection_notices
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import RecordEvent

    subject_user, office, officer = people.subject_user(record), people.office[0], people.officers[0]
    case_type = ContentType.objects.get_for_model(Objection)

    def save_with_history(instance: Any, *, actor: Any, reason: str) -> None:
        """A bare ORM save: django-simple-history writes the history row from its post_save signal."""
        instance._history_user, instance._change_reason = actor, reason
        instance.save()

    today, now = timezone.localdate(), timezone.now()
    objection: Objection

    def log(actor: Any, action: str, source: str, target: str | None = None) -> None:
        Transition.objects.create(
            case_type=case_type,
            case_id=objection.pk,
            action=action,
            source=source,
            target=target or objection.state,
            actor=actor,
        )

    def move(actor: Any, action: str, target: str, reason: str) -> None:
        source = objection.state
        objection.state = target
        save_with_history(objection, actor=actor, reason=reason)
        log(actor, action, source)

    def start(step_name: str, actor: Any) -> Deadline:
        deadline = Deadline(
            case_type=case_type, case_id=objection.pk, concerns_id=objection.subject_id, **template.clocks[step_name]
        )
        save_with_history(deadline, actor=actor, reason="Deadline started.")
        return deadline

    def stop(deadline: Deadline, actor: Any) -> None:
        deadline.status, deadline.ended_on = "met", today
        deadline.next_stage, deadline.next_action_on = "", None
        save_with_history(deadline, actor=actor, reason="Deadline met.")

    def change_record(actor: Any, reason: str, event: str, **changes: Any) -> None:
        for name, value in changes.items():
            setattr(record, name, value)
        record.version += 1
        save_with_history(record, actor=actor, reason=reason)
        snapshot = {name: str(value) for name, value in model_to_dict(record).items()}
        RecordEvent.objects.create(
            type=event, record=record, snapshot=snapshot, case_kind="objection", case_number=objection.number
        )

    def issue(kind: str, actor: Any) -> None:
        """The notice's text in the transaction; its PDF rendered and stored after the commit."""
        text = {"receipt": objection_notices.receipt, "result": objection_notices.result}[kind](objection)
        with translation.override(settings.LANGUAGE_CODE):
            kept = {
                "title": str(text.title),
                "facts": [[str(label), str(value)] for label, value in text.facts],
                "paragraphs": [str(paragraph) for paragraph in text.paragraphs],
            }
        notice = Notice.objects.create(case_type=case_type, case_id=objection.pk, kind=kind, text=kept, issued_by=actor)

        def render() -> None:
            with translation.override(settings.LANGUAGE_CODE):
                content = notice_pdf(text, issuer=settings.REPAIRFLOW_OFFICE_NAME, issued_on=today)
            notice.content, notice.size = content, len(content)
            notice.sha256 = hashlib.sha256(content).hexdigest()
            notice.save(update_fields=["content", "size", "sha256"])

        transaction.on_commit(render)

    def notify(recipients: list[Any], kind: str, **params: Any) -> None:
        params = {"number": objection.number, "record": str(record), **params}
        link = f"/objections/{objection.number}/"
        Notification.objects.bulk_create(
            Notification(recipient=user, kind=kind, params=params, link=link) for user in recipients
        )

    with step("submit"), transaction.atomic():
        sequence = template.sequence
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        objection = Objection(
            number=f"{sequence.prefix}{sequence.year}{sequence.last_number:06d}",
            record=record,
            subject=record.subject,  # as the services set it: the notices read its name
            filed_by=subject_user,
            grounds=GROUNDS,
            statement=STATEMENT,
            requested_change=REQUESTED_CHANGE,
            received_on=template.received_on,
        )
        save_with_history(objection, actor=subject_user, reason="Objection received")
        log(subject_user, "submit", "")
        acceptance = start("objection_acceptance", subject_user)
        in_office = start("objection_answer_in_office", subject_user)
        issue("receipt", subject_user)
        notify(people.office, "objection.submitted", subject=record.subject.name, due_on=str(acceptance.due_on))
    with step("accept"), transaction.atomic():
        move(office, "accept", "accepted", "Objection accepted")
        stop(acceptance, office)
        change_record(office, "marked as under objection", "record.objection_marked", under_objection=True)
        notify([subject_user], "objection.accepted")
    with step("forward"), transaction.atomic():
        move(office, "forward", "verifying", "Forwarded for verification")
        verification = Verification(
            objection=objection, department=people.department, leads=True, forwarded_on=template.received_on
        )
        save_with_history(verification, actor=office, reason="Forwarded for verification")
        verifying = start("objection_verification", office)
        stop(in_office, office)
        answer = start("objection_answer", office)
        notify(people.officers, "objection.forwarded", due_on=str(verifying.due_on))
        notify([subject_user], "objection.in_verification", departments=DEPARTMENT_CODE)
    with step("reply"), transaction.atomic():
        corrected = {"title": record.title + CORRECTED_SUFFIX}
        for replied in (verification, objection):
            replied.outcome, replied.explanation, replied.corrected_fields = "correct", EXPLANATION, corrected
        verification.replied_at, verification.replied_by = now, officer
        move(officer, "reply", "replied", "Department replied")
        save_with_history(verification, actor=officer, reason="Reply")
        stop(verifying, officer)
        notify(people.office, "objection.replied", outcome="correct")
    with step("confirm"), transaction.atomic():
        # confirmed, then published at once: the objection and the record are saved once each
        # (one history row, one event), the publication duty started and met in one row
        objection.state = "published"
        save_with_history(objection, actor=office, reason="Reply confirmed；Result published")
        log(office, "confirm", "replied", "corrected")
        log(None, "publish", "corrected", "published")
        change_record(
            office, "corrected；objection mark cleared", "record.corrected", under_objection=False, **corrected
        )
        stop(answer, office)
        publication = Deadline(
            case_type=case_type,
            case_id=objection.pk,
            concerns_id=objection.subject_id,
            **template.clocks["objection_publication"],
        )
        publication.status, publication.ended_on = "met", today
        publication.next_stage, publication.next_action_on = "", None
        save_with_history(publication, actor=office, reason="Deadline started.；Deadline met.")
        issue("result", office)
        notify([subject_user], "objection.result", outcome="correct")


# --- Running and measuring ----------------------------------------------------------------------


@dataclass
class Run:
    """Time and queries per step over a number of lifecycles."""

    lifecycles: int = 0
    seconds: Counter = field(default_factory=Counter)
    queries: Counter = field(default_factory=Counter)
    statements: Counter = field(default_factory=Counter)  # SELECT, INSERT, ... over the whole run


def run_lifecycles(
    lifecycle: Callable[..., None], records: list[Any], *, count_queries: bool, into: Run | None = None
) -> Run:
    """Run `lifecycle(record, step)` once per record, timing (or counting the SQL of) each step,
    adding to `into` when given."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = into if into is not None else Run()

    @contextmanager
    def step(name: str) -> Any:
        if count_queries:
            with CaptureQueriesContext(connection) as captured:
                yield
            result.queries[name] += len(captured.captured_queries)
            result.statements.update(query["sql"].split(None, 1)[0].upper() for query in captured.captured_queries)
        else:
            started = time.perf_counter()
            yield
            result.seconds[name] += time.perf_counter() - started

    for record in records:
        lifecycle(record, step)
        result.lifecycles += 1
    return result


def table_counts() -> dict[str, int]:
    """Rows in every table a lifecycle writes to."""
    from repairflow.cases.models import Notice, Transition
    from repairflow.deadlines.models import Deadline
    from repairflow.notifications.models import Notification
    from repairflow.objections.models import Objection, Verification
    from repairflow.records.models import CreditRecord, RecordEvent

    models = (Objection, Verification, Deadline, Transition, Notice, Notification, RecordEvent)
    counts = {model._meta.db_table: model.objects.count() for model in models}
    for model in (Objection, Verification, Deadline, CreditRecord):
        counts[model.history.model._meta.db_table] = model.history.count()
    return counts


def rows_written(before: dict[str, int], after: dict[str, int]) -> Counter:
    return Counter({table: after[table] - before[table] for table in before})


def check_services(records: list[Any]) -> None:
    """Every objection the services ran ended published, its record corrected and unmarked, its clocks stopped."""
    from repairflow.deadlines.models import Deadline
    from repairflow.objections.models import Objection, ObjectionState
    from repairflow.records.models import CreditRecord

    ids = [record.pk for record in records]
    services = Objection.objects.filter(record_id__in=ids, number__startswith=Objection.NUMBER_PREFIX)
    published = services.filter(state=ObjectionState.PUBLISHED).count()
    if published != len(ids):
        raise SystemExit(f"{len(ids) - published} of {len(ids)} objections did not end published")
    unmarked = CreditRecord.objects.filter(pk__in=ids, under_objection=False, title__endswith=CORRECTED_SUFFIX)
    if unmarked.count() != len(ids):
        raise SystemExit("records were left uncorrected or marked as under objection")
    if Deadline.objects.filter(ended_on__isnull=True).exists():
        raise SystemExit("clocks were left running")


def per_lifecycle(run: Run) -> dict[str, Any]:
    count = run.lifecycles
    return {
        "lifecycles": count,
        "seconds": round(sum(run.seconds.values()), 3),
        "ms_per_lifecycle": round(sum(run.seconds.values()) * 1000 / count, 2),
        "ms_per_step": {name: round(run.seconds[name] * 1000 / count, 2) for name in STEPS},
    }


def queries_per_lifecycle(run: Run) -> dict[str, Any]:
    count = run.lifecycles
    return {
        "queries_per_lifecycle": round(sum(run.queries.values()) / count, 1),
        "queries_per_step": {name: round(run.queries[name] / count, 1) for name in STEPS},
        "statements_per_lifecycle": {kind: round(n / count, 1) for kind, n in run.statements.most_common()},
    }


def run(cases: int) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    vendor, version = database_description()
    needed = WARM_UP_CASES + COUNTED_CASES + cases
    started = time.perf_counter()
    people = make_people(needed)
    setup_seconds = time.perf_counter() - started
    warm_up = people.records[:WARM_UP_CASES]
    counted = people.records[WARM_UP_CASES : WARM_UP_CASES + COUNTED_CASES]
    timed = people.records[WARM_UP_CASES + COUNTED_CASES :]

    def services(record: Any, step: Callable[[str], Any]) -> None:
        services_lifecycle(people, record, step)

    # Warm up (translations, PDF fonts, the Celery app and broker, SQL compilers), then count the
    # queries; the services first, as the baseline copies the clocks and notices of their first case.
    run_lifecycles(services, warm_up, count_queries=False)
    services_counted = run_lifecycles(services, counted, count_queries=True)
    from repairflow.objections.models import Objection

    template = make_template(Objection.objects.get(record=warm_up[0]))

    def baseline(record: Any, step: Callable[[str], Any]) -> None:
        baseline_lifecycle(people, record, template, step)

    run_lifecycles(baseline, warm_up, count_queries=False)
    baseline_counted = run_lifecycles(baseline, counted, count_queries=True)

    # Timed in alternating blocks (the services, then the baseline on the same records), so that a
    # busier moment of the machine weighs on both alike.
    services_timed, baseline_timed = Run(), Run()
    services_rows, baseline_rows = Counter(), Counter()
    block_ratios = []
    for first in range(0, cases, BLOCK):
        block = timed[first : first + BLOCK]
        services_before, baseline_before = sum(services_timed.seconds.values()), sum(baseline_timed.seconds.values())
        before = table_counts()
        run_lifecycles(services, block, count_queries=False, into=services_timed)
        middle = table_counts()
        run_lifecycles(baseline, block, count_queries=False, into=baseline_timed)
        services_rows += rows_written(before, middle)
        baseline_rows += rows_written(middle, table_counts())
        services_seconds = sum(services_timed.seconds.values()) - services_before
        block_ratios.append(services_seconds / (sum(baseline_timed.seconds.values()) - baseline_before))
    check_services(timed)
    if baseline_rows != services_rows:
        raise SystemExit(f"the baseline wrote other rows than the services: {baseline_rows} != {services_rows}")

    services_figures = {**per_lifecycle(services_timed), **queries_per_lifecycle(services_counted)}
    baseline_figures = {**per_lifecycle(baseline_timed), **queries_per_lifecycle(baseline_counted)}
    ratio = services_figures["ms_per_lifecycle"] / baseline_figures["ms_per_lifecycle"]
    query_ratio = services_figures["queries_per_lifecycle"] / baseline_figures["queries_per_lifecycle"]
    return {
        "benchmark": "objection_lifecycle",
        "database": vendor,
        "database_version": version,
        "profile": settings.REPAIRFLOW_PROFILE,
        "day": timezone.localdate().isoformat(),
        "received_on": template.received_on.isoformat(),
        "cases": cases,
        "setup_seconds": round(setup_seconds, 1),
        "services": services_figures,
        "baseline": baseline_figures,
        "rows_per_lifecycle": {table: rows / cases for table, rows in sorted(services_rows.items())},
        "notice_bytes": {kind: len(content) for kind, content in template.notices.items()},
        "ratio": round(ratio, 2),
        "block_ratios": [round(min(block_ratios), 2), round(max(block_ratios), 2)],
        "median_block_ratio": round(statistics.median(block_ratios), 2),
        "query_ratio": round(query_ratio, 2),
        "queries_per_step": round(services_figures["queries_per_lifecycle"] / len(STEPS), 1),
        "target_ratio": TARGET_RATIO,
        "target_queries_per_step": TARGET_QUERIES_PER_STEP,
        "target_met": ratio <= TARGET_RATIO
        and services_figures["queries_per_lifecycle"] / len(STEPS) <= TARGET_QUERIES_PER_STEP,
        **environment(),
    }


def ratio_met(figures: dict[str, Any]) -> bool:
    return figures["ratio"] <= TARGET_RATIO


def report(figures: dict[str, Any]) -> None:
    print(f"objection_lifecycle: {figures['cases']} lifecycles, profile {figures['profile']}, on {figures['day']}")
    print(machine_line(figures))
    print(f"database: {figures['database']} {figures['database_version']}")
    for label in ("services", "baseline"):
        run_figures = figures[label]
        print(
            f"  {label}: {run_figures['ms_per_lifecycle']:7.2f} ms per lifecycle,"
            f" {run_figures['queries_per_lifecycle']:5.1f} queries per lifecycle ({run_figures['seconds']:.2f} s)"
        )
        steps = ", ".join(
            f"{name} {run_figures['ms_per_step'][name]:.2f} ms / {run_figures['queries_per_step'][name]:g} q"
            for name in STEPS
        )
        print(f"    {steps}")
        kinds = ", ".join(f"{kind} {n:g}" for kind, n in run_figures["statements_per_lifecycle"].items())
        print(f"    statements: {kinds}")
    rows = ", ".join(f"{table} {n:g}" for table, n in figures["rows_per_lifecycle"].items())
    print(f"  rows per lifecycle (both): {rows}")
    verdict = "met" if ratio_met(figures) else "NOT met"
    low, high = figures["block_ratios"]
    print(
        f"  ratio (services / baseline): time {figures['ratio']:.2f} (blocks of {BLOCK}: median"
        f" {figures['median_block_ratio']:.2f}, {low:.2f}–{high:.2f}),"
        f" target <= {TARGET_RATIO:g}: {verdict}"
    )
    print(
        f"  queries per business transition: {figures['queries_per_step']:g}"
        f" (target <= {TARGET_QUERIES_PER_STEP}); ratio (services / baseline): queries {figures['query_ratio']:.2f}"
    )
    print(f"results: {RESULTS_FILE.relative_to(BASE_DIR)}")


def main() -> int:
    arguments = parse_arguments()
    return run_benchmark("objection_lifecycle", RESULTS_FILE, lambda: run(arguments.cases), report)


if __name__ == "__main__":
    sys.exit(main())
