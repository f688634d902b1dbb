"""Use-cases on the registry: creating and importing records, acting on a record's publication,
registering look-ups and credit checks. Each is atomic and checks the actor's role."""

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from repairflow.calendar.selectors import work_calendar
from repairflow.core.attachments import file_name_safe
from repairflow.core.errors import Conflict, Forbidden, Invalid, TransitionNotAllowed, get_or_not_found
from repairflow.core.flows import available_actions, run_transition
from repairflow.core.history import Writes, history_model, history_reason, save_with_history, writing
from repairflow.core.permissions import ROLE_NOT_ALLOWED, Role, require_role
from repairflow.deadlines.policy import active_profile
from repairflow.records.corrections import DUPLICATE_DECISION
from repairflow.records.duties import PublicationDuty, publication_clocks_start, record_clocks_follow
from repairflow.records.flows import LIVE, RecordFlow
from repairflow.records.importing import REQUIRED_COLUMNS, import_file_read
from repairflow.records.models import (
    AdministrativeMatter,
    CreditCheck,
    CreditRecord,
    CreditSubject,
    Department,
    QueryKind,
    QueryLog,
    RecordImport,
    RecordState,
    UpstreamChange,
    UpstreamChangeKind,
    UpstreamChangeStatus,
)
from repairflow.records.outbox import CaseReference, record_events
from repairflow.records.publication import is_negative, may_be_published, publication_periods
from repairflow.records.selectors import record_as_json
from repairflow.records.serializers import RecordInputSerializer

logger = logging.getLogger(__name__)

RECORD_CREATED = _("Record created")
RECORDS_IMPORTED = _("Records imported in a batch")
SUBJECT_REGISTERED = _("Subject registered with its first record")
DUPLICATE_DECISION_IN_BATCH = _("This decision number appears twice in the batch.")
CONCURRENT_CHANGE = _("The records were changed at the same time by someone else; try again.")
IMPORTED_FROM_LINE = _("Import #%(number)d: line %(line)d")
UPDATED_BY_IMPORT = _("Updated by a batch import: line %(line)d")
IMPORT_OTHER_SUBJECT = _(
    "The record with this decision number is about another subject; an import cannot change a record's subject."
)
IMPORT_UNDER_OBJECTION = _("This record is under objection; it changes only through the objection's outcome.")
IMPORT_REVOKED = _("This record is revoked; an import cannot change it.")
PURPOSE_REQUIRED = _(
    "This record is about a natural person: name the administrative matter you look it up for (the purpose), "
    "which the query log keeps."
)
PERIOD_EXPIRED = _("Maximum publication period ended on %(date)s")
CAP_EXPIRED = _("Publication of negative information is capped at %(years)d years; the cap ended on %(date)s")

# Publication actions the office may take on a record directly; the rest come from cases (and
# `revoke` after a decision revoked upstream: `_direct_actions`).
OFFICE_RECORD_ACTIONS = ("publish", "suspend", "resume")
# What a department may do to its own records directly: publish (the 双公示 duty is its).
DEPARTMENT_RECORD_ACTIONS = ("publish",)

_CHUNK = 500


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _subjects_for(entries: Iterable[Mapping[str, Any]], *, actor: Any) -> dict[str, CreditSubject]:
    """The registry's subjects for these validated entries, registering the ones it lacks."""
    wanted = {entry["subject_id"]: entry for entry in entries}
    subjects: dict[str, CreditSubject] = {}
    for chunk in _chunks(list(wanted)):
        subjects.update((s.identifier, s) for s in CreditSubject.objects.filter(identifier__in=chunk))
    new = [
        CreditSubject(identifier=identifier, subject_type=entry["subject_type"], name=entry["subject_name"])
        for identifier, entry in wanted.items()
        if identifier not in subjects
    ]
    if new:
        bulk_create_with_history(
            new,
            CreditSubject,
            batch_size=_CHUNK,
            default_user=actor,
            default_change_reason=history_reason(SUBJECT_REGISTERED),
        )
        subjects.update((s.identifier, s) for s in new)
    return subjects


