"""The legal clock's arithmetic: working days and month periods, each result explained.

Rules (docs/domain.md "Working days"):

- A period in working days excludes weekends and statutory holidays and includes the weekend
  days the State Council's yearly notice makes working days (调休上班).
- The day the clock starts is not counted (民法典 Art. 201); something received on a
  non-working day is received on the next working day.
- A period of months or years ends on the corresponding date, or at month end when that month
  has no such date (Art. 202); a party's period whose last day is a non-working day ends on the
  next working day (Art. 203).
- A year with no confirmed schedule counts weekdays only (and whatever unconfirmed schedule is
  loaded), and every result that touches it is provisional.

Every function here is pure: the calendar is passed in as a `WorkCalendar` (built from the
database by `repairflow.calendar.selectors.work_calendar`, or from any schedule in tests).
Results carry `notes`, data that `render_note` turns into a sentence in the reader's language.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ONE_DAY = timedelta(days=1)
HOLIDAY_NAME_SEPARATOR = "、"
SATURDAY = 5


@dataclass(frozen=True)
class SpecialDay:
    """A day the official schedule names: a holiday (not worked) or a make-up working day."""

    date: date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class WorkCalendar:
    """The schedule the arithmetic runs on: named days, which years are loaded and confirmed,
    and the version of the table it was read from."""

    special_days: Mapping[date, SpecialDay] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()
    version: int = 0

    @classmethod
    def build(cls, days: Iterable[SpecialDay], *, confirmed_years: Iterable[int], version: int = 0) -> "WorkCalendar":
        return cls({day.date: day for day in days}, frozenset(confirmed_years), version)

    def is_working_day(self, day: date) -> bool:
        special = self.special_days.get(day)
        if special is not None:
            return special.is_workday
        return day.weekday() < SATURDAY

    def unconfirmed_years(self, first: date, last: date) -> list[int]:
        return [year for year in range(first.year, last.year + 1) if year not in self.confirmed_years]


class NoteKind(StrEnum):
    COUNTED = "counted"
    RECEIVED_ON_NON_WORKING_DAY = "received_on_non_working_day"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"
    UNCONFIRMED_YEAR = "unconfirmed_year"
    MONTHS = "months"
    LAST_DAY_NOT_WORKING = "last_day_not_working"
    PAUSED = "paused"
    EXTENDED = "extended"
    RESTARTED = "restarted"
    RULE = "rule"  # why the period is what it is (`text`: an English msgid, read in the reader's language)


@dataclass(frozen=True)
class Note:
    """One line of an explanation, kept as data so that it reads in any language."""

    kind: NoteKind
    first: date
    last: date | None = None
    count: int = 0
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": str(self.kind), "first": self.first.isoformat()}
        if self.last is not None:
            data["last"] = self.last.isoformat()
        if self.count:
            data["count"] = self.count
        if self.text:
            data["text"] = self.text
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Note":
        return cls(
            kind=NoteKind(data["kind"]),
            first=date.fromisoformat(data["first"]),
            last=date.fromisoformat(data["last"]) if data.get("last") else None,
            count=data.get("count", 0),
            text=data.get("text", ""),
        )


@dataclass(frozen=True)
class ClockResult:
    """A period's last day with how it was reached."""

    start: date
    counted_from: date
    due_on: date
    provisional: bool
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class WorkingDayCount:
    count: int
    provisional: bool
    notes: tuple[Note, ...]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def next_working_day(calendar: WorkCalendar, day: date) -> date:
    """The first working day after `day`."""
    day += ONE_DAY
    while not calendar.is_working_day(day):
        day += ONE_DAY
    return day


def receipt_day(calendar: WorkCalendar, day: date) -> date:
    """The day something delivered on `day` counts as received: that day, or the next working
    day when it is not one."""
    return day if calendar.is_working_day(day) else next_working_day(calendar, day)


def working_day_before(calendar: WorkCalendar, day: date, count: int) -> date:
    """The working day `count` working days before `day` (`day` itself when `count` is 0)."""
    while count > 0:
        day -= ONE_DAY
        if calendar.is_working_day(day):
            count -= 1
    return day


