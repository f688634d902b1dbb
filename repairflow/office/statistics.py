"""The office's statistics for any period (docs/api.md "The credit office"), the figures of the
monthly report to the leading group (seed 002 §六(十二)). Every figure counts the days of the
period both included, in Beijing time:

- `received`: cases received (their `received_on`) in the period, by kind;
- `closed`: cases that reached an end (objections published, rejected, lapsed or withdrawn;
  repairs published, rejected, denied, lapsed or withdrawn) in the period, by kind;
- `outcomes`: the outcomes of the objections whose result was confirmed (`confirm`) in the period;
- `repairs_by_rule`: the repairs carried out (`repaired_on`) in the period, by the rule set
  their eligibility was judged under;
- `departments`: per department, its verifications of objections and decisions on repairs whose
  clock ended in the period, on time (met) or late (missed), with those still open whose last day
  fell in the period and has passed (late, unanswered); the on-time rate is the headline figure;
  the median and 90th percentile of the working days taken (the legal count: paused days not
  counted);
- `steps`: the same on-time, late and working-day figures for every step of the legal clock;
- `publication`: new licences and penalties held to the 双公示 duty created in the period,
  published on time, late, or still unpublished after their last day (late);
- `credit_checks`: credit checks made in the period per department that asked (null: the office).

Rates are fractions from 0 to 1, or None when there is nothing to rate. The cases' figures and
the clocks that ended are read from what beat keeps of each past day (`figures.py`,
`repairflow/deadlines/tally.py`), so that a year costs those rows rather than every case,
transition and clock of the year."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Party, Step
from repairflow.deadlines.tally import ended_clocks
from repairflow.objections.models import Outcome
from repairflow.office.figures import KINDS, day_figures, moments
from repairflow.office.models import Figure
from repairflow.records.models import CreditRecord, Department, RecordState
from repairflow.records.selectors import credit_check_counts
from repairflow.repair.eligibility import REPAIR_RULE_SETS

# The departments' own steps: a department's headline figure is its on-time rate on these.
DEPARTMENT_STEPS = (Step.OBJECTION_VERIFICATION, Step.REPAIR_DECISION)


def rate(on_time: int, late: int) -> float | None:
    return on_time / (on_time + late) if on_time + late else None


def percentile(histogram: Counter, fraction: float) -> float | None:
    """The `fraction` percentile of the values counted in `histogram` (value → how many) by linear
    interpolation between the closest ranks (as PostgreSQL's percentile_cont), or None when
    there are none."""
    total = sum(histogram.values())
    if not total:
        return None
    position = (total - 1) * fraction
    low_rank = int(position)
    high_rank = min(low_rank + 1, total - 1)
    low = high = None
    seen = 0
    for value, count in sorted(histogram.items()):
        seen += count
        if low is None and low_rank < seen:
            low = value
        if high_rank < seen:
            high = value
            break
    return low + (high - low) * (position - low_rank)


@dataclass
class Timeliness:
    """On time, late and the working days taken, of one department's or one step's clocks."""

    on_time: int = 0
    late: int = 0
    taken: Counter = field(default_factory=Counter)  # working days → clocks

    def add(self, *, met: bool, days: int | None, count: int) -> None:
        if met:
            self.on_time += count
        else:
            self.late += count
        if days is not None:
            self.taken[days] += count

    def as_json(self) -> dict[str, Any]:
        return {
            "verifications": self.on_time + self.late,
            "on_time": self.on_time,
            "late": self.late,
            "on_time_rate": rate(self.on_time, self.late),
            "median_working_days": percentile(self.taken, 0.5),
            "p90_working_days": percentile(self.taken, 0.9),
        }


def _case_figures(start: date, end: date) -> dict[str, Any]:
    """Received, closed, outcomes and repairs by rule, summed over the period's days."""
    totals: Counter = Counter()
    for (_, figure, kind, key), n in day_figures(start, end).items():
        totals[(figure, kind, key)] += n
    by_kind = {
        figure: {kind: totals[(figure, kind, "")] for kind in KINDS} for figure in (Figure.RECEIVED, Figure.CLOSED)
    }
    keyed = {Figure.OUTCOME: {}, Figure.REPAIRED: {}}
    for (figure, _, key), n in sorted(totals.items()):
        if figure in keyed:
            keyed[figure][key] = n
    return {
        "received": by_kind[Figure.RECEIVED],
        "closed": by_kind[Figure.CLOSED],
        "outcomes": keyed[Figure.OUTCOME],
        "repairs_by_rule": keyed[Figure.REPAIRED],
    }


def _still_overdue(start: date, end: date, today: date) -> Q:
    """Clocks still running whose last day in the period has passed (late, unanswered; a paused one
    waits: its last day moves when it resumes)."""
    passed = Q(ended_on__isnull=True, due_on__range=(start, min(end, today - timedelta(days=1))))
    return passed & ~Q(status=DeadlineStatus.PAUSED)


def judged_clocks(start: date, end: date, today: date) -> QuerySet[Deadline]:
    """The clocks the period judges: those that ended in it (met: on time; missed: late; cancelled
    ones were no longer due) and those still overdue."""
    ended = Q(ended_on__range=(start, end), status__in=[DeadlineStatus.MET, DeadlineStatus.MISSED])
    return Deadline.objects.filter(ended | _still_overdue(start, end, today))


def _timeliness(start: date, end: date, today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The judged clocks by department and by step: those that ended from the daily tally
    (`deadlines.tally`), those still overdue from the open clocks."""
    by_department: dict[int, Timeliness] = defaultdict(Timeliness)
    by_step: dict[str, Timeliness] = defaultdict(Timeliness)

    def add(owner: str, department_id: int | None, step: str, met: bool, days: int | None, count: int) -> None:
        by_step[step].add(met=met, days=days, count=count)
        if owner == Party.DEPARTMENT and step in DEPARTMENT_STEPS:
            by_department[department_id].add(met=met, days=days, count=count)

    for clocks in ended_clocks(start, end):
        add(clocks.owner, clocks.department_id, clocks.step, clocks.met, clocks.working_days, clocks.count)
    overdue = (
        Deadline.objects.filter(_still_overdue(start, end, today))
        .order_by()
        .values_list("owner", "department_id", "step")
        .annotate(n=Count("id"))
    )
    for owner, department_id, step, n in overdue:
        add(owner, department_id, step, False, None, n)
    departments = Department.objects.in_bulk(list(by_department))
    department_rows = [
        {"department": departments[pk].code, "name": departments[pk].name, **figures.as_json()}
        for pk, figures in by_department.items()
    ]
    department_rows.sort(key=lambda row: (row["on_time_rate"] is None, row["on_time_rate"] or 0, row["department"]))
    labels = dict(Step.choices)
    step_rows = [
        {"step": step, "label": str(labels.get(step, step)), **figures.as_json()} for step, figures in by_step.items()
    ]
    step_rows.sort(key=lambda row: row["step"])
    return department_rows, step_rows


def _publication(start: date, end: date, today: date) -> dict[str, Any]:
    first, after = moments(start, end)
    new = CreditRecord.objects.filter(
        created_at__gte=first, created_at__lt=after, publication_due_on__isnull=False
    ).order_by()
    counted = new.aggregate(
        new_records=Count("id"),
        on_time=Count("id", filter=Q(publication_late_days=0)),
        late=Count("id", filter=Q(publication_late_days__gt=0))
        + Count("id", filter=Q(state=RecordState.UNPUBLISHED, publication_due_on__lt=today)),
    )
    return {**counted, "on_time_rate": rate(counted["on_time"], counted["late"])}


def _credit_checks(start: date, end: date) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    for row in credit_check_counts(start, end):
        counts[row["department"]] += row["count"]
    return [{"department": department, "count": count} for department, count in counts.items()]


def statistics(start: date, end: date, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of the period from `start` to `end` (see the module's docstring)."""
    today = today or timezone.localdate()
    departments, steps = _timeliness(start, end, today)
    return {
        "from": start,
        "to": end,
        **_case_figures(start, end),
        "departments": departments,
        "steps": steps,
        "publication": _publication(start, end, today),
        "credit_checks": _credit_checks(start, end),
    }


def weekly_trend(start: date, end: date) -> list[dict[str, Any]]:
    """Cases received and closed in each week (Monday first) that overlaps the period, all kinds
    together: the trend the statistics page draws."""
    monday = start - timedelta(days=start.weekday())
    weeks = {monday + timedelta(weeks=n): {"received": 0, "closed": 0} for n in range((end - monday).days // 7 + 1)}
    for (day, figure, _, _), n in day_figures(start, end).items():
        if figure in (Figure.RECEIVED, Figure.CLOSED):
            weeks[day - timedelta(days=day.weekday())][figure] += n
    return [{"week": week, **counts} for week, counts in sorted(weeks.items())]


def figures_named(figures: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """What `statistics` keys by code, named as a person reads them (the statistics page, the
    monthly report): an objection's outcome, the rule set a repair was judged under, the department
    that made credit checks (none: the office)."""
    outcomes = dict(Outcome.choices)
    rule_sets = {rule_set.code: rule_set.name for rule_set in REPAIR_RULE_SETS}
    codes = [row["department"] for row in figures["credit_checks"] if row["department"]]
    departments = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "outcomes": [(outcomes.get(code, code), count) for code, count in figures["outcomes"].items()],
        "repairs_by_rule": [
            (rule_sets.get(code, code or "—"), count) for code, count in figures["repairs_by_rule"].items()
        ],
        "credit_checks": [
            (
                departments.get(row["department"], row["department"])
                if row["department"]
                else gettext_lazy("credit office"),
                row["count"],
            )
            for row in figures["credit_checks"]
        ],
    }
