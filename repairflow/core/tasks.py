from celery import shared_task

from repairflow.core.services import idempotency_keys_purge


@shared_task
def purge_idempotency_keys() -> int:
    """Beat's hourly purge of the idempotency keys kept a day."""
    return idempotency_keys_purge()
