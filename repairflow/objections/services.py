"""Use-cases of an objection, one per action of design/api.md, each atomic: lock the case,
run its transition (core/cases.py), start and stop the clocks the new state calls for, change
the record through its own state machine, issue the notice, notify whoever acts next."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from repairflow.cases.kinds import MISSING_REQUIRED, REASON_REQUIRED, CaseKind
from repairflow.cases.models import NoticeKind
from repairflow.cases.services import (
    case_filer_check,
    case_number_next,
    case_record_locked,
    case_transition,
    department_users,
    due_on_text,
    office_users,
    received_today,
    required,
    subject_users,
    today,
)
from repairflow.core.errors import Conflict, Invalid
from repairflow.core.history import history_reason, save_with_history
from repairflow.core.models import Attachment
from repairflow.deadlines import services as deadlines
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import MarkOn, Step, active_profile
from repairflow.objections import notices
from repairflow.objections.flows import RECEIVED, ObjectionFlow
from repairflow.objections.models import (
    OPEN_STATES,
    OUTCOMES_WITH_FIELDS,
    Objection,
    ObjectionState,
    Outcome,
    Verification,
)
from repairflow.objections.selectors import objections_visible_to
from repairflow.records.models import CreditRecord, Department, RecordState, User
from repairflow.records.publication import LIST_CATEGORIES
from repairflow.records.serializers import record_correction_validate
from repairflow.records.services import record_transition

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


def _mark(objection: Objection, actor: Any) -> None:
    record = case_record_locked(objection)
    if not record.under_objection:
        reason = history_reason(RECORD_MARKED) % {"number": objection.number}
        record_transition(record=record, actor=actor, action="mark-objection", reason=reason, case=objection)


def _clear_mark(objection: Objection, actor: Any) -> None:
    record = case_record_locked(objection)
    if record.under_objection:
        reason = history_reason(RECORD_CLEARED) % {"number": objection.number}
        record_transition(record=record, actor=actor, action="clear-objection", reason=reason, case=objection)


OBJECTIONS = CaseKind(
    flow=ObjectionFlow,
    visible_to=objections_visible_to,
    receipt_clocks=(Step.OBJECTION_ACCEPTANCE, Step.OBJECTION_ANSWER_IN_OFFICE),
    office_clocks=OFFICE_CLOCKS,
    supplement_clock=Step.OBJECTION_SUPPLEMENT,
    notices=notices,
    publication_clock=Step.OBJECTION_PUBLICATION,
    events="objection",
    ended=_clear_mark,  # the record loses its objection mark whatever the outcome
)


def _messages(detail: Any) -> list[str]:
    """A serializer's error detail as flat messages, each naming its field (but the non-field ones)."""
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
            except serializers.ValidationError as error:  # its detail names the fields, maybe nested
                errors["corrected_fields"] = _messages(error.detail)
    elif corrected_fields:
        errors["corrected_fields"] = [CORRECTED_FIELDS_NOT_EXPECTED]
    if outcome == Outcome.REMOVE_FROM_LIST and record.category not in LIST_CATEGORIES:
        errors["outcome"] = [NOT_A_LIST]
    if errors:
        raise Invalid(errors)
    return dict(corrected_fields or {})


# --- Filing -------------------------------------------------------------------------------------