def _new_record(entry: Mapping[str, Any], subject: CreditSubject, duty: PublicationDuty) -> CreditRecord:
    publish = entry["publish"]
    if publish is None:  # not said: published where the rule set publishes it at all
        publish = may_be_published(
            negative=is_negative(entry["category"], entry["severity"]),
            severity=entry["severity"],
            decision_date=entry["decision_date"],
        )
    record = CreditRecord(
        subject=subject,
        category=entry["category"],
        severity=entry["severity"],
        department=entry["department"],
        decision_no=entry["decision_no"],
        decision_date=entry["decision_date"],
        title=entry["title"],
        content=entry["content"],
    )
    record.classify()
    record.state = RecordState.PUBLISHED if publish else RecordState.UNPUBLISHED
    if publish:
        record.set_publication_periods(published_on=duty.today)
    else:
        record.rule_set = ""
    duty.fix(record)
    return record


def record_create(*, actor: Any, entry: Mapping[str, Any]) -> CreditRecord:
    """Create one record from input validated by RecordInputSerializer."""
    require_role(actor, Role.DEPARTMENT, Role.OFFICE)
    try:
        with transaction.atomic():
            if CreditRecord.objects.filter(department=entry["department"], decision_no=entry["decision_no"]).exists():
                raise Conflict(DUPLICATE_DECISION)
            subject = _subjects_for([entry], actor=actor)[entry["subject_id"]]
            calendar = work_calendar()
            record = _new_record(entry, subject, PublicationDuty(calendar, timezone.localdate()))
            with writing() as writes:
                writes.create(record, actor=actor, reason=RECORD_CREATED, now=True)
                if record.state == RecordState.PUBLISHED:
                    record_events(writes).changed([record], action="publish", actor=actor, case=None)
                publication_clocks_start([record], actor=actor, writes=writes, calendar=calendar)
    except IntegrityError as error:  # the same decision or subject created concurrently
        raise Conflict(CONCURRENT_CHANGE) from error
    return record


@dataclass
class ImportReport:
    created: list[CreditRecord] = field(default_factory=list)
    updated: list[CreditRecord] = field(default_factory=list)
    unchanged: list[CreditRecord] = field(default_factory=list)
    errors: list[tuple[int, dict]] = field(default_factory=list)  # (line, {field: [messages]})


def records_import(
    *,
    actor: Any,
    rows: Iterable[Mapping[str, Any]],
    first_line: int = 1,
    lines: Iterable[int] | None = None,
    import_id: int | None = None,
) -> ImportReport:
    """Import a department's batch: every valid row becomes a record (with history, attributed
    to `actor`) or, when its department already has a record with its decision number, updates
    that record (`_import_update`); every invalid row is reported with its line number and
    reasons. `lines` gives each row's line (default: consecutive from `first_line`); `import_id`,
    the kept report's (RecordImport), names the import and the line in each history row."""
    require_role(actor, Role.DEPARTMENT, Role.OFFICE)
    report = ImportReport()
    context = {"actor": actor, "departments": {d.code: d for d in Department.objects.all()}}
    valid: dict[tuple[int, str], tuple[int, dict]] = {}
    numbered = zip(lines, rows, strict=True) if lines is not None else enumerate(rows, start=first_line)
    for line, row in numbered:
        serializer = RecordInputSerializer(data=row, context=context)
        if not serializer.is_valid():
            report.errors.append((line, serializer.errors))
            continue
        entry = serializer.validated_data
        key = (entry["department"].pk, entry["decision_no"])
        if key in valid:
            report.errors.append((line, {"decision_no": [str(DUPLICATE_DECISION_IN_BATCH)]}))
            continue
        valid[key] = (line, entry)

    try:
        with transaction.atomic():
            for record in _records_locked(valid):
                line, entry = valid.pop((record.department_id, record.decision_no))
                _import_update(record, entry, line=line, actor=actor, import_id=import_id, report=report)
            new = sorted(valid.values(), key=lambda item: item[0])
            subjects = _subjects_for([entry for _line, entry in new], actor=actor)
            calendar = work_calendar()
            duty = PublicationDuty(calendar, timezone.localdate())
            records = [_new_record(entry, subjects[entry["subject_id"]], duty) for _line, entry in new]
            if import_id is not None:  # bulk_create_with_history takes a record's own reason
                for (line, _entry), record in zip(new, records, strict=True):
                    record._change_reason = history_reason(IMPORTED_FROM_LINE) % {"number": import_id, "line": line}
            report.created = bulk_create_with_history(
                records,
                CreditRecord,
                batch_size=_CHUNK,
                default_user=actor,
                default_change_reason=history_reason(RECORDS_IMPORTED),
            )
            for record in records:  # a later save() must not reuse it
                record.__dict__.pop("_change_reason", None)
            published = [record for record in report.created if record.state == RecordState.PUBLISHED]
            with writing() as writes:
                record_events(writes).changed(published, action="publish", actor=actor, case=None)
                publication_clocks_start(report.created, actor=actor, writes=writes, calendar=calendar)
    except IntegrityError as error:
        raise Conflict(CONCURRENT_CHANGE) from error
    report.errors.sort(key=lambda error: error[0])
    return report


