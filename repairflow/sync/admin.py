"""Push-back in the admin: subscriptions are edited here (the secret is written, never shown),
its URL checked as at its creation through the API (`addresses.validate_webhook_url`), and it is
saved through `subscription_save` so that retiring a platform or no longer requiring it releases
the cases that waited for it; events and deliveries are read-only, each delivery with its tries."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from repairflow.cases.kinds import case_kind_named
from repairflow.core.admin import ReadOnlyAdmin
from repairflow.records.models import Delivery, RecordEvent, Subscription, validate_secret
from repairflow.sync.addresses import validate_webhook_url
from repairflow.sync.models import DeliveryAttempt
from repairflow.sync.services import subscription_save

SECRET_KEPT = _("Leave empty to keep the current secret; it is never shown.")


class SubscriptionForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("secret"), widget=forms.PasswordInput(render_value=False), required=False, strip=False
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "secret", "events", "required", "active", "paused"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["secret"].help_text = SECRET_KEPT
        else:
            self.fields["secret"].required = True

    def clean_url(self) -> str:
        """A new address (or a changed one) must resolve to public addresses only, or allowed ones
        (`addresses.validate_webhook_url`); an unchanged one is not resolved again here: every
        delivery checks it anyway."""
        url = self.cleaned_data["url"]
        if not self.instance.pk or url != self.initial.get("url"):
            validate_webhook_url(url)
        return url

    def clean_secret(self) -> str:
        secret = self.cleaned_data["secret"]
        if not secret and self.instance.pk:
            return self.instance.secret
        validate_secret(secret)
        return secret


@admin.register(Subscription)
class SubscriptionAdmin(SimpleHistoryAdmin):
    form = SubscriptionForm
    list_display = ("name", "url", "active", "paused", "required", "created_at")
    list_filter = ("active", "paused", "required")
    search_fields = ("name", "url")

    def has_delete_permission(self, request, obj=None):
        """A platform with deliveries is retired (`active` off), not deleted: its ledger stays."""
        return False

    def save_model(self, request, obj, form, change):
        subscription_save(actor=request.user, subscription=obj)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "status_code", "error", "response_excerpt", "duration_ms", "outcome")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("id", "event", "subscription", "status", "attempts", "next_try_at", "acknowledged_at")
    list_filter = ("status", "subscription")
    search_fields = ("event__uuid", "event__case_number", "record__decision_no")
    list_select_related = ("event", "subscription")
    raw_id_fields = ("event", "record")
    inlines = [DeliveryAttemptInline]


@admin.register(RecordEvent)
class RecordEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "type", "record", "kind_of_case", "case_number", "uuid")
    list_filter = ("type", "case_kind")
    search_fields = ("uuid", "case_number", "record__decision_no")
    date_hierarchy = "occurred_at"
    list_select_related = ("record",)

    @admin.display(description=_("case kind"), ordering="case_kind")
    def kind_of_case(self, event: RecordEvent) -> str:
        """The kind of the case behind the change, as its model names itself (异议, 信用修复申请)."""
        return capfirst(case_kind_named(event.case_kind).model._meta.verbose_name) if event.case_kind else ""
