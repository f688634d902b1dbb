from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    name = "repairflow.repair"
    label = "repair"
    verbose_name = _("Credit repair")

    def ready(self) -> None:
        from repairflow.deadlines.policy import Step
        from repairflow.deadlines.services import register_lapse
        from repairflow.portal.api import register_public_case
        from repairflow.repair.models import RepairApplication
        from repairflow.repair.notices import register_messages
        from repairflow.repair.services import repair_lapse

        register_public_case(RepairApplication, kind="repair", answer_steps=[Step.REPAIR_ANSWER])
        register_lapse(RepairApplication, repair_lapse)
        register_messages()
