"""The decision behind a record changed or revoked upstream (reconsideration, litigation, the
department's own correction): `POST /api/v1/records/{id}/upstream-change/` (docs/api.md "Records").

- The office notes it: an `UpstreamChange` waits for the department's report, whose clock
  (`upstream_change_report`: 3 working days from the upstream decision, 山东省社会信用条例 Art. 40,
  where the profile has it) starts on the upstream decision's date; the department is told.
- The department reports it (the same call, whether the office noted it first or not): the report
  clock stops, met or missed (a department that reports by itself has the clock started and
  stopped at once, so that its timeliness is kept). A `changed` decision's corrected fields are
  applied to the record through its state machine's `correct` (judged as an objection's
  correction is: records/corrections.py). A `revoked` one waits for the office, which is told;
  the office's removal clock starts (`revoked_record_removal`: 1 working day from the report,
  河南省社会信用条例 Art. 42, where the profile has it), and the office deletes the record from
  publication with the record's `revoke` (records/services.py `record_act`), which stops it.

Refused: a caller that is neither the office nor the record's department (403, or 404 when the
record is not visible to it), a revoked record or a second open change (409), an upstream
decision in the future or before the record's own (400).
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.core.errors import Conflict, Invalid, get_or_not_found
from repairflow.core.history import Writes, history_reason
from repairflow.core.permissions import Role, require_role
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import CaseClocks
from repairflow.notifications.services import notify
from repairflow.records.corrections import record_correction_validate
from repairflow.records.models import (
    OPEN_UPSTREAM,
    CreditRecord,
    RecordState,
    UpstreamChange,
    UpstreamChangeKind,
    UpstreamChangeStatus,
    UpstreamOutcome,
)
from repairflow.records.selectors import department_users, office_users, records_visible_to
from repairflow.records.services import record_transition

UPSTREAM_NOTED = _("Upstream change noted: %(document)s")
UPSTREAM_REPORTED = _("Upstream change reported: %(document)s")
UPSTREAM_CORRECTED = _("Corrected as decided upstream: %(document)s")
RECORD_ALREADY_REVOKED = _("This record is revoked; nothing upstream can change it any more.")
CHANGE_ALREADY_OPEN = _("An upstream change of this record is already open.")
CHANGE_ALREADY_REPORTED = _("The department has already reported this record's upstream change.")
DECIDED_IN_FUTURE = _("The upstream decision date cannot be in the future.")
DECIDED_BEFORE_RECORD = _("The upstream decision cannot come before the record's own decision (%(date)s).")
FIELDS_FOR_CHANGED_ONLY = _("Only a changed decision has corrected fields.")
FIELDS_FROM_DEPARTMENT = _("The department reports the corrected fields.")


def _judge(record: CreditRecord, body: Mapping[str, Any], *, reporting: bool) -> dict[str, Any]:
    """The corrected fields a report applies ({} for none), after the dates are judged (400)."""
    today = timezone.localdate()
    decided_on = body["decided_on"]
    if decided_on > today:
        raise Invalid({"decided_on": [DECIDED_IN_FUTURE]})
    if decided_on < record.decision_date:
        raise Invalid({"decided_on": [DECIDED_BEFORE_RECORD % {"date": record.decision_date.isoformat()}]})
    fields = body.get("corrected_fields")
    if body["kind"] == UpstreamChangeKind.REVOKED:
        if fields:
            raise Invalid({"corrected_fields": [FIELDS_FOR_CHANGED_ONLY]})
        return {}
    if not reporting:
        if fields:
            raise Invalid({"corrected_fields": [FIELDS_FROM_DEPARTMENT]})
        return {}
    try:
        return record_correction_validate(record, fields)
    except Invalid as refusal:
        raise Invalid({"corrected_fields": refusal.fields}) from refusal


def upstream_change_submit(*, actor: Any, record_id: int, body: Mapping[str, Any]) -> UpstreamChange:
    """The office notes, or the record's department reports, that the record's decision was
    changed or revoked upstream (`body`: kind, decided_on, document, corrected_fields)."""
    require_role(actor, Role.OFFICE, Role.DEPARTMENT)
    try:
        with transaction.atomic():
            return _submit(actor, record_id, body)
    except IntegrityError as error:  # another open change written at the same moment
        raise Conflict(CHANGE_ALREADY_OPEN) from error


def _submit(actor: Any, record_id: int, body: Mapping[str, Any]) -> UpstreamChange:
    visible = records_visible_to(actor).select_for_update(of=("self",))
    record = get_or_not_found(visible, pk=record_id)
    if record.state == RecordState.REVOKED:
        raise Conflict(RECORD_ALREADY_REVOKED)
    reporting = actor.role == Role.DEPARTMENT
    open_change = UpstreamChange.objects.select_for_update().filter(record=record, status__in=OPEN_UPSTREAM).first()
    if open_change is not None and not (reporting and open_change.status == UpstreamChangeStatus.NOTED):
        raise Conflict(CHANGE_ALREADY_REPORTED if reporting else CHANGE_ALREADY_OPEN)
    changes = _judge(record, body, reporting=reporting)
    today = timezone.localdate()
    writes = Writes()
    clocks = CaseClocks(record, writes)
    change = open_change or UpstreamChange(record=record, noted_by=actor, status=UpstreamChangeStatus.NOTED)
    change.kind, change.decided_on, change.document = body["kind"], body["decided_on"], body["document"]
    change.corrected_fields = dict(body.get("corrected_fields") or {}) if reporting else {}
    values = {"document": change.document}
    if open_change is None:
        clocks.start(
            Step.UPSTREAM_CHANGE_REPORT, started_on=change.decided_on, department=record.department, actor=actor
        )
    else:  # the upstream decision as the department reports it: its clock counts from that day
        for deadline in clocks.open(Step.UPSTREAM_CHANGE_REPORT):
            if deadline.started_on != change.decided_on:
                clocks.restart(deadline, on=change.decided_on, reason=history_reason(UPSTREAM_REPORTED) % values)
    if not reporting:
        writes.create(change, actor=actor, reason=history_reason(UPSTREAM_NOTED) % values)
        _tell(writes, department_users([record.department_id]), "record.upstream_change_noted", record, change)
        writes.flush()
        return change
    clocks.stop(Step.UPSTREAM_CHANGE_REPORT, on=today, actor=actor)
    change.reported_by, change.reported_on = actor, today
    if change.kind == UpstreamChangeKind.CHANGED:
        change.status, change.outcome, change.done_on = UpstreamChangeStatus.DONE, UpstreamOutcome.CORRECTED, today
        reason = history_reason(UPSTREAM_CORRECTED) % values
        record_transition(record=record, actor=actor, action="correct", reason=reason, writes=writes, changes=changes)
    else:
        change.status = UpstreamChangeStatus.REPORTED
        clocks.start(Step.REVOKED_RECORD_REMOVAL, started_on=today, actor=actor)
        _tell(writes, office_users(), "record.upstream_revoked", record, change)
    if open_change is None:
        writes.create(change, actor=actor, reason=history_reason(UPSTREAM_REPORTED) % values)
    else:
        writes.save(change, actor=actor, reason=history_reason(UPSTREAM_REPORTED) % values)
    writes.flush()
    return change


def _tell(writes: Writes, recipients: list, kind: str, record: CreditRecord, change: UpstreamChange) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        params={"record": str(record), "document": change.document, "decided_on": change.decided_on.isoformat()},
        link=record.get_absolute_url(),
        writes=writes,
    )
