"""Import a CSV or XLSX file of records as a department's system does through
`POST /api/v1/records/import/`, and print the kept report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import DomainError, Invalid
from repairflow.records.models import RecordImport, User
from repairflow.records.services import records_import_file

NO_SUCH_USER = _("No user is named %(username)s.")
IMPORT_SUMMARY = _(
    "Import #%(number)d of %(name)s (%(format)s%(encoding)s, %(rows)d rows): %(created)d created, "
    "%(updated)d updated, %(unchanged)d unchanged, %(invalid)d invalid."
)
COLUMNS_IGNORED = _("Columns ignored (unknown): %(columns)s")
LINE_REFUSED = _("line %(line)d: %(reasons)s")


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8 or GB18030/GBK) or XLSX file of records whose first line names the columns, "
        "as the user (a department or office account); print the report, which is kept. Exits with "
        "status 1 when the file is refused (nothing is imported then)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="the importing department or office user")

    def handle(self, *args, file: Path, user: str, **options) -> None:
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(NO_SUCH_USER % {"username": user})
        try:
            with file.open("rb") as content:
                kept = records_import_file(actor=actor, file=content, name=file.name)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from error
        except Invalid as error:
            messages = error.fields.get("file") or [message for field in error.fields.values() for message in field]
            raise CommandError(f"{file}: {' '.join(messages)}") from error
        except DomainError as error:
            raise CommandError(f"{file}: {error}") from error
        self.report(kept)

    def report(self, kept: RecordImport) -> None:
        self.stdout.write(
            IMPORT_SUMMARY
            % {
                "number": kept.pk,
                "name": kept.file_name,
                "format": kept.get_file_format_display(),
                "encoding": f" {kept.encoding}" if kept.encoding else "",
                "rows": kept.rows,
                "created": kept.created,
                "updated": kept.updated,
                "unchanged": kept.unchanged,
                "invalid": kept.invalid,
            }
        )
        if kept.unknown_columns:
            self.stdout.write(COLUMNS_IGNORED % {"columns": ", ".join(kept.unknown_columns)})
        for error in kept.errors:
            reasons = "; ".join(
                f"{field}: {' '.join(messages)}" if field != "non_field_errors" else " ".join(messages)
                for field, messages in error["fields"].items()
            )
            self.stdout.write(LINE_REFUSED % {"line": error["line"], "reasons": reasons})
