"""Objections in the admin, read-only with their history: they change only through their
services (the pages and the API), so that every change has its transition, clocks and notices."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from repairflow.core.admin import ReadOnlyAdmin
from repairflow.objections.models import Objection, Verification


class VerificationInline(admin.TabularInline):
    model = Verification
    fields = ("department", "leads", "forwarded_on", "replied_at", "replied_by", "outcome", "explanation")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("number", "state", "subject", "record", "received_on", "outcome")
    list_filter = ("state", "outcome", "decided_in_office")
    search_fields = ("number", "subject__name", "subject__identifier", "record__decision_no")
    date_hierarchy = "received_on"
    list_select_related = ("subject", "record")
    inlines = [VerificationInline]
