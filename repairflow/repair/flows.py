"""The credit repair lifecycle (docs/domain.md "Credit repair"; 国办发〔2025〕22号, NDRC Orders 58
and 36).

    submitted ──accept──▶ accepted ──forward──▶ reviewing ──approve──▶ approved ──execute──▶ repaired
      │  ▲  │                                     │                                         │
      │  │  └─reject─▶ rejected                   └──deny──▶ denied                  publish (by itself)
      │  └──supplement── needs_supplement ─lapse─▶ lapsed                                    ▼
      └─request-supplement─▶┘                                               published ─revoke─▶ revoked
    denied ──review-again──▶ reviewing: the subject's objection to the denial was upheld
    withdraw: submitted, needs_supplement, accepted, reviewing ──▶ withdrawn

The office accepts an eligible application (or rejects it, 不予受理, with the eligibility rules'
reasons), asks for what is missing, and forwards it to the department that produced the record
(认定单位), which approves or denies it with its reasons. The office then executes the approval:
the record's publication ends (a penalty) or the entry leaves its list, in the same transaction.
`published` follows by itself once the decision notice exists and every required platform has
acknowledged; `lapsed` by itself when the subject's supplement period runs out. A repair found
to rest on a false commitment or false materials is revoked by the office: the record is
published again and the subject is banned from applying for a while. Transition bodies only set
the case's fields; services do the rest (docs/architecture.md "How a request runs").
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this

from repairflow.cases.flows import CaseFlow, case_state
from repairflow.cases.models import NoticeKind
from repairflow.core.permissions import Role
from repairflow.deadlines.policy import Step
from repairflow.repair.models import RepairApplication, RepairState

SUBMITTED, NEEDS_SUPPLEMENT, ACCEPTED, REVIEWING, APPROVED, REPAIRED, PUBLISHED = (
    RepairState.SUBMITTED,
    RepairState.NEEDS_SUPPLEMENT,
    RepairState.ACCEPTED,
    RepairState.REVIEWING,
    RepairState.APPROVED,
    RepairState.REPAIRED,
    RepairState.PUBLISHED,
)
WITHDRAWABLE = [SUBMITTED, NEEDS_SUPPLEMENT, ACCEPTED, REVIEWING]

RECEIVED = _("Repair application received")
REASONS = {
    "accept": _("Repair application accepted"),
    "reject": _("Repair application rejected"),
    "request-supplement": _("Supplement requested"),
    "supplement": _("Repair application supplemented"),
    "lapse": _("Repair application lapsed: the supplement period ran out"),
    "forward": _("Forwarded to the department for review"),
    "approve": _("Repair approved by the department"),
    "deny": _("Repair denied by the department"),
    "execute": _("Repair executed on the record"),
    "publish": _("Repair published"),
    "withdraw": _("Repair application withdrawn"),
    "revoke": _("Repair revoked"),
    "extend": _("Review extended"),
    "pause": _("Review paused"),
    "resume": _("Review resumed"),
    "review-again": _("Returned to the department's review: an objection to the denial was upheld"),
}


class RepairFlow(CaseFlow):
    case: RepairApplication
    state = case_state(RepairState, SUBMITTED)
    REASONS = REASONS
    RESULT_NOTICE = NoticeKind.DECISION
    DEPARTMENT_CLOCKS = (Step.REPAIR_DECISION,)

    def by_reviewing_department(self, user: Any) -> bool:
        return user.role == Role.DEPARTMENT and user.department_id == self.case.department_id

    def is_eligible(self) -> bool:
        """Every eligibility rule passed (at filing or at the last supplement): only then may the
        office accept; otherwise it asks for a supplement or rejects."""
        return self.case.eligible

    # --- Intake -----------------------------------------------------------------------------------

    @state.transition(source=SUBMITTED, target=ACCEPTED, conditions=[this.is_eligible], permission=this.by_office)
    def accept(self) -> None:
        pass

    @state.transition(source=SUBMITTED, target=RepairState.REJECTED, permission=this.by_office)
    def reject(self, *, reason: str, code: str = "") -> None:
        self.case.rejection_reason, self.case.rejection_code = reason, code

    @state.transition(source=SUBMITTED, target=NEEDS_SUPPLEMENT, permission=this.by_office)
    def request_supplement(self, *, missing: str) -> None:
        self.case.missing = missing

    @state.transition(source=NEEDS_SUPPLEMENT, target=SUBMITTED, permission=this.by_subject)
    def supplement(self, *, statement: str) -> None:
        if statement:
            self.case.statement = f"{self.case.statement}\n\n{statement}"

    @state.transition(source=NEEDS_SUPPLEMENT, target=RepairState.LAPSED)
    def lapse(self) -> None:
        pass

    # --- The department's review and the repair ---------------------------------------------------

    @state.transition(source=ACCEPTED, target=REVIEWING, permission=this.by_office)
    def forward(self, *, department: Any, forwarded_on: Any) -> None:
        self.case.department, self.case.forwarded_on = department, forwarded_on

    @state.transition(source=REVIEWING, target=APPROVED, permission=this.by_reviewing_department)
    def approve(self, *, reason: str) -> None:
        self._decide(reason)

    @state.transition(source=REVIEWING, target=RepairState.DENIED, permission=this.by_reviewing_department)
    def deny(self, *, reason: str) -> None:
        self._decide(reason)

    @state.transition(source=RepairState.DENIED, target=REVIEWING)
    def review_again(self) -> None:
        """The subject's objection to the denial was found for it (repairflow.objections): the
        department decides again. Taken by the objection's confirmation, never on its own."""
        self.case.decision_reason, self.case.decided_at, self.case.decided_by = "", None, None

    @state.transition(source=REVIEWING, conditions=[this.has_open_department_clock], permission=this.by_office)
    def extend(self) -> None:
        pass

    @state.transition(source=REVIEWING, conditions=[this.has_running_department_clock], permission=this.by_office)
    def pause(self) -> None:
        pass

    @state.transition(source=REVIEWING, conditions=[this.has_paused_department_clock], permission=this.by_office)
    def resume(self) -> None:
        pass

    def _decide(self, reason: str) -> None:
        self.case.decision_reason = reason
        self.case.decided_at, self.case.decided_by = timezone.now(), self.actor

    @state.transition(source=APPROVED, target=REPAIRED, permission=this.by_office)
    def execute(self, *, repaired_on: Any) -> None:
        self.case.repaired_on = repaired_on

    @state.transition(source=REPAIRED, target=PUBLISHED, conditions=[this.is_ready_to_publish])
    def publish(self) -> None:
        pass

    @state.transition(source=PUBLISHED, target=RepairState.REVOKED, permission=this.by_office)
    def revoke(self, *, reason: str) -> None:
        self.case.revocation_reason = reason

    @state.transition(source=WITHDRAWABLE, target=RepairState.WITHDRAWN, permission=this.by_subject)
    def withdraw(self) -> None:
        pass
