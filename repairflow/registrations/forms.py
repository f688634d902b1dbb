"""The registration pages' forms: the API's fields, checked by the same services (their refusals
are shown beside the fields they name)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.core.identifiers import SubjectType
from repairflow.registrations.held import KEPT_FIELD
from repairflow.registrations.models import HeldProof
from repairflow.registrations.services import CODE_DIGITS

KEPT_GONE = _("The file kept for you is no longer held: choose it again.")


class PhoneForm(forms.Form):
    required_css_class = "required"

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("A code to confirm it is sent to this number by SMS."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class RegistrationForm(forms.Form):
    required_css_class = "required"

    subject_type = forms.ChoiceField(label=_("Subject type"), choices=SubjectType.choices)
    subject_name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("The enterprise's registered name, or the person's name.")
    )
    subject_id = forms.CharField(
        label=_("Identifier"),
        max_length=32,
        help_text=_("The unified social credit code, or the resident identity card number."),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    phone_code = forms.CharField(
        label=_("Code received by SMS"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": CODE_DIGITS + 2}
        ),
    )
    email = forms.EmailField(
        label=_("E-mail address"), required=False, help_text=_("Optional: the decision is also sent here.")
    )
    username = forms.CharField(
        label=_("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Not shown again if the form comes back with an error: type it again."),
    )
    proof = forms.FileField(
        label=_("Proof"),
        help_text=_("The business licence or the identity card: PDF, JPEG, PNG or OFD, at most %(limit)s."),
    )

    def __init__(self, *args, limit: str, kept: HeldProof | None = None, **kwargs):
        """`kept`: the proof held for this visitor that the form names in `proof_kept`
        (registrations/held.py), sent when no new file is chosen."""
        super().__init__(*args, **kwargs)
        self.fields["proof"].help_text = self.fields["proof"].help_text % {"limit": limit}
        self.kept = kept
        self.kept_named = bool(self.data.get(KEPT_FIELD))
        if self.kept_named:
            self.fields["proof"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if self.kept_named and self.kept is None and not cleaned_data.get("proof") and "proof" not in self.errors:
            self.add_error("proof", KEPT_GONE)
        return cleaned_data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The subject is told this reason by SMS (and e-mail)."),
    )
