"""Starting, stopping, pausing, extending, restarting and firing clocks. Case services call these
and never compute a date themselves; see README.md beside this file."""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.models import CalendarYear
from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.services import calendar_year_replace
from repairflow.calendar.workdays import SpecialDay, WorkCalendar, working_days_between
from repairflow.core.errors import Conflict, Invalid
from repairflow.core.history import history_reason, save_with_history
from repairflow.core.permissions import Role
from repairflow.deadlines.clock import Extension, Pause, Restart, Stage, action_at, next_stage, schedule
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import PROFILES, Action, Party, Step, active_profile
from repairflow.notifications.services import notify
from repairflow.records.models import User

logger = logging.getLogger(__name__)

CLOCK_STARTED = _("Deadline started.")
CLOCK_MET = _("Deadline met.")
CLOCK_MISSED = _("Deadline missed: done after the last day.")
CLOCK_CANCELLED = _("No longer due: %(reason)s")
CLOCK_PAUSED = _("Deadline paused: %(reason)s")
CLOCK_RESUMED = _("Deadline resumed.")
CLOCK_EXTENDED = _("Deadline extended by %(days)d working days: %(reason)s")
CLOCK_RESTARTED = _("Deadline restarted: %(reason)s")
CLOCK_MOVED = _("%(reason)s; due %(old)s → %(new)s")
STAGE_FIRED = _("Stage %(stage)s fired: %(action)s")
CLOCK_REPLANNED = _("Next stage planned again.")
OWNER_MISSING = "a clock owned by the {owner} needs the {owner} named"
CLOCK_ENDED = _("This deadline has already ended.")
CLOCK_NOT_RUNNING = _("This deadline is not running.")
CLOCK_NOT_PAUSED = _("This deadline is not paused.")
REASON_REQUIRED = _("Give a reason.")
EXTENSION_TOO_SHORT = _("Extend by at least one working day.")
EXTENSION_OVER_LIMIT = _(
    "The rules of %(profile)s allow at most %(limit)d working days of extension in total; %(used)d are already used."
)

LapseService = Callable[..., None]
LAPSE_SERVICES: dict[type[models.Model], LapseService] = {}


def register_lapse(model: type[models.Model], service: LapseService) -> None:
    """Name the service that lapses a case of `model` when a subject's period runs out; it is
    called as `service(case=..., deadline=...)` inside the sweep's transaction."""
    LAPSE_SERVICES[model] = service


@dataclass(frozen=True)
class DeadlineMove:
    deadline: Deadline
    old_due_on: date
    new_due_on: date


@dataclass(frozen=True)
class CalendarLoad:
    calendar_year: CalendarYear
    moved: list[DeadlineMove]


@dataclass
class SweepReport:
    fired: list[tuple[int, Stage, Action]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _reschedule(deadline: Deadline, calendar: WorkCalendar, today: date) -> None:
    """Recompute the last day and its explanation from the clock's inputs, then plan its next stage."""
    result = schedule(
        calendar,
        started_on=deadline.started_on,
        working_days=deadline.working_days,
        pauses=deadline.pause_list(),
        extensions=deadline.extension_list(),
        restarts=deadline.restart_list(),
    )
    deadline.due_on = result.due_on
    deadline.provisional = result.provisional
    deadline.paused_days = result.paused_days
    deadline.explanation = [note.as_json() for note in result.notes]
    deadline.calendar_version = calendar.version
    _plan(deadline, calendar, today)


def _plan(deadline: Deadline, calendar: WorkCalendar, today: date) -> None:
    if deadline.status == DeadlineStatus.MISSED and today <= deadline.due_on:
        deadline.status = DeadlineStatus.RUNNING
    planned = None
    if deadline.is_open and deadline.status != DeadlineStatus.PAUSED:
        planned = next_stage(
            calendar,
            deadline.rule,
            started_on=deadline.started_on,
            due_on=deadline.due_on,
            fired=deadline.fired(),
            today=today,
        )
    deadline.next_stage, deadline.next_action_on = planned or ("", None)


def _require_open(deadline: Deadline) -> None:
    if not deadline.is_open:
        raise Conflict(CLOCK_ENDED)


def _require_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise Invalid({"reason": [REASON_REQUIRED]})
    return reason.strip()


def deadline_start(
    *,
    case: models.Model,
    step: Step,
    started_on: date,
    in_force_on: date | None = None,
    department: Any = None,
    subject: Any = None,
    actor: Any = None,
) -> Deadline | None:
    """Start `step`'s clock for `case` on `started_on` under the active profile's rule set in
    force on `in_force_on` (the case's receipt; default `started_on`). None when the profile
    sets no clock for that step. `department` or `subject` names the owner when it is one."""
    profile = active_profile()
    rule_set = profile.rule_set_on(in_force_on or started_on)
    rule = rule_set.steps.get(step)
    if rule is None:
        return None
    owners = {Party.DEPARTMENT: department, Party.SUBJECT: subject}
    if rule.owner in owners and owners[rule.owner] is None:
        raise ValueError(OWNER_MISSING.format(owner=rule.owner))
    deadline = Deadline(
        case=case,
        step=step,
        owner=rule.owner,
        department=department if rule.owner == Party.DEPARTMENT else None,
        subject=subject if rule.owner == Party.SUBJECT else None,
        profile=profile.code,
        rule_set=rule_set.name,
        working_days=rule.working_days,
        started_on=started_on,
    )
    _reschedule(deadline, work_calendar(), timezone.localdate())
    save_with_history(deadline, actor=actor, reason=CLOCK_STARTED)
    return deadline


def case_deadlines(case: models.Model) -> models.QuerySet[Deadline]:
    """Every clock of a case, the earliest last day first."""
    return Deadline.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk).select_related(
        "department", "subject"
    )


