"""The kinds of case (objection, repair application), each described once as a `CaseKind` and
registered from its app's `ready()`: the one registry of the case machinery, since the list of
kinds is open. Whatever handles every kind alike (the shared steps, the deadline sweep's lapse,
the public progress query, sync's publication after the last acknowledgement) finds a kind here
by its name, its model or its number (docs/architecture.md "Registries")."""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db.models import QuerySet

from repairflow.cases.flows import CaseFlow
from repairflow.cases.models import Case
from repairflow.deadlines.policy import Step


def _nothing_else(*step: Any) -> None:
    pass


def _no_grounds(case: Any) -> frozenset[str]:
    return frozenset()


@dataclass(frozen=True)
class CaseKind:
    """What the case machinery needs to know of a kind of case."""

    name: str  # "objection", "repair": the API's and the webhook's word for the kind
    model: type[Case]
    flow: type[CaseFlow]
    visible_to: Callable[[Any], QuerySet]  # the cases a user may see
    closed_states: tuple[str, ...]  # handled to its end: the subject may give its feedback
    receipt_clocks: tuple[Step, Step]  # started on receipt: acceptance, then the answer
    office_clocks: tuple[Step, ...]  # the office's: paused for a supplement, answered by a rejection
    supplement_clock: Step  # the subject's period to supplement
    publication_clock: Step  # the duty to publish the result, met on publication
    answer_clocks: tuple[Step, ...]  # the clocks a member of the public waits on (the progress query)
    department_clocks: tuple[Step, ...]  # the departments' clocks the office extends, pauses and resumes
    notices: ModuleType  # receipt(case), supplement(case), rejection(case) → NoticeText
    ended: Callable[[Any], None] = _nothing_else  # what else ends with the case, given the step
    # The relations through which an attachment belongs to a case of this kind (read access).
    attachment_links: tuple[str, ...] = ("attachments",)
    # The departments' clocks whose going overdue suspends the record, where the profile says so.
    suspend_when_overdue: tuple[Step, ...] = ()
    # What the case rests on besides its evidence (an objection's grounds), to tell a repeat.
    grounds: Callable[[Any], frozenset[str]] = _no_grounds
    # Of a kind whose decision an objection may contest: the states it may be contested in, and
    # what the objection found for the subject does to it, given the objection's step and the case.
    contestable_states: tuple[str, ...] = ()
    contest_upheld: Callable[[Any, Any], None] = _nothing_else


KINDS: dict[str, CaseKind] = {}


def case_kind_register(kind: CaseKind) -> None:
    """Make a kind of case known (from its app's `AppConfig.ready()`)."""
    KINDS[kind.name] = kind


def case_kind_named(name: str) -> CaseKind:
    return KINDS[name]


def case_kind_of(case: Case | type[Case]) -> CaseKind:
    model = case if isinstance(case, type) else type(case)
    return next(kind for kind in KINDS.values() if kind.model is model)


def case_kind_numbered(number: str) -> CaseKind | None:
    """The kind whose numbers start as `number` does (`YY…` an objection, `XF…` a repair), if any."""
    return next((kind for kind in KINDS.values() if number.startswith(kind.model.NUMBER_PREFIX)), None)
