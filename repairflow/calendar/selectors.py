from django.db.models import Max

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.workdays import SpecialDay, WorkCalendar


def work_calendar() -> WorkCalendar:
    """The calendar as the database has it now."""
    years = list(CalendarYear.objects.values_list("year", "confirmed"))
    return WorkCalendar.build(
        (SpecialDay(*row) for row in CalendarDay.objects.values_list("date", "is_workday", "name")),
        confirmed_years=[year for year, confirmed in years if confirmed],
        version=calendar_version(),
    )


def calendar_version() -> int:
    return CalendarYear.objects.aggregate(version=Max("version"))["version"] or 0


def calendar_year_get(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).prefetch_related("days").first()
