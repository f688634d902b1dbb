"""Demo data (`make run` loads it): the registry of `seed_records` (departments, subjects, the
accounts of docs/api.md, about 60 records), then each kind of case's demo, `seed_objections`
and `seed_repairs`: a few cases in different states, and a registration waiting for the office
(`seed_registrations`), each taken there through the same services the pages and the API use.
Every part is idempotent, so this is: a second run creates nothing.

Each app keeps its own demo beside its services; they are called here by name, so that core
imports none of the apps above it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# In this order: the cases are filed on the registry's records.
DEMO_COMMANDS = ("seed_records", "seed_objections", "seed_repairs", "seed_registrations")


class Command(BaseCommand):
    help = "Create the demo registry, accounts, objections, repair applications and a registration (idempotent)."

    def handle(self, *args, **options):
        for name in DEMO_COMMANDS:
            call_command(name, stdout=self.stdout)