def _records_locked(keys: Iterable[tuple[int, str]]) -> list[CreditRecord]:
    """The registry's records of these (department, decision number) keys, locked."""
    numbers_by_department: dict[int, list[str]] = {}
    for department_id, number in keys:
        numbers_by_department.setdefault(department_id, []).append(number)
    records: list[CreditRecord] = []
    for department_id, numbers in sorted(numbers_by_department.items()):
        for chunk in _chunks(numbers):
            records += (
                CreditRecord.objects.select_for_update(of=("self",))
                .select_related("subject")
                .filter(department_id=department_id, decision_no__in=chunk)
                .order_by("pk")
            )
    return records


# What a row imported again may change on its record: the fields a correction changes. The
# subject is the record's for good; `publish` applies to a new record only (the state of an
# existing one changes through its own actions).
IMPORT_UPDATABLE_FIELDS = ("category", "severity", "decision_date", "title", "content")


def _import_update(
    record: CreditRecord,
    entry: Mapping[str, Any],
    *,
    line: int,
    actor: Any,
    import_id: int | None,
    report: ImportReport,
) -> None:
    """Bring a locked record in line with an imported row of its decision: nothing when no field
    differs, else a correction through its state machine with the changed fields only (a history
    row naming the import and the line, the version bumped). Refused for another subject, a
    revoked record, and a record under objection (which the objection's outcome decides)."""
    if record.subject.identifier != entry["subject_id"]:
        report.errors.append((line, {"subject_id": [str(IMPORT_OTHER_SUBJECT)]}))
        return
    changes = {name: entry[name] for name in IMPORT_UPDATABLE_FIELDS if entry[name] != getattr(record, name)}
    if not changes:
        report.unchanged.append(record)
        return
    if record.state == RecordState.REVOKED:
        report.errors.append((line, {"non_field_errors": [str(IMPORT_REVOKED)]}))
        return
    if record.under_objection:
        report.errors.append((line, {"non_field_errors": [str(IMPORT_UNDER_OBJECTION)]}))
        return
    if import_id is None:
        reason = history_reason(UPDATED_BY_IMPORT) % {"line": line}
    else:
        reason = history_reason(IMPORTED_FROM_LINE) % {"number": import_id, "line": line}
    record_transition(record=record, actor=actor, action="correct", reason=reason, changes=changes)
    report.updated.append(record)


