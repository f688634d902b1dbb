"""What a step of an objection costs (docs/architecture.md "What a transition costs"): each row it
changes written once, the rows of a kind in one statement, and the calendar, the subscriptions
and the staff read once per version with the case's lock, so that a step reads only the case,
its open clocks and what it is judged by. The lifecycle's time is a benchmark
(`bench/objection_lifecycle.py`); its statements are counted here."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairflow.objections import services
from tests.factories import CreditRecordFactory, UserFactory
from tests.helpers import told

pytestmark = pytest.mark.django_db

CORRECTION = {"outcome": "correct", "explanation": "经核查，标题有误。", "corrected_fields": {"title": "更正后的标题"}}


# Every step locks the heads of the hash chains it appends to, in one statement (core/audit.py).
HEADS = "SELECT core_chainhead"


def table_read(sql: str) -> str:
    """The table a SELECT reads from (its subqueries' apart)."""
    depth = 0
    words = sql.replace('"', "").split()
    for index, word in enumerate(words):
        if depth == 0 and word == "FROM":
            return words[index + 1]
        depth += word.count("(") - word.count(")")
    raise ValueError(sql)


def statements(captured) -> list[str]:
    """The statements run as "VERB table", the transaction's own (BEGIN, COMMIT) left out."""
    named = []
    for query in captured.captured_queries:
        words = query["sql"].replace('"', "").split()
        verb = words[0].upper()
        if verb in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"):
            continue
        table = table_read(query["sql"]) if verb == "SELECT" else words[2 if verb == "INSERT" else 1]
        named.append(f"{verb} {table}")
    return named


def lifecycle(record, company_user, office, officer_scj) -> dict[str, list[str]]:
    """An objection to `record` the department corrects, filed to published: each step's statements."""
    counted = {}

    def step(name, run):
        with CaptureQueriesContext(connection) as captured:
            result = run()
        counted[name] = statements(captured)
        return result

    number = step(
        "submit",
        lambda: services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        ),
    ).number
    step("accept", lambda: services.objection_accept(actor=office, number=number))
    step("forward", lambda: services.objection_forward(actor=office, number=number))
    step("reply", lambda: services.objection_reply(actor=officer_scj, number=number, **CORRECTION))
    step("confirm", lambda: services.objection_confirm(actor=office, number=number))
    return counted


@pytest.fixture
def warmed(travel, record, company_user, office, officer_scj):
    """One objection run already: the process has read the calendar, subscriptions and staff."""
    lifecycle(record, company_user, office, officer_scj)


def test_a_step_writes_each_row_once_and_reads_only_the_case_its_clocks_and_whom_it_tells(
    warmed, company, scj, company_user, office, officer_scj
):
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕2号")

    counted = lifecycle(record, company_user, office, officer_scj)

    assert {
        name: [s for s, times in Counter(run).items() if times > 1] for name, run in counted.items()
    } == dict.fromkeys(counted, [])
    assert {name: [s for s in run if s.startswith("SELECT")] for name, run in counted.items()} == {
        # the subject's closed objections to the record, read to tell a repeat
        "submit": ["SELECT records_creditrecord", "SELECT objections_objection", HEADS],
        "accept": ["SELECT objections_objection", "SELECT deadlines_deadline", "SELECT records_user", HEADS],
        "forward": ["SELECT objections_objection", "SELECT deadlines_deadline", "SELECT records_user", HEADS],
        "reply": ["SELECT objections_objection", "SELECT objections_verification", "SELECT deadlines_deadline", HEADS],
        "confirm": ["SELECT objections_objection", "SELECT deadlines_deadline", "SELECT records_user", HEADS],
    }
    assert all(run.count("UPDATE core_chainhead") == 1 for run in counted.values())
    # 16 a step with its BEGIN and COMMIT (the benchmark's measure), the notices' PDFs and the
    # chains' heads included.
    assert sum(map(len, counted.values())) <= 5 * (16 - 2)


def test_an_office_user_added_after_the_staff_was_read_is_told_of_the_next_case(
    warmed, company, scj, company_user, office, officer_scj
):
    UserFactory(username="office-new", office=True)
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕2号")

    counted = lifecycle(record, company_user, office, officer_scj)

    assert told("objection.submitted") == ["office", "office", "office-new"]
    assert "SELECT records_user" in counted["submit"]  # the staff's version changed: read again


def test_an_officer_deactivated_after_the_staff_was_read_is_no_longer_told(
    warmed, company, scj, company_user, office, officer_scj
):
    colleague = UserFactory(username="dept-scj-2", officer=True, department=scj)
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕2号")
    lifecycle(record, company_user, office, officer_scj)
    colleague.is_active = False
    colleague.save()
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕3号")

    lifecycle(record, company_user, office, officer_scj)

    assert told("objection.forwarded") == ["dept-scj", "dept-scj", "dept-scj", "dept-scj-2"]
