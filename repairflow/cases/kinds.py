"""The steps every kind of case takes the same way: received with its receipt and the office's
clocks, accepted, rejected, asked for a supplement and supplemented, lapsed, withdrawn, ended.
A kind of case (objection, repair application) describes itself once as a `CaseKind`; its own
services call these steps inside their transactions and add what is theirs (the objection's
mark, the repair's eligibility)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.cases.models import Case, NoticeKind
from repairflow.cases.notices import notice_issue
from repairflow.cases.services import (
    CaseFlow,
    case_act,
    case_flow,
    case_locked,
    case_notify,
    case_transition,
    case_transition_log,
    due_on_text,
    office_users,
    received_today,
    subject_users,
    today,
)
from repairflow.core.history import history_reason
from repairflow.deadlines import services as deadlines
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Step, SupplementRule, active_profile

REASON_REQUIRED = _("Give a reason.")
MISSING_REQUIRED = _("Say what is missing.")


def _nothing_else(case: Case, actor: Any) -> None:
    pass


@dataclass(frozen=True)
class CaseKind:
    """What the shared steps need to know of a kind of case."""

    flow: type[CaseFlow]
    visible_to: Callable[[Any], Any]  # the cases a user may see
    receipt_clocks: tuple[Step, Step]  # started on receipt: acceptance, then the answer
    office_clocks: tuple[Step, ...]  # the office's: paused for a supplement, answered by a rejection
    supplement_clock: Step  # the subject's period to supplement
    publication_clock: Step  # the duty to publish the result, met on publication
    notices: ModuleType  # receipt(case), supplement(case), rejection(case) → NoticeText
    events: str  # the prefix of its notification kinds: "objection", "repair"
    ended: Callable[[Case, Any], None] = _nothing_else  # what else ends with the case

    def locked(self, *, actor: Any, number: str) -> Any:
        """The case as `actor` may see it (else 404), locked until the transaction ends."""
        return case_locked(self.visible_to(actor), number=number)

    def check(self, case: Case, actor: Any, action: str) -> CaseFlow:
        """Refuse the action by role (403), then by state (409), before its body is judged."""
        return case_flow(self.flow, case, actor, action)

    def act(self, case: Case, actor: Any, action: str, comment: str = "", **kwargs: Any) -> CaseFlow:
        return case_act(self.flow, case, actor, action, comment, **kwargs)

    def notice(self, case: Case, kind: NoticeKind, text: Any, actor: Any) -> None:
        notice_issue(case=case, kind=kind, text=text, issued_on=today(), actor=actor)

    def notify(self, case: Case, recipients: Iterable[Any], event: str, **params: Any) -> None:
        case_notify(case, recipients, f"{self.events}.{event}", **params)

    def end(self, case: Case, actor: Any, action: str) -> None:
        """The case has ended: the clocks still open are no longer due (a duty the ending fulfils
        is stopped as met before), and whatever else ends with it."""
        deadlines.case_deadlines_cancel(case=case, on=today(), reason=self.flow.REASONS[action], actor=actor)
        self.ended(case, actor)

    # --- The steps ------------------------------------------------------------------------------

    def received(self, case: Case, actor: Any) -> None:
        """A case just filed joins the timeline, its office's clocks start, the receipt is issued
        and the office is told by when to accept it."""
        case_transition_log(case=case, action="submit", source="", actor=actor)
        acceptance, _answer = (
            deadlines.deadline_start(case=case, step=step, started_on=case.received_on, actor=actor)
            for step in self.receipt_clocks
        )
        self.notice(case, NoticeKind.RECEIPT, self.notices.receipt(case), actor)
        self.notify(case, office_users(), "submitted", subject=case.subject.name, due_on=due_on_text(acceptance))

    def accept(self, case: Case, actor: Any, comment: str) -> None:
        self.act(case, actor, "accept", comment)
        deadlines.case_deadlines_stop(case=case, steps=[self.receipt_clocks[0]], on=today(), actor=actor)
        self.notify(case, subject_users(case), "accepted")

    def reject(self, case: Case, actor: Any, reason: str) -> None:
        """Not accepting it is the office's answer to it: its clocks are met (or missed)."""
        self.act(case, actor, "reject", reason, reason=reason)
        deadlines.case_deadlines_stop(case=case, steps=self.office_clocks, on=today(), actor=actor)
        self.end(case, actor, "reject")
        self.notice(case, NoticeKind.REJECTION, self.notices.rejection(case), actor)
        self.notify(case, subject_users(case), "rejected", reason=reason)

    def request_supplement(self, case: Case, actor: Any, missing: str) -> None:
        """The office asks the subject for what is missing: its own clocks wait for the supplement
        (restarted or resumed when it comes, as the profile says); the subject's period starts."""
        self.act(case, actor, "request-supplement", missing, missing=missing)
        reason = history_reason(self.flow.REASONS["request-supplement"])
        for deadline in deadlines.case_open_deadlines(case, *self.office_clocks).order_by("id"):
            deadlines.deadline_pause(deadline=deadline, on=today(), reason=reason, actor=actor)
        supplement_clock = deadlines.deadline_start(
            case=case,
            step=self.supplement_clock,
            started_on=received_today(),
            in_force_on=case.received_on,
            subject=case.subject,
            actor=actor,
        )
        self.notice(case, NoticeKind.SUPPLEMENT, self.notices.supplement(case), actor)
        self.notify(
            case, subject_users(case), "supplement_requested", missing=missing, due_on=due_on_text(supplement_clock)
        )

    def supplemented(self, case: Case, actor: Any, statement: str) -> None:
        """The subject's supplement is in: its period is met, the office's clocks run again."""
        self.act(case, actor, "supplement", statement, statement=statement)
        deadlines.case_deadlines_stop(case=case, steps=[self.supplement_clock], on=today(), actor=actor)
        reason = history_reason(self.flow.REASONS["supplement"])
        acceptance = None
        for deadline in deadlines.case_open_deadlines(case, *self.office_clocks).order_by("id"):
            if active_profile().supplement == SupplementRule.RESTART:
                deadlines.deadline_restart(deadline=deadline, on=received_today(), reason=reason, actor=actor)
            else:
                deadlines.deadline_resume(deadline=deadline, on=today(), actor=actor)
            if deadline.step == self.receipt_clocks[0]:
                acceptance = deadline
        self.notify(case, office_users(), "supplemented", due_on=due_on_text(acceptance))

    def lapse(self, case: Case, deadline: Deadline | None) -> None:
        """The subject's supplement period ran out (called by the deadline sweep in its transaction)."""
        case = type(case).objects.select_for_update().select_related("record", "subject").get(pk=case.pk)
        self.act(case, None, "lapse")
        self.end(case, None, "lapse")

    def publish_if_ready(self, case: Case) -> bool:
        """Published by itself once the flow is ready (the result notice exists, and every
        registered condition holds: sync's acknowledgements); the caller holds the case's lock.
        True when it was published."""
        flow = self.flow(case, actor=None, reason=self.flow.REASONS["publish"])
        if not flow.publish.can_proceed():
            return False
        case_transition(flow=flow, action="publish", system=True)
        deadlines.case_deadlines_stop(case=case, steps=[self.publication_clock], on=today())
        self.end(case, None, "publish")
        return True

    def withdraw(self, case: Case, actor: Any, reason: str, recipients: Iterable[Any]) -> None:
        """The subject withdraws; the office and whoever else was working on it are told."""
        self.act(case, actor, "withdraw", reason)
        self.end(case, actor, "withdraw")
        self.notify(case, [*office_users(), *recipients], "withdrawn", reason=reason)
