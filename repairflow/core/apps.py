from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def append_only_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from repairflow.core.audit import append_only_triggers_install

    append_only_triggers_install(using)


class CoreConfig(AppConfig):
    name = "repairflow.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(append_only_triggers, sender=self, dispatch_uid="append_only_triggers")
