"""Changing the calendar: a year's official schedule replaced, under a new calendar version.
What that does to the clocks already running is the legal clock's business
(`repairflow.deadlines.services.calendar_year_load`)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import schedule_errors
from repairflow.calendar.selectors import calendar_version
from repairflow.calendar.workdays import SpecialDay
from repairflow.core.errors import Invalid
from repairflow.core.history import history_reason, save_with_history

YEAR_LOADED = _("Holiday schedule for %(year)d loaded (calendar version %(version)d): %(source)s")


def calendar_year_replace(
    *, year: int, days: Sequence[SpecialDay], source: str, confirmed: bool = True, actor: Any = None
) -> tuple[CalendarYear, str]:
    """Load (or replace) `year`'s schedule under the next calendar version, in the caller's
    transaction; refused with the reasons (400) when the schedule is not valid. The year and the
    reason kept in its history, which names the version and the source."""
    errors = schedule_errors(year, days)
    if errors:
        raise Invalid({"days": errors})
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first() or CalendarYear(year=year)
    calendar_year.confirmed = confirmed
    calendar_year.source = source
    reason = calendar_year_save(calendar_year=calendar_year, actor=actor)
    calendar_year.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=calendar_year, date=day.date, is_workday=day.is_workday, name=day.name.strip())
        for day in days
    )
    return calendar_year, reason


def calendar_year_save(*, calendar_year: CalendarYear, actor: Any) -> str:
    """Save a year whose schedule is changing, under the next calendar version, recording who
    and why; return the reason, which names the version and the source. The caller then saves
    the days and recomputes the open deadlines in the same transaction."""
    calendar_year.version = calendar_version() + 1
    values = {"year": calendar_year.year, "version": calendar_year.version, "source": calendar_year.source}
    reason = history_reason(YEAR_LOADED) % values
    save_with_history(calendar_year, actor=actor, reason=reason)
    return reason
