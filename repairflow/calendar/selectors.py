from django.db.models import Max, Subquery
from django.db.models.functions import Coalesce

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.workdays import SpecialDay, WorkCalendar

# The calendar last built in this process, with the calendar version it was built at.
_built: tuple[int, WorkCalendar] | None = None


def calendar_version_now() -> Coalesce:
    """The calendar's version as an expression, for a use-case to read with its first query: every
    change of a schedule is saved under a new version (`services.calendar_year_save`)."""
    return Coalesce(Subquery(CalendarYear.objects.order_by("-version").values("version")[:1]), 0)


def work_calendar(*, version: int | None = None) -> WorkCalendar:
    """The calendar as the database has it now, rebuilt only when its version has changed; `version`
    is the current version when the caller has read it already (else it is read here)."""
    global _built
    if version is None:
        version = calendar_version()
    if _built is None or _built[0] != version:
        _built = (version, _build(version))
    return _built[1]


def work_calendar_forget() -> None:
    """Drop the calendar built in this process (tests start each from the database)."""
    global _built
    _built = None


def _build(version: int) -> WorkCalendar:
    years = list(CalendarYear.objects.values_list("year", "confirmed"))
    return WorkCalendar.build(
        (SpecialDay(*row) for row in CalendarDay.objects.values_list("date", "is_workday", "name")),
        confirmed_years=[year for year, confirmed in years if confirmed],
        version=version,
    )


def calendar_version() -> int:
    return CalendarYear.objects.aggregate(version=Max("version"))["version"] or 0


def calendar_year_get(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).prefetch_related("days").first()
