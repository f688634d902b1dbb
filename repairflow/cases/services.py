"""What every case (objection, repair application) shares: its number, its state machine's
plumbing, and how a transition runs (design/architecture.md "How a transition runs").

A case service locks the case row, builds the case's flow with the actor, and calls
`case_transition`: the permission is checked (403), then the state (409 naming the allowed
actions); the transition runs, the case is saved with a history row naming who and why, and a
`Transition` row joins the timeline, all in the service's transaction. The service then starts
and stops the deadlines, changes the record and issues notices in that same transaction;
notifications go out after commit.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.fsm.base import State

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import receipt_day
from repairflow.cases.models import Case, CaseSequence, Notice, Transition
from repairflow.core.errors import Invalid, get_or_not_found
from repairflow.core.flows import run_transition, transition_check
from repairflow.core.history import save_with_history
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.notifications.services import notify
from repairflow.records.models import CreditRecord

NUMBER_DIGITS = 6
NOT_YOUR_RECORD = _("No record of yours has this id.")


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


# What a case's automatic publication waits for besides its result notice, by name; the sync app
# registers that every required platform has acknowledged the record's changes.
PUBLICATION_CONDITIONS: dict[str, Callable[[Case], bool]] = {}


def register_publication_condition(name: str, condition: Callable[[Case], bool]) -> None:
    PUBLICATION_CONDITIONS[name] = condition


class CaseFlow:
    """The base of a case's state machine: it wraps the case, knows who acts and why, and saves
    the case with its history when a transition succeeds. A subclass declares its states with
    `state = case_state(States, default)`, its transitions, each with a permission, and in
    `REASONS` the history reason of each action."""

    REASONS: Mapping[str, Any] = {}
    RESULT_NOTICE: Any  # the notice whose issue lets the case be published (a NoticeKind)

    def __init__(self, case: Case, *, actor: Any, reason: Any = "") -> None:
        self.case = case
        self.actor = actor
        self.reason = reason

    # Permissions shared by both kinds of case (viewflow calls them with the acting user).
    def by_office(self, user: Any) -> bool:
        return user.role == Role.OFFICE

    def by_subject(self, user: Any) -> bool:
        return user.role == Role.SUBJECT and user.credit_subject_id == self.case.subject_id

    def is_ready_to_publish(self) -> bool:
        """The result notice exists and every registered publication condition holds; read once
        per flow (viewflow asks again in `can_proceed` and when the transition begins)."""
        if not hasattr(self, "_ready_to_publish"):
            self._ready_to_publish = case_has_notice(self.case, self.RESULT_NOTICE) and all(
                condition(self.case) for condition in PUBLICATION_CONDITIONS.values()
            )
        return self._ready_to_publish


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


def case_intake(state: State, states: Any, *, accept_conditions: Sequence[Any] = ()) -> tuple:
    """The transitions every kind of case is received with, on its flow's `state`: the office
    accepts (when `accept_conditions` hold), rejects with a reason or asks for what is missing;
    the subject supplements (its statement grows); the subject's period lapses by itself.
    Declared in the flow's class body as
    `accept, reject, request_supplement, supplement, lapse = case_intake(state, States)`."""
    submitted, needs_supplement = states.SUBMITTED, states.NEEDS_SUPPLEMENT

    @state.transition(
        source=submitted, target=states.ACCEPTED, conditions=list(accept_conditions), permission=this.by_office
    )
    def accept(self: CaseFlow) -> None:
        pass

    @state.transition(source=submitted, target=states.REJECTED, permission=this.by_office)
    def reject(self: CaseFlow, *, reason: str) -> None:
        self.case.rejection_reason = reason

    @state.transition(source=submitted, target=needs_supplement, permission=this.by_office)
    def request_supplement(self: CaseFlow, *, missing: str) -> None:
        self.case.missing = missing

    @state.transition(source=needs_supplement, target=submitted, permission=this.by_subject)
    def supplement(self: CaseFlow, *, statement: str) -> None:
        if statement:
            self.case.statement = f"{self.case.statement}\n\n{statement}"

    @state.transition(source=needs_supplement, target=states.LAPSED)
    def lapse(self: CaseFlow) -> None:
        pass

    return accept, reject, request_supplement, supplement, lapse


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


# --- What every case service does ---------------------------------------------------------------


def today() -> date:
    return timezone.localdate()


def received_today() -> date:
    """Something delivered today counts as received today, or on the next working day."""
    return receipt_day(work_calendar(), today())


def case_locked(visible: models.QuerySet, *, number: str) -> Any:
    """The case numbered `number` among those its actor may see (else 404), with what every step
    reads of it, locked until the transaction ends. The number is unique: a plain get."""
    locked = visible.select_for_update(of=("self",)).select_related("record__department", "subject")
    return get_or_not_found(locked, number=number)


def case_record_locked(case: Case) -> Any:
    """The case's record, read again under a lock that holds until the service commits (once
    per service call: later changes in the call act on the same locked row)."""
    record = getattr(case, "_locked_record", None)
    if record is None:
        record = (
            CreditRecord.objects.select_for_update(of=("self",))
            .select_related("department", "subject")
            .get(pk=case.record_id)
        )
        case.record = case._locked_record = record
    return record


def case_flow(flow_class: type[CaseFlow], case: Case, actor: Any, action: str) -> CaseFlow:
    """The case's flow for `action`, refused first by role (403), then by state (409), so that
    the body is judged (400) only for an action that could run. No check when the system acts."""
    flow = flow_class(case, actor=actor, reason=flow_class.REASONS[action])
    if actor is not None:
        transition_check(flow, action, user=actor)
    return flow


def case_act(flow_class: type[CaseFlow], case: Case, actor: Any, action: str, comment: str = "", **kwargs: Any) -> Any:
    """Run `action` on the locked case (the system acts when `actor` is None) and log it."""
    flow = case_flow(flow_class, case, actor, action)
    case_transition(flow=flow, action=action, comment=comment, system=actor is None, **kwargs)
    return flow


def may_file_case(user: Any, record: Any) -> bool:
    """Whether `user` may file a case about `record`: its own subject, or the office for it."""
    return user.role == Role.OFFICE or (user.role == Role.SUBJECT and user.credit_subject_id == record.subject_id)


def case_filer_check(actor: Any, record: Any) -> None:
    """Only the record's subject, or the office on its behalf, files a case about a record."""
    require_role(actor, Role.SUBJECT, Role.OFFICE)
    if actor.role == Role.SUBJECT and record.subject_id != actor.credit_subject_id:
        raise Invalid({"record": [NOT_YOUR_RECORD]})


