"""The state machines, driven by random sequences of actions by random people through the same
runner the API and the pages use (`cases.api.case_action_run`, which reads the body and calls
the service) and the system's own steps (a lapse), never reach a state or take a transition
that the diagrams in docs/workflows/ do not draw:

- an action that succeeds is one the case's `allowed_actions` offered the actor, and it moves
  the case along the diagram's edge for that action, then along automatic edges only (a
  confirmed case published at once); the timeline records exactly those steps;
- an action refused is refused with a domain error (403, 404, 409, 400) and changes nothing: the
  case, its history, timeline, clocks, notices, notifications and record are as they were;
- an action the case offered the actor is never refused;
- the record moves only along the record flow's edges (`RecordFlow`).

Each example runs in a savepoint rolled back at its end, on a record made for it; the parties
are made once per test. Hypothesis runs derandomized (the same sequences every run) and keeps
nothing under .hypothesis/."""

import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repairflow.cases.api import case_action_run
from repairflow.cases.kinds import case_kind_of
from repairflow.cases.models import Notice
from repairflow.cases.selectors import case_timeline
from repairflow.cases.services import case_lapse
from repairflow.core.diagrams import flow_edges
from repairflow.core.errors import DomainError
from repairflow.core.flows import available_actions
from repairflow.core.versioned import ReadPerVersion
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.objections import api as objections_api
from repairflow.objections import services as objections
from repairflow.objections.models import Objection
from repairflow.records import services as records
from repairflow.records.flows import RecordFlow
from repairflow.records.models import CreditRecord, RecordState
from repairflow.records.publication import Category, Severity
from repairflow.repair import api as repairs_api
from repairflow.repair import services as repairs
from repairflow.repair.models import MaterialKind, RepairApplication
from tests.factories import CreditRecordFactory, UserFactory

WORKFLOWS = Path(__file__).resolve().parents[2] / "docs" / "workflows"
SEQUENCES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LAPSE = "lapse"  # the deadline sweep's step, taken by nobody
ACTORS = ["office", "auditor", "subject", "other_subject", "department", "other_department"]
ENDING = {"withdraw", "reject", "deny"}  # actions that end a case early
OUTCOMES = ["maintain", "revoke", "stop_publication", "correct"]


def diagram_edges(page: str) -> set[tuple[str, str, str]]:
    """The edges (source, target, action) of the mermaid state diagram in docs/workflows/`page`."""
    block = re.search(r"```mermaid\n(.*?)```", (WORKFLOWS / page).read_text(), re.S).group(1)
    edges = set()
    for source, target, labels in re.findall(r"^\s*(\w+) --> (\w+): (.+)$", block, re.M):
        for label in labels.split(","):
            edges.add((source, target, label.replace("(automatic)", "").strip()))
    return edges


OBJECTION_EDGES = diagram_edges("objection.md")
REPAIR_EDGES = diagram_edges("repair.md")
AUTOMATIC = {"publish", LAPSE}
RECORD_EDGES = {(edge.source, edge.target) for edge in flow_edges(RecordFlow)}


@pytest.fixture
def people(travel, scj, hb, office, auditor, officer_scj, officer_hb, company, company_user):
    return {
        "office": office,
        "auditor": auditor,
        "subject": company_user,
        "other_subject": UserFactory(username="subject-b", subject=True),
        "department": officer_scj,
        "other_department": officer_hb,
    }


@contextmanager
def rolled_back():
    """One example's changes, undone at its end (a savepoint inside the test's transaction)."""
    ReadPerVersion.forget_all()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot(case) -> tuple:
    """What a refused action must leave as it was."""
    case = type(case).objects.select_related("record").get(pk=case.pk)
    record = case.record
    return (
        case.state,
        case.history.count(),
        case_timeline(case).count(),
        (record.state, record.version, record.under_objection, record.history.count()),
        [(d.pk, d.status, d.due_on, d.ended_on) for d in case_deadlines(case).order_by("pk")],
        Notice.objects.count(),
        Notification.objects.count(),
    )