def _named_days(calendar: WorkCalendar, first: date, last: date) -> list[Note]:
    """Holidays skipped and make-up working days counted in [first, last]; consecutive holidays
    are joined into one run with their names ("10/1–10/8 国庆节、中秋")."""
    notes: list[Note] = []
    for day in _days(first, last):
        special = calendar.special_days.get(day)
        if special is None:
            continue
        previous = notes[-1] if notes else None
        if special.is_workday:
            notes.append(Note(NoteKind.MAKEUP_WORKDAY, day, text=special.name))
        elif previous is not None and previous.kind is NoteKind.HOLIDAY and previous.last + ONE_DAY == day:
            names = previous.text.split(HOLIDAY_NAME_SEPARATOR)
            text = previous.text if special.name in names else HOLIDAY_NAME_SEPARATOR.join([*names, special.name])
            notes[-1] = Note(NoteKind.HOLIDAY, previous.first, day, text=text)
        else:
            notes.append(Note(NoteKind.HOLIDAY, day, day, text=special.name))
    return notes


def _unconfirmed(calendar: WorkCalendar, first: date, last: date) -> list[Note]:
    return [Note(NoteKind.UNCONFIRMED_YEAR, date(year, 1, 1)) for year in calendar.unconfirmed_years(first, last)]


def add_working_days(calendar: WorkCalendar, start: date, count: int) -> ClockResult:
    """The last day of a period of `count` working days from `start`: the start (or, when it is
    not a working day, the next working day) is not counted."""
    if count < 0:
        raise ValueError("count must not be negative")
    counted_from = receipt_day(calendar, start)
    notes = [Note(NoteKind.COUNTED, start, count=count)]
    if counted_from != start:
        notes.append(Note(NoteKind.RECEIVED_ON_NON_WORKING_DAY, start, counted_from))
    due_on = counted_from
    for _step in range(count):
        due_on = next_working_day(calendar, due_on)
    # The day counted from is not counted, even when it is a make-up working day.
    notes += [
        note
        for note in _named_days(calendar, start, due_on)
        if not (note.kind is NoteKind.MAKEUP_WORKDAY and note.first == counted_from)
    ]
    unconfirmed = _unconfirmed(calendar, start, due_on)
    return ClockResult(start, counted_from, due_on, bool(unconfirmed), tuple(notes + unconfirmed))


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> WorkingDayCount:
    """How many working days lie after `start` up to and including `end` (0 when `end` is not
    after `start`)."""
    if end <= start:
        return WorkingDayCount(0, False, ())
    count = sum(1 for day in _days(start + ONE_DAY, end) if calendar.is_working_day(day))
    notes = _named_days(calendar, start + ONE_DAY, end) + _unconfirmed(calendar, start, end)
    return WorkingDayCount(count, bool(calendar.unconfirmed_years(start, end)), tuple(notes))


def working_days_left(calendar: WorkCalendar, today: date, due_on: date) -> int:
    """Working days from `today` to the last day `due_on`: 0 on the last day, negative (the
    working days late) once it has passed."""
    if due_on >= today:
        return working_days_between(calendar, today, due_on).count
    return -working_days_between(calendar, due_on, today).count


def months_period_end(start: date, months: int) -> date:
    """The corresponding date `months` months after `start`, or that month's last day when it has
    none (Art. 202: three months from 11-30 end on 02-28, or 02-29 in a leap year)."""
    return start + relativedelta(months=months)


def years_period_end(start: date, years: int) -> date:
    """As `months_period_end`, in years (one year from 02-29 ends on 02-28)."""
    return start + relativedelta(years=years)


def months_period(calendar: WorkCalendar, start: date, months: int) -> ClockResult:
    """A party's period of `months` months from receipt on `start` (Art. 201–203): counted from
    the day received, ending on the corresponding date, moved to the next working day when that
    is not one."""
    counted_from = receipt_day(calendar, start)
    notes = [Note(NoteKind.MONTHS, start, count=months)]
    if counted_from != start:
        notes.append(Note(NoteKind.RECEIVED_ON_NON_WORKING_DAY, start, counted_from))
    last_day = months_period_end(counted_from, months)
    due_on = receipt_day(calendar, last_day)
    if due_on != last_day:
        notes.append(Note(NoteKind.LAST_DAY_NOT_WORKING, last_day, due_on))
        notes += _named_days(calendar, last_day, due_on)
    unconfirmed = _unconfirmed(calendar, start, due_on)
    return ClockResult(start, counted_from, due_on, bool(unconfirmed), tuple(notes + unconfirmed))


