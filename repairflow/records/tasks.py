from celery import shared_task

from repairflow.records.services import records_expire


@shared_task
def expire_records() -> int:
    """End the publication of every record whose maximum period has passed (beat runs this every
    `REPAIRFLOW_EXPIRY_SWEEP_SECONDS`, hourly by default)."""
    return len(records_expire().expired)
