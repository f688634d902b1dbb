from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "repairflow.sync"
    label = "sync"
    verbose_name = _("Push-back to platforms")

    def ready(self) -> None:
        from repairflow.sync.messages import register_messages

        register_messages()
