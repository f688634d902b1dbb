"""The daily digest (issue: "one message instead of one per case"): each working morning, every
department's heads get one notification listing their department's running clocks that are
overdue, due today or due within 2 working days, and every office user one listing everyone's;
in the inbox and by e-mail (and SMS) as every notification goes. Sent once a day whatever
number of times the task runs; nothing on a non-working day; nobody gets an empty digest."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.selectors import work_calendar
from repairflow.calendar.workdays import working_days_between
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Party, Step
from repairflow.notifications.messages import Message, register
from repairflow.notifications.models import Notification
from repairflow.notifications.services import notify
from repairflow.office.selectors import clocks_due_soon
from repairflow.records.selectors import department_users, office_users

DIGEST = "deadline.digest"
NUDGE = "deadline.nudge"
LISTED = 50  # the cases a digest names; the counts cover them all


@dataclass(frozen=True)
class Entry:
    case: str
    step: str
    owner: str
    due_on: date
    overdue_days: int

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "step": self.step,
            "owner": self.owner,
            "due_on": self.due_on.isoformat(),
            "overdue_days": self.overdue_days,
        }


def _lines(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """The digest's cases as lines of text, in the reader's language."""
    lines = []
    for entry in params["cases"]:
        values = {**entry, "step": Step(entry["step"]).label}
        line = OVERDUE_LINE if entry["overdue_days"] else DUE_LINE
        lines.append(str(line) % values)
    more = params["total"] - len(params["cases"])
    if more > 0:
        lines.append(str(MORE_LINE) % {"more": more})
    return {**params, "lines": "\n".join(lines)}


DUE_LINE = _("%(case)s · %(step)s · %(owner)s · due %(due_on)s")
OVERDUE_LINE = _("%(case)s · %(step)s · %(owner)s · due %(due_on)s, %(overdue_days)d working days overdue")
MORE_LINE = _("… and %(more)d more.")


def _step_label(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return {**params, "step": Step(params["step"]).label}


def register_messages() -> None:
    """The digest, and the reminder the office sends by hand from its queue."""
    register(
        NUDGE,
        Message(
            _("The office is waiting: %(step)s"),
            _("%(case)s: %(owner)s must %(step)s by %(due_on)s. The office writes: %(reason)s"),
            _step_label,
        ),
    )
    register(
        DIGEST,
        Message(
            _(
                "Deadlines on %(today)s: %(overdue)d overdue, %(due_today)d due today, "
                "%(soon)d due within 2 working days"
            ),
            _("By last day, the earliest first:\n%(lines)s"),
            _lines,
        ),
    )


def _entries(today: date) -> list[tuple[Deadline, Entry]]:
    calendar = work_calendar()
    clocks = (
        clocks_due_soon(today).select_related("department", "subject").prefetch_related("case").order_by("due_on", "id")
    )
    owners = dict(Party.choices)
    return [
        (
            deadline,
            Entry(
                case=str(deadline.case),
                step=deadline.step,
                owner=deadline.department.name if deadline.department else str(owners[deadline.owner]),
                due_on=deadline.due_on,
                overdue_days=working_days_between(calendar, deadline.due_on, today).count,
            ),
        )
        for deadline in clocks
    ]


def _params(today: date, entries: list[Entry]) -> dict[str, Any]:
    return {
        "today": today.isoformat(),
        "overdue": sum(1 for entry in entries if entry.due_on < today),
        "due_today": sum(1 for entry in entries if entry.due_on == today),
        "soon": sum(1 for entry in entries if entry.due_on > today),
        "total": len(entries),
        "cases": [entry.as_json() for entry in entries[:LISTED]],
    }


def _told_today(today: date, users: list[int]) -> set[int]:
    """Those of `users` who already have today's digest (read through each one's inbox index)."""
    sent = Notification.objects.filter(recipient__in=users, kind=DIGEST, params__today=today.isoformat())
    return set(sent.values_list("recipient", flat=True))


def digests_send(*, today: date | None = None) -> int:
    """Send today's digests (beat, each morning); the number of people told."""
    today = today or timezone.localdate()
    if not work_calendar().is_working_day(today):
        return 0
    entries = _entries(today)
    if not entries:
        return 0
    by_department: dict[int, list[Entry]] = defaultdict(list)
    for deadline, entry in entries:
        if deadline.owner == Party.DEPARTMENT:
            by_department[deadline.department_id].append(entry)
    everyone = [entry for _deadline, entry in entries]
    digests = [(office_users(), everyone, reverse("office-desk"))]
    for department, own in by_department.items():
        staff = department_users([department])
        digests.append(([user for user in staff if user.is_unit_head] or staff, own, reverse("objection-list")))
    already = _told_today(today, [user.pk for users, _own, _link in digests for user in users])
    told = 0
    for users, own, link in digests:
        if recipients := [user for user in users if user.pk not in already]:
            told += len(notify(recipients=recipients, kind=DIGEST, params=_params(today, own), link=link))
    return told