def offered(case, actor) -> list[str]:
    """The actions the case offers `actor` (its `allowed_actions` in the API)."""
    case = type(case).objects.get(pk=case.pk)
    return available_actions(case_kind_of(case).flow(case, actor=actor), actor)


def take(case, action: str, actor, body: dict, bodies) -> None:
    if action == LAPSE:  # the sweep lapses a case waiting for its subject's supplement, no other
        case = type(case).objects.get(pk=case.pk)
        if case.state == "needs_supplement":
            case_lapse(case)
    else:
        case_action_run(case=type(case).objects.get(pk=case.pk), bodies=bodies, actor=actor, action=action, data=body)


def check_sequence(data, case, *, actions, edges, bodies, body_of: Callable[[str, str], dict], people) -> None:
    """Up to 15 steps: three in four one of the actions the case offers someone (half the time one
    that does not end the case, so that sequences reach the later states), else any action or a
    lapse by anyone."""
    for _step in range(data.draw(st.integers(min_value=1, max_value=15), label="steps")):
        offers = [(who, action) for who in ACTORS for action in offered(case, people[who])]
        onwards = [offer for offer in offers if offer[1] not in ENDING]
        if onwards and data.draw(st.booleans(), label="onwards"):
            offers = onwards
        if offers and data.draw(st.integers(min_value=0, max_value=3), label="follow") > 0:
            who, action = data.draw(st.sampled_from(offers), label="offered")
        else:
            who = data.draw(st.sampled_from(ACTORS), label="who")
            action = data.draw(st.sampled_from([*actions, LAPSE]), label="action")
        actor = people[who]
        outcome = data.draw(st.sampled_from(OUTCOMES), label="outcome")
        before = snapshot(case)
        allowed = offered(case, actor) if action != LAPSE else None
        timeline_before = before[2]
        try:
            take(case, action, actor, body_of(action, outcome), bodies)
        except DomainError as refusal:
            assert snapshot(case) == before, f"{action} by {who} refused ({refusal.code}) but changed something"
            assert allowed is None or action not in allowed, f"{action} offered to {who} but refused: {refusal.body()}"
            continue
        after = type(case).objects.select_related("record").get(pk=case.pk)
        assert allowed is None or action in allowed, f"{action} by {who} succeeded from {before[0]} unoffered"
        if action == LAPSE and before[0] != "needs_supplement":
            assert snapshot(case) == before
            continue
        new_steps = [(t.action, t.source, t.target) for t in case_timeline(after).order_by("at", "id")][
            timeline_before:
        ]
        assert new_steps and new_steps[0][0] == action and new_steps[0][1] == before[0], new_steps
        for step_action, source, target in new_steps:
            assert (source, target, step_action) in edges, f"{source} --{step_action}--> {target} is not drawn"
        assert all(step_action in AUTOMATIC for step_action, _s, _t in new_steps[1:]), new_steps
        assert new_steps[-1][2] == after.state
        record_before, record_after = before[3][0], after.record.state
        assert record_before == record_after or (record_before, record_after) in RECORD_EDGES, (
            f"the record went {record_before} → {record_after} on {action}"
        )


# --- Objections ---------------------------------------------------------------------------------


def objection_body(action: str, outcome: str) -> dict:
    reply = {"outcome": outcome, "explanation": "经核实。"}
    if outcome == "correct":
        reply["corrected_fields"] = {"title": "更正后的标题"}
    return {
        "reject": {"reason": "不属于受理范围"},
        "request-supplement": {"missing": "处罚决定书复印件"},
        "supplement": {"statement": "补充说明。"},
        "decide-in-office": reply,
        "reply": reply,
        "extend": {"days": 5, "reason": "情况复杂"},
        "pause": {"reason": "检测"},
        "resume": {"reason": "检测完成"},
        "return": {"reason": "请重新核实"},
        "withdraw": {"reason": "已沟通"},
    }.get(action, {})


