from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "repairflow.objections"
    label = "objections"
    verbose_name = _("Objections")
