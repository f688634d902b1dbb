from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
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
        from repairflow.core import checks  # noqa: F401 - registers the system checks
        from repairflow.core.logs import forget_request_id
        from repairflow.core.sessions import end_session_in_time

        post_migrate.connect(append_only_triggers, sender=self, dispatch_uid="append_only_triggers")
        user_logged_in.connect(end_session_in_time, dispatch_uid="repairflow.core.sessions")
        request_finished.connect(forget_request_id, dispatch_uid="repairflow.core.logs")


class OfficeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, its site the office's (core/sites.py)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "repairflow.core.sites.OfficeAdminSite"