def case_open_deadlines(case: models.Model, *steps: Step, department: Any = None) -> models.QuerySet[Deadline]:
    """The case's clocks still running or paused, of `steps` (all when none) and, given one, of a department."""
    open_deadlines = case_deadlines(case).filter(ended_on__isnull=True)
    if steps:
        open_deadlines = open_deadlines.filter(step__in=steps)
    if department is not None:
        open_deadlines = open_deadlines.filter(department=department)
    return open_deadlines


def case_deadlines_stop(*, case: models.Model, steps: Iterable[Step] = (), on: date, actor: Any = None) -> None:
    """Stop the case's open clocks of `steps` (all of them when none): their duty is done."""
    for deadline in case_open_deadlines(case, *steps).order_by("id"):
        deadline_stop(deadline=deadline, on=on, actor=actor)


def deadline_stop(*, deadline: Deadline, on: date, actor: Any = None) -> Deadline:
    """The owner has done what the clock asked, on `on`: met when not after the last day."""
    _require_open(deadline)
    if deadline.status == DeadlineStatus.PAUSED:
        pause = deadline.pause_list()[-1]
        deadline.pauses = [*deadline.pauses[:-1], Pause(pause.first, max(on, pause.first), pause.reason).as_json()]
        # The pause now has an end: its working days move the last day before the clock is judged.
        _reschedule(deadline, work_calendar(), timezone.localdate())
    missed = deadline.status == DeadlineStatus.MISSED or on > deadline.due_on
    deadline.status = DeadlineStatus.MISSED if missed else DeadlineStatus.MET
    deadline.ended_on = on
    deadline.next_stage, deadline.next_action_on = "", None
    save_with_history(deadline, actor=actor, reason=CLOCK_MISSED if missed else CLOCK_MET)
    return deadline


def deadline_cancel(*, deadline: Deadline, on: date, reason: Any, actor: Any = None) -> Deadline:
    """The duty fell away on `on` because the case ended without it (withdrawn, lapsed): the
    clock ends `cancelled`, neither met nor missed, unless its last day had already passed."""
    _require_open(deadline)
    if deadline.status == DeadlineStatus.PAUSED:
        pause = deadline.pause_list()[-1]
        deadline.pauses = [*deadline.pauses[:-1], Pause(pause.first, max(on, pause.first), pause.reason).as_json()]
        _reschedule(deadline, work_calendar(), timezone.localdate())  # the pause has an end now
    missed = deadline.status == DeadlineStatus.MISSED or on > deadline.due_on
    deadline.status = DeadlineStatus.MISSED if missed else DeadlineStatus.CANCELLED
    deadline.ended_on = on
    deadline.next_stage, deadline.next_action_on = "", None
    values = {"reason": history_reason(reason)}
    save_with_history(deadline, actor=actor, reason=history_reason(CLOCK_CANCELLED) % values)
    return deadline


def case_deadlines_cancel(*, case: models.Model, on: date, reason: Any, actor: Any = None) -> None:
    """Cancel every open clock of a case that has ended."""
    for deadline in case_open_deadlines(case).order_by("id"):
        deadline_cancel(deadline=deadline, on=on, reason=reason, actor=actor)


def deadline_pause(*, deadline: Deadline, on: date, reason: str, actor: Any = None) -> Deadline:
    """Stop the clock after `on` (testing, appraisal, a supplement under a pausing profile)."""
    reason = _require_reason(reason)
    _require_open(deadline)
    if deadline.status == DeadlineStatus.PAUSED:
        raise Conflict(CLOCK_NOT_RUNNING)
    deadline.pauses = [*deadline.pauses, Pause(on, None, reason).as_json()]
    deadline.status = DeadlineStatus.PAUSED
    _reschedule(deadline, work_calendar(), timezone.localdate())
    save_with_history(deadline, actor=actor, reason=history_reason(CLOCK_PAUSED) % {"reason": reason})
    return deadline


