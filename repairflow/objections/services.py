"""Use-cases of an objection, one per action of docs/api.md, each atomic: a step on the locked
case (repairflow/cases/services.py) runs its transition, starts and stops the clocks the new state
calls for, changes the record through its own state machine, issues the notice and tells whoever
acts next; every row it changed is written once when it ends."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import receipt_day
from repairflow.cases.kinds import CaseKind, case_kind_of
from repairflow.cases.models import Case, NoticeKind, RejectionCode
from repairflow.cases.services import (
    ALL_REPLIED,
    MISSING_REQUIRED,
    REASON_REQUIRED,
    CaseStep,
    case_accept,
    case_clocks_extend,
    case_clocks_pause,
    case_clocks_resume,
    case_filer_check,
    case_number_next,
    case_publish_if_ready,
    case_received,
    case_record_resume,
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
from repairflow.deadlines.policy import MarkOn, Step, active_profile
from repairflow.objections import notices
from repairflow.objections.flows import RECEIVED, ObjectionFlow
from repairflow.objections.models import (
    FINAL_STATES,
    OUTCOMES_WITH_FIELDS,
    UPHELD,
    Objection,
    ObjectionState,
    Outcome,
    Verification,
)
from repairflow.objections.selectors import objections_visible_to
from repairflow.records.corrections import record_correction_validate
from repairflow.records.models import CreditRecord, Department, RecordState, User
from repairflow.records.publication import LIST_CATEGORIES

ALREADY_OPEN = _("This subject already has an open objection to this record.")
RECORD_REVOKED = _("This record has been revoked: it is no longer published and cannot be objected to.")
EXPLANATION_REQUIRED = _("Explain the outcome.")
UNKNOWN_OUTCOME = _('"%(value)s" is not a valid outcome.')
CORRECTED_FIELDS_REQUIRED = _("Name the corrected fields for this outcome.")
CORRECTED_FIELDS_NOT_EXPECTED = _("Only a correction or a supplement changes the record's fields.")
NOT_A_LIST = _("Only an entry of a list can be removed from it; this record is not one.")
SUPPLEMENT_EMPTY = _("Add a statement or at least one attachment.")
NO_RUNNING_VERIFICATION = _("No department's verification clock is running.")
NO_PAUSED_VERIFICATION = _("No department's verification clock is paused.")
NOT_ROUTED = _("The objection was not forwarded to this department.")
NOT_CONTESTABLE = _("Only a denied repair application can be objected to; %(number)s is %(state)s.")
CONTESTED_ELSEWHERE = _("Application %(number)s is about another record: object to that record.")
NOT_THE_SUBJECTS = _("Application %(number)s is not this subject's.")

RECORD_MARKED = _("Objection %(number)s: marked as under objection")
RECORD_CLEARED = _("Objection %(number)s ended: objection mark cleared")
RECORD_OUTCOME = _("Objection %(number)s: %(outcome)s")
VERIFICATION_REPLIED = _("Reply to objection %(number)s")
VERIFICATION_RETURNED = _("Reply returned: %(reason)s")
VERIFICATION_FORWARDED = _("Forwarded for verification")

# What each outcome does to the record through its state machine (None: nothing).
OUTCOME_ACTIONS = {
    Outcome.MAINTAIN: None,
    Outcome.CORRECT: "correct",
    Outcome.SUPPLEMENT: "correct",
    Outcome.REVOKE: "revoke",
    Outcome.STOP_PUBLICATION: "end-publication",
    Outcome.REMOVE_FROM_LIST: "end-publication",
}
OFFICE_CLOCKS = (Step.OBJECTION_ACCEPTANCE, Step.OBJECTION_ANSWER_IN_OFFICE, Step.OBJECTION_ANSWER)


# --- Helpers ------------------------------------------------------------------------------------


def _mark(step: CaseStep) -> None:
    if not step.record.under_objection:
        step.change_record("mark-objection", history_reason(RECORD_MARKED) % {"number": step.case.number})


def _clear_mark(step: CaseStep) -> None:
    """The record loses its objection mark when the case ends, whatever the outcome."""
    if step.record.under_objection:
        step.change_record("clear-objection", history_reason(RECORD_CLEARED) % {"number": step.case.number})


OBJECTIONS = CaseKind(
    name="objection",
    model=Objection,
    flow=ObjectionFlow,
    visible_to=objections_visible_to,
    closed_states=FINAL_STATES,
    receipt_clocks=(Step.OBJECTION_ACCEPTANCE, Step.OBJECTION_ANSWER_IN_OFFICE),
    office_clocks=OFFICE_CLOCKS,
    supplement_clock=Step.OBJECTION_SUPPLEMENT,
    publication_clock=Step.OBJECTION_PUBLICATION,
    answer_clocks=(Step.OBJECTION_ANSWER, Step.OBJECTION_ANSWER_IN_OFFICE),
    department_clocks=(Step.OBJECTION_VERIFICATION,),
    notices=notices,
    ended=_clear_mark,
    attachment_links=("attachments", "verifications__attachments"),
    suspend_when_overdue=(Step.OBJECTION_VERIFICATION,),
    grounds=lambda objection: frozenset(objection.grounds),
)


def _messages(detail: Any) -> list[str]:
    """Refusal messages as a flat list, each naming its field (but the non-field ones)."""
    if isinstance(detail, Mapping):
        return [
            message if field == "non_field_errors" else f"{field}: {message}"
            for field, messages in detail.items()
            for message in _messages(messages)
        ]
    if isinstance(detail, list):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def _outcome_checked(record: CreditRecord, outcome: str, explanation: str, corrected_fields: Any) -> dict:
    """A reply's outcome, explanation and corrected fields, validated against the record; the
    corrected fields as they are kept (JSON)."""
    errors: dict[str, list] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [UNKNOWN_OUTCOME % {"value": outcome}]
    if not explanation or not explanation.strip():
        errors["explanation"] = [EXPLANATION_REQUIRED]
    if outcome in OUTCOMES_WITH_FIELDS:
        if not corrected_fields:
            errors["corrected_fields"] = [CORRECTED_FIELDS_REQUIRED]
        else:
            try:
                record_correction_validate(record, corrected_fields)
            except Invalid as error:  # it names the fields, maybe nested
                errors["corrected_fields"] = _messages(error.fields)
    elif corrected_fields:
        errors["corrected_fields"] = [CORRECTED_FIELDS_NOT_EXPECTED]
    if outcome == Outcome.REMOVE_FROM_LIST and record.category not in LIST_CATEGORIES:
        errors["outcome"] = [NOT_A_LIST]
    if errors:
        raise Invalid(errors)
    return dict(corrected_fields or {})


# --- Filing -------------------------------------------------------------------------------------


def _contest_check(record: CreditRecord, contested: Case | None) -> None:
    """An objection may contest a decision on another case (a denied repair application) only
    when that case is the same subject's, about the same record, and in a state its kind lets
    be contested."""
    if contested is None:
        return
    params = {"number": contested.number}
    if contested.subject_id != record.subject_id:
        raise Invalid({"contests_repair": [NOT_THE_SUBJECTS % params]})
    if contested.record_id != record.pk:
        raise Invalid({"contests_repair": [CONTESTED_ELSEWHERE % params]})
    if contested.state not in case_kind_of(contested).contestable_states:
        raise Invalid({"contests_repair": [NOT_CONTESTABLE % {**params, "state": contested.get_state_display()}]})


def objection_submit(
    *,
    actor: User,
    record: CreditRecord,
    grounds: Sequence[str],
    statement: str,
    requested_change: str = "",
    attachments: Sequence[Attachment] = (),
    contact_phone: str = "",
    contests_repair: Case | None = None,
) -> Objection:
    """A subject objects to one of its records (or the office files for it), maybe contesting
    the denial of its repair application for that record (`contests_repair`). Received on the
    next working day when filed on a day off; the office's clocks start, the record is marked
    when the profile marks on receipt, and the receipt notice is issued. An objection that
    repeats a closed one with nothing new is marked as its repeat (`repeat_of`)."""
    case_filer_check(actor, record)
    try:
        with transaction.atomic():
            record = record_locked(record)
            if record.state == RecordState.REVOKED:
                raise Invalid({"record": [RECORD_REVOKED]})
            if contests_repair is not None:  # read again under the record's lock
                contests_repair = type(contests_repair).objects.get(pk=contests_repair.pk)
            _contest_check(record, contests_repair)
            calendar = work_calendar(version=record.calendar_version)
            objection = Objection(
                number=case_number_next(prefix=Objection.NUMBER_PREFIX, year=today().year),
                record=record,
                subject=record.subject,
                filed_by=actor,
                grounds=list(dict.fromkeys(grounds)),
                statement=statement,
                requested_change=requested_change,
                contact_phone=contact_phone,
                received_on=receipt_day(calendar, today()),
                contests_repair=contests_repair,
            )
            objection.repeat_of = case_repeat_of(OBJECTIONS, objection, attachments)
            step = CaseStep(OBJECTIONS, objection, actor, "submit", new=True, read_with=record)
            step.writes.create(objection, actor=actor, reason=RECEIVED, now=True)
            if attachments:
                objection.attachments.set(attachments)
            case_received(step)
            if active_profile().objection_mark_on == MarkOn.RECEIPT:
                _mark(step)
            step.writes.flush()
    except IntegrityError as error:  # the same objection filed twice at the same moment
        raise Conflict(ALREADY_OPEN) from error
    return objection


# --- The office's acceptance --------------------------------------------------------------------


@transaction.atomic
def objection_accept(*, actor: User, number: str, comment: str = "") -> Objection:
    with case_step(OBJECTIONS, actor=actor, number=number, action="accept") as step:
        case_accept(step, comment)
        if active_profile().objection_mark_on == MarkOn.ACCEPTANCE:
            _mark(step)
    return step.case


@transaction.atomic
def objection_reject(*, actor: User, number: str, reason: str = "", reason_code: str = "") -> Objection:
    """不予受理, with a reason; a repeat (`reason_code` "repeat") needs none besides what its
    notice says."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="reject") as step:
        if reason_code:
            reason = (reason or "").strip() or history_reason(RejectionCode(reason_code).label)
        case_reject(step, required(reason, "reason", REASON_REQUIRED), reason_code)
    return step.case


