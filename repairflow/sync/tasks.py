from celery import shared_task

from repairflow.sync.services import deliveries_resend_due, delivery_attempt


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    """Try one delivery once (queued after the commit that wrote it, after a failed try with its
    back-off, or by the sweep); what became of it, or "skipped" when it was not for now."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    return outcome.value if outcome else "skipped"


@shared_task
def resend_due_deliveries() -> int:
    """Queue again what is still pending past its time (beat runs this every
    `REPAIRFLOW_SYNC_SWEEP_SECONDS`, every minute by default)."""
    return len(deliveries_resend_due())
