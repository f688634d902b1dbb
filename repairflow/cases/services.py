"""How an action on a case runs (docs/architecture.md "How a transition runs"), and the steps every
kind of case takes alike: received with its receipt and the office's clocks, accepted, rejected,
asked for a supplement and supplemented, lapsed, withdrawn, published, ended; and what a clock's
stage does when the deadline sweep fires it.

A kind's service opens a `CaseStep` with `case_step(kind, actor=, number=, action=)`: the case is
locked among those the actor may see (else 404) and the action checked once, by role (403) then
by state (409), before its body is judged (400). The step holds the case's clocks (read once),
the people it tells (read once) and the use-case's `Writes`: when it ends, every row it changed
is written once, the rows of each kind in one statement; notifications are sent and notices
rendered after the commit."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import calendar_version_now, work_calendar
from repairflow.calendar.workdays import WorkCalendar, receipt_day, working_days_between
from repairflow.cases.kinds import KINDS, CaseKind, case_kind_of
from repairflow.cases.models import Case, CaseSequence, Feedback, Notice, NoticeKind, RejectionCode, Transition
from repairflow.cases.notices import notice_issue
from repairflow.core.errors import Conflict, Invalid, NotFound, get_or_not_found
from repairflow.core.flows import transition_check
from repairflow.core.history import Writes, history_reason
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.clock import Stage
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Action, Party, SupplementRule, active_profile
from repairflow.deadlines.services import CaseClocks, SweepReport, deadlines_sweep
from repairflow.notifications.services import notify
from repairflow.records.models import CreditRecord, QueryKind, RecordState, User
from repairflow.records.outbox import case_awaits_platforms, record_events
from repairflow.records.selectors import (
    active_users,
    department_users,
    office_users,
    staff_version_now,
    subscriptions_version_now,
)
from repairflow.records.services import query_log_write, record_transition

NUMBER_DIGITS = 6
NOT_YOUR_RECORD = _("No record of yours has this id.")
REASON_REQUIRED = _("Give a reason.")
MISSING_REQUIRED = _("Say what is missing.")
RECORD_SUSPENDED_OVERDUE = _("Case %(number)s: %(department)s is overdue (due %(due_on)s): publication suspended")
RECORD_RESUMED_AFTER_OVERDUE = _("Case %(number)s: publication resumed (%(reason)s)")
SUSPENDED_WHEN_OVERDUE = _("Record suspended: %(department)s missed its deadline of %(due_on)s")
RESUMED_AFTER_OVERDUE = _("Record resumed: %(reason)s")
ALL_REPLIED = _("every department has replied")
NOT_A_REPEAT = _("This case repeats no closed case: it cannot be rejected as a repeat.")
FEEDBACK_BEFORE_CLOSURE = _("Feedback can be given once the case is closed.")
FEEDBACK_ALREADY_GIVEN = _("Feedback on this case has already been given.")
RATING_OUT_OF_RANGE = _("Give a rating from 1 to 5.")
RATINGS = range(1, 6)


def today() -> date:
    return timezone.localdate()


def received_today(calendar: WorkCalendar | None = None) -> date:
    """Something delivered today counts as received today, or on the next working day."""
    return receipt_day(calendar or work_calendar(), today())


def case_number_next(*, prefix: str, year: int) -> str:
    """The next number of the year for a kind of case: sequential, never given twice, also when
    cases are filed at the same moment. One statement takes it (an upsert that holds the year's row
    until the caller commits), so call this inside the transaction that saves the case."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_next must run inside the transaction that saves the case")
    table = CaseSequence._meta.db_table
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (prefix, year, last_number) VALUES (%s, %s, 1)"
            f" ON CONFLICT (prefix, year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [prefix, year],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}{year}{number:0{NUMBER_DIGITS}d}"


def case_filer_check(actor: Any, record: Any) -> None:
    """Only the record's subject, or the office on its behalf, files a case about a record."""
    require_role(actor, Role.SUBJECT, Role.OFFICE)
    if actor.role == Role.SUBJECT and record.subject_id != actor.credit_subject_id:
        raise Invalid({"record": [NOT_YOUR_RECORD]})


def may_file_case(user: Any, record: Any) -> bool:
    """Whether `user` may file a case about `record`: its own subject, or the office for it."""
    return user.role == Role.OFFICE or (user.role == Role.SUBJECT and user.credit_subject_id == record.subject_id)


def required(value: str | None, field: str, message: Any) -> str:
    """A required text of an action's body, stripped (400 naming the field when blank)."""
    if not value or not value.strip():
        raise Invalid({field: [message]})
    return value.strip()


