"""Load the official schedules of 2004–2026 as transcribed by the chinesecalendar package. From
here on the tables are the truth; later years are loaded by the office (API, admin or
`manage.py load_calendar`)."""

from django.db import migrations

from repairflow.calendar.schedule import FIRST_PACKAGED_YEAR, LAST_PACKAGED_YEAR, package_schedule, package_source


def load(apps, schema_editor):
    CalendarYear = apps.get_model("calendar", "CalendarYear")
    CalendarDay = apps.get_model("calendar", "CalendarDay")
    for version, year in enumerate(range(FIRST_PACKAGED_YEAR, LAST_PACKAGED_YEAR + 1), start=1):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, confirmed=True, source=package_source(year), version=version
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day.date, is_workday=day.is_workday, name=day.name)
            for day in package_schedule(year)
        )


def unload(apps, schema_editor):
    apps.get_model("calendar", "CalendarYear").objects.filter(
        year__gte=FIRST_PACKAGED_YEAR, year__lte=LAST_PACKAGED_YEAR
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_squashed_0003_history_reason_text")]

    operations = [migrations.RunPython(load, unload)]
