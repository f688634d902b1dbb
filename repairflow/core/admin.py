from django.contrib import admin

from repairflow.core.models import Attachment, IdempotencyKey


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
