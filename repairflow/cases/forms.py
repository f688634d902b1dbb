"""What the forms of every kind of case share (objections, repair applications): files and the
attachments already uploaded, the layout the templates follow, and the bodies of the actions
both kinds take. A form only gives the input its shape; the rules are the API's (the kind's
create serializer, `cases.api.case_action_run` and the services), so that a page and an API client are refused
for the same reasons in the same words."""

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from repairflow.cases.models import RejectionCode
from repairflow.core.models import Attachment

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"
EVIDENCE = _("Evidence (PDF, JPEG, PNG or OFD)")
ALREADY_UPLOADED = _("Files already uploaded")
# The field of an action's second step: the user has seen what the action does and confirms it.
CONFIRMED = "confirmed"


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
        kwargs.setdefault("label", ALREADY_UPLOADED)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, attachment: Attachment) -> str:
        return f"{attachment.name} ({filesizeformat(attachment.size)})"


def text_field(label: Any, *, rows: int = 3, help_text: Any = "") -> forms.CharField:
    """An optional text: when the API needs it, the API says so (in its own words)."""
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows, "cols": 60})
    )


class CaseForm(forms.Form):
    """A form of the case pages.

    - `file_groups`: pairs of (new files, attachments already uploaded) field names; the page
      uploads the new files and, should the form be shown again, offers them ticked in the
      second field (`rebound`).
    - `fieldsets`: field name prefixes shown together under a legend (`sections`).
    - `error_field`: the field a refusal's message belongs next to, by the API's field path.
    """

    file_groups: tuple[tuple[str, str], ...] = ()
    fieldsets: tuple[tuple[str, Any], ...] = ()
    # The fields the API refuses the body without: marked as required (the API's refusal, not the
    # form's, says so when one is left empty, in the API's words).
    required_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.required_fields:
            self.fields[name].widget.attrs["aria-required"] = "true"
        self.bound_with: dict[str, Any] = {"user": user}
        for _files, kept in self.file_groups:
            self._kept_for(kept, user)

    def _kept_for(self, name: str, user: Any) -> None:
        field = self.fields[name]
        submitted = self.data.getlist(name) if self.is_bound and hasattr(self.data, "getlist") else []
        ids = [value for value in submitted if str(value).isdigit()]
        field.queryset = Attachment.objects.filter(uploaded_by=user, pk__in=ids) if ids else Attachment.objects.none()

    def rebound(self, attachments: dict[str, list[int]]) -> "CaseForm":
        """The same form, its files now uploaded: offered again (ticked) instead of lost."""
        data = self.data.copy()
        for name, ids in attachments.items():
            data.setlist(name, [str(pk) for pk in ids])
        rebound = type(self)(data, **self.bound_with)
        rebound.is_valid()
        return rebound

    def _legend(self, name: str) -> Any:
        return next((legend for prefix, legend in self.fieldsets if name.startswith(prefix)), None)

    def sections(self) -> list[tuple[Any, list]]:
        """The fields in order as (legend, fields): consecutive fields of one fieldset together,
        the others with no legend. A kept-files field is left out while it offers nothing, and a
        hidden field always (the template carries `hidden_fields`)."""
        sections: list[tuple[Any, list]] = []
        for name, field in self.fields.items():
            if isinstance(field, KeptAttachmentsField) and not field.queryset or field.widget.is_hidden:
                continue
            legend = self._legend(name)
            if not sections or sections[-1][0] != legend:
                sections.append((legend, []))
            sections[-1][1].append(self[name])
        return sections

    def error_field(self, path: tuple[str, ...]) -> str | None:
        """The field a refusal's message at `path` belongs next to (None: the form as a whole)."""
        if not path:
            return None
        name = path[0]
        if name == "attachments" and "files" in self.fields:
            return "files"
        return name if name in self.fields else None


class FilingForm(CaseForm):
    """What filing any case takes: a statement, evidence and a phone number (a kind adds its own
    fields and names the statement as it asks for it)."""

    file_groups = (("files", "attachments"),)
    required_fields = ("statement",)
    statement = text_field(_("Statement"), rows=6)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    files = MultipleFileField(label=EVIDENCE)
    attachments = KeptAttachmentsField()

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        return {
            "statement": self.cleaned_data["statement"],
            "contact_phone": self.cleaned_data["contact_phone"],
            "attachments": attachments.get("attachments", []),
        }


