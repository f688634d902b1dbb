"""Use-cases of a repair application, one per action of docs/api.md, each atomic: a step on
the locked case (repairflow/cases/services.py) runs its transition, starts and stops the clocks the
new state calls for, changes the record through its own state machine, issues the notice and
tells whoever acts next; every row it changed is written once when it ends."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import months_period_end, receipt_day
from repairflow.cases.kinds import CaseKind
from repairflow.cases.models import NoticeKind, RejectionCode
from repairflow.cases.services import (
    MISSING_REQUIRED,
    REASON_REQUIRED,
    CaseStep,
    case_accept,
    case_clocks_extend,
    case_clocks_pause,
    case_clocks_resume,
    case_filer_check,
    case_locked,
    case_number_next,
    case_publish_if_ready,
    case_received,
    case_reject,
    case_repeat_of,
    case_request_supplement,
    case_step,
    case_supplemented,
    case_withdraw,
    due_on_text,
    record_locked,
    required,
    today,
)
from repairflow.core.errors import Conflict, Invalid
from repairflow.core.history import history_reason
from repairflow.core.models import Attachment
from repairflow.deadlines.policy import Step, active_profile
from repairflow.records.flows import LIVE
from repairflow.records.models import CreditRecord, RecordState, User
from repairflow.records.publication import LIST_CATEGORIES, repairable_on_the_platform
from repairflow.repair import notices
from repairflow.repair.eligibility import RuleResult, application_facts, eligibility_evaluate
from repairflow.repair.flows import RECEIVED, RepairFlow
from repairflow.repair.models import OPEN_STATES, RepairApplication, RepairBan, RepairMaterial, RepairState
from repairflow.repair.selectors import repairs_visible_to

ALREADY_OPEN = _("This subject already has an open repair application for this record.")
NOT_NEGATIVE = _("Only negative information can be repaired; this record is not.")
COURT_REMOVES = _(
    "This record is the court's: the court that published it removes it; it is not repaired on this platform."
)
NOT_LIVE = _("This record is no longer published (%(state)s): there is nothing to repair.")
RECORD_NOT_LIVE = _("The record is no longer published (%(state)s): the repair cannot be executed.")
COMMITMENT_REQUIRED = _("Give the credit commitment (信用承诺书) to apply for repair.")
SUPPLEMENT_EMPTY = _("Add a statement, an attachment or a material.")
RECORD_REPAIRED = _("Repair %(number)s: publication ended")
RECORD_REMOVED = _("Repair %(number)s: removed from the list")
RECORD_REPUBLISHED = _("Repair %(number)s revoked: published again")
NO_RUNNING_DECISION = _("The department's decision clock is not running.")
NO_PAUSED_DECISION = _("The department's decision clock is not paused.")
OFFICE_CLOCKS = (Step.REPAIR_ACCEPTANCE, Step.REPAIR_ANSWER)
REVIEW_AGAIN = _("Objection %(number)s was upheld: the department reviews the application again")
ANOTHER_OPEN = _(
    "Application %(number)s cannot return to review: the subject has another open repair application for "
    "this record (%(other)s)."
)


@dataclass(frozen=True)
class Material:
    """A material the subject gives: what it is, the attachment, and when it was issued."""

    kind: str
    attachment: Attachment
    issued_on: date | None = None


def _material_kinds(application: RepairApplication) -> frozenset[str]:
    """What an application rests on besides its files: the kinds of material it gives."""
    return frozenset(material.kind for material in application.materials.all())


def repair_review_again(objection_step: CaseStep, application: RepairApplication) -> None:
    """An objection to the denial of `application` was found for the subject (in the objection's
    step and transaction): the application goes back to the department that denied it, through
    its state machine, on a new decision clock; the department and the subject are told."""
    application = case_locked(RepairApplication.objects.all(), number=application.number)
    other = (
        RepairApplication.objects.filter(record=application.record_id, subject=application.subject_id)
        .filter(state__in=OPEN_STATES)
        .first()
    )
    if other is not None:
        raise Conflict(ANOTHER_OPEN % {"number": application.number, "other": other.number})
    step = CaseStep(REPAIRS, application, objection_step.actor, "review-again")
    step.act(comment=history_reason(REVIEW_AGAIN) % {"number": objection_step.case.number})
    department = application.department
    clock = step.clocks.start(
        Step.REPAIR_DECISION,
        started_on=step.received_on,
        in_force_on=application.received_on,
        department=department,
        actor=step.actor,
    )
    step.notify(step.people.departments([department.pk]), "forwarded", due_on=due_on_text(clock))
    step.notify(step.people.subject(), "in_review", department=department.name)
    step.writes.flush()


REPAIRS = CaseKind(
    name="repair",
    model=RepairApplication,
    flow=RepairFlow,
    visible_to=repairs_visible_to,
    closed_states=tuple(state for state in RepairState if state not in OPEN_STATES),
    receipt_clocks=OFFICE_CLOCKS,
    office_clocks=OFFICE_CLOCKS,
    supplement_clock=Step.REPAIR_SUPPLEMENT,
    publication_clock=Step.REPAIR_SHARING,
    answer_clocks=(Step.REPAIR_ANSWER,),
    department_clocks=(Step.REPAIR_DECISION,),
    notices=notices,
    grounds=_material_kinds,
    contestable_states=(RepairState.DENIED,),
    contest_upheld=repair_review_again,
)


# --- Helpers ------------------------------------------------------------------------------------


def _add_materials(application: RepairApplication, materials: Sequence[Material]) -> None:
    for material in materials:
        RepairMaterial.objects.get_or_create(
            application=application,
            kind=material.kind,
            attachment=material.attachment,
            defaults={"issued_on": material.issued_on},
        )
    application.attachments.add(*(material.attachment for material in materials))


def _evaluate(application: RepairApplication, *, applied_on: date | None = None) -> Any:
    """Run the eligibility rules on the application as it now is (on the day it counts as made:
    received, or supplemented) and keep their results."""
    evaluation = eligibility_evaluate(application_facts(application, applied_on=applied_on))
    application.eligibility = [result.as_json() for result in evaluation.results]
    application.eligibility_rule_set = evaluation.rule_set.code
    application.eligible = evaluation.eligible
    return evaluation


def _failed_details(application: RepairApplication) -> str:
    return "；".join(
        result.detail for result in map(RuleResult.from_json, application.eligibility) if not result.passed
    )


def _decision_notice(step: CaseStep) -> None:
    step.notice(NoticeKind.DECISION, notices.decision(step.case))


# --- Filing -------------------------------------------------------------------------------------


def repair_submit(
    *,
    actor: User,
    record: CreditRecord,
    statement: str,
    commitment: bool,
    attachments: Sequence[Attachment] = (),
    materials: Sequence[Material] = (),
    contact_phone: str = "",
) -> RepairApplication:
    """A subject applies for the repair of one of its negative records (or the office for it).
    The eligibility rules run at once and their results stay with the application; one the rules
    refuse at the door (a ban in force, by default) is not filed (400, saying until when)."""
    case_filer_check(actor, record)
    if commitment is not True:
        raise Invalid({"commitment": [COMMITMENT_REQUIRED]})
    try:
        with transaction.atomic():
            record = record_locked(record)
            if not record.negative:
                raise Invalid({"record": [NOT_NEGATIVE]})
            if not repairable_on_the_platform(record.category):
                raise Invalid({"record": [COURT_REMOVES]})
            if record.state not in LIVE:
                raise Invalid({"record": [NOT_LIVE % {"state": record.get_state_display()}]})
            calendar = work_calendar(version=record.calendar_version)
            application = RepairApplication(
                number=case_number_next(prefix=RepairApplication.NUMBER_PREFIX, year=today().year),
                record=record,
                subject=record.subject,
                filed_by=actor,
                statement=statement,
                commitment=commitment,
                contact_phone=contact_phone,
                received_on=receipt_day(calendar, today()),
            )
            step = CaseStep(REPAIRS, application, actor, "submit", new=True, read_with=record)
            step.writes.create(application, actor=actor, reason=RECEIVED, now=True)
            application.attachments.set(attachments)
            _add_materials(application, materials)
            evaluation = _evaluate(application)
            if refused := evaluation.refused_at_door(active_profile().repair):
                raise Invalid({"record": [result.detail for result in refused]})
            application.repeat_of = case_repeat_of(REPAIRS, application, application.attachments.all())
            step.writes.save(application, actor=actor, reason=RECEIVED)
            case_received(step)
            step.writes.flush()
    except IntegrityError as error:  # the same application filed twice at the same moment
        raise Conflict(ALREADY_OPEN) from error
    return application


# --- The office's acceptance --------------------------------------------------------------------


@transaction.atomic
def repair_accept(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    with case_step(REPAIRS, actor=actor, number=number, action="accept") as step:
        case_accept(step, comment)
    return step.case


@transaction.atomic
def repair_reject(*, actor: User, number: str, reason: str = "", reason_code: str = "") -> RepairApplication:
    """不予受理: the office refuses an application, by default for the eligibility rules it fails;
    a repeat (`reason_code` "repeat") needs no reason besides what its notice says."""
    with case_step(REPAIRS, actor=actor, number=number, action="reject") as step:
        default = history_reason(RejectionCode(reason_code).label) if reason_code else _failed_details(step.case)
        case_reject(step, required(reason or default, "reason", REASON_REQUIRED), reason_code)
    return step.case


@transaction.atomic
def repair_request_supplement(*, actor: User, number: str, missing: str) -> RepairApplication:
    with case_step(REPAIRS, actor=actor, number=number, action="request-supplement") as step:
        case_request_supplement(step, required(missing, "missing", MISSING_REQUIRED))
    return step.case


@transaction.atomic
def repair_supplement(
    *,
    actor: User,
    number: str,
    statement: str = "",
    attachments: Sequence[Attachment] = (),
    materials: Sequence[Material] = (),
) -> RepairApplication:
    """The subject supplements: the eligibility rules run again on what it now holds, as of the
    day the supplement is received."""
    with case_step(REPAIRS, actor=actor, number=number, action="supplement") as step:
        application = step.case
        statement = (statement or "").strip()
        if not statement and not attachments and not materials:
            raise Invalid({"statement": [SUPPLEMENT_EMPTY]})
        application.attachments.add(*attachments)
        _add_materials(application, materials)
        _evaluate(application, applied_on=step.received_on)
        case_supplemented(step, statement)
    return application


# --- The department's review --------------------------------------------------------------------


@transaction.atomic
def repair_forward(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    """Send the application to the department that produced the record (认定单位), which decides
    within its own clock."""
    with case_step(REPAIRS, actor=actor, number=number, action="forward") as step:
        application = step.case
        department = application.record.department
        step.act(comment=comment or department.name, department=department, forwarded_on=step.received_on)
        clock = step.clocks.start(
            Step.REPAIR_DECISION,
            started_on=step.received_on,
            in_force_on=application.received_on,
            department=department,
            actor=actor,
        )
        step.notify(step.people.departments([department.pk]), "forwarded", due_on=due_on_text(clock))
        step.notify(step.people.subject(), "in_review", department=department.name)
    return application


@transaction.atomic
def repair_extend(*, actor: User, number: str, days: int, reason: str) -> RepairApplication:
    """The office gives the reviewing department more working days, within the profile's cap."""
    with case_step(REPAIRS, actor=actor, number=number, action="extend") as step:
        clocks = step.clocks.open(Step.REPAIR_DECISION)
        case_clocks_extend(step, clocks, days=days, reason=reason, none_open=NO_RUNNING_DECISION)
    return step.case


