"""What a record's page shows about objections to it: the open one (when the user may see it),
or whether the user may object."""

from django import template

from repairflow.cases.services import may_file_case
from repairflow.objections.models import OPEN_STATES
from repairflow.objections.selectors import objections_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def open_objection(context, record):
    """The record's open objection, when the user may see it (else None)."""
    return objections_visible_to(context["request"].user).filter(record=record, state__in=OPEN_STATES).first()


@register.simple_tag(takes_context=True)
def may_file_objection(context, record) -> bool:
    """The record's own subject and the office may object to it (once at a time)."""
    return may_file_case(context["request"].user, record)