def objection_submit(
    *,
    actor: User,
    record: CreditRecord,
    grounds: Sequence[str],
    statement: str,
    requested_change: str = "",
    attachments: Sequence[Attachment] = (),
    contact_phone: str = "",
) -> Objection:
    """A subject objects to one of its records (or the office files for it). Received on the
    next working day when filed on a day off; the office's clocks start, the record is marked
    when the profile marks on receipt, and the receipt notice is issued."""
    case_filer_check(actor, record)
    try:
        with transaction.atomic():
            record = CreditRecord.objects.select_for_update().select_related("subject").get(pk=record.pk)
            if record.state == RecordState.REVOKED:
                raise Invalid({"record": [RECORD_REVOKED]})
            if Objection.objects.filter(record=record, subject=record.subject, state__in=OPEN_STATES).exists():
                raise Conflict(ALREADY_OPEN)
            received_on = received_today()
            objection = Objection(
                number=case_number_next(prefix=Objection.NUMBER_PREFIX, year=today().year),
                record=record,
                subject=record.subject,
                filed_by=actor,
                grounds=list(dict.fromkeys(grounds)),
                statement=statement,
                requested_change=requested_change,
                contact_phone=contact_phone,
                received_on=received_on,
            )
            save_with_history(objection, actor=actor, reason=RECEIVED)
            if attachments:
                objection.attachments.set(attachments)
            OBJECTIONS.received(objection, actor)
            if active_profile().objection_mark_on == MarkOn.RECEIPT:
                _mark(objection, actor)
    except IntegrityError as error:  # the same objection filed twice at the same moment
        raise Conflict(ALREADY_OPEN) from error
    return objection


# --- The office's acceptance --------------------------------------------------------------------


@transaction.atomic
def objection_accept(*, actor: User, number: str, comment: str = "") -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.accept(objection, actor, comment)
    if active_profile().objection_mark_on == MarkOn.ACCEPTANCE:
        _mark(objection, actor)
    return objection


@transaction.atomic
def objection_reject(*, actor: User, number: str, reason: str) -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "reject")
    OBJECTIONS.reject(objection, actor, required(reason, "reason", REASON_REQUIRED))
    return objection


@transaction.atomic
def objection_request_supplement(*, actor: User, number: str, missing: str) -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "request-supplement")
    OBJECTIONS.request_supplement(objection, actor, required(missing, "missing", MISSING_REQUIRED))
    return objection


@transaction.atomic
def objection_supplement(
    *, actor: User, number: str, statement: str = "", attachments: Sequence[Attachment] = ()
) -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "supplement")
    statement = (statement or "").strip()
    if not statement and not attachments:
        raise Invalid({"statement": [SUPPLEMENT_EMPTY]})
    objection.attachments.add(*attachments)
    OBJECTIONS.supplemented(objection, actor, statement)
    return objection


def objection_lapse(*, case: Objection, deadline: Deadline | None) -> None:
    OBJECTIONS.lapse(case, deadline)


# --- Verification -------------------------------------------------------------------------------