def short_date(day: date, reference: date | None = None) -> str:
    """ "10/1", or "2027/1/4" when the year differs from the reference's."""
    if reference is not None and day.year == reference.year:
        return f"{day.month}/{day.day}"
    return f"{day.year}/{day.month}/{day.day}"


def _span(note: Note, reference: date | None) -> str:
    if note.last is None or note.last == note.first:
        return short_date(note.first, reference)
    return f"{short_date(note.first, reference)}–{short_date(note.last, reference)}"


def render_note(note: Note, reference: date | None = None) -> str:
    """The note as a sentence in the active language; short dates omit `reference`'s year."""
    full = note.first.isoformat()
    if note.kind is NoteKind.COUNTED:
        return ngettext(
            "%(count)d working day counted from %(start)s (that day not counted, Civil Code Art. 201).",
            "%(count)d working days counted from %(start)s (that day not counted, Civil Code Art. 201).",
            note.count,
        ) % {"count": note.count, "start": full}
    if note.kind is NoteKind.MONTHS:
        return ngettext(
            "%(count)d month counted from %(start)s (Civil Code Art. 201–202).",
            "%(count)d months counted from %(start)s (Civil Code Art. 201–202).",
            note.count,
        ) % {"count": note.count, "start": full}
    if note.kind is NoteKind.RECEIVED_ON_NON_WORKING_DAY:
        return _("%(day)s is not a working day: counted as received on %(receipt)s.") % {
            "day": full,
            "receipt": note.last.isoformat(),
        }
    if note.kind is NoteKind.HOLIDAY:
        return _("%(span)s %(name)s: holiday, not counted.") % {"span": _span(note, reference), "name": note.text}
    if note.kind is NoteKind.MAKEUP_WORKDAY:
        return _("%(day)s make-up working day (%(name)s): counted.") % {
            "day": short_date(note.first, reference),
            "name": note.text,
        }
    if note.kind is NoteKind.UNCONFIRMED_YEAR:
        return _(
            "No confirmed holiday schedule for %(year)d yet: its days are counted as weekdays only, "
            "so this result is provisional."
        ) % {"year": note.first.year}
    if note.kind is NoteKind.LAST_DAY_NOT_WORKING:
        return _("%(day)s is not a working day: the period ends on %(end)s (Civil Code Art. 203).") % {
            "day": full,
            "end": note.last.isoformat(),
        }
    if note.kind is NoteKind.PAUSED:
        if note.last is None:
            return _("Paused since %(first)s: %(reason)s.") % {"first": full, "reason": note.text}
        return ngettext(
            "Paused %(span)s: %(count)d working day not counted (%(reason)s).",
            "Paused %(span)s: %(count)d working days not counted (%(reason)s).",
            note.count,
        ) % {"span": _span(note, reference), "count": note.count, "reason": note.text}
    if note.kind is NoteKind.EXTENDED:
        return ngettext(
            "Extended on %(day)s by %(count)d working day: %(reason)s.",
            "Extended on %(day)s by %(count)d working days: %(reason)s.",
            note.count,
        ) % {"day": full, "count": note.count, "reason": note.text}
    if note.kind is NoteKind.RESTARTED:
        return _("Restarted on %(day)s: %(reason)s.") % {"day": full, "reason": note.text}
    if note.kind is NoteKind.RULE:
        return ngettext(
            "%(count)d working day because %(why)s.",
            "%(count)d working days because %(why)s.",
            note.count,
        ) % {"count": note.count, "why": _(note.text)}
    raise ValueError(note.kind)


def explain(notes: Iterable[Note], reference: date | None = None) -> list[str]:
    return [render_note(note, reference) for note in notes]
