"""What a record's page shows about repairing it: the open application (when the user may see
it), or whether the user may apply, and whether the record is eligible (else why, and from when)."""

from django import template
from django.utils import timezone

from repairflow.cases.services import may_file_case
from repairflow.records.flows import LIVE
from repairflow.repair.eligibility import RecordEligibility, record_eligibility
from repairflow.repair.models import OPEN_STATES
from repairflow.repair.selectors import repairs_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def open_repair(context, record):
    """The record's open repair application, when the user may see it (else None)."""
    return repairs_visible_to(context["request"].user).filter(record=record, state__in=OPEN_STATES).first()


@register.simple_tag(takes_context=True)
def may_apply_for_repair(context, record) -> bool:
    """The record's own subject and the office may apply for the repair of negative information
    still published (once at a time); whether it is eligible the application's rules say."""
    return may_file_case(context["request"].user, record) and record.negative and record.state in LIVE


@register.simple_tag
def repair_eligibility(record) -> RecordEligibility:
    """Whether the record may be repaired today by the rules about it and its subject (the
    application adds the commitment and the materials)."""
    return record_eligibility(record, day=timezone.localdate())
