"""A year's official schedule as loaded: where it comes from and the rules it must satisfy.

The `chinesecalendar` package transcribes the State Council's yearly notices (国务院办公厅关于
部分节假日安排的通知) from 2004; migrations load it once, and from then on the database is the
truth. A schedule lists the days the notice names: holidays (including the weekend days inside
a holiday run, so that explanations read "10/1–10/7 国庆节") and make-up working days.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import SpecialDay

# The years the first migration loads; a newer package's years load with `load_calendar --package`.
FIRST_PACKAGED_YEAR = 2004
LAST_PACKAGED_YEAR = 2026
FIRST_YEAR = 1949
LAST_YEAR = 2199

DAY_OUTSIDE_YEAR = _("%(date)s is not in %(year)d.")
DAY_TWICE = _("%(date)s is listed more than once.")
NAME_MISSING = _("%(date)s has no name; give the holiday or the holiday it is worked for.")
NAME_TOO_LONG = _("%(date)s has a name longer than 100 characters.")
YEAR_OUT_OF_RANGE = _("The year must be between %(first)d and %(last)d.")
DATE_OUT_OF_RANGE = _("The date must be between %(first)s and %(last)s.")
NAME_MAX_LENGTH = 100


def within_the_calendar(day: date) -> None:
    """Validator: a day the calendar counts from lies in FIRST_YEAR to LAST_YEAR (a period that
    starts in them ends long before the last day a date can have)."""
    first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
    if not first <= day <= last:
        raise ValidationError(DATE_OUT_OF_RANGE % {"first": first.isoformat(), "last": last.isoformat()})


def package_source(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知（chinesecalendar {chinese_calendar.__version__}）"


def packaged_years() -> list[int]:
    """The years the installed `chinesecalendar` has a schedule for."""
    return sorted({day.year for day in chinese_calendar.holidays})


def package_schedule(year: int) -> list[SpecialDay]:
    """The year's named days as the `chinesecalendar` package has them, in date order."""
    if year not in packaged_years():
        raise ValueError(f"chinesecalendar has no schedule for {year}")
    names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    days = [
        SpecialDay(day, False, names[holiday]) for day, holiday in chinese_calendar.holidays.items() if day.year == year
    ]
    days += [
        SpecialDay(day, True, names[holiday]) for day, holiday in chinese_calendar.workdays.items() if day.year == year
    ]
    return sorted(days, key=lambda special: special.date)


def schedule_errors(year: int, days: Iterable[SpecialDay]) -> list[str]:
    """Why a schedule for `year` cannot be loaded (empty when it can): every date in that year,
    none twice, every one named. An empty list of days is a valid schedule (a year with none)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return [str(YEAR_OUT_OF_RANGE % {"first": FIRST_YEAR, "last": LAST_YEAR})]
    days = list(days)
    errors = []
    counts = Counter(day.date for day in days)
    for day in days:
        values = {"date": day.date.isoformat(), "year": year}
        if day.date.year != year:
            errors.append(str(DAY_OUTSIDE_YEAR % values))
        if not day.name.strip():
            errors.append(str(NAME_MISSING % values))
        elif len(day.name) > NAME_MAX_LENGTH:
            errors.append(str(NAME_TOO_LONG % values))
    for day, count in sorted(counts.items()):
        if count > 1:
            errors.append(str(DAY_TWICE % {"date": day.isoformat()}))
    return errors