def records_import_file(*, actor: Any, file: IO[bytes], name: str) -> RecordImport:
    """Import a CSV or XLSX file of records (importing.py) and keep its report. The file is
    refused whole, nothing written, when it is not CSV or XLSX or its header lacks a required
    column (ValidationError: 400; the office's files also need `department`), or when it is over
    the size or row limit (TooLarge: 413). Otherwise every valid row is created or updated by
    `records_import` and every invalid one is kept in the report with its line and reasons, in
    the system's language as history is."""
    require_role(actor, Role.DEPARTMENT, Role.OFFICE)
    required = REQUIRED_COLUMNS if actor.role == Role.DEPARTMENT else (*REQUIRED_COLUMNS, "department")
    upload = import_file_read(file, required=required)
    readable = [row for row in upload.rows if not row.errors]
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        kept = RecordImport.objects.create(
            imported_by=actor,
            department=actor.department,
            file_name=file_name_safe(name),
            sha256=upload.sha256,
            size=upload.size,
            file_format=upload.file_format,
            encoding=upload.encoding,
            rows=len(upload.rows),
            unknown_columns=upload.unknown_columns,
        )
        report = records_import(
            actor=actor,
            rows=[row.values for row in readable],
            lines=[row.line for row in readable],
            import_id=kept.pk,
        )
        errors = [(row.line, row.errors) for row in upload.rows if row.errors] + report.errors
        kept.errors = [
            {"line": line, "fields": {key: [str(message) for message in messages] for key, messages in fields.items()}}
            for line, fields in sorted(errors, key=lambda error: error[0])
        ]
        kept.created, kept.updated, kept.unchanged = len(report.created), len(report.updated), len(report.unchanged)
        kept.invalid = len(errors)
        kept.save()
    return kept


def record_transition(
    *,
    record: CreditRecord,
    actor: Any,
    action: str,
    reason: Any,
    case: CaseReference | None = None,
    writes: Writes | None = None,
    **kwargs: Any,
) -> CreditRecord:
    """Move a locked record through its publication state machine (inside a case's transaction,
    `case` naming the case behind the change); refused with 409 when its state does not allow the
    action. The record and its event are written with `writes` (at once when none)."""
    with writing(writes) as batch:
        run_transition(RecordFlow(record, actor=actor, reason=reason, writes=batch), action, **kwargs)
        record_clocks_follow(record, action, actor=actor, writes=batch)
        record_events(batch).changed([record], action=action, actor=actor, case=case)
        if action == "correct" and _period_over(record, timezone.localdate()):
            # Ended now, not at the next sweep: no hour of publication the corrected period does not allow.
            reason = _expiry_reason(record, active_profile().publication_cap_years)
            record_transition(record=record, actor=actor, action="expire", reason=reason, case=case, writes=batch)
    return record


def _direct_actions(actor: Any, record: CreditRecord) -> tuple[str, ...]:
    """The publication actions `actor` may take on `record` directly: the office publishes,
    suspends and resumes, and deletes from publication (`revoke`) a record whose decision was
    reported revoked upstream; a department publishes its own unpublished records (the 双公示 duty
    is its)."""
    if actor.role == Role.DEPARTMENT:
        return DEPARTMENT_RECORD_ACTIONS
    if UpstreamChange.objects.filter(
        record=record, kind=UpstreamChangeKind.REVOKED, status=UpstreamChangeStatus.REPORTED
    ).exists():
        return (*OFFICE_RECORD_ACTIONS, "revoke")
    return OFFICE_RECORD_ACTIONS


def record_act(*, actor: Any, record_id: int, action: str, reason: str) -> CreditRecord:
    """The office publishes, suspends, resumes or (after an upstream revocation) revokes a record
    directly; a department publishes its own (404 for another's, 403 for anything else)."""
    require_role(actor, Role.OFFICE, Role.DEPARTMENT)
    with transaction.atomic():
        records = CreditRecord.objects.select_for_update()
        if actor.role == Role.DEPARTMENT:
            records = records.filter(department_id=actor.department_id)
        record = get_or_not_found(records, pk=record_id)
        if actor.role == Role.DEPARTMENT and action not in DEPARTMENT_RECORD_ACTIONS:
            raise Forbidden(ROLE_NOT_ALLOWED)
        with writing() as writes:
            flow = RecordFlow(record, actor=actor, reason=reason, writes=writes)
            permitted = _direct_actions(actor, record)
            allowed = [name for name in available_actions(flow) if name in permitted]
            if action not in allowed:
                raise TransitionNotAllowed(state=record.state, allowed=allowed)
            run_transition(flow, action)
            record_clocks_follow(record, action, actor=actor, writes=writes)
            record_events(writes).changed([record], action=action, actor=actor, case=None)
    return record


