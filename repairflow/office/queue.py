"""The queue (`/office/queue/`): every open duty, one row per running or paused clock, with its
case or record, step, owner, last day, working days left and an overdue mark; searched, filtered
(django-filter) and sorted by last day. The office and the auditor see every clock; a department
the clocks it owes.

Rows come from the partial index of open clocks by last day (`deadline_open_due`), pages by the
project's capped count (`core/paging.py`); the cases and records a page names are read afterwards,
one query a kind, so that a page costs the same whatever the page size and the number of cases."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import WorkCalendar, working_days_left
from repairflow.core.errors import NotFound
from repairflow.core.identifiers import InvalidIdentifier, compact_identifier
from repairflow.core.permissions import Role
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Party, Step
from repairflow.objections.models import Objection, ObjectionState
from repairflow.records.models import CreditRecord, CreditSubject, Department
from repairflow.repair.models import RepairApplication, RepairState

KINDS = {"objection": Objection, "repair": RepairApplication, "record": CreditRecord}
KIND_CHOICES = [
    ("objection", _("Objection")),
    ("repair", _("Repair application")),
    ("record", _("Record duty")),
]
STATE_CHOICES = sorted({**dict(RepairState.choices), **dict(ObjectionState.choices)}.items())
SORTS = [("due", _("Last day, earliest first")), ("-due", _("Last day, latest first"))]


def _kind_types() -> dict[str, ContentType]:
    return {name: ContentType.objects.get_for_model(model) for name, model in KINDS.items()}


def queue_visible_to(user: Any) -> QuerySet[Deadline]:
    """The open clocks `user` works from: the office's and the auditor's all, a department's its own."""
    clocks = Deadline.objects.filter(ended_on__isnull=True)
    if user.role in (Role.OFFICE, Role.AUDITOR):
        return clocks
    if user.role == Role.DEPARTMENT:
        return clocks.filter(owner=Party.DEPARTMENT, department_id=user.department_id)
    raise NotFound


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("A case number, a subject's name or identifier, or a decision number"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KIND_CHOICES, method="of_kind")
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATE_CHOICES, method="in_state")
    owner = django_filters.ChoiceFilter(label=_("Owner"), choices=Party.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.order_by("code"), to_field_name="code"
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORTS, method="sorted_by", empty_label=None)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.types = _kind_types()

    def _cases(self, cases: Iterable[tuple[str, QuerySet]]) -> Q:
        """The clocks of these cases or records, each set with its kind."""
        found = Q(pk__in=[])
        for name, matching in cases:
            found |= Q(case_type=self.types[name], case_id__in=matching.values("pk"))
        return found

    def search(self, clocks: QuerySet, name: str, value: str) -> QuerySet:
        """The clocks whose subject concerned is named with `value` or identified by it, or whose
        case or record is numbered `value`. The subject is the clock's own column (`concerns`), so
        that the subjects found are looked up in a set as the open clocks are read (by last day, up
        to a page), never joined with every case ever filed."""
        value = value.strip()
        if not value:
            return clocks
        named = Q(name__icontains=value)
        try:
            named |= Q(identifier=compact_identifier(value))
        except InvalidIdentifier:
            pass
        found = Q(concerns__in=CreditSubject.objects.filter(named).values("pk"))
        numbered = [  # each an index's look-up (an OR across the tables would read them whole)
            *((kind, KINDS[kind].objects.filter(number=value.upper())) for kind in ("objection", "repair")),
            *((kind, KINDS[kind].objects.filter(record__decision_no=value)) for kind in ("objection", "repair")),
            ("record", CreditRecord.objects.filter(decision_no=value)),
        ]
        return clocks.filter(found | self._cases(numbered))

    def of_kind(self, clocks: QuerySet, name: str, value: str) -> QuerySet:
        return clocks.filter(case_type=self.types[value])

    def in_state(self, clocks: QuerySet, name: str, value: str) -> QuerySet:
        states = {"objection": ObjectionState.values, "repair": RepairState.values}
        cases = [(kind, KINDS[kind].objects.filter(state=value)) for kind, values in states.items() if value in values]
        return clocks.filter(self._cases(cases))

    def only_overdue(self, clocks: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return clocks
        return clocks.exclude(status=DeadlineStatus.PAUSED).filter(due_on__lt=self.today)

    def sorted_by(self, clocks: QuerySet, name: str, value: str) -> QuerySet:
        return clocks.order_by("-due_on", "-id") if value == "-due" else clocks

    @property
    def qs(self) -> QuerySet:
        clocks = super().qs
        return clocks if clocks.query.order_by else clocks.order_by("due_on", "id")


@dataclass(frozen=True)
class QueueRow:
    deadline: Deadline
    kind: str
    number: str
    state: str
    subject: str
    decision_no: str
    link: str
    step: str
    owner: str
    due_on: date
    days_left: int
    overdue: bool
    paused: bool

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue else 0


def queue_rows(deadlines: list[Deadline], *, calendar: WorkCalendar, today: date) -> list[QueueRow]:
    """A page's clocks as rows, with the case or record each names (one query a kind)."""
    types = {content_type.pk: name for name, content_type in _kind_types().items()}
    wanted: dict[str, set[int]] = defaultdict(set)
    for deadline in deadlines:
        wanted[types[deadline.case_type_id]].add(deadline.case_id)
    found = {}
    for kind, ids in wanted.items():
        related = ("subject", "department") if kind == "record" else ("subject", "record")
        for case in KINDS[kind].objects.filter(pk__in=ids).select_related(*related):
            found[kind, case.pk] = case
    owners, steps = dict(Party.choices), dict(Step.choices)
    rows = []
    for deadline in deadlines:
        kind = types[deadline.case_type_id]
        case = found[kind, deadline.case_id]
        record = case if kind == "record" else case.record
        paused = deadline.status == DeadlineStatus.PAUSED
        rows.append(
            QueueRow(
                deadline=deadline,
                kind=kind,
                number=record.decision_no if kind == "record" else case.number,
                state=case.get_state_display(),
                subject=case.subject.name,
                decision_no=record.decision_no,
                link=case.get_absolute_url(),
                step=str(steps.get(deadline.step, deadline.step)),
                owner=deadline.department.name if deadline.department else str(owners[deadline.owner]),
                due_on=deadline.due_on,
                days_left=working_days_left(calendar, today, deadline.due_on),
                overdue=not paused and deadline.due_on < today,
                paused=paused,
            )
        )
    return rows