# --- The actions every kind of case takes (docs/api.md, the tables of actions) ----------------


class ActionForm(CaseForm):
    """The body of one action. `api_data` gives it in the shape the kind's `*_act` expects."""

    action = ""
    label: Any = ""
    destructive = False  # it ends the case or undoes what was done: shown as such
    confirm: Any = None  # the question a second step asks before the action is taken (None: at once)

    def __init__(self, *args: Any, case: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")  # several forms on one page
        self.case = case
        super().__init__(*args, user=user, **kwargs)
        self.bound_with["case"] = case

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        kept = {name for group in self.file_groups for name in group}
        data = {name: value for name, value in self.cleaned_data.items() if name not in kept}
        if self.file_groups:
            data["attachments"] = attachments.get("attachments", [])
        return data

    def check(self, data: dict) -> None:
        """Refuse the body, as the service would, where the API cannot name the field itself."""

    def needs_confirmation(self) -> bool:
        """Whether the action waits for its second step: one that asks (`confirm`), not yet
        confirmed, with what it requires given (else the API's refusal comes first, not a question)."""
        if self.confirm is None or self.data.get(CONFIRMED) == "1":
            return False
        return all(self.cleaned_data.get(name) for name in self.required_fields)


class CommentForm(ActionForm):
    comment = text_field(_("Comment (optional)"), rows=2)


class ReasonForm(ActionForm):
    reason = text_field(_("Reason"))


class OptionalReasonForm(ActionForm):
    reason = text_field(_("Reason (optional)"), rows=2)


class AcceptForm(CommentForm):
    action, label = "accept", _("Accept")


class RejectForm(ReasonForm):
    """不予受理, with a reason; a case found to repeat a closed one may be rejected as such (its
    notice then says what a new case would have to bring)."""

    action, label = "reject", _("Reject (not accepted)")
    required_fields = ("reason",)
    destructive = True
    confirm = _("Reject? The case ends here, and the subject is told why.")

    reason_code = forms.ChoiceField(
        label=_("Reject as"),
        required=False,
        choices=[("", _("— for the reason given —")), *RejectionCode.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case.repeat_of_id is None:
            del self.fields["reason_code"]


class WithdrawForm(OptionalReasonForm):
    """The subject withdraws its case: it ends, and cannot be taken up again."""

    action = "withdraw"
    destructive = True
    confirm = _("Withdraw? The case ends here and cannot be taken up again; a new case would start from the beginning.")


class RequestSupplementForm(ActionForm):
    action, label = "request-supplement", _("Ask the subject for a supplement")
    required_fields = ("missing",)
    missing = text_field(_("What is missing"))


class SupplementForm(ActionForm):
    """The subject's supplement: a statement and more evidence."""

    action = "supplement"
    file_groups = (("files", "attachments"),)
    statement = text_field(_("Supplementary statement"), rows=4)
    files = MultipleFileField(label=EVIDENCE)
    attachments = KeptAttachmentsField()


class ClockForm(ActionForm):
    """An action of the office on the departments' clocks (`extend`, `pause`, `resume`)."""

    reason = text_field(_("Reason"), rows=2)


class ExtendForm(ClockForm):
    days = forms.IntegerField(label=_("Working days to add"), required=False, min_value=1, max_value=60)

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        data = super().api_data(attachments)
        if data.get("days") is None:
            data.pop("days", None)  # the API names the missing field
        return data


# The forms of the actions every kind of case takes with the same body.
SHARED_ACTION_FORMS = (AcceptForm, RejectForm, RequestSupplementForm)


def action_forms(*forms: type[ActionForm]) -> dict[str, type[ActionForm]]:
    """A kind's action forms by the action they take: the shared ones, unless the kind gives
    its own for the action, and the kind's."""
    return {form.action: form for form in (*SHARED_ACTION_FORMS, *forms)}


class FeedbackForm(CaseForm):
    """The subject's feedback on its closed case (`POST …/feedback/`): a rating and a comment.
    The rules (once, after closure, 1 to 5) are the service's."""

    rating = forms.TypedChoiceField(
        label=_("How was your case handled? (1 poor – 5 very good)"),
        choices=[(rating, str(rating)) for rating in range(1, 6)],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = text_field(_("Comment (optional)"), rows=3)

    def api_data(self) -> dict:
        return {"rating": self.cleaned_data["rating"], "comment": self.cleaned_data["comment"]}
