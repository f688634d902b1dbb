from smtplib import SMTPException

from celery import shared_task

from repairflow.notifications.services import contact_mail, contact_text, notifications_deliver


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def deliver_notifications(ids: list[int]) -> None:
    notifications_deliver(ids=ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def text_contact(mobile: str, kind: str, params: dict, link: str = "") -> None:
    contact_text(mobile=mobile, kind=kind, params=params, link=link)


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def mail_contact(email: str, kind: str, params: dict, link: str = "") -> None:
    contact_mail(email=email, kind=kind, params=params, link=link)