@transaction.atomic
def objection_request_supplement(*, actor: User, number: str, missing: str) -> Objection:
    with case_step(OBJECTIONS, actor=actor, number=number, action="request-supplement") as step:
        case_request_supplement(step, required(missing, "missing", MISSING_REQUIRED))
    return step.case


@transaction.atomic
def objection_supplement(
    *, actor: User, number: str, statement: str = "", attachments: Sequence[Attachment] = ()
) -> Objection:
    with case_step(OBJECTIONS, actor=actor, number=number, action="supplement") as step:
        statement = (statement or "").strip()
        if not statement and not attachments:
            raise Invalid({"statement": [SUPPLEMENT_EMPTY]})
        step.case.attachments.add(*attachments)
        case_supplemented(step, statement)
    return step.case


# --- Verification -------------------------------------------------------------------------------


@transaction.atomic
def objection_forward(
    *, actor: User, number: str, departments: Sequence[Department] = (), comment: str = ""
) -> Objection:
    """Route the objection to one or more departments (by default the record's own): each gets
    its verification and its clock; the answer from receipt now has the longer limit."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="forward") as step:
        objection, clocks = step.case, step.clocks
        departments = list(dict.fromkeys(departments)) or [objection.record.department]
        # the timeline names them as people read them (their codes are the API's)
        names = "、".join(department.name for department in departments)
        step.act(comment=comment or names)
        lead = objection.record.department if objection.record.department in departments else departments[0]
        verifying = {}
        for department in departments:
            verification = Verification(
                objection=objection, department=department, leads=department == lead, forwarded_on=step.received_on
            )
            step.writes.create(verification, actor=actor, reason=VERIFICATION_FORWARDED)
            verifying[department] = clocks.start(
                Step.OBJECTION_VERIFICATION,
                started_on=step.received_on,
                in_force_on=objection.received_on,
                department=department,
                actor=actor,
            )
        # The answer from receipt now has the longer limit; it counts from where the office's own
        # clock counts (a supplement may have restarted it).
        in_office = clocks.first(Step.OBJECTION_ANSWER_IN_OFFICE)
        answer_from = in_office.started_on if in_office else objection.received_on
        clocks.stop(Step.OBJECTION_ANSWER_IN_OFFICE, on=step.today, actor=actor)
        clocks.start(Step.OBJECTION_ANSWER, started_on=answer_from, in_force_on=objection.received_on, actor=actor)
        for department in departments:
            step.notify(
                step.people.departments([department.pk]), "forwarded", due_on=due_on_text(verifying[department])
            )
        step.notify(step.people.subject(), "in_verification", departments=names)
    return objection


@transaction.atomic
def objection_decide_in_office(
    *, actor: User, number: str, outcome: str, explanation: str, corrected_fields: Mapping | None = None
) -> Objection:
    """The platform itself was wrong: the office decides without a department round."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="decide-in-office") as step:
        corrected_fields = _outcome_checked(step.case.record, outcome, explanation, corrected_fields)
        explanation = (explanation or "").strip()
        step.act(comment=explanation, outcome=outcome, explanation=explanation, corrected_fields=corrected_fields)
    return step.case