@transaction.atomic
def objection_forward(
    *, actor: User, number: str, departments: Sequence[Department] = (), comment: str = ""
) -> Objection:
    """Route the objection to one or more departments (by default the record's own): each gets
    its verification and its clock; the answer from receipt now has the longer limit."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    departments = list(dict.fromkeys(departments)) or [objection.record.department]
    codes = ", ".join(department.code for department in departments)
    OBJECTIONS.act(objection, actor, "forward", comment or codes)
    day, forwarded_on = today(), received_today()
    lead = objection.record.department if objection.record.department in departments else departments[0]
    clocks = {}
    for department in departments:
        verification = Verification(
            objection=objection, department=department, leads=department == lead, forwarded_on=forwarded_on
        )
        save_with_history(verification, actor=actor, reason=VERIFICATION_FORWARDED)
        clocks[department] = deadlines.deadline_start(
            case=objection,
            step=Step.OBJECTION_VERIFICATION,
            started_on=forwarded_on,
            in_force_on=objection.received_on,
            department=department,
            actor=actor,
        )
    # The answer from receipt now has the longer limit; it counts from where the office's own
    # clock counts (a supplement may have restarted it).
    in_office = deadlines.case_open_deadlines(objection, Step.OBJECTION_ANSWER_IN_OFFICE).first()
    answer_from = in_office.started_on if in_office else objection.received_on
    if in_office is not None:  # at most one is open: stop the one just read
        deadlines.deadline_stop(deadline=in_office, on=day, actor=actor)
    deadlines.deadline_start(
        case=objection,
        step=Step.OBJECTION_ANSWER,
        started_on=answer_from,
        in_force_on=objection.received_on,
        actor=actor,
    )
    for department in departments:
        OBJECTIONS.notify(
            objection,
            department_users([department.pk]),
            "forwarded",
            due_on=due_on_text(clocks[department]),
        )
    OBJECTIONS.notify(objection, subject_users(objection), "in_verification", departments=codes)
    return objection


@transaction.atomic
def objection_decide_in_office(
    *, actor: User, number: str, outcome: str, explanation: str, corrected_fields: Mapping | None = None
) -> Objection:
    """The platform itself was wrong: the office decides without a department round."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "decide-in-office")
    corrected_fields = _outcome_checked(objection.record, outcome, explanation, corrected_fields)
    OBJECTIONS.act(
        objection,
        actor,
        "decide-in-office",
        explanation,
        outcome=outcome,
        explanation=(explanation or "").strip(),
        corrected_fields=corrected_fields,
    )
    return objection


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
    objection = OBJECTIONS.locked(actor=actor, number=number)
    flow = OBJECTIONS.check(objection, actor, "reply")
    corrected_fields = _outcome_checked(objection.record, outcome, explanation, corrected_fields)
    verification = flow.pending_verification()
    case_transition(
        flow=flow,
        action="reply",
        comment=explanation.strip(),
        outcome=outcome,
        explanation=explanation.strip(),
        corrected_fields=corrected_fields,
    )
    save_with_history(verification, actor=actor, reason=history_reason(VERIFICATION_REPLIED) % {"number": number})
    verification.attachments.add(*attachments)
    for deadline in deadlines.case_open_deadlines(
        objection, Step.OBJECTION_VERIFICATION, department=verification.department
    ):
        deadlines.deadline_stop(deadline=deadline, on=today(), actor=actor)
    if objection.state == ObjectionState.REPLIED:
        OBJECTIONS.notify(objection, office_users(), "replied", outcome=objection.outcome)
    return objection


def _verification_clocks(objection: Objection, department_code: str | None) -> QuerySet[Deadline]:
    clocks = deadlines.case_open_deadlines(objection, Step.OBJECTION_VERIFICATION).order_by("id")
    if department_code:
        if not objection.verifications.filter(department__code=department_code).exists():
            raise Invalid({"department": [NOT_ROUTED]})
        clocks = clocks.filter(department__code=department_code)
    return clocks


@transaction.atomic
def objection_extend(*, actor: User, number: str, days: int, reason: str, department: str | None = None) -> Objection:
    """The office gives the departments (or one of them) more working days."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "extend")
    reason = required(reason, "reason", REASON_REQUIRED)
    OBJECTIONS.act(objection, actor, "extend", reason)
    clocks = list(_verification_clocks(objection, department))
    if not clocks:
        raise Conflict(NO_RUNNING_VERIFICATION)
    for deadline in clocks:
        deadlines.deadline_extend(deadline=deadline, days=days, reason=reason, on=today(), actor=actor)
    return objection


@transaction.atomic
def objection_pause(*, actor: User, number: str, reason: str, department: str | None = None) -> Objection:
    """Testing, inspection, appraisal or expert review: the time is not counted (河南 Art. 42)."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "pause")
    reason = required(reason, "reason", REASON_REQUIRED)
    OBJECTIONS.act(objection, actor, "pause", reason)
    clocks = [clock for clock in _verification_clocks(objection, department) if clock.status != DeadlineStatus.PAUSED]
    if not clocks:
        raise Conflict(NO_RUNNING_VERIFICATION)
    for deadline in clocks:
        deadlines.deadline_pause(deadline=deadline, on=today(), reason=reason, actor=actor)
    return objection


