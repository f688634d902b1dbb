"""`prepare`: what runs before the processes start, at every deploy (docs/deployment.md): the
database migrated (the cache table among it: core migration 0010), and with `--demo` the demo
data loaded (idempotent). One process for both, so that Django starts once (`make run`)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database; with --demo, also load the demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also load the demo data (seed_demo).")

    def handle(self, *args, demo: bool = False, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"], stdout=self.stdout)
        if demo:
            call_command("seed_demo", stdout=self.stdout)