@transaction.atomic
def objection_reply(
    *,
    actor: User,
    number: str,
    outcome: str,
    explanation: str,
    corrected_fields: Mapping | None = None,
    attachments: Sequence[Attachment] = (),
) -> Objection:
    """A department the objection was forwarded to replies; the last reply makes it `replied`."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="reply") as step:
        objection = step.case
        corrected_fields = _outcome_checked(objection.record, outcome, explanation, corrected_fields)
        verification = step.flow.pending_verification()
        explanation = explanation.strip()
        step.act(comment=explanation, outcome=outcome, explanation=explanation, corrected_fields=corrected_fields)
        reason = history_reason(VERIFICATION_REPLIED) % {"number": number}
        step.writes.save(verification, actor=actor, reason=reason)
        verification.attachments.add(*attachments)
        step.clocks.stop(Step.OBJECTION_VERIFICATION, department=verification.department, on=step.today, actor=actor)
        if objection.state == ObjectionState.REPLIED:
            case_record_resume(step, ALL_REPLIED)
            step.notify(step.people.office(), "replied", outcome=objection.outcome)
    return objection


def _verification_clocks(step: CaseStep, department_code: str | None) -> list:
    """The open verification clocks, of one department when its code is given (one routed to)."""
    if not department_code:
        return step.clocks.open(Step.OBJECTION_VERIFICATION)
    routed = next((v for v in step.flow.verifications() if v.department.code == department_code), None)
    if routed is None:
        raise Invalid({"department": [NOT_ROUTED]})
    return step.clocks.open(Step.OBJECTION_VERIFICATION, department=routed.department)


@transaction.atomic
def objection_extend(*, actor: User, number: str, days: int, reason: str, department: str | None = None) -> Objection:
    """The office gives the departments (or one of them) more working days."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="extend") as step:
        reason = required(reason, "reason", REASON_REQUIRED)
        clocks = _verification_clocks(step, department)
        case_clocks_extend(step, clocks, days=days, reason=reason, none_open=NO_RUNNING_VERIFICATION)
    return step.case


