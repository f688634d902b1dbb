from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from repairflow.core.admin import ReadOnlyAdmin
from repairflow.deadlines.models import Deadline


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Clocks change only through the case services and the sweep; here they are read with their history."""

    list_display = ("__str__", "case_type", "case_id", "owner", "department", "started_on", "due_on", "status")
    list_filter = ("status", "step", "owner", "provisional", "department")
    date_hierarchy = "due_on"
    list_select_related = ("case_type", "department")
