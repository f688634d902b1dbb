from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "repairflow.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from repairflow.registrations.messages import register_messages

        register_messages()
