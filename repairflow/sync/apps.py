from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "repairflow.sync"
    label = "sync"
    verbose_name = _("Push-back to platforms")

    def ready(self) -> None:
        from repairflow.cases.services import register_publication_condition
        from repairflow.records.services import register_record_change_listener
        from repairflow.sync.notices import register_messages
        from repairflow.sync.selectors import case_propagated
        from repairflow.sync.services import outbox_records_changed

        register_record_change_listener(outbox_records_changed)
        # A case is published once every required platform has acknowledged what it changed.
        register_publication_condition("platforms_acknowledged", case_propagated)
        register_messages()
