"""What the legal clock tells people: the reminder before a last day, the last day itself, the
督办 notification, the daily overdue reminder and the lapse of a case."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.deadlines.policy import Step
from repairflow.notifications.messages import Message, register


def _step_label(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return {**params, "step": Step(params["step"]).label}


def register_messages() -> None:
    for kind, title, body in (
        (
            "deadline.reminder",
            _("Deadline approaching: %(step)s"),
            _("%(case)s: %(owner)s must %(step)s by %(due_on)s."),
        ),
        (
            "deadline.last_day",
            _("Last day today: %(step)s"),
            _("%(case)s: today, %(due_on)s, is the last day to %(step)s."),
        ),
        (
            "deadline.escalation",
            _("Supervision (督办): %(step)s"),
            _("%(case)s: %(owner)s must %(step)s by today, %(due_on)s. Please see that it is done."),
        ),
        (
            "deadline.overdue",
            _("Overdue: %(step)s"),
            _("%(case)s: %(owner)s had to %(step)s by %(due_on)s; %(overdue_days)d working days overdue."),
        ),
        (
            "deadline.lapsed",
            _("Case lapsed: %(case)s"),
            _("%(case)s has lapsed: the period to %(step)s ended on %(due_on)s."),
        ),
    ):
        register(kind, Message(title, body, _step_label))