def required(value: str | None, field: str, message: Any) -> str:
    """A required text of an action's body, stripped (400 naming the field when blank)."""
    if not value or not value.strip():
        raise Invalid({field: [message]})
    return value.strip()


def office_users() -> models.QuerySet:
    return get_user_model().objects.filter(is_active=True, role=Role.OFFICE).order_by("pk")


def subject_users(case: Case) -> models.QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, role=Role.SUBJECT, credit_subject=case.subject_id)
        .order_by("pk")
    )


def department_users(departments: Iterable[int]) -> models.QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, role=Role.DEPARTMENT, department__in=list(departments))
        .order_by("pk")
    )


def case_notify(case: Case, recipients: Iterable[Any], kind: str, **params: Any) -> None:
    """Tell `recipients` about the case (after commit: see notifications.services.notify)."""
    notify(
        recipients=recipients,
        kind=kind,
        params={"number": case.number, "record": str(case.record), **params},
        link=case.get_absolute_url(),
    )


def due_on_text(deadline: Any) -> str:
    """A clock's last day as notifications name it (none when the profile sets no clock)."""
    return deadline.due_on.isoformat() if deadline else ""


# --- What every case shows ----------------------------------------------------------------------


def _of_case(model: type[models.Model], case: Case) -> models.QuerySet:
    return model.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)


def case_notice(case: Case, kind: str) -> Notice | None:
    """The latest notice of `kind` issued for the case."""
    return _of_case(Notice, case).filter(kind=kind).order_by("-issued_at", "-id").first()


def case_has_notice(case: Case, kind: str) -> bool:
    """Whether a notice of `kind` was issued for the case, without reading its PDF."""
    return _of_case(Notice, case).filter(kind=kind).exists()


def case_notices(case: Case) -> models.QuerySet[Notice]:
    return _of_case(Notice, case).defer("content")


def _open_deadlines(model: type[Case]) -> models.QuerySet:
    return Deadline.objects.filter(
        case_type=ContentType.objects.get_for_model(model), case_id=OuterRef("pk"), ended_on__isnull=True
    )


def cases_overdue(cases: models.QuerySet, *, today: date) -> models.QuerySet:
    """The cases with a clock past its last day. A paused clock has no last day yet (the sweep
    fires nothing for it either): a case waiting for its subject's supplement is not late."""
    late = (
        _open_deadlines(cases.model)
        .exclude(status=DeadlineStatus.PAUSED)
        .filter(Q(status=DeadlineStatus.MISSED) | Q(due_on__lt=today))
    )
    return cases.filter(Exists(late))


def cases_queue(cases: models.QuerySet, *, user: Any, department_step: str) -> models.QuerySet:
    """The cases by their first open clock's last day (so the overdue come first); those with no
    open clock after them. A department's queue goes by its own clock (`department_step`)."""
    due = _open_deadlines(cases.model)
    if user.role == Role.DEPARTMENT:
        due = due.filter(step=department_step, department_id=user.department_id)
    due_on = Subquery(due.order_by("due_on").values("due_on")[:1])
    return cases.annotate(due_on=due_on).order_by(F("due_on").asc(nulls_last=True), "-created_at")