def due_on_text(deadline: Any) -> str:
    """A clock's last day as notifications name it (none when the profile sets no clock)."""
    return deadline.due_on.isoformat() if deadline else ""


# --- Who is told ---------------------------------------------------------------------------------


class People:
    """The people a step about one case tells: the office's and departments' users from the staff
    kept at the version read with the case, the subject's read once when first asked for."""

    def __init__(self, case: Case, *, staff_version: int | None = None) -> None:
        self.case, self.staff_version = case, staff_version
        self._subject: list[User] | None = None

    def office(self) -> list[User]:
        return office_users(version=self.staff_version)

    def subject(self) -> list[User]:
        if self._subject is None:
            self._subject = list(active_users().filter(role=Role.SUBJECT, credit_subject=self.case.subject_id))
        return self._subject

    def departments(self, ids: Iterable[int]) -> list[User]:
        return department_users(ids, version=self.staff_version)


def versions_now() -> dict[str, Any]:
    """What a step reads once per version (the calendar, the subscriptions, the staff), as the
    annotations of its first query."""
    return {
        "calendar_version": calendar_version_now(),
        "subscriptions_version": subscriptions_version_now(),
        "staff_version": staff_version_now(),
    }


# --- A step -------------------------------------------------------------------------------------


class CaseStep:
    """One action on one locked case, in its transaction (see the module's docstring)."""

    def __init__(
        self,
        kind: CaseKind,
        case: Case,
        actor: Any,
        action: str,
        *,
        new: bool = False,
        read_with: Any = None,
    ) -> None:
        """`new`: the case is being filed (it has no clocks yet); `read_with`: what was read with
        `versions_now()` (the case itself when none: `case_locked`)."""
        self.kind, self.case, self.actor, self.action = kind, case, actor, action
        self.writes = Writes()
        versions = case if read_with is None else read_with
        self.clocks = CaseClocks(
            case, self.writes, new=new, calendar_version=getattr(versions, "calendar_version", None)
        )
        record_events(self.writes).subscriptions_version = getattr(versions, "subscriptions_version", None)
        self.flow = kind.flow(
            case, actor=actor, reason=kind.flow.REASONS.get(action, ""), writes=self.writes, clocks=self.clocks
        )
        self.people = People(case, staff_version=getattr(versions, "staff_version", None))
        self.today = today()

    @cached_property
    def received_on(self) -> date:
        """Today as the legal clock counts a day's delivery: today, or the next working day."""
        return receipt_day(self.clocks.calendar, self.today)

    @property
    def reference(self) -> tuple[str, str]:
        """The case as a change to a record names it: (kind, number)."""
        return self.kind.name, self.case.number

    def act(self, action: str | None = None, comment: str = "", **kwargs: Any) -> None:
        """Take `action` (the step's own by default) through the flow; the timeline gains its row.
        The action was checked when the step began (a second action is one the system takes
        after it: the flow's own conditions hold it)."""
        action = action or self.action
        source = self.case.state
        self.flow.reason = self.kind.flow.REASONS[action]
        transition = getattr(self.flow, action.replace("-", "_"), None) or getattr(self.flow, f"{action}_")
        transition(**kwargs)
        self.writes.add(
            Transition(
                case_type=ContentType.objects.get_for_model(self.case),
                case_id=self.case.pk,
                action=action,
                source=source,
                target=self.case.state,
                actor=self.actor,
                comment=comment,
            )
        )

    @property
    def record(self) -> CreditRecord:
        """The case's record, locked with the case until the step's transaction ends."""
        return self.case.record

    def change_record(self, action: str, reason: Any, **kwargs: Any) -> None:
        """Move the case's record through its state machine, in this step, naming the case."""
        record_transition(
            record=self.record,
            actor=self.actor,
            action=action,
            reason=reason,
            case=self.reference,
            writes=self.writes,
            **kwargs,
        )

    def notify(self, recipients: Iterable[Any], event: str, **params: Any) -> None:
        """Tell `recipients` about the case (`<kind>.<event>`; sent after commit)."""
        notify(
            recipients=recipients,
            kind=f"{self.kind.name}.{event}",
            params={"number": self.case.number, "record": str(self.case.record), **params},
            link=self.case.get_absolute_url(),
            writes=self.writes,
        )

    def notice(self, kind: NoticeKind, text: Any) -> None:
        notice_issue(case=self.case, kind=kind, text=text, actor=self.actor, writes=self.writes)

    def log(self, action: str, comment: Any = "") -> None:
        """A row in the timeline for what the step did without moving the case (the state stays)."""
        self.writes.add(
            Transition(
                case_type=ContentType.objects.get_for_model(self.case),
                case_id=self.case.pk,
                action=action,
                source=self.case.state,
                target=self.case.state,
                actor=self.actor,
                comment=str(comment),
            )
        )

    def end(self, action: str) -> None:
        """The case has ended: the clocks still open are no longer due (a duty the ending fulfils
        is stopped as met before), its record is resumed if the case suspended it, and whatever
        else ends with it."""
        self.clocks.cancel_all(on=self.today, reason=self.kind.flow.REASONS[action], actor=self.actor)
        case_record_resume(self, self.kind.flow.REASONS[action])
        self.kind.ended(self)


