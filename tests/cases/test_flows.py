"""What every case's state machine shares (core/flows.py, cases/flows.py), on a toy flow: actions
named from transitions, the actions open in a state and to a user, and the order of refusals —
403 when the user's role may never take the action, before 409 when the state does not allow it."""

from types import SimpleNamespace

import pytest
from django.db import models
from viewflow import this

from repairflow.cases.flows import CaseFlow, case_state
from repairflow.core.errors import TRANSITION_NOT_ALLOWED, Forbidden, TransitionNotAllowed
from repairflow.core.flows import action_name, available_actions, run_transition, transition_check
from repairflow.core.permissions import ROLE_NOT_ALLOWED, Role
from repairflow.records.models import User


class Door(models.TextChoices):
    OPEN = "open", "open"
    SHUT = "shut", "shut"
    LOCKED = "locked", "locked"


class DoorFlow(CaseFlow):
    """open ─shut (subject)─▶ shut ─lock (office, unless jammed)─▶ locked ─end_lock (system)─▶ open;
    shut ─return_ (subject)─▶ open."""

    state = case_state(Door, Door.OPEN)

    def is_free(self) -> bool:
        return not self.case.jammed

    @state.transition(source=Door.OPEN, target=Door.SHUT, permission=this.by_subject)
    def shut(self) -> None:
        pass

    @state.transition(source=Door.SHUT, target=Door.LOCKED, conditions=[this.is_free], permission=this.by_office)
    def lock(self) -> None:
        pass

    @state.transition(source=Door.SHUT, target=Door.OPEN, permission=this.by_subject)
    def return_(self) -> None:
        pass

    @state.transition(source=Door.LOCKED, target=Door.OPEN)
    def end_lock(self) -> None:
        pass


OFFICE = User(username="office", role=Role.OFFICE)
SUBJECT = User(username="subject-a", role=Role.SUBJECT, credit_subject_id=1)
OTHER_SUBJECT = User(username="subject-b", role=Role.SUBJECT, credit_subject_id=2)


class RecordedWrites:
    """A use-case's writes that note each save of the case: its state, who and why."""

    def save(self, instance, *, actor, reason):
        instance.saves.append((instance.state, actor, reason))


def door(state: str, *, actor=None, jammed: bool = False) -> DoorFlow:
    """A flow on a case (not a model) whose saves are noted."""
    case = SimpleNamespace(state=state, subject_id=1, jammed=jammed, saves=[])
    return DoorFlow(case, actor=actor, reason="门的原因", writes=RecordedWrites())


def refusal(state: str, allowed: list[str]) -> dict:
    return {
        "error": "transition_not_allowed",
        "detail": str(TRANSITION_NOT_ALLOWED),
        "state": state,
        "allowed": allowed,
    }


@pytest.mark.parametrize(
    ("slug", "action"),
    [
        ("return_", "return"),
        ("end_publication", "end-publication"),
        ("request_supplement", "request-supplement"),
        ("accept", "accept"),
    ],
)
def test_an_action_is_named_after_its_transition_with_hyphens(slug, action):
    assert action_name(slug) == action


@pytest.mark.parametrize(
    ("state", "jammed", "user", "actions"),
    [
        ("open", False, None, ["shut"]),
        ("shut", False, None, ["lock", "return"]),
        ("shut", True, None, ["return"]),
        ("locked", False, None, ["end-lock"]),
        ("shut", False, OFFICE, ["lock"]),
        ("shut", False, SUBJECT, ["return"]),
        ("shut", False, OTHER_SUBJECT, []),
        ("locked", False, OFFICE, []),
    ],
)
def test_the_actions_open_follow_the_state_the_conditions_and_the_user(state, jammed, user, actions):
    assert available_actions(door(state, jammed=jammed), user) == actions


def test_a_role_that_may_never_take_the_action_is_refused_403_before_the_state_is_judged():
    # given a locked door, which no one may shut
    flow = door("locked", actor=OFFICE)

    # when the office (which may never shut it) tries: 403, not 409
    with pytest.raises(Forbidden) as refused:
        transition_check(flow, "shut", user=OFFICE)
    assert refused.value.args == (ROLE_NOT_ALLOWED,)


def test_a_role_that_may_take_the_action_in_another_state_is_refused_409_naming_its_actions():
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_check(door("locked", actor=SUBJECT), "shut", user=SUBJECT)

    assert refused.value.body() == refusal("locked", [])


def test_an_unmet_condition_is_409_naming_what_is_still_open():
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_check(door("shut", jammed=True), "lock", user=OFFICE)

    assert refused.value.body() == refusal("shut", [])


def test_an_unknown_action_is_409_naming_the_actions_open():
    with pytest.raises(TransitionNotAllowed) as refused:
        transition_check(door("shut"), "paint", user=SUBJECT)

    assert refused.value.body() == refusal("shut", ["return"])


def test_a_transition_without_a_permission_is_the_systems_alone():
    with pytest.raises(Forbidden):
        transition_check(door("locked"), "end-lock", user=OFFICE)

    flow = door("locked")
    run_transition(flow, "end-lock")
    assert flow.case.state == "open"


def test_a_transition_named_after_a_keyword_runs_and_saves_the_case_with_who_and_why():
    flow = door("shut", actor=SUBJECT)

    run_transition(flow, "return", user=SUBJECT)

    assert flow.case.state == "open"
    assert flow.case.saves == [("open", SUBJECT, "门的原因")]


def test_a_subject_acts_only_on_its_own_case():
    assert door("open").by_subject(SUBJECT) is True
    assert door("open").by_subject(OTHER_SUBJECT) is False
    assert door("open").by_subject(OFFICE) is False
    assert door("open").by_office(OFFICE) is True
