"""The forms of the repair application pages. They only give the input its shape (the commitment
checkbox, a file input per material, dates); the rules are the API's (api.RepairCreateSerializer,
case_action_run, the services and the eligibility rules), so that a page and an API client are
refused for the same reasons in the same words."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from repairflow.cases import forms as case_forms
from repairflow.repair.eligibility import DATED_MATERIALS, RuleResult
from repairflow.repair.models import MaterialKind

# 信用承诺书: what the subject commits to by ticking the box (国家发展改革委令第58号 and 第36号 ask
# for a written commitment with every application).
COMMITMENT_TEXT = _(
    "I commit that the conduct recorded has been corrected and its legal obligations performed; that the "
    "application, the statement and every material given are true, complete and valid; and that I will abide "
    "by the law and keep my word. I know that a false commitment or false materials lead to the repair being "
    "revoked, the record being published again, a ban on new repair applications, and being recorded as "
    "dishonest."
)
MATERIALS = _("Materials")
MATERIAL = "material_"  # the prefix of a material's fields
KEPT = "_kept"
ISSUED_ON = "_issued_on"


def _material_fields() -> dict[str, forms.Field]:
    """For each kind of material: a file input, the files of it already uploaded, and for a
    credit report the day it was issued."""
    fields: dict[str, forms.Field] = {}
    for kind in MaterialKind:
        fields[f"{MATERIAL}{kind.value}"] = case_forms.MultipleFileField(label=kind.label)
        if kind in DATED_MATERIALS:
            fields[f"{MATERIAL}{kind.value}{ISSUED_ON}"] = forms.DateField(
                label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        fields[f"{MATERIAL}{kind.value}{KEPT}"] = case_forms.KeptAttachmentsField()
    return fields


class _Materials(forms.Form):
    """A form with materials: their fields shown together, and the body's `materials`."""

    fieldsets = ((MATERIAL, MATERIALS),)
    material_groups = tuple((f"{MATERIAL}{kind}", f"{MATERIAL}{kind}{KEPT}") for kind in MaterialKind.values)

    def materials(self, attachments: dict[str, list[int]]) -> list[dict]:
        """The body's `materials`: each attachment a group now carries, named by its kind."""
        materials = []
        for kind in MaterialKind.values:
            issued_on = self.cleaned_data.get(f"{MATERIAL}{kind}{ISSUED_ON}")
            for attachment in attachments.get(f"{MATERIAL}{kind}{KEPT}", []):
                materials.append({"kind": kind, "attachment": attachment, "issued_on": issued_on})
        return materials


# The material fields declared on a form class, so that they are fields like any other.
MaterialsForm = type(_Materials)("MaterialsForm", (_Materials,), {"__module__": __name__, **_material_fields()})
MATERIAL_FIELDS = list(MaterialsForm.base_fields)


class RepairForm(MaterialsForm, case_forms.FilingForm):
    """A subject's application for the repair of one of its records (or the office's, for it)."""

    file_groups = (*case_forms.FilingForm.file_groups, *_Materials.material_groups)
    required_fields = ("statement", "commitment")
    statement = case_forms.text_field(_("How the conduct has been corrected"), rows=6)
    files = case_forms.MultipleFileField(label=_("Other evidence (PDF, JPEG, PNG or OFD)"))
    commitment = forms.BooleanField(
        label=_("I give this credit commitment (信用承诺书)"), required=False, help_text=COMMITMENT_TEXT
    )
    field_order = ["statement", *MATERIAL_FIELDS, "files", "attachments", "contact_phone", "commitment"]

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        return {
            **super().api_data(attachments),
            "commitment": self.cleaned_data["commitment"],
            "materials": self.materials(attachments),
        }


# --- One form per action (docs/api.md "Repair applications", the table of actions) -----------


class RejectForm(case_forms.RejectForm):
    """不予受理: the reason offered is the eligibility rules the application fails (the service
    gives them too when the reason is left empty, so it is not required)."""

    required_fields = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        failed = [result.detail for result in map(RuleResult.from_json, self.case.eligibility) if not result.passed]
        self.fields["reason"].initial = "\n".join(failed)


class SupplementForm(MaterialsForm, case_forms.SupplementForm):
    label = _("Supplement the application")
    file_groups = (*case_forms.SupplementForm.file_groups, *_Materials.material_groups)
    field_order = ["statement", *MATERIAL_FIELDS, "files", "attachments"]

    def api_data(self, attachments: dict[str, list[int]]) -> dict:
        return {
            "statement": self.cleaned_data["statement"],
            "attachments": attachments.get("attachments", []),
            "materials": self.materials(attachments),
        }


class ForwardForm(case_forms.CommentForm):
    action, label = "forward", _("Forward to the department for review")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.case.record.department
        self.fields["comment"].help_text = _("The application goes to %(department)s, which produced the record.") % {
            "department": department.name
        }


class ExtendForm(case_forms.ExtendForm):
    action, label = "extend", _("Extend the department's review")
    field_order = ["days", "reason"]


class PauseForm(case_forms.ClockForm):
    action, label = "pause", _("Pause the department's review (testing, inspection, appraisal, expert review)")


class ResumeForm(case_forms.ClockForm):
    action, label = "resume", _("Resume the department's review")


class ApproveForm(case_forms.OptionalReasonForm):
    action, label = "approve", _("Approve the repair")


class DenyForm(case_forms.ReasonForm):
    action, label = "deny", _("Deny the repair")
    required_fields = ("reason",)
    destructive = True
    confirm = _(
        "Deny the repair? The application closes, and the subject is told your reasons and that it may object "
        "to the decision."
    )


class ExecuteForm(case_forms.CommentForm):
    action, label = "execute", _("Execute the repair: end the publication or remove from the list")


class RevokeForm(case_forms.ReasonForm):
    action, label = "revoke", _("Revoke the repair (a false commitment or false materials)")
    required_fields = ("reason",)
    destructive = True
    confirm = _(
        "Revoke the repair? The record is published again, and the subject may not apply for a repair until "
        "its ban ends."
    )


class WithdrawForm(case_forms.WithdrawForm):
    label = _("Withdraw the application")


ACTION_FORMS = case_forms.action_forms(
    RejectForm,
    SupplementForm,
    ForwardForm,
    ApproveForm,
    DenyForm,
    ExtendForm,
    PauseForm,
    ResumeForm,
    ExecuteForm,
    RevokeForm,
    WithdrawForm,
)
