from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import IdempotencyKey, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "department", "credit_subject", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Role"), {"fields": ("role", "department", "credit_subject")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Role"), {"fields": ("role", "department", "credit_subject")}),)
    autocomplete_fields = ("department", "credit_subject")


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "response_status", "created_at")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]
