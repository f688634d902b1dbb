"""Repair applications and bans in the admin, read-only with their history: they change only
through their services (the pages and the API), so that every change has its transition, clocks,
record change and notices. The office sees here which eligibility rules an application failed,
its materials, and the bans in force."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from repairflow.core.admin import ReadOnlyAdmin
from repairflow.repair.eligibility import RuleResult
from repairflow.repair.models import RepairApplication, RepairBan, RepairMaterial

PASSED, FAILED = "✓", "✗"


class RepairMaterialInline(admin.TabularInline):
    model = RepairMaterial
    fields = ("kind", "attachment", "issued_on", "added_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("number", "state", "subject", "record", "received_on", "eligible", "department", "repaired_on")
    list_filter = ("state", "eligible", "eligibility_rule_set", "department")
    search_fields = ("number", "subject__name", "subject__identifier", "record__decision_no")
    date_hierarchy = "received_on"
    list_select_related = ("subject", "record", "department")
    exclude = ("eligibility",)
    readonly_fields = ("eligibility_results",)
    inlines = [RepairMaterialInline]

    @admin.display(description=_("eligibility rules"))
    def eligibility_results(self, application: RepairApplication) -> str:
        """Each rule's result in the reader's language, the failed ones marked."""
        results = map(RuleResult.from_json, application.eligibility)
        items = format_html_join(
            "", "<li>{} {}</li>", ((PASSED if result.passed else FAILED, result.detail) for result in results)
        )
        return (
            format_html('<ul style="margin: 0; padding: 0">{}</ul>', items) if items else self.get_empty_value_display()
        )


@admin.register(RepairBan)
class RepairBanAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("subject", "starts_on", "ends_on", "in_force", "application", "created_by")
    search_fields = ("subject__name", "subject__identifier", "application__number", "reason")
    date_hierarchy = "starts_on"
    list_select_related = ("subject", "application", "created_by")

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, ban: RepairBan) -> bool:
        return ban.starts_on <= timezone.localdate() <= ban.ends_on
