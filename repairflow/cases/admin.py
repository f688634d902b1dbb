"""The case machinery in the admin: numbers, timelines and notices, read-only (they change only
through the case services)."""

from django.contrib import admin

from repairflow.cases.models import CaseSequence, Notice, Transition
from repairflow.core.admin import ReadOnlyAdmin


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
