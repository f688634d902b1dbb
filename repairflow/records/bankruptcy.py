"""A subject in bankruptcy (破产), as the credit office flags it: from which day, on what source
(the court's ruling number), and the day it ended once cleared. It is local practice to refuse
credit repair while a subject is in bankruptcy (docs/domain.md "Credit repair"; the refusal is
the repair app's rule `not_in_bankruptcy`, turned off by the profile's `RepairLocalRules`). Each
change is saved with the subject's history: who, when and why."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import Conflict, Invalid, NotFound, get_or_not_found
from repairflow.core.history import history_reason, writing
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.permissions import Role
from repairflow.records.models import CreditSubject

BANKRUPTCY_FLAGGED = _("In bankruptcy since %(day)s: %(source)s")
BANKRUPTCY_CLEARED = _("Bankruptcy ended on %(day)s: %(reason)s")
SOURCE_REQUIRED = _("Name the source: the court's ruling number or the notice relied on.")
REASON_REQUIRED = _("Give a reason.")
NOT_IN_THE_FUTURE = _("This date cannot be in the future.")
ENDED_BEFORE_STARTED = _("The bankruptcy cannot end before it started (%(day)s).")
NOT_IN_BANKRUPTCY = _("This subject is not flagged as in bankruptcy.")


def subject_for_office(*, actor: Any, identifier: str) -> CreditSubject:
    """The subject with this USCC or ID number, for the office only (anyone else: 404, as for a
    subject that does not exist), locked until the transaction ends."""
    if getattr(actor, "role", None) != Role.OFFICE:
        raise NotFound()
    try:
        identifier = compact_identifier(identifier)
    except InvalidIdentifier as error:
        raise NotFound() from error
    return get_or_not_found(CreditSubject.objects.select_for_update(), identifier=identifier)


def _not_in_the_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise Invalid({field: [NOT_IN_THE_FUTURE]})


@transaction.atomic
def subject_bankruptcy_flag(*, actor: Any, identifier: str, started_on: date, source: str) -> CreditSubject:
    """The office flags the subject as in bankruptcy from `started_on` on `source`; flagging it
    again replaces the day and the source (the history keeps what they were)."""
    subject = subject_for_office(actor=actor, identifier=identifier)
    source = (source or "").strip()
    if not source:
        raise Invalid({"source": [SOURCE_REQUIRED]})
    _not_in_the_future(started_on, "started_on")
    subject.bankruptcy_started_on, subject.bankruptcy_source, subject.bankruptcy_ended_on = started_on, source, None
    reason = history_reason(BANKRUPTCY_FLAGGED) % {"day": started_on.isoformat(), "source": source}
    with writing() as writes:
        writes.save(subject, actor=actor, reason=reason)
    return subject


@transaction.atomic
def subject_bankruptcy_clear(*, actor: Any, identifier: str, ended_on: date, reason: str) -> CreditSubject:
    """The office clears the flag: the bankruptcy ended on `ended_on` (that day still in it)."""
    subject = subject_for_office(actor=actor, identifier=identifier)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [REASON_REQUIRED]})
    if subject.bankruptcy_started_on is None or subject.bankruptcy_ended_on is not None:
        raise Conflict(NOT_IN_BANKRUPTCY)
    _not_in_the_future(ended_on, "ended_on")
    if ended_on < subject.bankruptcy_started_on:
        message = ENDED_BEFORE_STARTED % {"day": subject.bankruptcy_started_on.isoformat()}
        raise Invalid({"ended_on": [message]})
    subject.bankruptcy_ended_on = ended_on
    change = history_reason(BANKRUPTCY_CLEARED) % {"day": ended_on.isoformat(), "reason": reason}
    with writing() as writes:
        writes.save(subject, actor=actor, reason=change)
    return subject
