from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def last_login_store(sender: Any, user: Any, **kwargs: Any) -> None:
    """A sign-in is not a change of the account: its time is stored without a history row (Django's
    own receiver saves the user, which would write one per sign-in)."""
    user.last_login = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=user.last_login)


class RecordsConfig(AppConfig):
    name = "repairflow.records"
    label = "records"
    verbose_name = _("Credit records")

    def ready(self) -> None:
        from repairflow.records.messages import register_messages

        register_messages()
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_store, dispatch_uid="update_last_login")
