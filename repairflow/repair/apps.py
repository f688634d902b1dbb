from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repairflow.repair"
    label = "repair"
    verbose_name = _("Credit repair")

    def ready(self) -> None:
        from repairflow.cases.kinds import case_kind_register
        from repairflow.repair.messages import register_messages
        from repairflow.repair.services import REPAIRS

        case_kind_register(REPAIRS)
        register_messages()