@transaction.atomic
def objection_resume(*, actor: User, number: str, reason: str = "", department: str | None = None) -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.act(objection, actor, "resume", reason)
    clocks = [clock for clock in _verification_clocks(objection, department) if clock.status == DeadlineStatus.PAUSED]
    if not clocks:
        raise Conflict(NO_PAUSED_VERIFICATION)
    for deadline in clocks:
        deadlines.deadline_resume(deadline=deadline, on=today(), actor=actor)
    return objection


@transaction.atomic
def objection_return(*, actor: User, number: str, reason: str) -> Objection:
    """The office sends the replies back: every department verifies again, on a new clock."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.check(objection, actor, "return")
    reason = required(reason, "reason", REASON_REQUIRED)
    OBJECTIONS.act(objection, actor, "return", reason)
    forwarded_on = received_today()
    verifications = list(objection.verifications.select_related("department"))
    for verification in verifications:
        verification.replied_at, verification.replied_by = None, None
        verification.outcome, verification.explanation, verification.corrected_fields = "", "", {}
        verification.forwarded_on = forwarded_on
        save_with_history(verification, actor=actor, reason=history_reason(VERIFICATION_RETURNED) % {"reason": reason})
        deadlines.deadline_start(
            case=objection,
            step=Step.OBJECTION_VERIFICATION,
            started_on=forwarded_on,
            in_force_on=objection.received_on,
            department=verification.department,
            actor=actor,
        )
    OBJECTIONS.notify(
        objection,
        department_users(verification.department_id for verification in verifications),
        "returned",
        reason=reason,
    )
    return objection


# --- The result ---------------------------------------------------------------------------------


def _apply_outcome(objection: Objection, actor: User) -> None:
    action = OUTCOME_ACTIONS[Outcome(objection.outcome)]
    if action is None:
        return
    record = case_record_locked(objection)
    reason = history_reason(RECORD_OUTCOME) % {
        "number": objection.number,
        "outcome": history_reason(Outcome(objection.outcome).label),
    }
    kwargs = {}
    if action == "correct":
        kwargs["changes"] = record_correction_validate(record, objection.corrected_fields)
    record_transition(record=record, actor=actor, action=action, reason=reason, case=objection, **kwargs)


@transaction.atomic
def objection_confirm(*, actor: User, number: str, comment: str = "") -> Objection:
    """The office confirms the reply: the outcome is applied to the record in this transaction,
    the answer clock stops, the result notice is issued and the publication duty starts; the
    case is published at once when nothing else is awaited."""
    objection = OBJECTIONS.locked(actor=actor, number=number)
    OBJECTIONS.act(objection, actor, "confirm", comment)
    _apply_outcome(objection, actor)
    day = today()
    deadlines.case_deadlines_stop(
        case=objection,
        steps=[Step.OBJECTION_ANSWER, Step.OBJECTION_ANSWER_IN_OFFICE],
        on=day,
        actor=actor,
    )
    deadlines.deadline_start(
        case=objection,
        step=Step.OBJECTION_PUBLICATION,
        started_on=received_today(),
        in_force_on=objection.received_on,
        actor=actor,
    )
    OBJECTIONS.notice(objection, NoticeKind.RESULT, notices.result(objection), actor)
    OBJECTIONS.notify(objection, subject_users(objection), "result", outcome=objection.outcome)
    objection_publish_if_ready(objection=objection)
    return objection


def objection_publish_if_ready(*, objection: Objection) -> bool:
    """`corrected → published` by itself once ready (the caller holds the case's lock)."""
    return OBJECTIONS.publish_if_ready(objection)


@transaction.atomic
def objection_withdraw(*, actor: User, number: str, reason: str = "") -> Objection:
    objection = OBJECTIONS.locked(actor=actor, number=number)
    departments = list(objection.verifications.values_list("department_id", flat=True))
    OBJECTIONS.withdraw(objection, actor, (reason or "").strip(), department_users(departments))
    return objection
