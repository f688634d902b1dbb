"""The objection pages (docs/api.md "Objections"): the caller's objections (a department's
queue), filing one, the case with everything about it, its notices, and one form per action the
caller may take. Scoped as the API is (what a user may not see is 404), and acting through the
API's own path (`cases.api.case_action_run`, `api.ObjectionCreateSerializer`) with the pages every
kind of case shares (`cases.views.CasePages`), so that a page is refused for the same reasons, in the user's
language, with the API's status: 400, 403, 409, 413, 415."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.cases.views import CasePages
from repairflow.objections import api, selectors
from repairflow.objections.flows import RECEIVED
from repairflow.objections.forms import ACTION_FORMS, ObjectionForm
from repairflow.objections.models import OPEN_STATES, Objection, ObjectionState, Outcome
from repairflow.records.models import CreditRecord

FILED = _("Objection %(number)s has been filed. The receipt is below.")
ROLE_MAY_NOT_FILE = _("Only the record's subject or the credit office may file an objection.")

_RECORD_FIELDS = {field.name: field for field in CreditRecord._meta.fields}


def _shown(field_name: str, value: Any) -> Any:
    field = _RECORD_FIELDS.get(field_name)
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    return "—" if value in (None, "") else value


def _corrections(corrected_fields: dict) -> list[dict]:
    return [
        {
            "label": _RECORD_FIELDS[name].verbose_name if name in _RECORD_FIELDS else name,
            "value": _shown(name, value),
        }
        for name, value in (corrected_fields or {}).items()
    ]


def _outcome_label(value: str) -> Any:
    return dict(Outcome.choices).get(value, value)


class ObjectionPages(CasePages):
    viewset = api.ObjectionViewSet
    states = ObjectionState
    open_states = OPEN_STATES
    received = RECEIVED
    filing_form = ObjectionForm
    action_forms = ACTION_FORMS
    queue = staticmethod(selectors.objections_queue)
    filed = FILED
    may_not_file = ROLE_MAY_NOT_FILE

    def filing_initial(self, request) -> dict:
        """From a denied repair application's page: the application the objection contests."""
        return {"contests_repair": request.GET.get("contests", "")}

    def detail_context(self, request, objection: Objection) -> dict:
        """The outcome, its corrected fields and each routed department's verification."""
        verifications = objection.verifications.select_related("department", "replied_by").prefetch_related(
            "attachments"
        )
        return {
            "objection": objection,
            "outcome": _outcome_label(objection.outcome),
            "corrections": _corrections(objection.corrected_fields),
            "verifications": [
                {
                    "verification": verification,
                    "outcome": _outcome_label(verification.outcome),
                    "corrections": _corrections(verification.corrected_fields),
                }
                for verification in verifications
            ],
        }


# The caller's objections (a department's queue), filing one, the case, its notices, its actions.
(
    objection_list,
    objection_new,
    objection_detail,
    objection_notice_pdf,
    objection_action,
    objection_feedback,
) = ObjectionPages().views()
