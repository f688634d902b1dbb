"""The Django admin, for the credit office only: it edits accounts, tokens and reference data
every other role must not touch. An account of any other role is refused (the admin's sign-in
page, and its form refuses to sign one in), even one flagged staff or superuser."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from repairflow.core.permissions import Role


def may_administer(user) -> bool:
    """An active office account flagged as staff."""
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) == Role.OFFICE)


class OfficeAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_administer(user):
            # the admin's own refusal, which says no more than that this is not a staff account
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class OfficeAdminSite(admin.AdminSite):
    """Named as the product is, not as Django's default ("Django administration")."""

    login_form = OfficeAuthenticationForm
    site_header = _("repairflow administration")
    site_title = _("repairflow administration")
    index_title = _("Credit office administration")

    def has_permission(self, request):
        return may_administer(request.user)