@transaction.atomic
def repair_pause(*, actor: User, number: str, reason: str) -> RepairApplication:
    """Testing, inspection, appraisal or expert review: the department's time is not counted."""
    with case_step(REPAIRS, actor=actor, number=number, action="pause") as step:
        clocks = step.clocks.open(Step.REPAIR_DECISION)
        case_clocks_pause(step, clocks, reason=reason, none_running=NO_RUNNING_DECISION)
    return step.case


@transaction.atomic
def repair_resume(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    with case_step(REPAIRS, actor=actor, number=number, action="resume") as step:
        clocks = step.clocks.open(Step.REPAIR_DECISION)
        case_clocks_resume(step, clocks, reason=reason, none_paused=NO_PAUSED_DECISION)
    return step.case


def _decide(step: CaseStep, reason: str) -> None:
    step.act(comment=reason, reason=reason)
    step.clocks.stop(Step.REPAIR_DECISION, on=step.today, actor=step.actor)


@transaction.atomic
def repair_approve(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    with case_step(REPAIRS, actor=actor, number=number, action="approve") as step:
        _decide(step, (reason or "").strip())
        answer = step.clocks.first(Step.REPAIR_ANSWER)
        step.notify(step.people.office(), "approved", due_on=due_on_text(answer))
    return step.case


@transaction.atomic
def repair_deny(*, actor: User, number: str, reason: str) -> RepairApplication:
    """The department refuses the repair with its reasons: the application is answered, and the
    subject gets the decision (which it may object to)."""
    with case_step(REPAIRS, actor=actor, number=number, action="deny") as step:
        reason = required(reason, "reason", REASON_REQUIRED)
        _decide(step, reason)
        step.clocks.stop(Step.REPAIR_ANSWER, on=step.today, actor=actor)
        step.end("deny")
        _decision_notice(step)
        step.notify([*step.people.subject(), *step.people.office()], "denied", reason=reason)
    return step.case


# --- The repair ---------------------------------------------------------------------------------


@transaction.atomic
def repair_execute(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    """The office carries out the approval in this transaction: the record's publication ends,
    or the entry leaves its list, with the record's history naming the application. The answer
    clock stops, the decision notice is issued and the sharing duty starts; the case is
    published at once when nothing else is awaited."""
    with case_step(REPAIRS, actor=actor, number=number, action="execute") as step:
        application, record = step.case, step.record
        if record.state not in LIVE:
            raise Conflict(RECORD_NOT_LIVE % {"state": record.get_state_display()})
        step.act(comment=comment, repaired_on=step.today)
        message = RECORD_REMOVED if record.category in LIST_CATEGORIES else RECORD_REPAIRED
        step.change_record("end-publication", history_reason(message) % {"number": application.number})
        step.clocks.stop(Step.REPAIR_ANSWER, on=step.today, actor=actor)
        step.clocks.start(
            Step.REPAIR_SHARING, started_on=step.received_on, in_force_on=application.received_on, actor=actor
        )
        _decision_notice(step)
        step.notify(step.people.subject(), "repaired")
        case_publish_if_ready(step)
    return application


@transaction.atomic
def repair_revoke(*, actor: User, number: str, reason: str) -> RepairApplication:
    """A false commitment or false materials: the repair is revoked, the record published again
    through its state machine, the revocation notice issued, and the subject may not apply again
    until the ban the profile sets has passed."""
    with case_step(REPAIRS, actor=actor, number=number, action="revoke") as step:
        application = step.case
        reason = required(reason, "reason", REASON_REQUIRED)
        step.act(comment=reason, reason=reason)
        if step.record.state == RecordState.ENDED:
            republished = history_reason(RECORD_REPUBLISHED) % {"number": application.number}
            step.change_record("republish", republished)
        ban = RepairBan(
            subject=application.subject,
            application=application,
            starts_on=step.today,
            ends_on=months_period_end(step.today, active_profile().repair.ban_months),
            reason=reason,
            created_by=actor,
        )
        step.writes.create(ban, actor=actor, reason=RepairFlow.REASONS["revoke"])
        step.notice(NoticeKind.REVOCATION, notices.revocation(application, ban_ends_on=ban.ends_on))
        step.notify(step.people.subject(), "revoked", reason=reason)
    return application


@transaction.atomic
def repair_withdraw(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    with case_step(REPAIRS, actor=actor, number=number, action="withdraw") as step:
        application = step.case
        reviewing = [application.department_id] if application.department_id else []
        case_withdraw(step, (reason or "").strip(), reviewing)
    return application
