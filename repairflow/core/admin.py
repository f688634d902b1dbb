from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import ApiToken, Attachment, IdempotencyKey


class ReadOnlyAdmin(admin.ModelAdmin):
    """For what changes only through services (with its history): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    search_fields = ("name", "sha256", "uploaded_by__username")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Who holds a token and until when; the token itself is nowhere (only its digest is kept,
    and not shown). A token can be revoked here."""

    list_display = ("user", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username",)
    exclude = ("digest",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
