"""Credit subjects' identifiers: validation by python-stdnum, and masking for display.

统一社会信用代码 (USCC, GB 32100-2015) identifies legal persons; 居民身份证号码 (resident identity
card number, GB 11643-1999) identifies natural persons. Both are 18 characters with a check
character; the check is python-stdnum's, never ours.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumValidationError


class SubjectType(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("Legal person")
    NATURAL_PERSON = "natural_person", _("Natural person")


class InvalidIdentifier(ValueError):
    """The identifier is not a valid USCC or resident ID number for the subject type."""


INVALID_USCC = _("Not a valid unified social credit code (check the 18 characters and the check digit).")
NOT_AN_IDENTIFIER = _("Not a valid unified social credit code or resident identity card number.")
INVALID_RESIDENT_ID = _("Not a valid resident identity card number (check the 18 characters and the check digit).")

_VALIDATORS = {
    SubjectType.LEGAL_PERSON: (uscc.validate, INVALID_USCC),
    SubjectType.NATURAL_PERSON: (ric.validate, INVALID_RESIDENT_ID),
}


def validate_identifier(value: str, subject_type: str) -> str:
    """Return the identifier in its compact form, or raise InvalidIdentifier with the reason."""
    validate, message = _VALIDATORS[SubjectType(subject_type)]
    try:
        return validate(value)
    except StdnumValidationError as error:
        raise InvalidIdentifier(message) from error


def compact_identifier(value: str) -> str:
    """The compact form of a USCC or resident ID number of either kind of subject, or raise
    InvalidIdentifier when it is neither."""
    for subject_type in SubjectType:
        try:
            return validate_identifier(value, subject_type)
        except InvalidIdentifier:
            continue
    raise InvalidIdentifier(NOT_AN_IDENTIFIER)


def mask_identifier(value: str) -> str:
    """Show the first 3 and the last 4 characters, hide the rest: 110***********123X."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def identifier_listed(value: str, subject_type: str | None = None) -> str:
    """An identifier as a list shows it, to whoever reads the list: a natural person's ID number
    masked (a list is glanced at, printed and exported; the full number is on the record's own
    page, for those who may see it). Without the subject's type, a value that is a valid resident
    ID number is taken for one."""
    natural = subject_type == SubjectType.NATURAL_PERSON if subject_type else ric.is_valid(value)
    return mask_identifier(value) if natural else value
