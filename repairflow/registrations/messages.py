"""What a registration tells the person registering, by SMS and e-mail (notifications:
repairflow/notifications/messages.py): the code confirming the phone, and the office's decision."""

from django.utils.translation import gettext_lazy as _

from repairflow.notifications.messages import Message, register


def register_messages() -> None:
    for kind, title, body in (
        (
            "registration.phone_code",
            _("repairflow registration code"),
            _("Your code is %(code)s, valid for %(minutes)s minutes. Do not give it to anyone."),
        ),
        (
            "registration.approved",
            _("Registration approved"),
            _("The registration of %(subject)s is approved: sign in as %(username)s with the password you chose."),
        ),
        (
            "registration.rejected",
            _("Registration not approved"),
            _("The registration of %(subject)s is not approved: %(reason)s"),
        ),
    ):
        register(kind, Message(title, body))
