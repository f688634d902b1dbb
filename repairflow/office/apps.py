from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "repairflow.office"
    label = "office"
    verbose_name = _("Credit office desk")

    def ready(self) -> None:
        from repairflow.office.digest import register_messages

        register_messages()
