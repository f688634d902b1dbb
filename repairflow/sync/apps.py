from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "repairflow.sync"
    label = "sync"
    verbose_name = _("Push-back to platforms")

    def ready(self) -> None:
        from django.core import checks

        from repairflow.sync.checks import check_allowed_networks
        from repairflow.sync.messages import register_messages

        checks.register(check_allowed_networks)
        register_messages()