def _reads_a_natural_person(
    kind: QueryKind, records: Sequence[CreditRecord], subjects: Iterable[CreditSubject]
) -> bool:
    """Whether a look-up reads a natural person's record itself: the record or its history, or the
    records asked for by the person's identifier (a list browsed by category or state does not)."""
    if kind in (QueryKind.DETAIL, QueryKind.HISTORY):
        return any(record.subject.is_natural_person for record in records)
    return kind == QueryKind.LIST and any(subject.is_natural_person for subject in subjects)


def query_log_write(
    *,
    user: Any,
    kind: QueryKind,
    purpose: str,
    parameters: Mapping[str, Any],
    records: Sequence[CreditRecord],
    subjects: Iterable[CreditSubject] = (),
) -> QueryLog | None:
    """Register a staff look-up of subjects' records; subjects' own look-ups are not registered.
    A look-up of a natural person's record (the record, its history, or records asked for by
    the person's identifier) is refused without its purpose (`PURPOSE_REQUIRED`, 400)."""
    if not user.is_staff_role:
        return None
    purpose, subjects = purpose.strip(), list(subjects)
    if not purpose and _reads_a_natural_person(kind, records, subjects):
        raise Invalid({"purpose": [PURPOSE_REQUIRED]})
    with transaction.atomic(savepoint=False):  # the read's own transaction, when it has one
        log = QueryLog.objects.create(
            user=user,
            department_id=user.department_id,
            kind=kind,
            purpose=purpose[:200],
            parameters=dict(parameters),
            returned_records=[record.pk for record in records],
        )
        looked_up = {record.subject_id for record in records} | {subject.pk for subject in subjects}
        QueryLog.subjects.through.objects.bulk_create(
            QueryLog.subjects.through(querylog_id=log.pk, creditsubject_id=pk) for pk in sorted(looked_up)
        )
    return log


# --- Administrative matters (逢办必查 lists) and credit checks ---------------------------------

MATTER_CREATED = _("Administrative matter added to the list")
MATTER_CHANGED = _("Administrative matter changed")
MATTER_DEACTIVATED = _("Administrative matter deactivated")
MATTER_REACTIVATED = _("Administrative matter in use again")
MATTER_CODE_TAKEN = _("This department already lists a matter with this code.")
MATTER_UNKNOWN = _("Name an active administrative matter of your department's list, by its id or code.")
MATTER_UNKNOWN_TO_OFFICE = _("Name an active administrative matter, by its id or code.")
MATTER_INACTIVE = _("This administrative matter is no longer in use; choose an active one.")
MATTER_CODE_AMBIGUOUS = _("Several departments list a matter with this code; name it by its id.")
# The fields of a matter the office may change (its department never changes).
MATTER_CHANGEABLE = ("code", "name", "kind", "active")
# The largest id a matter may have (a longer number names none).
_MAX_ID_DIGITS = 18

# The rule a credit check applies: the subject's negative records in force (published or
# suspended); kept with every check's answer.
CREDIT_CHECK_RULE = {"negative": True, "states": [str(state) for state in LIVE]}


def _matter_validated(matter: AdministrativeMatter) -> None:
    try:
        matter.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise Invalid(error.message_dict) from None
    taken = AdministrativeMatter.objects.filter(department_id=matter.department_id, code=matter.code)
    if taken.exclude(pk=matter.pk).exists():
        raise Invalid({"code": [MATTER_CODE_TAKEN]})


