"""The subject's statement on its own record (docs/api.md "Records: the subject's statement"):
what the subject says of a record, shown with it wherever it is shown, the public included, and
sent to the platforms with every later event. Only the record's subject writes it; setting it,
changing it and removing it are changes to the record like any other: the version bumped, a
history row naming who and why, and a `record.statement_changed` event."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import Invalid, get_or_not_found
from repairflow.core.history import writing
from repairflow.core.permissions import Role, require_role
from repairflow.core.spreadsheets import formula_safe
from repairflow.records.models import STATEMENT_MAX_LENGTH, CreditRecord
from repairflow.records.outbox import record_events
from repairflow.records.selectors import records_visible_to

STATEMENT_SET = _("The subject's statement on the record set")
STATEMENT_REMOVED = _("The subject's statement on the record removed")
STATEMENT_TOO_LONG = _("Keep the statement to %(limit)d characters at most (it has %(length)d).")


def statement_text(text: str) -> str | None:
    """The statement as kept: trimmed, never a spreadsheet formula (core/spreadsheets.py), None
    when empty; refused (`Invalid` under `text`) over `STATEMENT_MAX_LENGTH` characters."""
    text = text.strip()
    if len(text) > STATEMENT_MAX_LENGTH:
        raise Invalid({"text": [STATEMENT_TOO_LONG % {"limit": STATEMENT_MAX_LENGTH, "length": len(text)}]})
    return formula_safe(text) or None


def record_statement_set(*, actor: Any, record_id: int, text: str) -> CreditRecord:
    """The record's subject sets, changes or (with empty text) removes its statement on the
    record. Anyone who cannot see the record finds nothing (404); staff, who can, may not write
    it (403). The same text again changes nothing."""
    with transaction.atomic():
        record = get_or_not_found(records_visible_to(actor).select_for_update(of=("self",)), pk=record_id)
        require_role(actor, Role.SUBJECT)
        statement = statement_text(text)
        if statement == record.subject_statement:
            return record
        record.subject_statement = statement
        record.version += 1
        reason = STATEMENT_SET if statement is not None else STATEMENT_REMOVED
        with writing() as writes:
            writes.save(record, actor=actor, reason=reason)
            record_events(writes).changed([record], action="change-statement", actor=actor, case=None)
    return record
