"""`{{ subject|listed_identifier }}` (or an identifier's text): how every list shows a subject's
identifier, a natural person's ID number masked (core.identifiers.identifier_listed)."""

from typing import Any

from django import template

from repairflow.core.identifiers import identifier_listed

register = template.Library()


@register.filter
def listed_identifier(value: Any) -> str:
    """A credit subject (its identifier by its type) or an identifier's text."""
    if isinstance(value, str):
        return identifier_listed(value)
    return identifier_listed(value.identifier, value.subject_type)
