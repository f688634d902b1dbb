"""The legal clock in the admin: the clocks, read-only with their history, and the calendar years,
which the office can correct or load here. Saving a year checks the schedule like every other
door, bumps the calendar version and recomputes the open deadlines it touches."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import schedule_errors
from repairflow.calendar.services import calendar_year_save
from repairflow.calendar.workdays import SpecialDay
from repairflow.core.admin import ReadOnlyAdmin
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.services import deadlines_recompute


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Clocks change only through the case services and the sweep; here they are read with their history."""

    list_display = ("__str__", "case_type", "case_id", "owner", "department", "started_on", "due_on", "status")
    list_filter = ("status", "step", "owner", "provisional", "department")
    date_hierarchy = "due_on"
    list_select_related = ("case_type", "department")


class ScheduleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        days = [
            SpecialDay(form.cleaned_data["date"], form.cleaned_data.get("is_workday", False), form.cleaned_data["name"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("date")
        ]
        errors = schedule_errors(self.instance.year, days) if self.instance.year else []
        if errors:
            raise ValidationError(errors)


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = ScheduleFormSet
    extra = 0
    fields = ("date", "is_workday", "name")


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "confirmed", "version", "source", "loaded_at")
    list_filter = ("confirmed",)
    fields = ("year", "confirmed", "source", "version", "loaded_at")
    readonly_fields = ("version", "loaded_at")
    inlines = [CalendarDayInline]

    def has_delete_permission(self, request, obj=None):
        """A year's schedule is replaced, never removed: deadlines were computed with it."""
        return False

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "year") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        request.calendar_reason = calendar_year_save(calendar_year=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        moved = deadlines_recompute(years=[form.instance.year], actor=request.user, reason=request.calendar_reason)
        count = len(moved)
        message = ngettext(
            "%(count)d open deadline moved with this schedule.",
            "%(count)d open deadlines moved with this schedule.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS if not count else messages.WARNING)
