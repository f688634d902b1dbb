"""The daily tally of ended clocks: how many clocks of each owner, department and step ended on
each day, met or missed, and in how many working days. The statistics of a period read the
tally for the days it holds and the clocks themselves for the days after, so that a year costs a
few thousand tally rows rather than every clock of the year.

A clock ends only on the day it is stopped, cancelled or lapses (`services._end`,
`services.deadline_fire`), and an ended clock never changes again: a day once past is final,
and beat tallies each past day once, the night after
(`repairflow.office.tasks.keep_daily_figures`). The working days taken
are counted on the calendar as it stands at the tally; loading a year's calendar drops that
year's tally (`calendar_year_load`), so that its days are counted again on the new calendar."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import WorkCalendar, working_days_between
from repairflow.deadlines.models import ClockTally, Deadline, DeadlineStatus

JUDGED = (DeadlineStatus.MET, DeadlineStatus.MISSED)


@dataclass(frozen=True)
class EndedClocks:
    """Clocks of one owner, department and step that ended met or missed, in as many working days."""

    owner: str
    department_id: int | None
    step: str
    met: bool
    working_days: int
    count: int


def _working_days(calendar: WorkCalendar, started_on: date, ended_on: date, paused_days: int, cache: dict) -> int:
    """The working days a clock took by the legal count: from its start, not counting its pauses."""
    key = (started_on, ended_on)
    if key not in cache:
        cache[key] = working_days_between(calendar, started_on, ended_on).count
    return max(cache[key] - paused_days, 0)


def _count(start: date, end: date, calendar: WorkCalendar) -> Counter:
    """The clocks that ended from `start` to `end`, read from the clocks, by what the tally keeps
    (the working days are counted once per distinct start and end)."""
    groups = (
        Deadline.objects.filter(ended_on__range=(start, end), status__in=JUDGED)
        .order_by()
        .values_list("ended_on", "owner", "department_id", "step", "status", "started_on", "paused_days")
        .annotate(n=Count("id"))
    )
    counts: Counter = Counter()
    cache: dict = {}
    for ended_on, owner, department_id, step, status, started_on, paused_days, n in groups:
        days = _working_days(calendar, started_on, ended_on, paused_days, cache)
        counts[(ended_on, owner, department_id, step, status == DeadlineStatus.MET, days)] += n
    return counts


def tallied_through() -> date | None:
    """The last day the tally holds (every day up to it is tallied), or None."""
    return ClockTally.objects.aggregate(last=Max("ended_on"))["last"]


def clocks_tally(*, through: date | None = None) -> int:
    """Tally every day after the last one tallied up to `through` (default yesterday, Beijing
    time), in one transaction; the number of tally rows written. Run again, it writes nothing."""
    through = through or timezone.localdate() - timedelta(days=1)
    with transaction.atomic():
        last = tallied_through()
        if last is None:
            last = Deadline.objects.filter(status__in=JUDGED).aggregate(first=Min("ended_on"))["first"]
            if last is None:
                return 0
            last -= timedelta(days=1)
        if last >= through:
            return 0
        counts = _count(last + timedelta(days=1), through, work_calendar())
        ClockTally.objects.bulk_create(
            ClockTally(
                ended_on=ended_on,
                owner=owner,
                department_id=department_id,
                step=step,
                met=met,
                working_days=days,
                clocks=n,
            )
            for (ended_on, owner, department_id, step, met, days), n in sorted(counts.items(), key=str)
        )
    return len(counts)


def clocks_tally_drop(*, year: int) -> None:
    """Forget the tally from `year` on (its calendar changed): those days are read from the clocks
    until beat tallies them again."""
    ClockTally.objects.filter(ended_on__gte=date(year, 1, 1)).delete()


def ended_clocks(start: date, end: date) -> list[EndedClocks]:
    """The clocks that ended met or missed from `start` to `end`: the tally for the days it holds,
    the clocks themselves after."""
    last = tallied_through()
    found: Counter = Counter()
    if last is not None and start <= last:
        rows = (
            ClockTally.objects.filter(ended_on__range=(start, min(end, last)))
            .order_by()
            .values_list("owner", "department_id", "step", "met", "working_days")
            .annotate(n=Sum("clocks"))
        )
        for *key, n in rows:
            found[tuple(key)] += n
    live_from = start if last is None else max(start, last + timedelta(days=1))
    if live_from <= end:
        for (_, *key), n in _count(live_from, end, work_calendar()).items():
            found[tuple(key)] += n
    return [EndedClocks(*key, count=n) for key, n in found.items()]
