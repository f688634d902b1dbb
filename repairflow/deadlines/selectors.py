"""Reads of clocks: a clock as the API shows it, whatever it hangs on (a case, a record)."""

from datetime import date
from typing import Any

from repairflow.calendar.workdays import WorkCalendar, explain, working_days_left
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Step

STEP_LABELS = dict(Step.choices)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def deadline_as_json(deadline: Deadline, *, calendar: WorkCalendar, today: date) -> dict[str, Any]:
    """A clock as the API shows it: `working_days_left` from `today` to its last day (negative
    when overdue, null once ended) and its explanation in the reader's language."""
    left = working_days_left(calendar, today, deadline.due_on) if deadline.is_open else None
    return {
        "step": deadline.step,
        "step_label": str(STEP_LABELS.get(deadline.step, deadline.step)),
        "owner": deadline.owner,
        "department": deadline.department.code if deadline.department_id else None,
        "started_on": _iso(deadline.started_on),
        "due_on": _iso(deadline.due_on),
        "status": deadline.status,
        "working_days_left": left,
        "provisional": deadline.provisional,
        "explanation": explain(deadline.notes(), deadline.due_on),
        "ended_on": _iso(deadline.ended_on),
    }
