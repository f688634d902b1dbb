"""The registry in the admin. Records change only through the services (their state machine and
history), so the admin shows them read-only with their full history."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from repairflow.core.admin import ReadOnlyAdmin
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    CreditRecord,
    CreditSubject,
    Department,
    QueryLog,
    RecordImport,
    UpstreamChange,
    User,
)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(CreditSubject)
class CreditSubjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "subject_type", "identifier", "bankruptcy_started_on", "bankruptcy_ended_on")
    list_filter = ("subject_type",)
    search_fields = ("name", "identifier", "bankruptcy_source")
    fieldsets = (
        (None, {"fields": ("subject_type", "identifier", "name")}),
        (
            _("Bankruptcy (repair is refused while it lasts: local practice)"),
            {"fields": ("bankruptcy_started_on", "bankruptcy_source", "bankruptcy_ended_on")},
        ),
    )


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("decision_no", "title", "subject", "department", "category", "severity", "state", "under_objection")
    list_filter = ("state", "category", "severity", "under_objection", "department", "rule_set")
    search_fields = ("decision_no", "title", "subject__name", "subject__identifier")
    date_hierarchy = "decision_date"
    list_select_related = ("subject", "department")


@admin.register(UpstreamChange)
class UpstreamChangeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("record", "kind", "decided_on", "document", "status", "outcome", "reported_on", "done_on")
    list_filter = ("kind", "status", "outcome")
    search_fields = ("document", "record__decision_no")
    list_select_related = ("record",)


@admin.register(QueryLog)
class QueryLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "department", "kind", "purpose")
    list_filter = ("kind", "department")
    search_fields = ("purpose", "user__username")


@admin.register(AdministrativeMatter)
class AdministrativeMatterAdmin(SimpleHistoryAdmin):
    """The departments' lists of matters in which a credit check is made (逢办必查), kept by the
    office: a matter is deactivated, never deleted."""

    list_display = ("department", "code", "name", "kind", "active")
    list_filter = ("active", "kind", "department")
    search_fields = ("code", "name", "department__code", "department__name")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)

    def get_readonly_fields(self, request, obj=None):
        return ("department",) if obj is not None else ()  # a matter stays on its department's list

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivated, never deleted (records.models.MatterNotDeletable)


@admin.register(CreditCheck)
class CreditCheckAdmin(ReadOnlyAdmin):
    list_display = ("checked_at", "subject_identifier", "matter", "department", "has_active_negative")
    list_filter = ("has_active_negative", "department")
    search_fields = ("subject_identifier", "matter")
    list_select_related = ("department",)


@admin.register(RecordImport)
class RecordImportAdmin(ReadOnlyAdmin):
    list_display = (
        "imported_at",
        "file_name",
        "imported_by",
        "department",
        "file_format",
        "created",
        "updated",
        "unchanged",
        "invalid",
    )
    list_filter = ("file_format", "department")
    search_fields = ("file_name", "sha256", "imported_by__username")
    date_hierarchy = "imported_at"
    list_select_related = ("imported_by", "department")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ("username", "role", "department", "credit_subject", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Role"), {"fields": ("role", "department", "credit_subject", "is_unit_head", "mobile", "api_token_hours")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role"), {"fields": ("role", "department", "credit_subject", "is_unit_head", "mobile")}),
    )
    autocomplete_fields = ("department", "credit_subject")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # accounts are deactivated, never deleted (records.models.AccountNotDeletable)
