from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import Role

ROLE_NOT_ALLOWED = _("Your role may not do this.")


def require_role(user, *roles: Role) -> None:
    """Refuse (403) unless the user acts in one of `roles`."""
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied(ROLE_NOT_ALLOWED)
