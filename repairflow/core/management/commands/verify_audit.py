"""Walk the hash chain of every append-only table (the Transition log, the query log, every history
table: repairflow/core/audit.py) and name the first broken link of each. Exits 1 when one is broken.

python manage.py verify_audit
"""

from django.core.management.base import BaseCommand, CommandError

from repairflow.core.audit import chain_verify, chained_models


class Command(BaseCommand):
    help = "Check that no row of an append-only table was changed, deleted or moved: walk each hash chain."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="the database to check (default: default)")

    def handle(self, *args, **options):
        broken = []
        for model in chained_models():
            link = chain_verify(model, using=options["database"])
            if link is None:
                self.stdout.write(f"ok      {model._meta.db_table}")
            else:
                broken.append(link)
                self.stdout.write(f"BROKEN  {link}")
        if broken:
            raise CommandError(f"{len(broken)} of {len(chained_models())} chains are broken; the first links above")
        self.stdout.write(self.style.SUCCESS(f"{len(chained_models())} chains verified"))