@transaction.atomic
def objection_pause(*, actor: User, number: str, reason: str, department: str | None = None) -> Objection:
    """Testing, inspection, appraisal or expert review: the time is not counted (河南 Art. 42)."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="pause") as step:
        reason = required(reason, "reason", REASON_REQUIRED)
        clocks = _verification_clocks(step, department)
        case_clocks_pause(step, clocks, reason=reason, none_running=NO_RUNNING_VERIFICATION)
    return step.case


@transaction.atomic
def objection_resume(*, actor: User, number: str, reason: str = "", department: str | None = None) -> Objection:
    with case_step(OBJECTIONS, actor=actor, number=number, action="resume") as step:
        clocks = _verification_clocks(step, department)
        case_clocks_resume(step, clocks, reason=reason, none_paused=NO_PAUSED_VERIFICATION)
    return step.case


@transaction.atomic
def objection_return(*, actor: User, number: str, reason: str) -> Objection:
    """The office sends the replies back: every department verifies again, on a new clock."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="return") as step:
        objection = step.case
        reason = required(reason, "reason", REASON_REQUIRED)
        step.act(comment=reason)
        verifications = step.flow.verifications()
        returned = history_reason(VERIFICATION_RETURNED) % {"reason": reason}
        for verification in verifications:
            verification.replied_at, verification.replied_by = None, None
            verification.outcome, verification.explanation, verification.corrected_fields = "", "", {}
            verification.forwarded_on = step.received_on
            step.writes.save(verification, actor=actor, reason=returned)
            step.clocks.start(
                Step.OBJECTION_VERIFICATION,
                started_on=step.received_on,
                in_force_on=objection.received_on,
                department=verification.department,
                actor=actor,
            )
        departments = [verification.department_id for verification in verifications]
        step.notify(step.people.departments(departments), "returned", reason=reason)
    return objection


