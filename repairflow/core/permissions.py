"""Roles and the check every use-case starts with: who may do this at all."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import Forbidden

ROLE_NOT_ALLOWED = _("Your role may not do this.")


class Role(models.TextChoices):
    """What a user is to repairflow; docs/api.md "Authentication and roles"."""

    SUBJECT = "subject", _("Credit subject")
    DEPARTMENT = "department", _("Source department")
    OFFICE = "office", _("Credit office")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = (Role.DEPARTMENT, Role.OFFICE, Role.AUDITOR)


def require_role(user: Any, *roles: Role) -> None:
    """Refuse (403) unless the user acts in one of `roles`."""
    if getattr(user, "role", None) not in roles:
        raise Forbidden(ROLE_NOT_ALLOWED)
