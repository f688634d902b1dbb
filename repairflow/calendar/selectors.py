from django.db import connection
from django.db.models import Max

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.workdays import SpecialDay, WorkCalendar

# The calendar last built in this process, under the fingerprint of the tables it was built from.
_built: tuple[tuple, WorkCalendar] | None = None


def _fingerprint() -> tuple:
    """What changes whenever a schedule is loaded or edited: every load saves its year (a new
    version and `loaded_at`) and replaces its days (new ids). One read of two small tables,
    written in SQL because it runs for every clock computed."""
    years, days = CalendarYear._meta.db_table, CalendarDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(version) FROM {years}), (SELECT MAX(loaded_at) FROM {years}),"
            f" (SELECT COUNT(*) FROM {years} WHERE confirmed), (SELECT COUNT(*) FROM {years}),"
            f" (SELECT COUNT(*) FROM {days}), (SELECT MAX(id) FROM {days})"
        )
        return cursor.fetchone()


def work_calendar() -> WorkCalendar:
    """The calendar as the database has it now; rebuilt only when the tables have changed (two
    aggregate reads instead of every special day on each deadline computed)."""
    global _built
    fingerprint = _fingerprint()
    if _built is None or _built[0] != fingerprint:
        _built = (fingerprint, _build())
    return _built[1]


def work_calendar_forget() -> None:
    """Drop the calendar built in this process (tests start each from the database)."""
    global _built
    _built = None


def _build() -> WorkCalendar:
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