# --- The result ---------------------------------------------------------------------------------


def _apply_outcome(step: CaseStep) -> None:
    objection = step.case
    action = OUTCOME_ACTIONS[Outcome(objection.outcome)]
    if action is None:
        return
    reason = history_reason(RECORD_OUTCOME) % {
        "number": objection.number,
        "outcome": history_reason(Outcome(objection.outcome).label),
    }
    changes = {}
    if action == "correct":
        changes["changes"] = record_correction_validate(step.record, objection.corrected_fields)
    step.change_record(action, reason, **changes)


@transaction.atomic
def objection_confirm(*, actor: User, number: str, comment: str = "") -> Objection:
    """The office confirms the reply: the outcome is applied to the record in this transaction,
    the answer clock stops, the result notice is issued and the publication duty starts; the
    case is published at once when nothing else is awaited."""
    with case_step(OBJECTIONS, actor=actor, number=number, action="confirm") as step:
        objection = step.case
        step.act(comment=comment)
        _apply_outcome(step)
        step.clocks.stop(Step.OBJECTION_ANSWER, Step.OBJECTION_ANSWER_IN_OFFICE, on=step.today, actor=actor)
        step.clocks.start(
            Step.OBJECTION_PUBLICATION, started_on=step.received_on, in_force_on=objection.received_on, actor=actor
        )
        step.notice(NoticeKind.RESULT, notices.result(objection))
        step.notify(step.people.subject(), "result", outcome=objection.outcome)
        if objection.contests_repair_id and objection.outcome in UPHELD:
            contested = objection.contests_repair
            case_kind_of(contested).contest_upheld(step, contested)
        case_publish_if_ready(step)
    return objection


@transaction.atomic
def objection_withdraw(*, actor: User, number: str, reason: str = "") -> Objection:
    with case_step(OBJECTIONS, actor=actor, number=number, action="withdraw") as step:
        departments = [verification.department_id for verification in step.flow.verifications()]
        case_withdraw(step, (reason or "").strip(), departments)
    return step.case