def case_locked(visible: models.QuerySet, *, number: str) -> Any:
    """The case numbered `number` among those its actor may see (else 404), with what every step
    reads of it (and the calendar's version), locked with its record until the transaction ends (a
    step may change the record: both are locked in one statement, always in this order)."""
    locked = (
        visible.select_for_update(of=("self", "record"), no_key=True)
        .select_related("record__department", "subject")
        .annotate(**versions_now())
    )
    case = get_or_not_found(locked, number=number)
    case.record.subject = case.subject  # a case's subject is its record's
    return case


def record_locked(record: CreditRecord) -> CreditRecord:
    """The record a case is being filed on, read again with its subject and department and what
    a step reads once per version (`versions_now`), locked until the transaction ends."""
    locked = CreditRecord.objects.select_for_update().select_related("subject", "department")
    return locked.annotate(**versions_now()).get(pk=record.pk)


@contextmanager
def case_step(kind: CaseKind, *, actor: Any, number: str, action: str) -> Iterator[CaseStep]:
    """Take `action` on the case numbered `number` as `actor` (inside the caller's transaction):
    the case is locked and the action checked (404, 403, 409) before the block runs; what the
    block changed is written when it ends without an error."""
    case = case_locked(kind.visible_to(actor), number=number)
    step = CaseStep(kind, case, actor, action)
    transition_check(step.flow, action, user=actor)
    yield step
    step.writes.flush()


@contextmanager
def case_system_step(case: Case, action: str) -> Iterator[CaseStep]:
    """The system acts by itself on a case the caller holds locked (a lapse, a publication)."""
    step = CaseStep(case_kind_of(case), case, None, action)
    yield step
    step.writes.flush()


# --- The steps every kind of case takes ------------------------------------------------------------


def case_received(step: CaseStep) -> None:
    """A case just filed joins the timeline, its office's clocks start, the receipt is issued and
    the office is told by when to accept it."""
    case, kind = step.case, step.kind
    step.writes.add(
        Transition(
            case_type=ContentType.objects.get_for_model(case),
            case_id=case.pk,
            action="submit",
            source="",
            target=case.state,
            actor=step.actor,
        )
    )
    acceptance, _answer = (
        step.clocks.start(clock, started_on=case.received_on, actor=step.actor) for clock in kind.receipt_clocks
    )
    step.notice(NoticeKind.RECEIPT, kind.notices.receipt(case))
    step.notify(step.people.office(), "submitted", subject=case.subject.name, due_on=due_on_text(acceptance))


def case_accept(step: CaseStep, comment: str) -> None:
    step.act(comment=comment)
    step.clocks.stop(step.kind.receipt_clocks[0], on=step.today, actor=step.actor)
    step.notify(step.people.subject(), "accepted")


def case_reject(step: CaseStep, reason: str, code: str = "") -> None:
    """Not accepting it is the office's answer to it: its clocks are met (or missed). A case is
    rejected as a repeat (`RejectionCode.REPEAT`) only when it was found to be one; the notice
    then says what would make it a new case."""
    if code == RejectionCode.REPEAT and step.case.repeat_of_id is None:
        raise Invalid({"reason_code": [NOT_A_REPEAT]})
    step.act(comment=reason, reason=reason, code=code)
    step.clocks.stop(*step.kind.office_clocks, on=step.today, actor=step.actor)
    step.end("reject")
    step.notice(NoticeKind.REJECTION, step.kind.notices.rejection(step.case))
    step.notify(step.people.subject(), "rejected", reason=reason)


