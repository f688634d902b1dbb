from django.contrib import admin

from repairflow.core.admin import ReadOnlyAdmin
from repairflow.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "read_at", "emailed_at", "texted_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username",)
    list_select_related = ("recipient",)
