from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from repairflow.core.history import Writes, writing
from repairflow.notifications.messages import MESSAGES
from repairflow.notifications.models import Notification
from repairflow.notifications.sms import sms_backend


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    params: Mapping[str, Any],
    link: str = "",
    writes: Writes | None = None,
) -> list[Notification]:
    """Put a notification in each recipient's inbox (once per user) with the caller's `writes`
    (at once when none); e-mail and SMS follow by Celery after commit, for those who have an e-mail
    address or a mobile number (nothing is queued for the others: their inbox is all)."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    unique = {user.pk: user for user in recipients if user.is_active}
    notifications = [
        Notification(recipient=user, kind=kind, params=dict(params), link=link) for user in unique.values()
    ]
    with writing(writes) as batch:
        batch.add(*notifications)
    if any(user.email or user.mobile for user in unique.values()):
        transaction.on_commit(lambda: _deliver(notifications), robust=True)
    return notifications


def _deliver(notifications: list[Notification]) -> None:
    from repairflow.notifications.tasks import deliver_notifications

    ids = [n.pk for n in notifications if n.recipient.email or n.recipient.mobile]
    if ids:
        deliver_notifications.delay(ids)


def notifications_deliver(*, ids: Iterable[int]) -> None:
    """Send by e-mail and SMS whatever of these notifications has not been sent that way yet."""
    for notification in Notification.objects.filter(pk__in=list(ids)).select_related("recipient"):
        recipient = notification.recipient
        with translation.override(settings.LANGUAGE_CODE):
            title, body = notification.rendered()
        body = _with_link(body, notification.link)
        if notification.emailed_at is None and recipient.email:
            send_mail(title, body, None, [recipient.email])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
        if notification.texted_at is None and recipient.mobile:
            sms_backend().send(recipient.mobile, f"{title}：{body}")
            notification.texted_at = timezone.now()
            notification.save(update_fields=["texted_at"])


def _with_link(body: str, link: str) -> str:
    return f"{body}\n{urljoin(settings.REPAIRFLOW_BASE_URL, link)}" if link else body


def contact_tell(*, mobile: str, email: str = "", kind: str, params: Mapping[str, Any], link: str = "") -> None:
    """Tell someone who has no account (yet), by SMS to `mobile` and by e-mail to `email` when
    given, in the site's language: each sent by Celery after commit, on its own (a retried text
    never sends the e-mail again). Nothing is kept: there is no inbox to keep it in."""
    if kind not in MESSAGES:
        raise ValueError(f"unknown notification kind {kind!r}")
    from repairflow.notifications.tasks import mail_contact, text_contact

    params = dict(params)
    if mobile:
        transaction.on_commit(lambda: text_contact.delay(mobile, kind, params, link), robust=True)
    if email:
        transaction.on_commit(lambda: mail_contact.delay(email, kind, params, link), robust=True)


def _contact_message(kind: str, params: Mapping[str, Any], link: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        title, body = MESSAGES[kind].render(params)
    return title, _with_link(body, link)


def contact_text(*, mobile: str, kind: str, params: Mapping[str, Any], link: str = "") -> None:
    title, body = _contact_message(kind, params, link)
    sms_backend().send(mobile, f"{title}：{body}")


def contact_mail(*, email: str, kind: str, params: Mapping[str, Any], link: str = "") -> None:
    title, body = _contact_message(kind, params, link)
    send_mail(title, body, None, [email])


def notifications_mark_read(*, user: Any) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
