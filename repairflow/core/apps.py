from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "repairflow.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from repairflow.core.sessions import end_session_in_time

        user_logged_in.connect(end_session_in_time, dispatch_uid="repairflow.core.sessions")


class OfficeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, its site the office's (core/sites.py)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "repairflow.core.sites.OfficeAdminSite"