def matter_create(
    *, actor: Any, department: Department, code: str, name: str, kind: str, active: bool = True
) -> AdministrativeMatter:
    """The office adds a matter to a department's list (its history names who and when)."""
    require_role(actor, Role.OFFICE)
    matter = AdministrativeMatter(department=department, code=code, name=name, kind=kind, active=active)
    _matter_validated(matter)
    try:
        with transaction.atomic():
            save_with_history(matter, actor=actor, reason=MATTER_CREATED)
    except IntegrityError as error:  # the same code given twice at the same moment
        raise Invalid({"code": [MATTER_CODE_TAKEN]}) from error
    return matter


def matter_update(*, actor: Any, matter_id: int, changes: Mapping[str, Any]) -> AdministrativeMatter:
    """The office changes a matter's code, name, kind or whether it is in use (a matter is
    deactivated, never deleted); one history row names what changed, who and why."""
    require_role(actor, Role.OFFICE)
    try:
        with transaction.atomic():
            matter = get_or_not_found(AdministrativeMatter.objects.select_for_update(), pk=matter_id)
            changed = {
                name: value
                for name, value in changes.items()
                if name in MATTER_CHANGEABLE and getattr(matter, name) != value
            }
            if not changed:
                return matter
            for name, value in changed.items():
                setattr(matter, name, value)
            _matter_validated(matter)
            if "active" in changed:
                reason = MATTER_REACTIVATED if matter.active else MATTER_DEACTIVATED
            else:
                reason = MATTER_CHANGED
            save_with_history(matter, actor=actor, reason=reason)
    except IntegrityError as error:
        raise Invalid({"code": [MATTER_CODE_TAKEN]}) from error
    return matter


def credit_check_matter(*, actor: Any, matter: str | int) -> AdministrativeMatter:
    """The matter a credit check by `actor` names, by its id or its code: one of its department's
    list, any list's for the office, and in use; else `Invalid` under `matter`."""
    text = str(matter).strip()
    scope = AdministrativeMatter.objects.select_related("department")
    unknown = MATTER_UNKNOWN_TO_OFFICE
    if actor.role != Role.OFFICE:
        scope = scope.filter(department_id=actor.department_id)
        unknown = MATTER_UNKNOWN
    if text.isascii() and text.isdigit():
        found = list(scope.filter(pk=int(text))) if len(text) <= _MAX_ID_DIGITS else []
    else:
        found = list(scope.filter(code=text.upper()).order_by("-active", "pk")[:3])
        active = [candidate for candidate in found if candidate.active]
        if len(active) > 1:
            raise Invalid({"matter": [MATTER_CODE_AMBIGUOUS]})
        found = active or found[:1]
    if not found:
        raise Invalid({"matter": [unknown]})
    if not found[0].active:
        raise Invalid({"matter": [MATTER_INACTIVE]})
    return found[0]


def credit_check_run(*, actor: Any, subject_id: str, matter: str | int) -> CreditCheck:
    """Check a subject for negative records in force (`CREDIT_CHECK_RULE`) before a decision in an
    administrative matter of the actor's list (`credit_check_matter`), and keep the full answer as
    evidence: the records as they were, the rule, the matter, and for every record the check saw
    its `version` and its latest history row (`history_id`), read in the same statement, so that
    the check proves what it saw after any later correction."""
    require_role(actor, Role.DEPARTMENT, Role.OFFICE)
    chosen = credit_check_matter(actor=actor, matter=matter)
    latest_history = (
        history_model(CreditRecord).objects.filter(id=OuterRef("pk")).order_by("-history_id").values("history_id")[:1]
    )
    records = list(
        CreditRecord.objects.filter(
            subject__identifier=subject_id,
            negative=CREDIT_CHECK_RULE["negative"],
            state__in=CREDIT_CHECK_RULE["states"],
        )
        .select_related("subject", "department")
        .annotate(seen_history_id=Subquery(latest_history))
    )
    subject = records[0].subject if records else CreditSubject.objects.filter(identifier=subject_id).first()
    negative_records = [record_as_json(record, actor) for record in records]
    answer = {
        "negative_records": negative_records,
        "has_active_negative": bool(records),
        "rule": CREDIT_CHECK_RULE,
        "records_seen": [
            {"record": record.pk, "version": record.version, "history_id": record.seen_history_id} for record in records
        ],
        "subject_name": subject.name if subject else None,
        "matter": {
            "id": chosen.pk,
            "code": chosen.code,
            "name": chosen.name,
            "kind": chosen.kind,
            "department": chosen.department.code,
        },
    }
    with transaction.atomic():
        check = CreditCheck.objects.create(
            requested_by=actor,
            department=actor.department,
            subject_identifier=subject_id,
            matter=chosen.name,
            administrative_matter=chosen,
            has_active_negative=bool(records),
            answer=answer,
        )
        query_log_write(
            user=actor,
            kind=QueryKind.CREDIT_CHECK,
            purpose=chosen.name,
            parameters={"subject_id": subject_id, "credit_check": check.pk, "matter": chosen.pk},
            records=records,
            subjects=[subject] if subject else [],
        )
    return check


