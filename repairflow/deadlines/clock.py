"""A running clock's arithmetic, pure: its last day given pauses, extensions and restarts, and the
next stage it fires at. The database rows (`models.Deadline`) keep the inputs and the results."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import (
    Note,
    NoteKind,
    WorkCalendar,
    add_working_days,
    next_working_day,
    receipt_day,
    working_day_before,
    working_days_between,
)
from repairflow.deadlines.policy import Action, StepRule


class Stage(models.TextChoices):
    WARNING = "warning", _("reminder")
    DUE = "due", _("last day")
    OVERDUE = "overdue", _("overdue")


@dataclass(frozen=True)
class Pause:
    """The clock stood still after `first` up to and including `last` (open while `last` is None)."""

    first: date
    last: date | None
    reason: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Pause":
        last = data.get("last")
        return cls(date.fromisoformat(data["first"]), date.fromisoformat(last) if last else None, data["reason"])

    def as_json(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat() if self.last else None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Extension:
    on: date
    days: int
    reason: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Extension":
        return cls(date.fromisoformat(data["on"]), data["days"], data["reason"])

    def as_json(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "days": self.days, "reason": self.reason}


@dataclass(frozen=True)
class Restart:
    on: date
    previous_start: date
    reason: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Restart":
        return cls(date.fromisoformat(data["on"]), date.fromisoformat(data["previous_start"]), data["reason"])

    def as_json(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "previous_start": self.previous_start.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class Schedule:
    due_on: date
    provisional: bool
    paused_days: int
    notes: tuple[Note, ...]


def schedule(
    calendar: WorkCalendar,
    *,
    started_on: date,
    working_days: int,
    pauses: Iterable[Pause] = (),
    extensions: Iterable[Extension] = (),
    restarts: Iterable[Restart] = (),
    why: str = "",
) -> Schedule:
    """The clock's last day: `working_days` from `started_on`, plus every extension, plus the
    working days of every finished pause. An open pause adds nothing yet: the last day is fixed
    again when the clock resumes. `why` (an English msgid) says why the period is not the
    step's usual one; the explanation gives it after the count."""
    notes = [Note(NoteKind.RESTARTED, restart.on, text=restart.reason) for restart in restarts]
    tail: list[Note] = []
    paused_days = 0
    provisional = False
    for pause in pauses:
        if pause.last is None:
            tail.append(Note(NoteKind.PAUSED, pause.first, text=pause.reason))
            continue
        counted = working_days_between(calendar, pause.first, pause.last)
        paused_days += counted.count
        provisional |= counted.provisional
        tail.append(Note(NoteKind.PAUSED, pause.first, pause.last, count=counted.count, text=pause.reason))
    extended = 0
    for extension in extensions:
        extended += extension.days
        tail.append(Note(NoteKind.EXTENDED, extension.on, count=extension.days, text=extension.reason))
    result = add_working_days(calendar, started_on, working_days + extended + paused_days)
    counted_note = Note(NoteKind.COUNTED, started_on, count=working_days)
    why_notes = [Note(NoteKind.RULE, started_on, count=working_days, text=why)] if why else []
    notes += [counted_note, *why_notes, *result.notes[1:], *tail]
    return Schedule(result.due_on, result.provisional or provisional, paused_days, tuple(notes))


@dataclass(frozen=True)
class Fired:
    """A stage that fired, on which day, for which last day."""

    stage: Stage
    on: date
    due_on: date


def next_stage(
    calendar: WorkCalendar, rule: StepRule, *, started_on: date, due_on: date, fired: Sequence[Fired], today: date
) -> tuple[Stage, date] | None:
    """The next stage to fire and the working day it fires on; None when nothing is left.

    Each stage fires once per last day (an extension or a new calendar that moves the last day
    arms them again): the reminder `warning_lead` working days before (skipped when that is not
    after the start, or once the last day has come), the last day's action (fired even when the
    sweep comes late), then the overdue action on each working day after the last one (once only
    when it lapses the case)."""
    done = [entry for entry in fired if entry.due_on == due_on]
    stages = {entry.stage for entry in done}
    if rule.warning_lead and not stages and today < due_on:
        warning_on = working_day_before(calendar, due_on, rule.warning_lead)
        if warning_on > receipt_day(calendar, started_on):
            return Stage.WARNING, warning_on
    if rule.on_due is not Action.NONE and Stage.DUE not in stages and Stage.OVERDUE not in stages:
        return Stage.DUE, due_on
    if rule.when_overdue is Action.NONE:
        return None
    overdue = [entry.on for entry in done if entry.stage == Stage.OVERDUE]
    if overdue and rule.when_overdue is Action.LAPSE:
        return None
    return Stage.OVERDUE, next_working_day(calendar, max([due_on, *overdue]))


def action_at(rule: StepRule, stage: Stage) -> Action:
    return {Stage.WARNING: Action.REMIND, Stage.DUE: rule.on_due, Stage.OVERDUE: rule.when_overdue}[Stage(stage)]
