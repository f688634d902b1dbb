"""What an objection tells people at each step, in their inbox, by e-mail and by SMS (notifications:
repairflow/notifications/messages.py)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from repairflow.notifications.messages import Message, register
from repairflow.objections.models import Outcome


def _labels(params: Mapping[str, Any]) -> Mapping[str, Any]:
    prepared = dict(params)
    if prepared.get("outcome") in Outcome.values:
        prepared["outcome"] = Outcome(prepared["outcome"]).label
    return prepared


def register_messages() -> None:
    for kind, title, body in (
        (
            "objection.submitted",
            _("New objection %(number)s"),
            _("%(subject)s objects to record %(record)s. Accept or reject it by %(due_on)s."),
        ),
        (
            "objection.accepted",
            _("Objection %(number)s accepted"),
            _("Your objection to record %(record)s has been accepted and is being handled."),
        ),
        (
            "objection.rejected",
            _("Objection %(number)s not accepted"),
            _("Your objection to record %(record)s is not accepted: %(reason)s"),
        ),
        (
            "objection.supplement_requested",
            _("Objection %(number)s: please supplement"),
            _("Your objection to record %(record)s needs: %(missing)s. Supplement it by %(due_on)s."),
        ),
        (
            "objection.supplemented",
            _("Objection %(number)s supplemented"),
            _("The subject has supplemented its objection to record %(record)s. Accept or reject it by %(due_on)s."),
        ),
        (
            "objection.forwarded",
            _("Objection %(number)s to verify"),
            _("An objection to your record %(record)s has been forwarded to you. Verify it and reply by %(due_on)s."),
        ),
        (
            "objection.in_verification",
            _("Objection %(number)s forwarded for verification"),
            _("Your objection to record %(record)s has been forwarded to %(departments)s for verification."),
        ),
        (
            "objection.replied",
            _("Objection %(number)s replied"),
            _("Every department has replied to the objection to record %(record)s (%(outcome)s). Confirm the reply."),
        ),
        (
            "objection.returned",
            _("Objection %(number)s returned"),
            _("The credit office returned the reply on record %(record)s for verification again: %(reason)s"),
        ),
        (
            "objection.result",
            _("Objection %(number)s: result"),
            _("Your objection to record %(record)s has been decided: %(outcome)s. The result notice is in your case."),
        ),
        (
            "objection.withdrawn",
            _("Objection %(number)s withdrawn"),
            _("The subject withdrew its objection to record %(record)s. %(reason)s"),
        ),
    ):
        register(kind, Message(title, body, _labels))
