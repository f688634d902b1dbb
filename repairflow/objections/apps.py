from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "repairflow.objections"
    label = "objections"
    verbose_name = _("Objections")

    def ready(self) -> None:
        from repairflow.deadlines.policy import Step
        from repairflow.deadlines.services import register_lapse
        from repairflow.objections.models import Objection
        from repairflow.objections.notices import register_messages
        from repairflow.objections.services import objection_lapse
        from repairflow.portal.api import register_public_case

        register_public_case(
            Objection, kind="objection", answer_steps=(Step.OBJECTION_ANSWER, Step.OBJECTION_ANSWER_IN_OFFICE)
        )
        register_lapse(Objection, objection_lapse)
        register_messages()
