"""What a repair application tells people at each step, in their inbox, by e-mail and by SMS (notifications:
repairflow/notifications/messages.py)."""

from django.utils.translation import gettext_lazy as _

from repairflow.notifications.messages import Message, register


def register_messages() -> None:
    for kind, title, body in (
        (
            "repair.submitted",
            _("New repair application %(number)s"),
            _("%(subject)s applies for credit repair of record %(record)s. Accept or reject it by %(due_on)s."),
        ),
        (
            "repair.accepted",
            _("Repair application %(number)s accepted"),
            _("Your credit repair application for record %(record)s has been accepted and is being handled."),
        ),
        (
            "repair.rejected",
            _("Repair application %(number)s not accepted"),
            _("Your credit repair application for record %(record)s is not accepted: %(reason)s"),
        ),
        (
            "repair.supplement_requested",
            _("Repair application %(number)s: please supplement"),
            _("Your repair application for record %(record)s needs: %(missing)s. Supplement it by %(due_on)s."),
        ),
        (
            "repair.supplemented",
            _("Repair application %(number)s supplemented"),
            _("The subject has supplemented its repair application for record %(record)s. Decide by %(due_on)s."),
        ),
        (
            "repair.forwarded",
            _("Repair application %(number)s to review"),
            _("A credit repair application for your record %(record)s awaits your decision by %(due_on)s."),
        ),
        (
            "repair.in_review",
            _("Repair application %(number)s under review"),
            _("Your credit repair application for record %(record)s is being reviewed by %(department)s."),
        ),
        (
            "repair.approved",
            _("Repair application %(number)s approved"),
            _("The department approved the repair of record %(record)s. Execute it by %(due_on)s."),
        ),
        (
            "repair.denied",
            _("Repair application %(number)s denied"),
            _("The department decided not to repair record %(record)s: %(reason)s"),
        ),
        (
            "repair.repaired",
            _("Record %(record)s repaired"),
            _("Your credit repair (%(number)s) has taken effect: the record is no longer published."),
        ),
        (
            "repair.withdrawn",
            _("Repair application %(number)s withdrawn"),
            _("The subject withdrew its credit repair application for record %(record)s. %(reason)s"),
        ),
        (
            "repair.revoked",
            _("Repair %(number)s revoked"),
            _("The repair of record %(record)s is revoked and the record published again: %(reason)s"),
        ),
    ):
        register(kind, Message(title, body))
