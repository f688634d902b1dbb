from celery import shared_task

from repairflow.sync.services import deliveries_relay, delivery_attempt


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    """Try one delivery once (handed by the relay, after a failed try with its back-off, or when
    the delivery before it was acknowledged); what became of it, or "skipped" when it was not for now."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    return outcome.value if outcome else "skipped"


@shared_task
def relay_deliveries() -> int:
    """Hand the workers what may be sent now (beat runs this every `REPAIRFLOW_SYNC_RELAY_SECONDS`)."""
    return len(deliveries_relay())
