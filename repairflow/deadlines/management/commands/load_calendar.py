"""Load a year's official holiday schedule, from a JSON file or from the installed chinesecalendar."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework import serializers

from repairflow.calendar.schedule import package_schedule, package_source, packaged_years
from repairflow.calendar.workdays import SpecialDay
from repairflow.core.errors import Invalid
from repairflow.deadlines.api import CalendarYearInputSerializer
from repairflow.deadlines.services import calendar_year_load

FORMAT = """The file is JSON, as for PUT /api/v1/calendar/{year}/:
  {"year": 2027, "confirmed": true, "source": "国务院办公厅关于2027年部分节假日安排的通知",
   "days": [{"date": "2027-01-01", "is_workday": false, "name": "元旦"}, ...]}
naming every holiday (weekend days inside a holiday run included) and every make-up working day."""


class ScheduleFileSerializer(CalendarYearInputSerializer):
    year = serializers.IntegerField()


class Command(BaseCommand):
    help = "Load (or replace) a year's holiday schedule and recompute the open deadlines it moves.\n\n" + FORMAT

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?", type=Path, help="a JSON schedule")
        source.add_argument("--package", type=int, metavar="YEAR", help="the year as chinesecalendar has it")

    def handle(self, *args, file: Path | None, package: int | None, **options) -> None:
        if package is not None:
            if package not in packaged_years():
                raise CommandError(f"chinesecalendar has no schedule for {package}.")
            year, days, source, confirmed = package, package_schedule(package), package_source(package), True
        else:
            year, days, source, confirmed = self._read(file)
        try:
            load = calendar_year_load(year=year, days=days, source=source, confirmed=confirmed)
        except Invalid as error:
            messages = [message for field_messages in error.fields.values() for message in field_messages]
            raise CommandError("\n".join(messages)) from error
        self.stdout.write(
            f"{year}: {len(days)} named days loaded as calendar version {load.calendar_year.version}; "
            f"{len(load.moved)} open deadlines moved."
        )
        for move in load.moved:
            self.stdout.write(
                f"  deadline {move.deadline.pk} ({move.deadline.step}): {move.old_due_on} → {move.new_due_on}"
            )

    def _read(self, file: Path) -> tuple[int, list[SpecialDay], str, bool]:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        body = ScheduleFileSerializer(data=data)
        if not body.is_valid():
            raise CommandError(f"{file}: {json.dumps(body.errors, ensure_ascii=False)}\n\n{FORMAT}")
        values = body.validated_data
        days = [SpecialDay(day["date"], day["is_workday"], day["name"]) for day in values["days"]]
        return values["year"], days, values["source"], values["confirmed"]
