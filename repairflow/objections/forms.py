"""The forms of the objection pages. They only give the input its shape (checkboxes, choices,
files); the rules are the API's (api.ObjectionCreateSerializer, api.objection_act and the
services), so that a page and an API client are refused for the same reasons in the same words."""

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from repairflow.core.models import Attachment
from repairflow.objections.models import Ground, Objection, Outcome
from repairflow.records.models import Department
from repairflow.records.publication import Category, Severity

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"
UNCHANGED = ("", _("— unchanged —"))
NO_SEVERITY = "none"
# The record's fields a correction may change (records.serializers.RecordCorrectionSerializer).
CORRECTABLE = ("title", "content", "decision_no", "decision_date", "category", "severity")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (each is checked by core.services.attachment_upload afterwards)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class KeptAttachmentsField(forms.ModelMultipleChoiceField):
    """Files the user already uploaded with an earlier try of the same form: kept (ticked) so
    that a refusal never makes them upload again."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("queryset", Attachment.objects.none())
        super().__init__(*args, **kwargs)

    def label_from_instance(self, attachment: Attachment) -> str:
        return f"{attachment.name} ({filesizeformat(attachment.size)})"


def _text(label: Any, *, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows, "cols": 60})
    )


class FieldGroups:
    """How the templates lay a form out: its fields, then the corrected fields apart."""

    def plain_fields(self) -> list:
        return [
            self[name]
            for name in self.fields
            if not name.startswith("corrected_") and not (name == "attachments" and not self.fields[name].queryset)
        ]

    def correction_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("corrected_")]


class FilesMixin:
    """A form with new files (`files`) and the ones already uploaded (`attachments`)."""

    def _attachments_for(self, user: Any) -> None:
        field = self.fields["attachments"]
        submitted = self.data.getlist("attachments") if self.is_bound and hasattr(self.data, "getlist") else []
        ids = [value for value in submitted if str(value).isdigit()]
        field.queryset = Attachment.objects.filter(uploaded_by=user, pk__in=ids) if ids else Attachment.objects.none()


class ObjectionForm(FieldGroups, FilesMixin, forms.Form):
    """A subject's objection to one of its records (or the office's, on the subject's behalf)."""

    grounds = forms.MultipleChoiceField(
        label=_("Grounds"), choices=Ground.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    statement = _text(_("What is wrong with the record"), rows=6)
    requested_change = _text(_("What should be changed"), rows=3)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    files = MultipleFileField(label=_("Evidence (PDF, JPEG, PNG or OFD)"))
    attachments = KeptAttachmentsField(label=_("Files already uploaded"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._attachments_for(user)

    def api_data(self, attachment_ids: list[int]) -> dict:
        data = self.cleaned_data
        return {
            "grounds": data["grounds"],
            "statement": data["statement"],
            "requested_change": data["requested_change"],
            "contact_phone": data["contact_phone"],
            "attachments": attachment_ids,
        }


# --- One form per action (design/api.md "Objections", the table of actions) --------------------


class ActionForm(FieldGroups, forms.Form):
    """The body of one action. `api_data` gives it in the shape `api.objection_act` expects."""

    action = ""
    label: Any = ""
    has_files = False

    def __init__(self, *args: Any, objection: Objection, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")  # several forms on one page
        super().__init__(*args, **kwargs)
        self.objection = objection
        self.user = user
        if self.has_files:
            self._attachments_for(user)

    def api_data(self, attachment_ids: list[int]) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name not in ("files", "attachments")}
        if self.has_files:
            data["attachments"] = attachment_ids
        return data


class CommentForm(ActionForm):
    comment = _text(_("Comment (optional)"), rows=2)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"))


class AcceptForm(CommentForm):
    action, label = "accept", _("Accept")


class ConfirmForm(CommentForm):
    action, label = "confirm", _("Confirm the reply and apply the outcome to the record")


class RejectForm(ReasonForm):
    action, label = "reject", _("Reject (not accepted)")


class ReturnForm(ReasonForm):
    action, label = "return", _("Return the reply for verification again")


class WithdrawForm(ActionForm):
    action, label = "withdraw", _("Withdraw the objection")
    reason = _text(_("Reason (optional)"), rows=2)


class RequestSupplementForm(ActionForm):
    action, label = "request-supplement", _("Ask the subject for a supplement")
    missing = _text(_("What is missing"))


class SupplementForm(FilesMixin, ActionForm):
    action, label, has_files = "supplement", _("Supplement the objection"), True
    statement = _text(_("Supplementary statement"), rows=4)
    files = MultipleFileField(label=_("Evidence (PDF, JPEG, PNG or OFD)"))
    attachments = KeptAttachmentsField(label=_("Files already uploaded"))


class ForwardForm(ActionForm):
    action, label = "forward", _("Forward to departments for verification")
    departments = forms.MultipleChoiceField(label=_("Departments"), required=False, widget=forms.CheckboxSelectMultiple)
    comment = _text(_("Comment (optional)"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        field.choices = [(d.code, f"{d.code} {d.name}") for d in Department.objects.order_by("code")]
        field.initial = [self.objection.record.department.code]


class OutcomeForm(ActionForm):
    """An outcome with its explanation and, for a correction or a supplement, the corrected
    fields: only the ones filled in are sent."""

    action, label = "decide-in-office", _("Decide within the office's own scope")
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices])
    explanation = _text(_("Explanation"), rows=4)
    corrected_title = forms.CharField(label=_("Title"), required=False, max_length=200)
    corrected_content = _text(_("Content"), rows=3)
    corrected_decision_no = forms.CharField(label=_("Decision number"), required=False, max_length=100)
    corrected_decision_date = forms.CharField(
        label=_("Decision date"), required=False, max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    corrected_category = forms.ChoiceField(label=_("Category"), required=False, choices=[UNCHANGED, *Category.choices])
    corrected_severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[UNCHANGED, (NO_SEVERITY, _("None (not negative information)")), *Severity.choices],
    )

    def corrected_fields(self) -> dict:
        corrected = {}
        for name in CORRECTABLE:
            value = self.cleaned_data.get(f"corrected_{name}")
            if value in ("", None):
                continue
            corrected[name] = None if name == "severity" and value == NO_SEVERITY else value
        return corrected

    def corrected_field_names(self) -> list[str]:
        return [f"corrected_{name}" for name in CORRECTABLE]

    def api_data(self, attachment_ids: list[int]) -> dict:
        data = {
            "outcome": self.cleaned_data["outcome"],
            "explanation": self.cleaned_data["explanation"],
            "corrected_fields": self.corrected_fields(),
        }
        if self.has_files:
            data["attachments"] = attachment_ids
        return data


class ReplyForm(FilesMixin, OutcomeForm):
    action, label, has_files = "reply", _("Reply with the outcome of the verification"), True
    files = MultipleFileField(label=_("Evidence (PDF, JPEG, PNG or OFD)"))
    attachments = KeptAttachmentsField(label=_("Files already uploaded"))


class ClockForm(ActionForm):
    """An action on the departments' verification clocks: all of them, or one department's."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    reason = _text(_("Reason"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        routed = self.objection.verifications.select_related("department").order_by("department__code")
        self.fields["department"].choices = [
            ("", _("Every department it was forwarded to")),
            *((v.department.code, f"{v.department.code} {v.department.name}") for v in routed),
        ]


class ExtendForm(ClockForm):
    action, label = "extend", _("Extend the verification")
    days = forms.IntegerField(label=_("Working days to add"), required=False, min_value=1, max_value=60)
    field_order = ["days", "department", "reason"]

    def api_data(self, attachment_ids: list[int]) -> dict:
        data = super().api_data(attachment_ids)
        if data.get("days") is None:
            data.pop("days", None)  # the API names the missing field
        return data


class PauseForm(ClockForm):
    action, label = "pause", _("Pause the verification (testing, inspection, appraisal, expert review)")


class ResumeForm(ClockForm):
    action, label = "resume", _("Resume the verification")


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        RejectForm,
        RequestSupplementForm,
        SupplementForm,
        ForwardForm,
        OutcomeForm,
        ReplyForm,
        ExtendForm,
        PauseForm,
        ResumeForm,
        ReturnForm,
        ConfirmForm,
        WithdrawForm,
    )
}