def case_repeat_of(kind: CaseKind, case: Case, attachments: Iterable[Any]) -> Case | None:
    """The latest earlier closed case of `kind` by the same subject on the same record that
    `case` (being filed with `attachments`) repeats with nothing new: none of its grounds is one
    the earlier did not raise, and none of its files (by SHA-256) is one the earlier did not
    have. None when the case brings something new."""
    grounds = kind.grounds(case)
    digests = {attachment.sha256 for attachment in attachments}
    earlier = (
        kind.model.objects.filter(subject=case.subject_id, record=case.record_id, state__in=kind.closed_states)
        .exclude(pk=case.pk)
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")
    )
    for closed in earlier:
        had = {attachment.sha256 for attachment in closed.attachments.all()}
        if grounds <= kind.grounds(closed) and digests <= had:
            return closed
    return None


def case_feedback_open(kind: CaseKind, *, actor: Any, number: str) -> Case:
    """The case numbered `number` if `actor` is its subject (else 404, as for a case it may not
    see) and the case is closed with no feedback yet (else 409)."""
    if getattr(actor, "role", None) != Role.SUBJECT:
        raise NotFound
    case = get_or_not_found(kind.visible_to(actor).filter(subject=actor.credit_subject_id), number=number)
    if case.state not in kind.closed_states:
        raise Conflict(FEEDBACK_BEFORE_CLOSURE)
    if Feedback.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).exists():
        raise Conflict(FEEDBACK_ALREADY_GIVEN)
    return case


@transaction.atomic
def case_feedback_give(kind: CaseKind, *, actor: Any, number: str, rating: int, comment: str = "") -> Feedback:
    """The case's subject says, once and after the case closed, how it was handled: a rating
    from 1 to 5 and a comment (`case_feedback_open` says who and when)."""
    case = case_feedback_open(kind, actor=actor, number=number)
    if rating not in RATINGS:
        raise Invalid({"rating": [RATING_OUT_OF_RANGE]})
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                case_type=ContentType.objects.get_for_model(case),
                case_id=case.pk,
                rating=rating,
                comment=(comment or "").strip(),
                given_by=actor,
            )
    except IntegrityError as error:  # given twice at the same moment
        raise Conflict(FEEDBACK_ALREADY_GIVEN) from error


def case_request_supplement(step: CaseStep, missing: str) -> None:
    """The office asks the subject for what is missing: its own clocks wait for the supplement
    (restarted or resumed when it comes, as the profile says); the subject's period starts."""
    case, kind = step.case, step.kind
    step.act(comment=missing, missing=missing)
    reason = history_reason(kind.flow.REASONS["request-supplement"])
    for deadline in step.clocks.open(*kind.office_clocks):
        step.clocks.pause(deadline, on=step.today, reason=reason, actor=step.actor)
    supplement_clock = step.clocks.start(
        kind.supplement_clock,
        started_on=step.received_on,
        in_force_on=case.received_on,
        subject=case.subject,
        actor=step.actor,
    )
    step.notice(NoticeKind.SUPPLEMENT, kind.notices.supplement(case))
    step.notify(step.people.subject(), "supplement_requested", missing=missing, due_on=due_on_text(supplement_clock))


def case_supplemented(step: CaseStep, statement: str) -> None:
    """The subject's supplement is in: its period is met, the office's clocks run again. What it
    brought may make a repeat a new case (`repeat_of` is found again with the files it now has)."""
    kind = step.kind
    step.case.repeat_of = case_repeat_of(kind, step.case, step.case.attachments.all())
    step.act(comment=statement, statement=statement)
    step.clocks.stop(kind.supplement_clock, on=step.today, actor=step.actor)
    reason = history_reason(kind.flow.REASONS["supplement"])
    restart = active_profile().supplement == SupplementRule.RESTART
    for deadline in step.clocks.open(*kind.office_clocks):
        if restart:
            step.clocks.restart(deadline, on=step.received_on, reason=reason, actor=step.actor)
        else:
            step.clocks.resume(deadline, on=step.today, actor=step.actor)
    acceptance = step.clocks.first(kind.receipt_clocks[0])
    step.notify(step.people.office(), "supplemented", due_on=due_on_text(acceptance))


def case_withdraw(step: CaseStep, reason: str, departments: Iterable[int]) -> None:
    """The subject withdraws; the office and the departments working on it are told."""
    step.act(comment=reason)
    step.end("withdraw")
    step.notify([*step.people.office(), *step.people.departments(departments)], "withdrawn", reason=reason)