@SEQUENCES
@given(data=st.data())
def test_objections_follow_their_diagram(people, scj, company, data):
    with rolled_back():
        record = CreditRecordFactory(subject=company, department=scj)
        objection = objections.objection_submit(
            actor=people["subject"], record=record, grounds=["content_error"], statement="金额有误。"
        )
        check_sequence(
            data,
            objection,
            actions=objections_api.ACTIONS,
            edges=OBJECTION_EDGES,
            bodies=objections_api.ACTION_BODIES,
            body_of=objection_body,
            people=people,
        )
        assert Objection.objects.get(pk=objection.pk).state in {target for _s, target, _a in OBJECTION_EDGES}


# --- Repair applications ------------------------------------------------------------------------


def repair_body(action: str, outcome: str) -> dict:
    return {
        "reject": {"reason": "不符合条件"},
        "request-supplement": {"missing": "履行证明"},
        "supplement": {"statement": "补充说明。"},
        "approve": {"reason": "整改到位"},
        "deny": {"reason": "整改不到位"},
        "extend": {"days": 2, "reason": "情况复杂"},
        "pause": {"reason": "检测"},
        "resume": {"reason": "检测完成"},
        "revoke": {"reason": "承诺不实"},
        "withdraw": {"reason": "已沟通"},
    }.get(action, {})


@SEQUENCES
@given(data=st.data())
def test_repairs_follow_their_diagram(people, scj, company, evidence, data):
    with rolled_back():
        record = CreditRecordFactory(
            subject=company,
            department=scj,
            category=Category.SERIOUS_LIST,
            severity=Severity.SERIOUS,
            decision_date=date(2025, 3, 3),  # its minimum period passed: eligible
        )
        proof = evidence(people["subject"])
        application = repairs.repair_submit(
            actor=people["subject"],
            record=record,
            statement="已整改。",
            commitment=True,
            materials=[repairs.Material(kind=MaterialKind.PERFORMANCE_PROOF, attachment=proof)],
        )
        assert application.eligible
        check_sequence(
            data,
            application,
            actions=repairs_api.ACTIONS,
            edges=REPAIR_EDGES,
            bodies=repairs_api.ACTION_BODIES,
            body_of=repair_body,
            people=people,
        )
        assert RepairApplication.objects.get(pk=application.pk).state in {target for _s, target, _a in REPAIR_EDGES}


# --- Records ------------------------------------------------------------------------------------

RECORD_ACTIONS = ["publish", "suspend", "resume"]


@SEQUENCES
@given(
    initial=st.sampled_from([RecordState.PUBLISHED, RecordState.UNPUBLISHED]),
    steps=st.lists(st.tuples(st.sampled_from(RECORD_ACTIONS), st.sampled_from(ACTORS)), min_size=1, max_size=12),
)
def test_records_follow_their_flow(people, scj, company, initial, steps):
    with rolled_back():
        record = CreditRecordFactory(subject=company, department=scj, state=initial)
        for action, who in steps:
            before = CreditRecord.objects.get(pk=record.pk)
            history = before.history.count()
            try:
                records.record_act(actor=people[who], record_id=record.pk, action=action, reason="核查")
            except DomainError:
                after = CreditRecord.objects.get(pk=record.pk)
                assert (after.state, after.version, after.history.count()) == (before.state, before.version, history)
                continue
            after = CreditRecord.objects.get(pk=record.pk)
            # the office, or the record's department publishing it (双公示: the duty is its)
            assert who == "office" or (who, action) == ("department", "publish"), f"{action} taken by {who}"
            assert (before.state, after.state) in RECORD_EDGES
            assert (after.version, after.history.count()) == (before.version + 1, history + 1)


def test_the_diagrams_are_read():
    """The oracle above is not empty: the pages' diagrams hold the transitions of docs/api.md."""
    assert ("submitted", "accepted", "accept") in OBJECTION_EDGES
    assert ("verifying", "verifying", "pause") in OBJECTION_EDGES
    assert ("corrected", "published", "publish") in OBJECTION_EDGES
    assert ("published", "revoked", "revoke") in REPAIR_EDGES
    assert ("needs_supplement", "lapsed", "lapse") in REPAIR_EDGES
    assert ("published", "suspended") in RECORD_EDGES
