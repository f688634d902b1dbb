from collections.abc import Iterable

from django.db.models import Max
from django.db.models.expressions import RawSQL

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.workdays import SpecialDay, WorkCalendar
from repairflow.core.versioned import ReadPerVersion


def _build(version: int) -> WorkCalendar:
    years = list(CalendarYear.objects.values_list("year", "confirmed"))
    return WorkCalendar.build(
        (SpecialDay(*row) for row in CalendarDay.objects.values_list("date", "is_workday", "name")),
        confirmed_years=[year for year, confirmed in years if confirmed],
        version=version,
    )


# The calendar is built once per version: every change of a schedule is saved under a new version
# (`services.calendar_year_save`).
_calendars = ReadPerVersion(lambda: CalendarYear.objects.order_by("-version").values_list("version", flat=True), _build)


def calendar_version_now() -> RawSQL:
    """The calendar's version as an expression, for a use-case to read with its first query."""
    return _calendars.now()


def work_calendar(*, version: int | None = None) -> WorkCalendar:
    """The calendar as the database has it now, rebuilt only when its version has changed; `version`
    is the current version when the caller has read it already (else it is read here)."""
    return _calendars.get(version)


def calendar_version() -> int:
    return CalendarYear.objects.aggregate(version=Max("version"))["version"] or 0


def work_calendar_with(year: int, days: Iterable[SpecialDay], *, confirmed: bool) -> WorkCalendar:
    """The calendar as it would be with `year`'s schedule replaced by `days`: built aside, never
    cached nor saved (what a load would do, shown before it is done)."""
    kept = CalendarDay.objects.exclude(calendar_year__year=year).values_list("date", "is_workday", "name")
    confirmed_years = {
        other for other, is_confirmed in CalendarYear.objects.values_list("year", "confirmed") if is_confirmed
    }
    confirmed_years = (confirmed_years | {year}) if confirmed else (confirmed_years - {year})
    return WorkCalendar.build([*(SpecialDay(*row) for row in kept), *days], confirmed_years=confirmed_years)


def calendar_years() -> list[CalendarYear]:
    """Every loaded year, the latest first."""
    return list(CalendarYear.objects.order_by("-year"))


def calendar_year_loaded(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def calendar_year_get(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).prefetch_related("days").first()