def case_publish_if_ready(step: CaseStep) -> bool:
    """`corrected`/`repaired` → `published` by itself once the result notice exists and no
    required platform still has to acknowledge what the case changed (the step holds the case's
    lock). True when it was published."""
    flow = step.flow
    flow.ready_to_publish = _has_notice(step, flow.RESULT_NOTICE) and not case_awaits_platforms(
        step.reference, step.writes
    )
    if not flow.publish.can_proceed():
        return False
    actor, step.actor = step.actor, None  # the system publishes
    step.act("publish")
    step.clocks.stop(step.kind.publication_clock, on=step.today)
    step.end("publish")
    step.actor = actor
    return True


def _has_notice(step: CaseStep, kind: NoticeKind) -> bool:
    written = any(notice.kind == kind for notice in step.writes.added(Notice))
    return (
        written
        or Notice.objects.filter(
            case_type=ContentType.objects.get_for_model(step.case), case_id=step.case.pk, kind=kind
        ).exists()
    )


def case_publish_when_ready(case: Case) -> bool:
    """Publish the case if it is ready, the caller holding its lock (sync, after an acknowledgement)."""
    with case_system_step(case, "publish") as step:
        return case_publish_if_ready(step)


def case_lapse(case: Case) -> None:
    """The subject's supplement period ran out (the deadline sweep, in its transaction)."""
    case = case_locked(type(case).objects.all(), number=case.number)
    with case_system_step(case, "lapse") as step:
        step.act()
        step.end("lapse")


# --- The office's actions on the departments' clocks ------------------------------------------------


def case_clocks_extend(step: CaseStep, clocks: Iterable[Deadline], *, days: int, reason: str, none_open: Any) -> None:
    """The office gives the departments (of `clocks`: the open ones it chose) `days` more working
    days, within the profile's cap; the timeline and each clock's history and explanation say why.
    Refused (409, `none_open`) when there is no such clock."""
    reason = required(reason, "reason", REASON_REQUIRED)
    clocks = list(clocks)
    if not clocks:
        raise Conflict(none_open)
    step.act(comment=reason)
    for deadline in clocks:
        step.clocks.extend(deadline, days=days, reason=reason, on=step.today, actor=step.actor)


def case_clocks_pause(step: CaseStep, clocks: Iterable[Deadline], *, reason: str, none_running: Any) -> None:
    """Testing, inspection, appraisal or expert review: the running `clocks` stand still (河南
    Art. 42: that time is not counted) until the office resumes them."""
    reason = required(reason, "reason", REASON_REQUIRED)
    running = [clock for clock in clocks if clock.status != DeadlineStatus.PAUSED]
    if not running:
        raise Conflict(none_running)
    step.act(comment=reason)
    for deadline in running:
        step.clocks.pause(deadline, on=step.today, reason=reason, actor=step.actor)


def case_clocks_resume(step: CaseStep, clocks: Iterable[Deadline], *, reason: str, none_paused: Any) -> None:
    """The paused `clocks` run again from today; the days they stood still move their last day."""
    paused = [clock for clock in clocks if clock.status == DeadlineStatus.PAUSED]
    if not paused:
        raise Conflict(none_paused)
    step.act(comment=(reason or "").strip())
    for deadline in paused:
        step.clocks.resume(deadline, on=step.today, actor=step.actor)


# --- A record suspended while a department is overdue ------------------------------------------------


def case_record_suspend(step: CaseStep, deadline: Deadline) -> bool:
    """The department of `deadline` missed its last day and the profile suspends the record until
    the reply (docs/domain.md "Objection": the office's choice): the published record is suspended
    through its state machine in the case's step, and the case remembers that it did so. Nothing
    happens to a record that is not published (the office suspended it, or it ended). True when
    suspended."""
    case = step.case
    if case.record_suspended_when_overdue or step.record.state != RecordState.PUBLISHED:
        return False
    params = {
        "number": case.number,
        "department": _owner_name(deadline),
        "due_on": deadline.due_on.isoformat(),
    }
    step.change_record("suspend", history_reason(RECORD_SUSPENDED_OVERDUE) % params)
    case.record_suspended_when_overdue = True
    reason = history_reason(SUSPENDED_WHEN_OVERDUE) % params
    step.writes.save(case, actor=step.actor, reason=reason)
    step.log("suspend-record", reason)
    return True


