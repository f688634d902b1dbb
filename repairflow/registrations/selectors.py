"""Who may see registrations: the credit office, and the auditor reading; anyone else is told
there is nothing there (docs/api.md "The credit office")."""

from typing import Any

from django.db.models import QuerySet

from repairflow.core.errors import NotFound
from repairflow.core.permissions import Role
from repairflow.registrations.models import Registration

QUEUE_ROLES = (Role.OFFICE, Role.AUDITOR)


def registrations_visible_to(user: Any) -> QuerySet[Registration]:
    if getattr(user, "role", None) not in QUEUE_ROLES:
        raise NotFound
    return Registration.objects.select_related("decided_by", "account")
