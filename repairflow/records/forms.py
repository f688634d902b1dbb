"""The forms of the registry's pages. A form only gives the input its shape; the rules are the
API's (its serializers and the services), so that a page and an API client are refused for the
same reasons in the same words."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.records.models import STATEMENT_MAX_LENGTH
from repairflow.records.selectors import matters_selectable_by


class CreditCheckForm(forms.Form):
    """A credit check (逢办必查): the subject and a matter of the caller's list."""

    subject_id = forms.CharField(
        label=_("Unified social credit code or ID number"),
        max_length=32,
        widget=forms.TextInput(attrs={"size": 24, "autocomplete": "off"}),
    )
    matter = forms.ChoiceField(label=_("Administrative matter"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matters = matters_selectable_by(user)
        with_department = user.sees_everything
        self.fields["matter"].choices = [
            ("", "—"),
            *[
                (
                    str(matter.pk),
                    f"{matter.department.name} · {matter.code} {matter.name}"
                    if with_department
                    else f"{matter.code} {matter.name}",
                )
                for matter in matters
            ],
        ]


class StatementForm(forms.Form):
    """The subject's statement on its own record; empty removes it (its rule: records/statements.py)."""

    text = forms.CharField(
        label=_("Your statement on this record"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": STATEMENT_MAX_LENGTH}),
        help_text=_(
            "At most 500 characters. It is shown with the record wherever the record is shown, "
            "the public included, and sent to the platforms with it. Save it empty to remove it."
        ),
    )
