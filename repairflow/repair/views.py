"""The repair application pages (docs/api.md "Repair applications"): the caller's applications
(a department's queue, by its decision clock), applying (the statement, the commitment, the
materials the rules ask for), the application with its eligibility results, materials, clocks,
timeline, notices, the department's decision and a revoked repair's ban, and one form per
action the caller may take. Scoped as the API is (what a user may not see is 404), and acting
through the API's own path (`cases.api.case_action_run`, `api.RepairCreateSerializer`) with the
pages every kind of case shares (`cases.views.CasePages`)."""

from django.contrib import messages
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from repairflow.cases.services import may_file_case
from repairflow.cases.views import CasePages
from repairflow.repair import api, selectors
from repairflow.repair.eligibility import REPAIR_RULE_SETS, RULE_LABELS, RuleResult
from repairflow.repair.flows import RECEIVED
from repairflow.repair.forms import ACTION_FORMS, RepairForm
from repairflow.repair.models import OPEN_STATES, RepairApplication, RepairState

FILED = _("Repair application %(number)s has been filed. The receipt is below.")
FILED_NOT_ELIGIBLE = _(
    "Repair application %(number)s has been filed, but it does not meet every eligibility rule: %(failed)s "
    "The credit office may reject it; you may supplement what is missing."
)
ROLE_MAY_NOT_APPLY = _("Only the record's subject or the credit office may apply for the repair of a record.")

RULE_SET_NAMES = {rule_set.code: rule_set.name for rule_set in REPAIR_RULE_SETS}


class RepairPages(CasePages):
    viewset = api.RepairViewSet
    states = RepairState
    open_states = OPEN_STATES
    received = RECEIVED
    filing_form = RepairForm
    action_forms = ACTION_FORMS
    queue = staticmethod(selectors.repairs_queue)
    filed = FILED
    may_not_file = ROLE_MAY_NOT_APPLY

    def filed_message(self, request, application: RepairApplication) -> None:
        """Filed and eligible: a success. Filed but failing a rule: a warning naming the rules,
        never a success beside the "not eligible" badge."""
        if application.eligible:
            return super().filed_message(request, application)
        failed = " ".join(
            result.detail for result in map(RuleResult.from_json, application.eligibility) if not result.passed
        )
        messages.warning(request, FILED_NOT_ELIGIBLE % {"number": application.number, "failed": failed})

    def detail_context(self, request, application: RepairApplication) -> dict:
        """The eligibility rules' results (each in the reader's language), the materials, the
        rule set they were judged by, a revoked repair's ban, the objections to a denial and, for
        whoever may file one, the way to object to it."""
        results = map(RuleResult.from_json, application.eligibility)
        contestable = application.state in self.kind.contestable_states and may_file_case(
            request.user, application.record
        )
        query = urlencode({"record": application.record_id, "contests": application.number})
        return {
            "contest_url": f"{reverse('objection-new')}?{query}" if contestable else None,
            "contesting": list(application.contesting_objections.all()),
            "eligibility": [
                {"rule": RULE_LABELS.get(result.rule, result.rule), "passed": result.passed, "detail": result.detail}
                for result in results
            ],
            "rule_set": RULE_SET_NAMES.get(application.eligibility_rule_set, application.eligibility_rule_set),
            "materials": list(application.materials.select_related("attachment")),
            "ban": application.bans.first() if application.state == RepairState.REVOKED else None,
        }


# The caller's applications (a department's queue), applying, the application, its notices, its actions.
repair_list, repair_new, repair_detail, repair_notice_pdf, repair_action, repair_feedback = RepairPages().views()
