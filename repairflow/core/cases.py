"""What every case (objection, repair application) shares: its number, its state machine's
plumbing, and how a transition runs (design/architecture.md "How a transition runs").

A case service locks the case row, builds the case's flow with the actor, and calls
`case_transition`: the permission is checked (403), then the state (409 naming the allowed
actions); the transition runs, the case is saved with a history row naming who and why, and a
`Transition` row joins the timeline, all in the service's transaction. The service then starts
and stops the deadlines, changes the record and issues notices in that same transaction;
notifications go out after commit.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from viewflow.fsm.base import State

from repairflow.core.flows import run_transition
from repairflow.core.history import save_with_history
from repairflow.core.models import Case, CaseSequence, Role, Transition

NUMBER_DIGITS = 6


def case_number_next(*, prefix: str, year: int) -> str:
    """The next number of the year for a kind of case: sequential, never given twice, also when
    cases are filed at the same moment (the year's row is locked until the caller commits, so
    call this inside the transaction that saves the case)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_next must run inside the transaction that saves the case")
    CaseSequence.objects.bulk_create([CaseSequence(prefix=prefix, year=year)], ignore_conflicts=True)
    sequence = CaseSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}{year}{sequence.last_number:0{NUMBER_DIGITS}d}"


class CaseFlow:
    """The base of a case's state machine: it wraps the case, knows who acts and why, and saves
    the case with its history when a transition succeeds. A subclass declares its states with
    `state = case_state(States, default)` and its transitions, each with a permission."""

    def __init__(self, case: Case, *, actor: Any, reason: Any = "") -> None:
        self.case = case
        self.actor = actor
        self.reason = reason

    # Permissions shared by both kinds of case (viewflow calls them with the acting user).
    def by_office(self, user: Any) -> bool:
        return user.role == Role.OFFICE

    def by_subject(self, user: Any) -> bool:
        return user.role == Role.SUBJECT and user.credit_subject_id == self.case.subject_id


def case_state(states: type[models.TextChoices], default: models.TextChoices) -> State:
    """A case flow's state slot: read from and written to `flow.case.state`; a successful
    transition saves the case with a history row naming the actor and the reason."""
    state = State(states, default=default)

    @state.getter()
    def _get(flow: CaseFlow) -> models.TextChoices:
        return states(flow.case.state)

    @state.setter()
    def _set(flow: CaseFlow, value: Any) -> None:
        flow.case.state = value.value if isinstance(value, states) else value

    @state.on_success()
    def _save(flow: CaseFlow, descriptor: Any, source: Any, target: Any, **kwargs: Any) -> None:
        save_with_history(flow.case, actor=flow.actor, reason=flow.reason)

    return state


def case_transition(
    *, flow: CaseFlow, action: str, comment: str = "", system: bool = False, **kwargs: Any
) -> Transition:
    """Run `action` on the (locked) case as `flow.actor` and add it to the timeline. The actor's
    permission is checked unless the system acts by itself (`system`: a lapse, a publication)."""
    source = flow.case.state
    run_transition(flow, action, user=None if system else flow.actor, **kwargs)
    return case_transition_log(case=flow.case, action=action, source=source, actor=flow.actor, comment=comment)


def case_transition_log(*, case: Case, action: str, source: str, actor: Any, comment: str = "") -> Transition:
    """Add a step to the case's timeline (its filing has no source state)."""
    return Transition.objects.create(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        action=action,
        source=source,
        target=case.state,
        actor=actor,
        comment=comment,
    )


def case_timeline(case: Case) -> models.QuerySet[Transition]:
    return Transition.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).select_related(
        "actor"
    )
