from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from repairflow.core.errors import Invalid
from repairflow.office.report import monthly_report, report_pdf, report_xlsx


class Command(BaseCommand):
    help = "Write the monthly report to the leading group for a month (YYYY-MM) as XLSX and PDF."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM, e.g. 2026-11")
        parser.add_argument("--output", default=".", help="The folder the two files are written to")

    def handle(self, *args, month: str, output: str, **options):
        today = timezone.localdate()
        try:
            report = monthly_report(month, today=today)
        except Invalid as refusal:
            raise CommandError("; ".join(str(m) for messages in refusal.fields.values() for m in messages)) from None
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, content in (("xlsx", report_xlsx(report)), ("pdf", report_pdf(report, issued_on=today))):
            path = folder / f"repairflow-{report.month}.{suffix}"
            path.write_bytes(content)
            self.stdout.write(str(path))
