"""What the credit office's desk shows (docs/api.md "The credit office"): every open case by
state, every running clock by how soon it falls due and whose it is, the oldest open case, the
deliveries still owed to other platforms, what the subjects said of their closed cases, and
whether next year's calendar is in.

Each figure is one aggregate query whatever the number of cases: the clocks are read from the
partial index of open clocks by last day (`deadline_open_due`), only as far as the horizon."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from repairflow.calendar.selectors import calendar_year_loaded, work_calendar
from repairflow.calendar.workdays import add_working_days
from repairflow.cases.kinds import case_kind_of
from repairflow.cases.models import Feedback
from repairflow.core.errors import NotFound
from repairflow.core.permissions import Role
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Party
from repairflow.objections.models import OPEN_STATES as OBJECTION_OPEN_STATES
from repairflow.objections.models import Objection
from repairflow.records.models import Delivery, DeliveryStatus
from repairflow.repair.models import OPEN_STATES as REPAIR_OPEN_STATES
from repairflow.repair.models import RepairApplication

DESK_ROLES = (Role.OFFICE, Role.AUDITOR)

# The kinds of case the desk counts, with the states in which each is still being handled.
OPEN_CASES = {"objection": (Objection, OBJECTION_OPEN_STATES), "repair": (RepairApplication, REPAIR_OPEN_STATES)}
SOON_WORKING_DAYS = 2  # "due within 2 working days"
LATEST_COMMENTS = 5  # the subjects' latest comments the desk shows
CALENDAR_WARNING_FROM = (10, 1)  # next year's schedule is published between October and December


@dataclass(frozen=True)
class OwnerLoad:
    """The open clocks of one owner (the office, one department, the subjects) by how soon they fall due."""

    owner: str
    department: str | None
    name: str
    due_today: int
    due_soon: int
    overdue: int

    def as_json(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "department": self.department,
            "name": self.name,
            "due_today": self.due_today,
            "due_within_2_working_days": self.due_soon,
            "overdue": self.overdue,
        }


def desk_check(user: Any) -> None:
    """The desk is the office's (and the auditor's, reading): anyone else is told it is not there."""
    if getattr(user, "role", None) not in DESK_ROLES:
        raise NotFound


def open_cases_by_state() -> dict[str, dict[str, int]]:
    """{kind: {state: open cases}}, every open state named (0 when none)."""
    counts = {}
    for kind, (model, states) in OPEN_CASES.items():
        found = dict(model.objects.filter(state__in=states).values_list("state").annotate(n=Count("id")).order_by())
        counts[kind] = {str(state): found.get(state, 0) for state in states}
    return counts


def clocks_due_soon(today: date) -> QuerySet[Deadline]:
    """The running clocks overdue, due today or due by the end of the second working day after
    `today` (paused ones wait: their last day moves when they resume): what the desk counts and
    the daily digest lists."""
    horizon = add_working_days(work_calendar(), today, SOON_WORKING_DAYS).due_on
    return Deadline.objects.filter(ended_on__isnull=True, due_on__lte=horizon).exclude(status=DeadlineStatus.PAUSED)


def owner_loads(today: date) -> list[OwnerLoad]:
    """The open, running clocks due by the end of the second working day after `today` (paused ones
    wait: their last day moves when they resume), by owner: the office, each department, the
    subjects; the busiest (most overdue) first."""
    rows = (
        clocks_due_soon(today)
        .values("owner", "department__code", "department__name")
        .annotate(
            due_today=Count("id", filter=Q(due_on=today)),
            due_soon=Count("id", filter=Q(due_on__gt=today)),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
        .order_by()
    )
    labels = dict(Party.choices)
    loads = [
        OwnerLoad(
            owner=row["owner"],
            department=row["department__code"],
            name=row["department__name"] or str(labels[row["owner"]]),
            due_today=row["due_today"],
            due_soon=row["due_soon"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.due_today, -load.due_soon, load.name))


def oldest_open_case() -> dict[str, Any] | None:
    """The open case received first (of any kind), or None."""
    oldest = []
    for kind, (model, states) in OPEN_CASES.items():
        case = model.objects.filter(state__in=states).order_by("received_on", "id").only("number", "received_on")
        oldest += [(case.received_on, kind, case.number) for case in case[:1]]
    if not oldest:
        return None
    received_on, kind, number = min(oldest)
    return {"kind": kind, "number": number, "received_on": received_on}


def deliveries_owed() -> dict[str, int]:
    return Delivery.objects.aggregate(
        pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
        failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
    )


def feedback_summary() -> dict[str, Any]:
    """What the subjects said of their closed cases: how many gave feedback, their mean rating
    (null when none did), and the latest comments with their cases."""
    figures = Feedback.objects.aggregate(count=Count("id"), mean_rating=Avg("rating"))
    latest = Feedback.objects.exclude(comment="").prefetch_related("case").order_by("-given_at", "-id")
    mean = figures["mean_rating"]
    return {
        "count": figures["count"],
        "mean_rating": None if mean is None else round(mean, 2),
        "latest": [
            {
                "kind": case_kind_of(feedback.case).name,
                "number": feedback.case.number,
                "rating": feedback.rating,
                "comment": feedback.comment,
                "given_at": timezone.localtime(feedback.given_at),
            }
            for feedback in latest[:LATEST_COMMENTS]
        ],
    }


def desk(today: date) -> dict[str, Any]:
    """Every figure of the desk as of `today` (the API's `/office/dashboard/` document)."""
    loads = owner_loads(today)
    next_year_loaded = calendar_year_loaded(today.year + 1)
    return {
        "today": today,
        "open": open_cases_by_state(),
        "due_today": sum(load.due_today for load in loads),
        "due_within_2_working_days": sum(load.due_soon for load in loads),
        "overdue": sum(load.overdue for load in loads),
        "by_owner": [load.as_json() for load in loads],
        "oldest_open": oldest_open_case(),
        "deliveries": deliveries_owed(),
        "feedback": feedback_summary(),
        "next_year_calendar_loaded": next_year_loaded,
        "calendar_warning": not next_year_loaded and (today.month, today.day) >= CALENDAR_WARNING_FROM,
    }
