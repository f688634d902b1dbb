"""What a record's upstream change tells people: the department that must report it, the office
that must delete a revoked record from publication."""

from django.utils.translation import gettext_lazy as _

from repairflow.notifications.messages import Message, register


def register_messages() -> None:
    for kind, title, body in (
        (
            "record.upstream_change_noted",
            _("Report the upstream change: %(record)s"),
            _(
                "The office has noted that the decision behind %(record)s was changed or revoked upstream "
                "(%(document)s, %(decided_on)s). Report it, with the corrected fields when it was changed."
            ),
        ),
        (
            "record.upstream_revoked",
            _("Delete from publication: %(record)s"),
            _(
                "The department reports the decision behind %(record)s revoked upstream (%(document)s, "
                "%(decided_on)s). Delete the record from publication."
            ),
        ),
    ):
        register(kind, Message(title, body))
