from celery import shared_task

from repairflow.office.digest import digests_send


@shared_task
def send_daily_digests() -> int:
    """Each working morning, one digest of due and overdue deadlines per department head and office user."""
    return digests_send()
