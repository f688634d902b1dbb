"""What the public may read without signing in: where a case stands, and the published records."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from repairflow.cases.kinds import case_kind_numbered
from repairflow.core.identifiers import InvalidIdentifier, SubjectType, compact_identifier
from repairflow.deadlines.services import case_open_deadlines
from repairflow.records.models import CreditRecord, CreditSubject, RecordState


def case_public_status(*, number: str, subject_id: str) -> dict | None:
    """Where the case numbered `number` stands, when it is about the subject `subject_id`; else None.
    Every kind of case answers (repairflow/cases/kinds.py): the number says which kind it is, and
    the date shown is the first open clock the public waits on (the kind's answer clocks), or else
    the first other open clock's last day."""
    try:
        identifier = compact_identifier(subject_id)
    except InvalidIdentifier:
        return None
    kind = case_kind_numbered(number)
    if kind is None:
        return None
    case = kind.model.objects.filter(number=number, subject__identifier=identifier).first()
    if case is None:
        return None
    answer_first = models.Case(
        models.When(step__in=kind.answer_clocks, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )
    deadline = case_open_deadlines(case).order_by(answer_first, "due_on").first()
    return {
        "number": case.number,
        "kind": kind.name,
        "state": case.state,
        "state_label": case.get_state_display(),
        "received_on": case.received_on,
        "due_on": deadline.due_on if deadline else None,
    }


# --- Published records (双公示), as anyone may read them ------------------------------------------
# What the public sees of a record, in order (docs/api.md "Public, without login").
PUBLIC_RECORD_FIELDS = (
    "decision_no",
    "subject_name",
    "subject_id",
    "category",
    "department",
    "department_name",
    "decision_date",
    "title",
    "content",
    "publication_start",
    "under_objection",
    "subject_statement",
)
# A name part shorter than this matches the names it begins with; longer, the names containing
# it: a trigram index (records migration 0013) finds a part of three characters or more anywhere
# in a name, and a pattern index (`subject_name_prefix`) a shorter one at its start.
NAME_PART_MIN_LENGTH = 3
# The most subjects a search by name lists by id (public_search), each one's records then read
# from its own index (about 5 µs a subject, over 10,000,000 records as over 1,000,000); a name
# matching more is common, and its subjects are checked as a subquery while walking the newest.
NAMED_SUBJECTS_LISTED = 5000
# The most a page of the public search shows (the API and the page alike).
PUBLIC_PAGE_SIZE = 20


def masked_name(name: str) -> str:
    """A natural person's name as the public reads it: the surname's first character and `*`."""
    return f"{name[:1]}*" if name else ""


@dataclass(frozen=True)
class PublicSearch:
    """What the public searches by: a part of an enterprise's name, or an identifier (an
    enterprise's USCC alone; a natural person's ID number only with the person's whole name),
    and the category and the department (code)."""

    name: str = ""
    identifier: str = ""
    category: str = ""
    department: str = ""

    @classmethod
    def from_query(cls, q: str, **filters: str) -> "PublicSearch":
        """`q` as the API takes it: a name part, or an identifier, or the name and the
        identifier separated by a space (`张明 370102198501011234`), in either order."""
        words, identifier = [], ""
        for word in q.split():
            if not identifier:
                try:
                    identifier = compact_identifier(word)
                    continue
                except InvalidIdentifier:
                    pass
            words.append(word)
        return cls(name="".join(words), identifier=identifier, **filters)


def published_records(*, today: date | None = None) -> QuerySet[CreditRecord]:
    """The records published and inside their publication period on `today` (双公示): a record
    whose maximum period has passed is not shown, even before the hourly sweep ends it."""
    today = today or timezone.localdate()
    return (
        CreditRecord.objects.filter(state=RecordState.PUBLISHED, publication_start__lte=today)
        .filter(Q(max_period_end__isnull=True) | Q(max_period_end__gte=today))
        .select_related("subject", "department")
    )


@dataclass(frozen=True)
class PublicResults:
    """What a public search finds: the published records it filters to, and, when it is a name
    matching few enough subjects to list, their ids (`subjects`), whose records a page reads subject
    by subject (`first_ids_query`) rather than by walking the newest records of all."""

    records: QuerySet[CreditRecord]
    subjects: tuple[int, ...] | None = None


def public_search(search: PublicSearch, *, today: date | None = None) -> PublicResults:
    """The published records `search` finds, newest decision first.

    An identifier finds its subject's records: an enterprise's by its USCC alone, a natural
    person's only when the person's whole name is given too (an ID number alone finds nothing,
    so that nobody learns whose it is). A name part finds enterprises only: a natural person is
    never found by name alone."""
    records = published_records(today=today)
    if search.category:
        records = records.filter(category=search.category)
    if search.department:
        records = records.filter(department__code=search.department)
    if search.identifier:
        person = Q(subject__subject_type=SubjectType.NATURAL_PERSON, subject__name=search.name)
        return PublicResults(
            records.filter(
                Q(subject__subject_type=SubjectType.LEGAL_PERSON) | person, subject__identifier=search.identifier
            )
        )
    if search.name:
        lookup = "contains" if len(search.name) >= NAME_PART_MIN_LENGTH else "startswith"
        # The subjects first, by their name's index. Few enough are listed, and each one's newest
        # records read from its own index; a name too common to list (its records are then many,
        # and the first found near the top) is checked as a subquery while walking the newest.
        named = CreditSubject.objects.filter(subject_type=SubjectType.LEGAL_PERSON, **{f"name__{lookup}": search.name})
        subjects = tuple(named.values_list("pk", flat=True)[: NAMED_SUBJECTS_LISTED + 1])
        if len(subjects) > NAMED_SUBJECTS_LISTED:
            return PublicResults(records.filter(subject__in=named.values("pk")))
        return PublicResults(records, subjects)
    return PublicResults(records)


def _public_text(text: str | None, subject: CreditSubject) -> str | None:
    """A record's free text as the public reads it: a natural person's ID number and whole name,
    should a department or the person have written them into it, masked as they are elsewhere."""
    if not text or not subject.is_natural_person:
        return text
    text = text.replace(subject.identifier, subject.masked_identifier)
    return text.replace(subject.name, masked_name(subject.name)) if subject.name else text


def public_record_as_json(record: CreditRecord) -> dict[str, Any]:
    """A published record as the public reads it (PUBLIC_RECORD_FIELDS): a natural person's
    identifier masked and its name as its surname and `*`."""
    subject, department = record.subject, record.department
    person = subject.is_natural_person
    return {
        "decision_no": record.decision_no,
        "subject_name": masked_name(subject.name) if person else subject.name,
        "subject_id": subject.masked_identifier if person else subject.identifier,
        "category": record.category,
        "department": department.code,
        "department_name": department.name,
        "decision_date": record.decision_date,
        "title": _public_text(record.title, subject),
        "content": _public_text(record.content, subject),
        "publication_start": record.publication_start,
        "under_objection": record.under_objection,
        "subject_statement": _public_text(record.subject_statement, subject),
    }


# --- A page of a long list, by its last key (keyset) ----------------------------------------------


@dataclass(frozen=True)
class KeysetPage:
    """A page of records in the order (-decision_date, -id): its rows and the keys to ask for the
    next and the previous page with (None: there is none)."""

    rows: list[CreditRecord]
    next_key: str | None
    previous_key: str | None


def _key(record: CreditRecord) -> str:
    return f"{record.decision_date.isoformat()}.{record.pk}"


def _key_read(key: str) -> tuple[date, int] | None:
    day, _dot, pk = key.partition(".")
    try:
        return date.fromisoformat(day), int(pk)
    except ValueError:
        return None


def keyset_page(found: PublicResults, *, after: str = "", before: str = "", size: int) -> KeysetPage:
    """The page of the records `found` after (or before) the row of the key given, read as a range
    of an index from that key: page 1000 costs what page 1 does, and nothing is counted. A key that
    is not one reads the first page."""
    after_key, before_key = _key_read(after) if after else None, _key_read(before) if before else None
    records = found.records
    if before_key is not None:
        day, pk = before_key
        later = records.filter(Q(decision_date__gt=day) | Q(decision_date=day, pk__gt=pk), decision_date__gte=day)
        rows = _first_rows(later, found.subjects, ("decision_date", "id"), size + 1)
        more, rows = len(rows) > size, rows[:size][::-1]
        return KeysetPage(rows, _key(rows[-1]) if rows else None, _key(rows[0]) if more and rows else None)
    if after_key is not None:
        day, pk = after_key
        records = records.filter(Q(decision_date__lt=day) | Q(decision_date=day, pk__lt=pk), decision_date__lte=day)
    rows = _first_rows(records, found.subjects, ("-decision_date", "-id"), size + 1)
    more, rows = len(rows) > size, rows[:size]
    previous = _key(rows[0]) if after_key is not None and rows else None
    return KeysetPage(rows, _key(rows[-1]) if more else None, previous)


def _first_rows(
    records: QuerySet[CreditRecord], subjects: tuple[int, ...] | None, order: tuple[str, ...], count: int
) -> list[CreditRecord]:
    """The first `count` of `records` (published ones) in `order`, of `subjects` if given: their
    ids first (`first_ids_query`), read from indexes alone, then those rows alone, still published."""
    if subjects is not None and not subjects:
        return []  # a name no enterprise bears
    sql, params = first_ids_query(records, subjects, order, count)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    return list(published_records().filter(pk__in=ids).order_by(*order)) if ids else []


def first_ids_query(
    records: QuerySet[CreditRecord], subjects: tuple[int, ...] | None, order: tuple[str, ...], count: int
) -> tuple[str, tuple]:
    """The query (SQL and parameters) of the ids of the first `count` of `records` in `order`, of
    `subjects` if given.

    Without subjects, it walks the newest records in order (index `record_public_order`, which
    carries what the filter checks of each) until `count` pass the filter. With them, on
    PostgreSQL, each subject's first `count` are read from its own part of an index
    (`record_subject_public_order`), and the first `count` of all those kept: the cost follows the
    number of subjects, not how far down the newest records theirs lie."""
    if subjects is not None and connection.vendor == "postgresql":
        each = records.filter(subject_id=RawSQL('"named"."id"', ())).order_by(*order)
        sql, params = each.values_list("pk", "decision_date")[:count].query.sql_with_params()
        direction = "DESC" if order[0].startswith("-") else "ASC"
        return (
            'SELECT "first"."id" FROM unnest(%s::bigint[]) AS "named" ("id") '
            f'CROSS JOIN LATERAL ({sql}) AS "first" ("id", "decision_date") '
            f'ORDER BY "first"."decision_date" {direction}, "first"."id" {direction} LIMIT %s',
            (list(subjects), *params, count),
        )
    if subjects is not None:
        records = records.filter(subject__in=subjects)
    return records.order_by(*order).values_list("pk")[:count].query.sql_with_params()
