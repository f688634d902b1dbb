"""The base of every case's state machine (objections/flows.py, repair/flows.py declare theirs):
it wraps the case, knows who acts, why, and the use-case's writes, and saves the case with its
history once the transition succeeds. Each kind's `flows.py` declares every one of its
transitions, intake included, with who may take it (docs/architecture.md "How a request
runs"); the transition bodies only set the case's fields."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from viewflow.fsm.base import State

from repairflow.cases.models import Case
from repairflow.core.history import Writes, writing
from repairflow.core.permissions import Role
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import CaseClocks


class CaseFlow:
    """A case's state machine. A subclass declares its states with `state = case_state(States,
    default)`, its transitions, each with a permission (none: the system takes it by itself), and
    in `REASONS` the history reason of each action. `is_ready_to_publish` is the condition of its
    automatic publication, which the use-case decides (`ready_to_publish`)."""

    REASONS: Mapping[str, Any] = {}
    RESULT_NOTICE: Any  # the notice whose issue lets the case be published (a NoticeKind)
    DEPARTMENT_CLOCKS: tuple[Step, ...] = ()  # the departments' clocks the office extends, pauses, resumes

    def __init__(
        self,
        case: Case,
        *,
        actor: Any,
        reason: Any = "",
        writes: Writes | None = None,
        clocks: CaseClocks | None = None,
    ) -> None:
        self.case = case
        self.actor = actor
        self.reason = reason
        self.writes = writes
        self.clocks = clocks or CaseClocks(case)  # only read, without a use-case's writes
        self.ready_to_publish = False

    # Permissions shared by both kinds of case (viewflow calls them with the acting user).
    def by_office(self, user: Any) -> bool:
        return user.role == Role.OFFICE

    def by_subject(self, user: Any) -> bool:
        return user.role == Role.SUBJECT and user.credit_subject_id == self.case.subject_id

    # Conditions of the office's `extend`, `pause` and `resume` on the departments' clocks.
    def department_clocks(self) -> list[Deadline]:
        """The departments' open clocks (a verification, a repair decision)."""
        return self.clocks.open(*self.DEPARTMENT_CLOCKS)

    def has_open_department_clock(self) -> bool:
        return bool(self.department_clocks())

    def has_running_department_clock(self) -> bool:
        return any(clock.status != DeadlineStatus.PAUSED for clock in self.department_clocks())

    def has_paused_department_clock(self) -> bool:
        return any(clock.status == DeadlineStatus.PAUSED for clock in self.department_clocks())

    def is_ready_to_publish(self) -> bool:
        """The result notice exists and no platform still has to acknowledge the case's changes
        (repairflow.cases.services.case_publish_if_ready finds out)."""
        return self.ready_to_publish


def case_state(states: type[models.TextChoices], default: models.TextChoices) -> State:
    """A case flow's state slot: read from and written to `flow.case.state`; a successful
    transition has the case saved with the use-case's writes, naming the actor and the reason."""
    state = State(states, default=default)

    @state.getter()
    def _get(flow: CaseFlow) -> models.TextChoices:
        return states(flow.case.state)

    @state.setter()
    def _set(flow: CaseFlow, value: Any) -> None:
        flow.case.state = value.value if isinstance(value, states) else value

    @state.on_success()
    def _save(flow: CaseFlow, descriptor: Any, source: Any, target: Any, **kwargs: Any) -> None:
        with writing(flow.writes) as writes:  # at once for a flow taken outside a use-case
            writes.save(flow.case, actor=flow.actor, reason=flow.reason)

    return state
