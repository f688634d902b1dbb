"""The statistics' daily figures of cases: received, closed, objection results confirmed (by
outcome) and repairs carried out (by rule set), for each day. Beat keeps them once a day is over
(`figures_tally`, with the tally of ended clocks, `repairflow/deadlines/tally.py`); a period reads
them for the days they hold and the cases themselves for the days after, so that a year costs a
few thousand rows rather than every case and transition of the year.

A day once past does not change: a case is received, closed, confirmed or repaired on the day it
happens (its transition's moment, its `received_on` and `repaired_on` are set then and kept)."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from repairflow.cases.models import Transition
from repairflow.objections.models import FINAL_STATES as OBJECTION_FINAL
from repairflow.objections.models import Objection
from repairflow.office.models import DailyFigure, Figure
from repairflow.repair.models import RepairApplication, RepairState

KINDS = {"objection": Objection, "repair": RepairApplication}
FINAL = {
    "objection": tuple(OBJECTION_FINAL),
    "repair": (
        RepairState.PUBLISHED,
        RepairState.REJECTED,
        RepairState.DENIED,
        RepairState.LAPSED,
        RepairState.WITHDRAWN,
    ),
}

# (day, figure, kind, key) → count
Figures = Counter


def moments(start: date, end: date) -> tuple[datetime, datetime]:
    """The first moment of `start` and the first after `end`, Beijing time."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(end + timedelta(days=1), time.min, zone)


def _transitions(kind: str, start: date, end: date, targets: tuple[str, ...]):
    first, after = moments(start, end)
    return Transition.objects.filter(
        case_type=ContentType.objects.get_for_model(KINDS[kind]), target__in=targets, at__gte=first, at__lt=after
    ).order_by()


def _count(start: date, end: date) -> Figures:
    """The figures of each day from `start` to `end`, read from the cases."""
    zone = timezone.get_current_timezone()
    found: Figures = Counter()
    for kind, model in KINDS.items():
        received = model.objects.filter(received_on__range=(start, end)).order_by()
        for day, n in received.values_list("received_on").annotate(n=Count("id")):
            found[(day, Figure.RECEIVED, kind, "")] += n
        closings = _transitions(kind, start, end, FINAL[kind]).annotate(day=TruncDate("at", tzinfo=zone))
        for day, n in closings.values_list("day").annotate(n=Count("case_id", distinct=True)):
            found[(day, Figure.CLOSED, kind, "")] += n
    first, after = moments(start, end)
    confirmed = (
        Objection.objects.filter(
            timeline__target="corrected", timeline__action="confirm", timeline__at__gte=first, timeline__at__lt=after
        )
        .order_by()
        .annotate(day=TruncDate("timeline__at", tzinfo=zone))
        .values_list("day", "outcome")
        .annotate(n=Count("id"))
    )
    for day, outcome, n in confirmed:
        found[(day, Figure.OUTCOME, "objection", outcome)] += n
    repaired = (
        RepairApplication.objects.filter(repaired_on__range=(start, end))
        .order_by()
        .values_list("repaired_on", "eligibility_rule_set")
        .annotate(n=Count("id"))
    )
    for day, rule_set, n in repaired:
        found[(day, Figure.REPAIRED, "repair", rule_set)] += n
    return found


def figures_tallied_through() -> date | None:
    """The last day kept (every day up to it is), or None."""
    return DailyFigure.objects.aggregate(last=Max("day"))["last"]


def _first_day() -> date | None:
    firsts = [model.objects.aggregate(first=Min("received_on"))["first"] for model in KINDS.values()]
    return min((day for day in firsts if day is not None), default=None)


def figures_tally(*, through: date | None = None) -> int:
    """Keep the figures of every day after the last one kept up to `through` (default yesterday,
    Beijing time), in one transaction; the number of rows written. Run again, it writes nothing."""
    through = through or timezone.localdate() - timedelta(days=1)
    with transaction.atomic():
        last = figures_tallied_through()
        first = last + timedelta(days=1) if last is not None else _first_day()
        if first is None or first > through:
            return 0
        found = _count(first, through)
        DailyFigure.objects.bulk_create(
            DailyFigure(day=day, figure=figure, kind=kind, key=key, count=n)
            for (day, figure, kind, key), n in sorted(found.items(), key=str)
        )
    return len(found)


def day_figures(start: date, end: date) -> Figures:
    """The figures of each day from `start` to `end`: kept ones for the days kept, the cases
    themselves after."""
    last = figures_tallied_through()
    found: Figures = Counter()
    if last is not None and start <= last:
        kept = (
            DailyFigure.objects.filter(day__range=(start, min(end, last)))
            .order_by()
            .values_list("day", "figure", "kind", "key")
            .annotate(n=Sum("count"))
        )
        for *key, n in kept:
            found[tuple(key)] += n
    live_from = start if last is None else max(start, last + timedelta(days=1))
    if live_from <= end:
        found.update(_count(live_from, end))
    return found
