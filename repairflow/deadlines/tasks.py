from celery import shared_task

from repairflow.deadlines.services import deadlines_sweep


@shared_task
def sweep_deadlines() -> int:
    """Fire every deadline stage that has come (beat runs this every minute by default)."""
    return len(deadlines_sweep().fired)