# --- Automatic expiry ------------------------------------------------------------------------


@dataclass
class ExpiryReport:
    expired: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # no longer due when locked, or locked by another sweep
    failed: list[int] = field(default_factory=list)


def _period_over(record: CreditRecord, today: date) -> bool:
    """Whether a live record's maximum period ended before `today` (the sweep's test, one record)."""
    return record.state in LIVE and record.max_period_end is not None and record.max_period_end < today


def records_due_to_expire(today: date) -> models.QuerySet:
    """The ids of the live records whose maximum period ended before `today`: a plain range read
    on the index `record_expiry_idx` (state, max_period_end)."""
    return CreditRecord.objects.filter(state__in=LIVE, max_period_end__lt=today).order_by().values_list("pk", flat=True)


def _expiry_reason(record: CreditRecord, cap_years: int | None) -> str:
    """Why the record expires: the end of its maximum period, or of the provincial cap when that
    is what its maximum is."""
    values = {"date": record.max_period_end.isoformat()}
    if cap_years is not None and record.publication_start is not None:
        periods = publication_periods(
            negative=record.negative,
            severity=record.severity,
            decision_date=record.decision_date,
            published_on=record.publication_start,
            cap_years=cap_years,
        )
        if periods.capped and periods.max_end == record.max_period_end:
            return history_reason(CAP_EXPIRED) % {**values, "years": cap_years}
    return history_reason(PERIOD_EXPIRED) % values


def records_expire(*, today: date | None = None, batch_size: int = 100) -> ExpiryReport:
    """End the publication of every live record (published or suspended) whose maximum period,
    provincial cap included, ended before `today`: each goes through `RecordFlow.expire` with
    `record_transition` (a history row with no actor and the reason, its version bumped), as
    every change to a record does. The due ids are read through `record_expiry_idx`, then locked
    in batches by primary key, skipping rows another transaction holds and rows no longer due;
    each expires in its own savepoint, so one failure does not stop the others."""
    today = today or timezone.localdate()
    cap_years = active_profile().publication_cap_years
    report = ExpiryReport()
    due = sorted(records_due_to_expire(today))
    for start in range(0, len(due), batch_size):
        batch = due[start : start + batch_size]
        with transaction.atomic():
            locked = (
                CreditRecord.objects.select_for_update(skip_locked=True)
                .filter(pk__in=batch, state__in=LIVE, max_period_end__lt=today)
                .order_by("pk")
            )
            done = set()
            for record in locked:
                done.add(record.pk)
                try:
                    with transaction.atomic():
                        reason = _expiry_reason(record, cap_years)
                        record_transition(record=record, actor=None, action="expire", reason=reason)
                except Exception:
                    logger.exception(
                        "Record %s could not expire (maximum period ended %s)", record.pk, record.max_period_end
                    )
                    report.failed.append(record.pk)
                else:
                    report.expired.append(record.pk)
        report.skipped += [pk for pk in batch if pk not in done]
    if report.expired or report.failed:
        logger.info(
            "Expiry sweep on %s: %d records expired, %d skipped, %d failed",
            today,
            len(report.expired),
            len(report.skipped),
            len(report.failed),
        )
    return report
