"""Use-cases of a repair application, one per action of design/api.md, each atomic: lock the
case, run its transition (core/cases.py), start and stop the clocks the new state calls for,
change the record through its own state machine, issue the notice, notify whoever acts next."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import months_period_end
from repairflow.cases.kinds import MISSING_REQUIRED, REASON_REQUIRED, CaseKind
from repairflow.cases.models import NoticeKind
from repairflow.cases.services import (
    case_filer_check,
    case_number_next,
    case_record_locked,
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
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Step, active_profile
from repairflow.records.flows import LIVE
from repairflow.records.models import CreditRecord, RecordState, User
from repairflow.records.publication import LIST_CATEGORIES
from repairflow.records.services import record_transition
from repairflow.repair import notices
from repairflow.repair.eligibility import RuleResult, application_facts, eligibility_evaluate
from repairflow.repair.flows import RECEIVED, RepairFlow
from repairflow.repair.models import OPEN_STATES, RepairApplication, RepairBan, RepairMaterial
from repairflow.repair.selectors import repairs_visible_to

ALREADY_OPEN = _("This subject already has an open repair application for this record.")
NOT_NEGATIVE = _("Only negative information can be repaired; this record is not.")
NOT_LIVE = _("This record is no longer published (%(state)s): there is nothing to repair.")
RECORD_NOT_LIVE = _("The record is no longer published (%(state)s): the repair cannot be executed.")
COMMITMENT_REQUIRED = _("Give the credit commitment (信用承诺书) to apply for repair.")
SUPPLEMENT_EMPTY = _("Add a statement, an attachment or a material.")
RECORD_REPAIRED = _("Repair %(number)s: publication ended")
RECORD_REMOVED = _("Repair %(number)s: removed from the list")
RECORD_REPUBLISHED = _("Repair %(number)s revoked: published again")
OFFICE_CLOCKS = (Step.REPAIR_ACCEPTANCE, Step.REPAIR_ANSWER)


@dataclass(frozen=True)
class Material:
    """A material the subject gives: what it is, the attachment, and when it was issued."""

    kind: str
    attachment: Attachment
    issued_on: date | None = None


REPAIRS = CaseKind(
    flow=RepairFlow,
    visible_to=repairs_visible_to,
    receipt_clocks=OFFICE_CLOCKS,
    office_clocks=OFFICE_CLOCKS,
    supplement_clock=Step.REPAIR_SUPPLEMENT,
    notices=notices,
    publication_clock=Step.REPAIR_SHARING,
    events="repair",
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


def _decision_notice(application: RepairApplication, actor: Any) -> None:
    REPAIRS.notice(application, NoticeKind.DECISION, notices.decision(application), actor)


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
            record = CreditRecord.objects.select_for_update().select_related("subject", "department").get(pk=record.pk)
            if not record.is_negative:
                raise Invalid({"record": [NOT_NEGATIVE]})
            if record.state not in LIVE:
                raise Invalid({"record": [NOT_LIVE % {"state": record.get_state_display()}]})
            if RepairApplication.objects.filter(record=record, subject=record.subject, state__in=OPEN_STATES).exists():
                raise Conflict(ALREADY_OPEN)
            received_on = received_today()
            application = RepairApplication(
                number=case_number_next(prefix=RepairApplication.NUMBER_PREFIX, year=today().year),
                record=record,
                subject=record.subject,
                filed_by=actor,
                statement=statement,
                commitment=commitment,
                contact_phone=contact_phone,
                received_on=received_on,
            )
            application.skip_history_when_saving = True  # its history starts once the rules have run
            application.save()
            del application.skip_history_when_saving
            application.attachments.set(attachments)
            _add_materials(application, materials)
            evaluation = _evaluate(application)
            if refused := evaluation.refused_at_door(active_profile().repair):
                raise Invalid({"record": [result.detail for result in refused]})
            save_with_history(application, actor=actor, reason=RECEIVED)
            REPAIRS.received(application, actor)
    except IntegrityError as error:  # the same application filed twice at the same moment
        raise Conflict(ALREADY_OPEN) from error
    return application


# --- The office's acceptance --------------------------------------------------------------------


@transaction.atomic
def repair_accept(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.accept(application, actor, comment)
    return application


@transaction.atomic
def repair_reject(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    """不予受理: the office refuses an application, by default for the eligibility rules it fails."""
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "reject")
    REPAIRS.reject(application, actor, required(reason or _failed_details(application), "reason", REASON_REQUIRED))
    return application


@transaction.atomic
def repair_request_supplement(*, actor: User, number: str, missing: str) -> RepairApplication:
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "request-supplement")
    REPAIRS.request_supplement(application, actor, required(missing, "missing", MISSING_REQUIRED))
    return application


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
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "supplement")
    statement = (statement or "").strip()
    if not statement and not attachments and not materials:
        raise Invalid({"statement": [SUPPLEMENT_EMPTY]})
    application.attachments.add(*attachments)
    _add_materials(application, materials)
    _evaluate(application, applied_on=received_today())
    REPAIRS.supplemented(application, actor, statement)
    return application


def repair_lapse(*, case: RepairApplication, deadline: Deadline | None) -> None:
    REPAIRS.lapse(case, deadline)


# --- The department's review --------------------------------------------------------------------


@transaction.atomic
def repair_forward(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    """Send the application to the department that produced the record (认定单位), which decides
    within its own clock."""
    application = REPAIRS.locked(actor=actor, number=number)
    department = application.record.department
    forwarded_on = received_today()
    REPAIRS.act(
        application, actor, "forward", comment or department.code, department=department, forwarded_on=forwarded_on
    )
    clock = deadlines.deadline_start(
        case=application,
        step=Step.REPAIR_DECISION,
        started_on=forwarded_on,
        in_force_on=application.received_on,
        department=department,
        actor=actor,
    )
    REPAIRS.notify(application, department_users([department.pk]), "forwarded", due_on=due_on_text(clock))
    REPAIRS.notify(application, subject_users(application), "in_review", department=department.name)
    return application


def _decide(application: RepairApplication, actor: User, action: str, reason: str) -> None:
    REPAIRS.act(application, actor, action, reason, reason=reason)
    deadlines.case_deadlines_stop(case=application, steps=[Step.REPAIR_DECISION], on=today(), actor=actor)


@transaction.atomic
def repair_approve(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    application = REPAIRS.locked(actor=actor, number=number)
    _decide(application, actor, "approve", (reason or "").strip())
    answer = deadlines.case_open_deadlines(application, Step.REPAIR_ANSWER).first()
    REPAIRS.notify(application, office_users(), "approved", due_on=due_on_text(answer))
    return application


@transaction.atomic
def repair_deny(*, actor: User, number: str, reason: str) -> RepairApplication:
    """The department refuses the repair with its reasons: the application is answered, and the
    subject gets the decision (which it may object to)."""
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "deny")
    reason = required(reason, "reason", REASON_REQUIRED)
    _decide(application, actor, "deny", reason)
    deadlines.case_deadlines_stop(case=application, steps=[Step.REPAIR_ANSWER], on=today(), actor=actor)
    REPAIRS.end(application, actor, "deny")
    _decision_notice(application, actor)
    REPAIRS.notify(application, [*subject_users(application), *office_users()], "denied", reason=reason)
    return application


# --- The repair ---------------------------------------------------------------------------------


@transaction.atomic
def repair_execute(*, actor: User, number: str, comment: str = "") -> RepairApplication:
    """The office carries out the approval in this transaction: the record's publication ends,
    or the entry leaves its list, with the record's history naming the application. The answer
    clock stops, the decision notice is issued and the sharing duty starts; the case is
    published at once when nothing else is awaited."""
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "execute")
    record = case_record_locked(application)
    if record.state not in LIVE:
        raise Conflict(RECORD_NOT_LIVE % {"state": record.get_state_display()})
    day = today()
    REPAIRS.act(application, actor, "execute", comment, repaired_on=day)
    message = RECORD_REMOVED if record.category in LIST_CATEGORIES else RECORD_REPAIRED
    reason = history_reason(message) % {"number": application.number}
    record_transition(record=record, actor=actor, action="end-publication", reason=reason, case=application)
    deadlines.case_deadlines_stop(case=application, steps=[Step.REPAIR_ANSWER], on=day, actor=actor)
    deadlines.deadline_start(
        case=application,
        step=Step.REPAIR_SHARING,
        started_on=received_today(),
        in_force_on=application.received_on,
        actor=actor,
    )
    _decision_notice(application, actor)
    REPAIRS.notify(application, subject_users(application), "repaired")
    repair_publish_if_ready(application=application)
    return application


def repair_publish_if_ready(*, application: RepairApplication) -> bool:
    """`repaired → published` by itself once ready (the caller holds the case's lock)."""
    return REPAIRS.publish_if_ready(application)


@transaction.atomic
def repair_revoke(*, actor: User, number: str, reason: str) -> RepairApplication:
    """A false commitment or false materials: the repair is revoked, the record published again
    through its state machine, the revocation notice issued, and the subject may not apply again
    until the ban the profile sets has passed."""
    application = REPAIRS.locked(actor=actor, number=number)
    REPAIRS.check(application, actor, "revoke")
    reason = required(reason, "reason", REASON_REQUIRED)
    REPAIRS.act(application, actor, "revoke", reason, reason=reason)
    record = case_record_locked(application)
    if record.state == RecordState.ENDED:
        republished = history_reason(RECORD_REPUBLISHED) % {"number": application.number}
        record_transition(record=record, actor=actor, action="republish", reason=republished, case=application)
    day = today()
    ban = RepairBan(
        subject=application.subject,
        application=application,
        starts_on=day,
        ends_on=months_period_end(day, active_profile().repair.ban_months),
        reason=reason,
        created_by=actor,
    )
    save_with_history(ban, actor=actor, reason=RepairFlow.REASONS["revoke"])
    REPAIRS.notice(application, NoticeKind.REVOCATION, notices.revocation(application, ban_ends_on=ban.ends_on), actor)
    REPAIRS.notify(application, subject_users(application), "revoked", reason=reason)
    return application


@transaction.atomic
def repair_withdraw(*, actor: User, number: str, reason: str = "") -> RepairApplication:
    application = REPAIRS.locked(actor=actor, number=number)
    reviewing = department_users([application.department_id]) if application.department_id else []
    REPAIRS.withdraw(application, actor, (reason or "").strip(), reviewing)
    return application
