"""Print a flow's state diagram, generated from its transitions (repairflow/core/diagrams.py).

python manage.py flow_diagram repairflow.objections.flows.ObjectionFlow
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from repairflow.core.diagrams import mermaid_state_diagram


class Command(BaseCommand):
    help = "Print the state diagram (Mermaid stateDiagram-v2) of a viewflow.fsm flow class, read from its transitions."

    def add_arguments(self, parser):
        parser.add_argument("flow", help="the flow class's dotted path: repairflow.objections.flows.ObjectionFlow")
        parser.add_argument("--state", default="state", help="the flow's state attribute (default: state)")

    def handle(self, *args, **options):
        try:
            flow_class = import_string(options["flow"])
        except ImportError as error:
            raise CommandError(f"no flow class at {options['flow']!r}: {error}") from error
        if not isinstance(flow_class, type):
            raise CommandError(f"{options['flow']!r} is not a class")
        try:
            diagram = mermaid_state_diagram(flow_class, options["state"])
        except (TypeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(diagram, ending="")
