from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import Attachment, CaseSequence, IdempotencyKey, Notice, Transition, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """For what changes only through services (with its history): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "department", "credit_subject", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Role"), {"fields": ("role", "department", "credit_subject", "is_unit_head", "mobile")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role"), {"fields": ("role", "department", "credit_subject", "is_unit_head", "mobile")}),
    )
    autocomplete_fields = ("department", "credit_subject")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    search_fields = ("name", "sha256", "uploaded_by__username")


@admin.register(CaseSequence)
class CaseSequenceAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "year", "last_number")


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("at", "case_type", "case_id", "action", "source", "target", "actor")
    list_filter = ("case_type", "action")
    search_fields = ("comment", "actor__username")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("issued_at", "case_type", "case_id", "kind", "size", "sha256")
    list_filter = ("case_type", "kind")
    exclude = ("content",)
