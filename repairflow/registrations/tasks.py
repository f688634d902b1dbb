from celery import shared_task

from repairflow.registrations.held import held_proofs_purge


@shared_task
def purge_held_proofs() -> int:
    """Beat's hourly purge of the proofs held a day for registrations never sent again."""
    return held_proofs_purge()
