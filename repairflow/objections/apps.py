from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "repairflow.objections"
    label = "objections"
    verbose_name = _("Objections")

    def ready(self) -> None:
        from repairflow.cases.kinds import case_kind_register
        from repairflow.objections.messages import register_messages
        from repairflow.objections.services import OBJECTIONS

        case_kind_register(OBJECTIONS)
        register_messages()