def deadline_resume(*, deadline: Deadline, on: date, actor: Any = None) -> Deadline:
    """Run the clock again from `on`: the working days after the pause began up to `on` are not counted."""
    _require_open(deadline)
    if deadline.status != DeadlineStatus.PAUSED:
        raise Conflict(CLOCK_NOT_PAUSED)
    pause = deadline.pause_list()[-1]
    deadline.pauses = [*deadline.pauses[:-1], Pause(pause.first, max(on, pause.first), pause.reason).as_json()]
    deadline.status = DeadlineStatus.RUNNING
    _reschedule(deadline, work_calendar(), timezone.localdate())
    save_with_history(deadline, actor=actor, reason=CLOCK_RESUMED)
    return deadline


def deadline_extend(*, deadline: Deadline, days: int, reason: str, on: date, actor: Any = None) -> Deadline:
    """Give the owner `days` more working days, within the profile's cap on extensions."""
    reason = _require_reason(reason)
    _require_open(deadline)
    if days < 1:
        raise Invalid({"days": [EXTENSION_TOO_SHORT]})
    profile = PROFILES[deadline.profile]  # the rules the clock started under, as `Deadline.rule`
    used = sum(extension.days for extension in deadline.extension_list())
    if profile.max_extension is not None and used + days > profile.max_extension:
        message = EXTENSION_OVER_LIMIT % {"profile": profile.name, "limit": profile.max_extension, "used": used}
        raise Invalid({"days": [message]})
    deadline.extensions = [*deadline.extensions, Extension(on, days, reason).as_json()]
    _reschedule(deadline, work_calendar(), timezone.localdate())
    values = {"days": days, "reason": reason}
    save_with_history(deadline, actor=actor, reason=history_reason(CLOCK_EXTENDED) % values)
    return deadline


def deadline_restart(*, deadline: Deadline, on: date, reason: str, actor: Any = None) -> Deadline:
    """Count the clock afresh from `on` (a supplement received): earlier pauses and extensions
    no longer apply; the restart is kept in the explanation."""
    reason = _require_reason(reason)
    _require_open(deadline)
    deadline.restarts = [*deadline.restarts, Restart(on, deadline.started_on, reason).as_json()]
    deadline.started_on = on
    deadline.pauses, deadline.extensions = [], []
    deadline.status = DeadlineStatus.RUNNING
    _reschedule(deadline, work_calendar(), timezone.localdate())
    save_with_history(deadline, actor=actor, reason=history_reason(CLOCK_RESTARTED) % {"reason": reason})
    return deadline


def deadlines_recompute(*, years: Iterable[int], actor: Any, reason: str) -> list[DeadlineMove]:
    """Recompute every open clock whose count touches one of `years` with the calendar as it is
    now (in the caller's transaction); each is saved with `reason`, and each that moved says
    from where to where, in its history and in the log."""
    touching = Q()
    for year in years:
        touching |= Q(started_on__lte=date(year, 12, 31), due_on__gte=date(year, 1, 1))
    calendar = work_calendar()
    today = timezone.localdate()
    moves = []
    for deadline in Deadline.objects.select_for_update().filter(touching, ended_on__isnull=True).order_by("id"):
        old_due_on = deadline.due_on
        _reschedule(deadline, calendar, today)
        change = reason
        if deadline.due_on != old_due_on:
            moves.append(DeadlineMove(deadline, old_due_on, deadline.due_on))
            change = history_reason(CLOCK_MOVED) % {"reason": reason, "old": old_due_on, "new": deadline.due_on}
            logger.info(
                "Deadline %s (%s) moved from %s to %s: %s",
                deadline.pk,
                deadline.step,
                old_due_on,
                deadline.due_on,
                reason,
            )
        save_with_history(deadline, actor=actor, reason=change)
    return moves


def calendar_year_load(
    *, year: int, days: Sequence[SpecialDay], source: str, confirmed: bool = True, actor: Any = None
) -> CalendarLoad:
    """Load (or replace) `year`'s official schedule and recompute every open deadline it touches,
    in one transaction; refused with the reasons (400) when the schedule is not valid."""
    with transaction.atomic():
        calendar_year, reason = calendar_year_replace(
            year=year, days=days, source=source, confirmed=confirmed, actor=actor
        )
        moved = deadlines_recompute(years=[year], actor=actor, reason=reason)
    return CalendarLoad(calendar_year, moved)


# --- The sweep ---------------------------------------------------------------------------------


