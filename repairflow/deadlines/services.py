"""Starting, stopping, pausing, extending, restarting and firing clocks, and loading a calendar year
(which moves the open ones). Case services call these and never compute a date themselves; see
README.md beside this file.

Each change is made on the `Deadline` object and written by the caller's `Writes` when its
use-case ends (with a history row naming who and why), or at once when no `writes` is given. A
case's use-case holds its clocks in a `CaseClocks`: read once, changed in memory, written once."""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.models import CalendarYear
from repairflow.calendar.selectors import work_calendar, work_calendar_with
from repairflow.calendar.services import calendar_year_replace
from repairflow.calendar.workdays import SpecialDay, WorkCalendar
from repairflow.core.errors import Conflict, Invalid
from repairflow.core.history import Writes, history_reason, writing
from repairflow.deadlines.clock import Extension, Pause, Restart, Schedule, Stage, action_at, next_stage, schedule
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import PROFILES, Action, Party, Step, active_profile
from repairflow.deadlines.tally import clocks_tally_drop

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


@dataclass(frozen=True)
class DeadlineMove:
    deadline: Deadline
    old_due_on: date
    new_due_on: date


@dataclass(frozen=True)
class CalendarLoad:
    calendar_year: CalendarYear
    moved: list[DeadlineMove]


def _schedule_of(deadline: Deadline, calendar: WorkCalendar) -> Schedule:
    """The clock's last day and its explanation, from its inputs, on `calendar`."""
    return schedule(
        calendar,
        started_on=deadline.started_on,
        working_days=deadline.working_days,
        pauses=deadline.pause_list(),
        extensions=deadline.extension_list(),
        restarts=deadline.restart_list(),
        why=deadline.rule.why,
    )


def _reschedule(deadline: Deadline, calendar: WorkCalendar, today: date) -> None:
    """Recompute the last day and its explanation from the clock's inputs, then plan its next stage."""
    result = _schedule_of(deadline, calendar)
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


def _end_pause(deadline: Deadline, on: date, calendar: WorkCalendar | None) -> None:
    """A paused clock that ends or resumes on `on`: its pause gets that end, and the working days
    it lasted move the last day before the clock is judged."""
    pause = deadline.pause_list()[-1]
    deadline.pauses = [*deadline.pauses[:-1], Pause(pause.first, max(on, pause.first), pause.reason).as_json()]
    _reschedule(deadline, calendar or work_calendar(), timezone.localdate())


