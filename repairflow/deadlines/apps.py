from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "repairflow.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        from django.core import checks

        from repairflow.deadlines.checks import check_profile
        from repairflow.deadlines.messages import register_messages

        checks.register(check_profile)
        register_messages()
