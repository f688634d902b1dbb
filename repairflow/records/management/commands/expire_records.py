"""End the publication of every record whose maximum period has passed, as the beat task does."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from repairflow.records.services import records_expire


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Expire every published or suspended record whose maximum publication period (provincial cap "
        "included) ended before the day, each with a history row. Beat runs the same sweep "
        "(repairflow.records.tasks.expire_records)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="day",
            type=_day,
            metavar="YYYY-MM-DD",
            help="sweep as on this day (default: today); a day after today is refused, it would end publication early",
        )

    def handle(self, *args, day: date | None, **options) -> None:
        today = timezone.localdate()
        day = day or today
        if day > today:
            raise CommandError(f"--date {day} is after today ({today}): records are never expired early.")
        report = records_expire(today=day)
        self.stdout.write(
            f"{day}: {len(report.expired)} records expired, {len(report.skipped)} skipped "
            f"(changed or locked meanwhile), {len(report.failed)} failed."
        )
        if report.failed:
            ids = ", ".join(str(pk) for pk in report.failed)
            raise CommandError(f"{len(report.failed)} records could not expire (see the log): {ids}")