def deadline_start(
    *,
    case: models.Model,
    step: Step,
    started_on: date,
    in_force_on: date | None = None,
    department: Any = None,
    subject: Any = None,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline | None:
    """Start `step`'s clock for `case` on `started_on` under the active profile's rule set in
    force on `in_force_on` (the case's receipt; default `started_on`). None when the profile
    sets no clock for that step. `department` or `subject` names the owner when it is one; a
    department may have its own variant of the rule (a market regulation department's repair
    decision: `policy.MARKET_REGULATION_STEPS`)."""
    profile = active_profile()
    rule_set = profile.rule_set_on(in_force_on or started_on)
    variant = profile.variant_for(step, getattr(department, "code", None))
    rule = profile.step_rule(rule_set, step, variant)
    if rule is None:
        return None
    owners = {Party.DEPARTMENT: department, Party.SUBJECT: subject}
    if rule.owner in owners and owners[rule.owner] is None:
        raise ValueError(OWNER_MISSING.format(owner=rule.owner))
    deadline = Deadline(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        concerns_id=case.subject_id,
        step=step,
        owner=rule.owner,
        department=department if rule.owner == Party.DEPARTMENT else None,
        subject=subject if rule.owner == Party.SUBJECT else None,
        profile=profile.code,
        rule_set=rule_set.name,
        variant=variant,
        working_days=rule.working_days,
        started_on=started_on,
    )
    _reschedule(deadline, calendar or work_calendar(), timezone.localdate())
    with writing(writes) as batch:
        batch.create(deadline, actor=actor, reason=CLOCK_STARTED)
    return deadline


def _end(deadline: Deadline, on: date, calendar: WorkCalendar | None, ending: DeadlineStatus) -> bool:
    """End the open clock on `on` as `ending`, or as missed when its last day had passed (or it was
    missed already); True when missed."""
    _require_open(deadline)
    if deadline.status == DeadlineStatus.PAUSED:
        _end_pause(deadline, on, calendar)
    missed = deadline.status == DeadlineStatus.MISSED or on > deadline.due_on
    deadline.status = DeadlineStatus.MISSED if missed else ending
    deadline.ended_on = on
    deadline.next_stage, deadline.next_action_on = "", None
    return missed


def deadline_stop(
    *,
    deadline: Deadline,
    on: date,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """The owner has done what the clock asked, on `on`: met when not after the last day."""
    missed = _end(deadline, on, calendar, DeadlineStatus.MET)
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=CLOCK_MISSED if missed else CLOCK_MET)
    return deadline


def deadline_cancel(
    *,
    deadline: Deadline,
    on: date,
    reason: Any,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """The duty fell away on `on` because the case ended without it (withdrawn, lapsed): the
    clock ends `cancelled`, neither met nor missed, unless its last day had already passed."""
    _end(deadline, on, calendar, DeadlineStatus.CANCELLED)
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=history_reason(CLOCK_CANCELLED) % {"reason": history_reason(reason)})
    return deadline


def deadline_pause(
    *,
    deadline: Deadline,
    on: date,
    reason: str,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """Stop the clock after `on` (testing, appraisal, a supplement under a pausing profile)."""
    reason = _require_reason(reason)
    _require_open(deadline)
    if deadline.status == DeadlineStatus.PAUSED:
        raise Conflict(CLOCK_NOT_RUNNING)
    deadline.pauses = [*deadline.pauses, Pause(on, None, reason).as_json()]
    deadline.status = DeadlineStatus.PAUSED
    _reschedule(deadline, calendar or work_calendar(), timezone.localdate())
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=history_reason(CLOCK_PAUSED) % {"reason": reason})
    return deadline


def deadline_resume(
    *,
    deadline: Deadline,
    on: date,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """Run the clock again from `on`: the working days after the pause began up to `on` are not counted."""
    _require_open(deadline)
    if deadline.status != DeadlineStatus.PAUSED:
        raise Conflict(CLOCK_NOT_PAUSED)
    deadline.status = DeadlineStatus.RUNNING
    _end_pause(deadline, on, calendar)
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=CLOCK_RESUMED)
    return deadline


def deadline_extend(
    *,
    deadline: Deadline,
    days: int,
    reason: str,
    on: date,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
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
    _reschedule(deadline, calendar or work_calendar(), timezone.localdate())
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=history_reason(CLOCK_EXTENDED) % {"days": days, "reason": reason})
    return deadline


def deadline_restart(
    *,
    deadline: Deadline,
    on: date,
    reason: str,
    actor: Any = None,
    writes: Writes | None = None,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """Count the clock afresh from `on` (a supplement received): earlier pauses and extensions
    no longer apply; the restart is kept in the explanation."""
    reason = _require_reason(reason)
    _require_open(deadline)
    deadline.restarts = [*deadline.restarts, Restart(on, deadline.started_on, reason).as_json()]
    deadline.started_on = on
    deadline.pauses, deadline.extensions = [], []
    deadline.status = DeadlineStatus.RUNNING
    _reschedule(deadline, calendar or work_calendar(), timezone.localdate())
    with writing(writes) as batch:
        batch.save(deadline, actor=actor, reason=history_reason(CLOCK_RESTARTED) % {"reason": reason})
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


class CaseClocks:
    """A case's clocks for one use-case: its open clocks read once (locked until the transaction
    ends, unless only read: `writes` None), changed in memory, and written with the use-case's
    `writes`. The calendar is read once, when a clock first needs it."""

    def __init__(
        self,
        case: models.Model,
        writes: Writes | None = None,
        *,
        new: bool = False,
        calendar_version: int | None = None,
    ) -> None:
        """`new`: a case being created, which has no clocks yet; `calendar_version`: the calendar's
        version as the use-case has read it already."""
        self.case = case
        self.writes = writes
        self._open: list[Deadline] | None = [] if new else None
        self._calendar: WorkCalendar | None = None
        self._calendar_version = calendar_version

    @classmethod
    def known(cls, case: models.Model, deadlines: Iterable[Deadline]) -> "CaseClocks":
        """The clocks of a case whose deadlines were read with it, in the order started (to be read,
        not changed)."""
        clocks = cls(case)
        clocks._open = [deadline for deadline in deadlines if deadline.is_open]
        return clocks

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = work_calendar(version=self._calendar_version)
        return self._calendar

    def _all_open(self) -> list[Deadline]:
        if self._open is None:
            clocks = Deadline.objects.filter(
                case_type=ContentType.objects.get_for_model(self.case), case_id=self.case.pk, ended_on__isnull=True
            ).order_by("id")
            self._open = list(clocks.select_for_update(of=("self",)) if self.writes is not None else clocks)
        return self._open

    def open(self, *steps: Step, department: Any = None) -> list[Deadline]:
        """The open clocks of `steps` (all when none) and, given one, of a department, in the order started."""
        return [
            deadline
            for deadline in self._all_open()
            if deadline.is_open
            and (not steps or deadline.step in steps)
            and (department is None or deadline.department_id == department.pk)
        ]

    def first(self, *steps: Step) -> Deadline | None:
        return next(iter(self.open(*steps)), None)

    def start(self, step: Step, **kwargs: Any) -> Deadline | None:
        deadline = deadline_start(case=self.case, step=step, writes=self.writes, calendar=self.calendar, **kwargs)
        if deadline is not None:
            self._all_open().append(deadline)
        return deadline

    def stop(self, *steps: Step, on: date, actor: Any = None, department: Any = None) -> None:
        """The duties of `steps` are done on `on` (met, or missed when late)."""
        for deadline in self.open(*steps, department=department):
            deadline_stop(deadline=deadline, on=on, actor=actor, writes=self.writes, calendar=self._if_paused(deadline))

    def cancel_all(self, *, on: date, reason: Any, actor: Any = None) -> None:
        """The case has ended: every clock still open is no longer due."""
        for deadline in self.open():
            deadline_cancel(
                deadline=deadline,
                on=on,
                reason=reason,
                actor=actor,
                writes=self.writes,
                calendar=self._if_paused(deadline),
            )

    def _if_paused(self, deadline: Deadline) -> WorkCalendar | None:
        """The calendar, when ending the clock needs it (a paused clock's pause gets its end)."""
        return self.calendar if deadline.status == DeadlineStatus.PAUSED else None

    def pause(self, deadline: Deadline, *, on: date, reason: str, actor: Any = None) -> None:
        deadline_pause(deadline=deadline, on=on, reason=reason, actor=actor, writes=self.writes, calendar=self.calendar)

    def resume(self, deadline: Deadline, *, on: date, actor: Any = None) -> None:
        deadline_resume(deadline=deadline, on=on, actor=actor, writes=self.writes, calendar=self.calendar)

    def extend(self, deadline: Deadline, *, days: int, reason: str, on: date, actor: Any = None) -> None:
        deadline_extend(
            deadline=deadline, days=days, reason=reason, on=on, actor=actor, writes=self.writes, calendar=self.calendar
        )

    def restart(self, deadline: Deadline, *, on: date, reason: str, actor: Any = None) -> None:
        deadline_restart(
            deadline=deadline, on=on, reason=reason, actor=actor, writes=self.writes, calendar=self.calendar
        )


def _open_touching(years: Iterable[int]) -> models.QuerySet[Deadline]:
    """The open clocks whose count touches one of `years`."""
    touching = Q()
    for year in years:
        touching |= Q(started_on__lte=date(year, 12, 31), due_on__gte=date(year, 1, 1))
    return Deadline.objects.filter(touching, ended_on__isnull=True).order_by("id")


def deadlines_moved_by(*, year: int, days: Sequence[SpecialDay], confirmed: bool = True) -> list[DeadlineMove]:
    """Which open clocks loading `days` as `year`'s schedule would move, and where to: worked out
    on a calendar built aside, nothing saved (the office sees it before it loads the year)."""
    calendar = work_calendar_with(year, days, confirmed=confirmed)
    moves = []
    for deadline in _open_touching([year]).select_related("department", "subject").prefetch_related("case"):
        due_on = _schedule_of(deadline, calendar).due_on
        if due_on != deadline.due_on:
            moves.append(DeadlineMove(deadline, deadline.due_on, due_on))
    return moves


def deadlines_recompute(*, years: Iterable[int], actor: Any, reason: str) -> list[DeadlineMove]:
    """Recompute every open clock whose count touches one of `years` with the calendar as it is
    now (in the caller's transaction); each is saved with `reason`, and each that moved says
    from where to where, in its history and in the log."""
    calendar = work_calendar()
    today = timezone.localdate()
    moves = []
    writes = Writes()
    for deadline in _open_touching(years).select_for_update():
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
        writes.save(deadline, actor=actor, reason=change)
    writes.flush()
    return moves


def calendar_year_load(
    *, year: int, days: Sequence[SpecialDay], source: str, confirmed: bool = True, actor: Any = None
) -> CalendarLoad:
    """Load (or replace) `year`'s official schedule and recompute every open deadline it touches,
    in one transaction; refused with the reasons (400) when the schedule is not valid. The tally of
    ended clocks is dropped from that year on, to be counted again on the new calendar."""
    with transaction.atomic():
        calendar_year, reason = calendar_year_replace(
            year=year, days=days, source=source, confirmed=confirmed, actor=actor
        )
        moved = deadlines_recompute(years=[year], actor=actor, reason=reason)
        clocks_tally_drop(year=year)
    return CalendarLoad(calendar_year, moved)


# --- The sweep ---------------------------------------------------------------------------------


@dataclass
class SweepReport:
    fired: list[tuple[int, Stage, Action]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


# What a fired stage does (a notification, the lapse of a case): the caller's, who knows cases
# and people; called with the deadline, the stage, its action, the calendar and the day.
StageAction = Callable[[Deadline, Stage, Action, WorkCalendar, date], None]


def deadline_fire(
    *, deadline: Deadline, calendar: WorkCalendar, today: date, perform: StageAction
) -> tuple[Stage, Action] | None:
    """Fire the clock's next stage (the caller holds the row's lock): record it on the row, plan
    the stage after it, and `perform` it. None when, planned again as of today, no stage has come
    after all."""
    # Planned as of today: a sweep that comes late skips a reminder whose last day has come.
    _plan(deadline, calendar, today)
    writes = Writes()
    if not deadline.next_stage or deadline.next_action_on > today:
        writes.save(deadline, actor=None, reason=CLOCK_REPLANNED)
        writes.flush()
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
    writes.save(deadline, actor=None, reason=history_reason(STAGE_FIRED) % values)
    writes.flush()
    perform(deadline, stage, action, calendar, today)
    return stage, action


def deadlines_due(today: date) -> models.QuerySet:
    """The ids of the clocks whose next stage has come: a plain range read on the partial index."""
    return Deadline.objects.filter(next_action_on__lte=today).order_by().values_list("pk", flat=True)


def deadlines_sweep(*, perform: StageAction, today: date | None = None, batch_size: int = 100) -> SweepReport:
    """Fire every clock whose next stage has come, each `perform`ed as its caller says. The due
    rows are found through the partial index on `next_action_on` (a plain range read, which every
    planner answers from the index), then locked in batches by primary key, skipping rows another
    sweep holds; each fires in its own savepoint, so one failure neither stops the others nor
    fires anything twice."""
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
                        fired = deadline_fire(deadline=deadline, calendar=calendar, today=today, perform=perform)
                except Exception:
                    logger.exception("Deadline %s could not fire its %s stage", deadline.pk, deadline.next_stage)
                    report.failed.append(deadline.pk)
                else:
                    if fired is not None:
                        report.fired.append((deadline.pk, *fired))
    return report
