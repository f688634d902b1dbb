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


def calendar_year_loaded(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists()


def calendar_year_get(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).prefetch_related("days").first()
