from smtplib import SMTPException

from celery import shared_task

from repairflow.notifications.services import notifications_deliver


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=True, max_retries=8)
def deliver_notifications(ids: list[int]) -> None:
    notifications_deliver(ids=ids)
