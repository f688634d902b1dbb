"""The forms of the public pages. A form only gives the input its shape; the rules are the API's
(its serializers and the selectors), so that a page and an API client are answered alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.records.models import Department
from repairflow.records.publication import Category


class UnechoedInput(forms.TextInput):
    """A text box never filled in again with what was typed: a natural person's ID number is not
    written back into a public page (the page holds none: tests/portal/test_public_records.py)."""

    def format_value(self, value):
        return None


class ProgressQueryForm(forms.Form):
    """The progress query: the case number and the subject's identifier, both needed."""

    number = forms.CharField(
        label=_("Case number"), max_length=12, widget=forms.TextInput(attrs={"placeholder": "YY2026000123"})
    )
    subject_id = forms.CharField(
        label=_("Unified social credit code or ID number"),
        max_length=32,
        widget=UnechoedInput(attrs={"autocomplete": "off"}),
    )


class PublicRecordsForm(forms.Form):
    """The public search: a name (part of an enterprise's, or a person's whole name), an
    identifier, and the category and the department (shown by name)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Part of an enterprise's name; a natural person's whole name, with the ID number."),
    )
    subject_id = forms.CharField(
        label=_("Unified social credit code or ID number"),
        required=False,
        max_length=32,
        widget=UnechoedInput(attrs={"autocomplete": "off"}),
        help_text=_("A natural person's records are found only by the ID number together with the whole name."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *Category.choices]
        self.fields["department"].choices = [
            ("", _("All")),
            *Department.objects.order_by("name").values_list("code", "name"),
        ]