def _owners(deadline: Deadline) -> models.QuerySet[User]:
    users = User.objects.filter(is_active=True).order_by("pk")
    if deadline.owner == Party.DEPARTMENT:
        return users.filter(role=Role.DEPARTMENT, department=deadline.department_id)
    if deadline.owner == Party.SUBJECT:
        return users.filter(role=Role.SUBJECT, credit_subject=deadline.subject_id)
    return users.filter(role=Role.OFFICE)


def _heads(deadline: Deadline) -> list[User]:
    owners = list(_owners(deadline))
    return [user for user in owners if user.is_unit_head] or owners


def _office() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.OFFICE).order_by("pk"))


def _owner_name(deadline: Deadline) -> str:
    if deadline.owner == Party.DEPARTMENT:
        return deadline.department.name
    if deadline.owner == Party.SUBJECT:
        return deadline.subject.name
    return str(Party.OFFICE.label)


def _perform(deadline: Deadline, stage: Stage, action: Action, calendar: WorkCalendar, today: date) -> None:
    case = deadline.case
    params = {
        "case": str(case),
        "step": deadline.step,
        "owner": _owner_name(deadline),
        "due_on": deadline.due_on.isoformat(),
        "overdue_days": working_days_between(calendar, deadline.due_on, today).count,
    }
    link = case.get_absolute_url() if hasattr(case, "get_absolute_url") else ""
    if action is Action.LAPSE:
        service = LAPSE_SERVICES.get(type(case))
        if service is None:
            raise ImproperlyConfigured(f"no lapse service registered for {type(case).__name__}")
        service(case=case, deadline=deadline)
        notify(recipients=[*_owners(deadline), *_office()], kind="deadline.lapsed", params=params, link=link)
    elif action is Action.ESCALATE:
        notify(recipients=[*_heads(deadline), *_office()], kind="deadline.escalation", params=params, link=link)
    elif action is Action.REMIND and stage == Stage.OVERDUE:
        notify(recipients=[*_owners(deadline), *_office()], kind="deadline.overdue", params=params, link=link)
    elif action is Action.REMIND:
        kind = "deadline.last_day" if stage == Stage.DUE else "deadline.reminder"
        notify(recipients=_owners(deadline), kind=kind, params=params, link=link)


def deadline_fire(*, deadline: Deadline, calendar: WorkCalendar, today: date) -> tuple[Stage, Action] | None:
    """Fire the clock's next stage (the caller holds the row's lock): record it on the row,
    plan the stage after it, and act: a notification, or the lapse of the case. None when,
    planned again as of today, no stage has come after all."""
    # Planned as of today: a sweep that comes late skips a reminder whose last day has come.
    _plan(deadline, calendar, today)
    if not deadline.next_stage or deadline.next_action_on > today:
        save_with_history(deadline, actor=None, reason=CLOCK_REPLANNED)
        return None
    stage = Stage(deadline.next_stage)
    action = action_at(deadline.rule, stage)
    fired = {
        "stage": stage.value,
        "action": action.value,
        "on": today.isoformat(),
        "due_on": deadline.due_on.isoformat(),
    }
    deadline.actions = [*deadline.actions, {**fired, "at": timezone.now().isoformat()}]
    if stage == Stage.OVERDUE:
        deadline.status = DeadlineStatus.MISSED
    if action is Action.LAPSE:
        deadline.ended_on = today
    _plan(deadline, calendar, today)
    values = {"stage": history_reason(stage.label), "action": action.value}
    save_with_history(deadline, actor=None, reason=history_reason(STAGE_FIRED) % values)
    _perform(deadline, stage, action, calendar, today)
    return stage, action


def deadlines_due(today: date) -> models.QuerySet:
    """The ids of the clocks whose next stage has come: a plain range read on the partial index."""
    return Deadline.objects.filter(next_action_on__lte=today).order_by().values_list("pk", flat=True)


def deadlines_sweep(*, today: date | None = None, batch_size: int = 100) -> SweepReport:
    """Fire every clock whose next stage has come. The due rows are found through the partial
    index on `next_action_on` (a plain range read, which every planner answers from the index),
    then locked in batches by primary key, skipping rows another sweep holds; each fires in its
    own savepoint, so one failure neither stops the others nor fires anything twice."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    report = SweepReport()
    due = sorted(deadlines_due(today))
    for start in range(0, len(due), batch_size):
        with transaction.atomic():
            batch = (
                Deadline.objects.select_for_update(skip_locked=True)
                .filter(pk__in=due[start : start + batch_size], next_action_on__lte=today)
                .order_by("pk")
            )
            for deadline in batch:
                try:
                    with transaction.atomic():
                        fired = deadline_fire(deadline=deadline, calendar=calendar, today=today)
                except Exception:
                    logger.exception("Deadline %s could not fire its %s stage", deadline.pk, deadline.next_stage)
                    report.failed.append(deadline.pk)
                else:
                    if fired is not None:
                        report.fired.append((deadline.pk, *fired))
    return report
