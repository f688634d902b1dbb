"""The objection lifecycle (docs/domain.md "Objection"; 山东省社会信用条例 Art. 39–40,
河南省社会信用条例 Art. 41–42).

    submitted ──accept──▶ accepted ──forward──▶ verifying ──reply (the last)──▶ replied
      │  ▲  │                │                   │  ▲  (extend, pause, resume,      │
      │  │  └─reject─▶ rejected                  │  │   a reply that is not last)  │
      │  └──supplement── needs_supplement ─lapse─▶ lapsed       └──return──────────┤
      └─request-supplement─▶┘      accepted ──decide-in-office──▶ replied ─confirm─▶ corrected
                                                                        corrected ─publish─▶ published
    withdraw: submitted, needs_supplement, accepted, verifying ──▶ withdrawn

The office accepts, rejects, asks for a supplement, forwards to one or more departments (each
verifies on its own clock; the case is `replied` when the last one has replied), or decides
within its own scope when the platform itself was wrong; it may return a reply for verification
again, and confirms it, which applies the outcome to the record (`corrected`). `published`
follows by itself once the result notice exists and every required platform has acknowledged
the change; `lapsed` by itself when the subject's supplement period runs out. The subject may
withdraw until the departments' replies are in (docs/api.md: from submitted, needs_supplement,
accepted or verifying). Transition bodies only set the case's fields; services do the rest
(docs/architecture.md "How a request runs").
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.fsm.base import State

from repairflow.cases.flows import CaseFlow, case_state
from repairflow.cases.models import NoticeKind
from repairflow.core.permissions import Role
from repairflow.deadlines.policy import Step
from repairflow.objections.models import Objection, ObjectionState, Verification

SUBMITTED, NEEDS_SUPPLEMENT, ACCEPTED, VERIFYING, REPLIED, CORRECTED, PUBLISHED = (
    ObjectionState.SUBMITTED,
    ObjectionState.NEEDS_SUPPLEMENT,
    ObjectionState.ACCEPTED,
    ObjectionState.VERIFYING,
    ObjectionState.REPLIED,
    ObjectionState.CORRECTED,
    ObjectionState.PUBLISHED,
)

RECEIVED = _("Objection received")
REASONS = {
    "accept": _("Objection accepted"),
    "reject": _("Objection rejected"),
    "request-supplement": _("Supplement requested"),
    "supplement": _("Objection supplemented"),
    "lapse": _("Objection lapsed: the supplement period ran out"),
    "forward": _("Forwarded for verification"),
    "decide-in-office": _("Decided by the office within its own scope"),
    "reply": _("Department replied"),
    "extend": _("Verification extended"),
    "pause": _("Verification paused"),
    "resume": _("Verification resumed"),
    "return": _("Reply returned for verification"),
    "confirm": _("Reply confirmed; outcome applied to the record"),
    "publish": _("Result published"),
    "withdraw": _("Objection withdrawn"),
}
WITHDRAWABLE = [SUBMITTED, NEEDS_SUPPLEMENT, ACCEPTED, VERIFYING]


class ObjectionFlow(CaseFlow):
    case: Objection
    state = case_state(ObjectionState, SUBMITTED)
    REASONS = REASONS
    RESULT_NOTICE = NoticeKind.RESULT
    DEPARTMENT_CLOCKS = (Step.OBJECTION_VERIFICATION,)

    def verifications(self) -> list[Verification]:
        """The case's verifications, read once per flow (a reply changes one of these very objects)."""
        if not hasattr(self, "_verifications"):
            shown = getattr(self.case, "shown_verifications", None)  # read with the page (objections/api.py)
            self._verifications = (
                shown if shown is not None else list(self.case.verifications.select_related("department"))
            )
        return self._verifications

    def by_routed_department(self, user: Any) -> bool:
        return user.role == Role.DEPARTMENT and any(
            verification.department_id == user.department_id for verification in self.verifications()
        )

    def awaits_actor_reply(self) -> bool:
        return self.pending_verification() is not None

    def has_departments(self) -> bool:
        return bool(self.verifications())

    def pending_verification(self) -> Verification | None:
        user = self.actor
        if getattr(user, "role", None) != Role.DEPARTMENT:
            return None
        return next(
            (
                verification
                for verification in self.verifications()
                if verification.department_id == user.department_id and not verification.has_replied
            ),
            None,
        )

    # --- Intake -----------------------------------------------------------------------------------

    @state.transition(source=SUBMITTED, target=ACCEPTED, permission=this.by_office)
    def accept(self) -> None:
        pass

    @state.transition(source=SUBMITTED, target=ObjectionState.REJECTED, permission=this.by_office)
    def reject(self, *, reason: str, code: str = "") -> None:
        self.case.rejection_reason, self.case.rejection_code = reason, code

    @state.transition(source=SUBMITTED, target=NEEDS_SUPPLEMENT, permission=this.by_office)
    def request_supplement(self, *, missing: str) -> None:
        self.case.missing = missing

    @state.transition(source=NEEDS_SUPPLEMENT, target=SUBMITTED, permission=this.by_subject)
    def supplement(self, *, statement: str) -> None:
        if statement:
            self.case.statement = f"{self.case.statement}\n\n{statement}"

    @state.transition(source=NEEDS_SUPPLEMENT, target=ObjectionState.LAPSED)
    def lapse(self) -> None:
        pass

    # --- Verification -----------------------------------------------------------------------------

    @state.transition(source=ACCEPTED, target=VERIFYING, permission=this.by_office)
    def forward(self) -> None:
        pass

    @state.transition(source=ACCEPTED, target=REPLIED, permission=this.by_office)
    def decide_in_office(self, *, outcome: str, explanation: str, corrected_fields: dict) -> None:
        self.case.decided_in_office = True
        self.case.outcome, self.case.explanation, self.case.corrected_fields = outcome, explanation, corrected_fields

    @state.transition(
        source=VERIFYING,
        target=State.RETURN_VALUE(VERIFYING, REPLIED),
        conditions=[this.awaits_actor_reply],
        permission=this.by_routed_department,
    )
    def reply(self, *, outcome: str, explanation: str, corrected_fields: dict) -> ObjectionState:
        verification = self.pending_verification()
        verification.outcome, verification.explanation = outcome, explanation
        verification.corrected_fields = corrected_fields
        verification.replied_at, verification.replied_by = timezone.now(), self.actor
        verifications = self.verifications()
        if any(not other.has_replied for other in verifications):
            return VERIFYING
        lead = next((other for other in verifications if other.leads), verifications[0])
        self.case.outcome, self.case.explanation = lead.outcome, lead.explanation
        self.case.corrected_fields = lead.corrected_fields
        return REPLIED

    @state.transition(source=VERIFYING, conditions=[this.has_open_department_clock], permission=this.by_office)
    def extend(self) -> None:
        pass

    @state.transition(source=VERIFYING, conditions=[this.has_running_department_clock], permission=this.by_office)
    def pause(self) -> None:
        pass

    @state.transition(source=VERIFYING, conditions=[this.has_paused_department_clock], permission=this.by_office)
    def resume(self) -> None:
        pass

    @state.transition(source=REPLIED, target=VERIFYING, conditions=[this.has_departments], permission=this.by_office)
    def return_(self) -> None:
        self.case.outcome, self.case.explanation, self.case.corrected_fields = "", "", {}

    # --- The result -------------------------------------------------------------------------------

    @state.transition(source=REPLIED, target=CORRECTED, permission=this.by_office)
    def confirm(self) -> None:
        pass

    @state.transition(source=CORRECTED, target=PUBLISHED, conditions=[this.is_ready_to_publish])
    def publish(self) -> None:
        pass

    @state.transition(source=WITHDRAWABLE, target=ObjectionState.WITHDRAWN, permission=this.by_subject)
    def withdraw(self) -> None:
        pass
