"""The publication lifecycle of a credit record (repairflow/records/flows.py): every transition
from every state that allows it, and every refusal, which must leave the record as it was."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from repairflow.core.api import status_of
from repairflow.core.errors import TRANSITION_NOT_ALLOWED, TransitionNotAllowed
from repairflow.core.flows import available_actions, run_transition
from repairflow.records.flows import RecordFlow
from repairflow.records.models import RecordState
from repairflow.records.publication import Category, Severity
from repairflow.records.services import RECORD_CREATED
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
REASON = "核实后依职权处理"

UNPUBLISHED = RecordState.UNPUBLISHED
PUBLISHED = RecordState.PUBLISHED
SUSPENDED = RecordState.SUSPENDED
ENDED = RecordState.ENDED
EXPIRED = RecordState.EXPIRED
REVOKED = RecordState.REVOKED
NOT_REVOKED = [UNPUBLISHED, PUBLISHED, SUSPENDED, ENDED, EXPIRED]

# Transitions that move the record to another state: action -> {source: target}.
MOVES = {
    "publish": {UNPUBLISHED: PUBLISHED},
    "suspend": {PUBLISHED: SUSPENDED},
    "resume": {SUSPENDED: PUBLISHED},
    "end_publication": {PUBLISHED: ENDED, SUSPENDED: ENDED},
    "expire": {PUBLISHED: EXPIRED, SUSPENDED: EXPIRED},
    "revoke": {state: REVOKED for state in NOT_REVOKED},
    "republish": {ENDED: PUBLISHED},
}

# What each state allows on a record without an objection mark (API action names).
ALLOWED_UNMARKED = {
    UNPUBLISHED: ["correct", "mark-objection", "publish", "revoke"],
    PUBLISHED: ["correct", "end-publication", "expire", "mark-objection", "revoke", "suspend"],
    SUSPENDED: ["correct", "end-publication", "expire", "mark-objection", "resume", "revoke"],
    ENDED: ["correct", "mark-objection", "republish", "revoke"],
    EXPIRED: ["correct", "mark-objection", "revoke"],
    REVOKED: [],
}


def allowed_for(state, *, under_objection):
    if not under_objection:
        return ALLOWED_UNMARKED[state]
    return sorted(
        ["clear-objection" if action == "mark-objection" else action for action in ALLOWED_UNMARKED[state]]
        + (["clear-objection"] if state == REVOKED else [])
    )


def make_record(state, *, under_objection=False, **fields):
    return CreditRecordFactory(state=state, under_objection=under_objection, **fields)


def snapshot(record):
    record.refresh_from_db()
    return {
        "state": record.state,
        "version": record.version,
        "under_objection": record.under_objection,
        "title": record.title,
        "updated_at": record.updated_at,
        "history": record.history.count(),
    }


def run(record, action, *, actor, reason=REASON, **kwargs):
    return run_transition(RecordFlow(record, actor=actor, reason=reason), action, **kwargs)


def assert_saved_with_history(record, *, actor, reason, state, version, history_count):
    record.refresh_from_db()
    assert record.state == state
    assert record.version == version
    assert record.history.count() == history_count
    latest = record.history.first()
    assert latest.history_user == actor
    assert latest.history_change_reason == reason
    assert latest.state == state
    assert latest.version == version


# --- transitions that change the state -----------------------------------------------------

STATE_CASES = [
    pytest.param(action, source, target, id=f"{action}-from-{source.value}")
    for action, moves in MOVES.items()
    for source, target in moves.items()
]


@pytest.mark.parametrize(("action", "source", "target"), STATE_CASES)
def test_an_allowed_transition_moves_the_record_and_records_who_and_why(office, action, source, target):
    record = make_record(source)
    before = snapshot(record)

    run(record, action, actor=office, reason=REASON)

    assert_saved_with_history(
        record,
        actor=office,
        reason=REASON,
        state=target,
        version=before["version"] + 1,
        history_count=before["history"] + 1,
    )
    assert record.under_objection is False


@pytest.mark.parametrize(("action", "source", "target"), STATE_CASES)
def test_an_allowed_transition_keeps_the_objection_mark(office, action, source, target):
    record = make_record(source, under_objection=True)

    run(record, action, actor=office)

    record.refresh_from_db()
    assert (record.state, record.under_objection) == (target, True)


def test_actions_may_be_named_with_hyphens_as_the_api_names_them(office):
    record = make_record(PUBLISHED)

    run(record, "end-publication", actor=office)

    record.refresh_from_db()
    assert record.state == ENDED


def test_a_lazy_reason_is_kept_in_the_system_language_whatever_the_active_one(office):
    record = make_record(PUBLISHED)
    with translation.override("zh-hans"):
        in_chinese = str(RECORD_CREATED)
    with translation.override("en"):
        in_english = str(RECORD_CREATED)

        run(record, "suspend", actor=office, reason=RECORD_CREATED)

    assert in_chinese != in_english
    assert record.history.first().history_change_reason == in_chinese


def test_successive_transitions_bump_the_version_each_time(office, auditor):
    record = make_record(PUBLISHED)
    first_version = record.version

    run(record, "suspend", actor=office, reason="暂停")
    run(record, "resume", actor=auditor, reason="恢复")
    run(record, "end_publication", actor=office, reason="修复完成")

    record.refresh_from_db()
    assert (record.state, record.version) == (ENDED, first_version + 3)
    assert [(row.state, row.history_user, row.history_change_reason) for row in record.history.all()[:3]] == [
        (ENDED, office, "修复完成"),
        (PUBLISHED, auditor, "恢复"),
        (SUSPENDED, office, "暂停"),
    ]


def test_republication_keeps_the_periods_set_at_first_publication(office):
    record = make_record(ENDED, decision_date=date(2026, 1, 5))

    run(record, "republish", actor=office)

    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_58",
        date(2026, 1, 5),
        date(2026, 4, 5),
        date(2027, 1, 5),
    )


# --- publish: the periods of the rule set --------------------------------------------------


def test_publishing_a_general_penalty_sets_the_periods_from_the_decision_date(office, time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    record = make_record(UNPUBLISHED, decision_date=date(2026, 1, 5))
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "",
        None,
        None,
        None,
    )

    run(record, "publish", actor=office)

    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_58",
        date(2026, 1, 5),
        date(2026, 4, 5),
        date(2027, 1, 5),
    )


def test_publishing_a_serious_penalty_under_527_sets_its_periods(office, time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    record = make_record(UNPUBLISHED, severity=Severity.SERIOUS, decision_date=date(2023, 4, 30))

    run(record, "publish", actor=office)

    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_2019_527",
        date(2023, 4, 30),
        date(2023, 10, 30),
        date(2026, 4, 30),
    )


def test_publishing_minor_information_under_order_36_sets_only_a_maximum(office, time_machine):
    time_machine.move_to(datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI), tick=False)
    record = make_record(UNPUBLISHED, severity=Severity.MINOR, decision_date=date(2026, 4, 10))

    run(record, "publish", actor=office)

    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_36",
        date(2026, 4, 10),
        None,
        date(2026, 7, 10),
    )


def test_publishing_a_licence_starts_publication_today_with_no_periods(office, time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI), tick=False)
    record = make_record(
        UNPUBLISHED, category=Category.ADMINISTRATIVE_LICENSE, severity=None, decision_date=date(2026, 1, 5)
    )

    run(record, "publish", actor=office)

    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_58",
        date(2026, 2, 10),
        None,
        None,
    )


def test_today_is_the_date_in_china_not_in_utc(office, time_machine):
    time_machine.move_to(datetime(2026, 2, 10, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False)  # 04:00 on the 11th
    record = make_record(UNPUBLISHED, category=Category.RED_LIST, severity=None, decision_date=date(2026, 1, 5))

    run(record, "publish", actor=office)

    record.refresh_from_db()
    assert record.publication_start == date(2026, 2, 11)


@pytest.mark.parametrize(
    "decided", [date(2022, 6, 15), date(2023, 5, 1), date(2026, 3, 31)], ids=["527", "58", "58-end"]
)
def test_minor_information_the_rule_set_never_publishes_cannot_be_published(office, decided):
    record = make_record(UNPUBLISHED, severity=Severity.MINOR, decision_date=decided)
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed) as refused:
        run(record, "publish", actor=office)

    assert refused.value.extra == {"state": "unpublished", "allowed": ["correct", "mark-objection", "revoke"]}
    assert snapshot(record) == before
    assert (record.rule_set, record.max_period_end) == ("", None)


# --- correct, mark_objection, clear_objection: the state stays -----------------------------


@pytest.mark.parametrize("state", NOT_REVOKED)
def test_a_correction_changes_the_fields_and_keeps_the_state(office, state):
    record = make_record(state)
    before = snapshot(record)

    run(
        record,
        "correct",
        actor=office,
        reason="更正处罚内容",
        changes={"title": "更正后的标题", "content": "罚款五百元。"},
    )

    assert_saved_with_history(
        record,
        actor=office,
        reason="更正处罚内容",
        state=state,
        version=before["version"] + 1,
        history_count=before["history"] + 1,
    )
    assert (record.title, record.content) == ("更正后的标题", "罚款五百元。")


def test_a_correction_of_the_decision_date_recomputes_the_rule_set_and_periods(office):
    # given a general penalty decided under Order 58
    record = make_record(RecordState.PUBLISHED)
    assert (record.decision_date, record.rule_set) == (date(2026, 1, 5), "ndrc_order_58")

    # when the decision date is corrected into Order 36 and the severity to serious
    run(record, "correct", actor=office, changes={"decision_date": date(2026, 4, 1), "severity": Severity.SERIOUS})

    # then the periods are those of a serious penalty under Order 36
    record.refresh_from_db()
    assert (record.rule_set, record.publication_start, record.min_period_end, record.max_period_end) == (
        "ndrc_order_36",
        date(2026, 4, 1),
        date(2027, 4, 1),
        date(2029, 4, 1),
    )


def test_a_correction_of_an_unpublished_record_leaves_it_without_periods(office):
    record = make_record(RecordState.UNPUBLISHED)

    run(record, "correct", actor=office, changes={"decision_date": date(2026, 4, 1)})

    record.refresh_from_db()
    assert (record.rule_set, record.min_period_end, record.max_period_end) == ("", None, None)


@pytest.mark.parametrize("state", NOT_REVOKED)
def test_marking_an_objection_sets_the_mark_and_keeps_the_state(office, state):
    record = make_record(state)
    before = snapshot(record)

    run(record, "mark_objection", actor=office, reason="异议受理")

    assert_saved_with_history(
        record,
        actor=office,
        reason="异议受理",
        state=state,
        version=before["version"] + 1,
        history_count=before["history"] + 1,
    )
    assert record.under_objection is True


@pytest.mark.parametrize("state", list(RecordState))
def test_clearing_an_objection_clears_the_mark_in_every_state_even_revoked(office, state):
    record = make_record(state, under_objection=True)
    before = snapshot(record)

    run(record, "clear_objection", actor=office, reason="异议办结")

    assert_saved_with_history(
        record,
        actor=office,
        reason="异议办结",
        state=state,
        version=before["version"] + 1,
        history_count=before["history"] + 1,
    )
    assert record.under_objection is False


# --- what each state allows ------------------------------------------------------------------


@pytest.mark.parametrize("under_objection", [False, True], ids=["unmarked", "marked"])
@pytest.mark.parametrize("state", list(RecordState))
def test_available_actions_per_state(state, under_objection, office):
    record = make_record(state, under_objection=under_objection)

    assert available_actions(RecordFlow(record, actor=office, reason=REASON)) == allowed_for(
        state, under_objection=under_objection
    )


# --- refusals --------------------------------------------------------------------------------


def _refused_cases():
    cases = []
    for state in RecordState:
        for action, moves in MOVES.items():
            if state not in moves:
                cases.append(pytest.param(action, state, False, id=f"{action}-from-{state.value}"))
        if state == REVOKED:
            cases.append(pytest.param("correct", state, False, id="correct-from-revoked"))
            cases.append(pytest.param("mark_objection", state, False, id="mark_objection-from-revoked"))
        else:
            cases.append(pytest.param("mark_objection", state, True, id=f"mark_objection-again-{state.value}"))
        cases.append(pytest.param("clear_objection", state, False, id=f"clear_objection-unmarked-{state.value}"))
    return cases


REFUSED_CASES = _refused_cases()


@pytest.mark.parametrize(("action", "state", "under_objection"), REFUSED_CASES)
def test_a_refused_transition_names_the_state_and_the_allowed_actions_and_changes_nothing(
    office, action, state, under_objection
):
    record = make_record(state, under_objection=under_objection)
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed) as refused:
        run(record, action, actor=office, changes={"title": "不应写入"} if action == "correct" else {})

    assert refused.value.detail == TRANSITION_NOT_ALLOWED
    assert refused.value.extra == {
        "state": state.value,
        "allowed": allowed_for(state, under_objection=under_objection),
    }
    assert (record.state, record.under_objection) == (state, under_objection)
    assert snapshot(record) == before


def test_the_refusal_cases_cover_every_action_not_allowed_in_each_state():
    every_action = {*MOVES, "correct", "mark_objection", "clear_objection"}
    refused_unmarked = {(action, state) for action, state, marked in (c.values for c in REFUSED_CASES) if not marked}
    allowed_unmarked = {
        (action.replace("-", "_"), state) for state, actions in ALLOWED_UNMARKED.items() for action in actions
    }

    assert refused_unmarked | allowed_unmarked == {(action, state) for action in every_action for state in RecordState}
    assert refused_unmarked & allowed_unmarked == set()
    assert {action for action, state in refused_unmarked if state == REVOKED} == every_action


@pytest.mark.parametrize("state", [PUBLISHED, REVOKED])
def test_an_unknown_action_is_refused(office, state):
    record = make_record(state)
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed) as refused:
        run(record, "delete", actor=office)

    assert refused.value.extra == {"state": state.value, "allowed": ALLOWED_UNMARKED[state]}
    assert snapshot(record) == before


@pytest.mark.parametrize("name", ["_save", "state", "is_under_objection", "record"])
def test_a_flow_attribute_that_is_not_a_transition_is_refused(office, name):
    record = make_record(PUBLISHED)
    before = snapshot(record)

    with pytest.raises(TransitionNotAllowed):
        run(record, name, actor=office)

    assert snapshot(record) == before


def test_a_refusal_body_is_the_api_error_format(office):
    record = make_record(EXPIRED)

    with pytest.raises(TransitionNotAllowed) as refused:
        run(record, "republish", actor=office)

    assert status_of(refused.value) == 409
    assert refused.value.body() == {
        "error": "transition_not_allowed",
        "detail": str(TRANSITION_NOT_ALLOWED),
        "state": "expired",
        "allowed": ["correct", "mark-objection", "revoke"],
    }