def case_record_resume(step: CaseStep, why: Any) -> bool:
    """The case suspended its record while a department was overdue, and the reason is gone (the
    last reply is in, or the case ended): the record is published again, if it is still suspended.
    True when the case had suspended it."""
    case = step.case
    if not case.record_suspended_when_overdue:
        return False
    why = history_reason(why)
    if step.record.state == RecordState.SUSPENDED:
        params = {
            "number": case.number,
            "reason": why,
        }
        step.change_record("resume", history_reason(RECORD_RESUMED_AFTER_OVERDUE) % params)
    case.record_suspended_when_overdue = False
    reason = history_reason(RESUMED_AFTER_OVERDUE) % {"reason": why}
    step.writes.save(case, actor=step.actor, reason=reason)
    step.log("resume-record", reason)
    return True


def case_record_suspend_when_overdue(case: Case, deadline: Deadline) -> bool:
    """The deadline sweep, in its transaction: the case's record is suspended if the profile says
    so and the overdue clock is one whose delay suspends it. True when suspended."""
    if not active_profile().suspends_record_when_overdue():
        return False
    kind = next((kind for kind in KINDS.values() if isinstance(case, kind.model)), None)
    if kind is None or deadline.step not in kind.suspend_when_overdue:
        return False
    case = case_locked(type(case).objects.all(), number=case.number)
    with case_system_step(case, "suspend-record") as step:
        return case_record_suspend(step, deadline)


# --- What a clock's stage does --------------------------------------------------------------------


def deadline_owners(deadline: Deadline) -> list[User]:
    if deadline.owner == Party.DEPARTMENT:
        return department_users([deadline.department_id])
    if deadline.owner == Party.SUBJECT:
        return list(active_users().filter(role=Role.SUBJECT, credit_subject=deadline.subject_id))
    return office_users()


def _owner_name(deadline: Deadline) -> str:
    if deadline.owner == Party.DEPARTMENT:
        return deadline.department.name
    if deadline.owner == Party.SUBJECT:
        return deadline.subject.name
    return str(Party.OFFICE.label)


def _first_overdue(deadline: Deadline) -> bool:
    """Whether the overdue stage just fired is the clock's first (it fires on each working day after)."""
    return sum(1 for fired in deadline.fired() if fired.stage == Stage.OVERDUE) == 1


def deadline_stage_act(deadline: Deadline, stage: Stage, action: Action, calendar: WorkCalendar, on: date) -> None:
    """What a fired stage does (the sweep's `perform`): remind the owner, send the 督办 notification to
    its head and the office, tell them it is overdue, or lapse the case. The office hears of an
    overdue clock on its first overdue day; after that the owner is reminded every working day and
    the office reads it in its one daily digest (repairflow/office/digest.py), not once per case."""
    case = deadline.case
    params = {
        "case": str(case),
        "step": deadline.step,
        "owner": _owner_name(deadline),
        "due_on": deadline.due_on.isoformat(),
        "overdue_days": working_days_between(calendar, deadline.due_on, on).count,
    }
    link = case.get_absolute_url()
    owners = deadline_owners(deadline)
    office = office_users()
    if stage == Stage.OVERDUE and _first_overdue(deadline):
        case_record_suspend_when_overdue(case, deadline)
    if action is Action.LAPSE:
        case_lapse(case)
        notify(recipients=[*owners, *office], kind="deadline.lapsed", params=params, link=link)
    elif action is Action.ESCALATE:
        heads = [user for user in owners if user.is_unit_head] or owners
        notify(recipients=[*heads, *office], kind="deadline.escalation", params=params, link=link)
    elif action is Action.REMIND and stage == Stage.OVERDUE:
        told = [*owners, *office] if _first_overdue(deadline) else owners
        notify(recipients=told, kind="deadline.overdue", params=params, link=link)
    elif action is Action.REMIND:
        kind = "deadline.last_day" if stage == Stage.DUE else "deadline.reminder"
        notify(recipients=owners, kind=kind, params=params, link=link)


def case_deadlines_sweep(*, today: date | None = None, batch_size: int = 100) -> SweepReport:
    """The deadline sweep (beat's `sweep_deadlines`): every clock whose next stage has come fires,
    each stage doing what `deadline_stage_act` says."""
    return deadlines_sweep(perform=deadline_stage_act, today=today, batch_size=batch_size)


def case_reads_log(*, user: Any, kind: QueryKind, cases: Iterable[Case], parameters: dict[str, Any]) -> None:
    """Register a staff read of cases (their subjects, records and statements) in the query log,
    as a look-up of records is: the cases' numbers and records, the subjects they are about."""
    cases = list(cases)
    query_log_write(
        user=user,
        kind=kind,
        purpose="",
        parameters={**parameters, "cases": [case.number for case in cases]},
        records=[case.record for case in cases],
    )
