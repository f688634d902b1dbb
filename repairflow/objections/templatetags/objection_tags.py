"""What a record's page shows about objections to it."""

from django import template

from repairflow.core.models import Role
from repairflow.objections.models import OPEN_STATES
from repairflow.objections.selectors import objections_visible_to

register = template.Library()


@register.simple_tag(takes_context=True)
def open_objection(context, record):
    """The record's open objection, when the user may see it (else None)."""
    user = context["request"].user
    return objections_visible_to(user).filter(record=record, state__in=OPEN_STATES).first()


@register.simple_tag(takes_context=True)
def may_file_objection(context, record) -> bool:
    """The record's own subject and the office may object to it (once at a time)."""
    user = context["request"].user
    if user.role == Role.OFFICE:
        return True
    return user.role == Role.SUBJECT and user.credit_subject_id == record.subject_id
