"""`prepare`: what runs before the processes start, at every deploy (docs/deployment.md): the
database migrated, the cache table made (a no-op when the cache is Redis), and with `--demo` the
demo data loaded (idempotent). One process for all of it, so that Django starts once (`make run`)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate the database and make the cache table; with --demo, load the demo data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also load the demo data (seed_demo).")

    def handle(self, *args, demo: bool = False, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"], stdout=self.stdout)
        call_command("createcachetable", stdout=self.stdout)
        if demo:
            call_command("seed_demo", stdout=self.stdout)
