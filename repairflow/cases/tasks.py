from celery import shared_task

from repairflow.cases.services import case_deadlines_sweep


@shared_task
def sweep_deadlines() -> int:
    """Fire every deadline stage that has come (beat runs this every minute by default)."""
    return len(case_deadlines_sweep().fired)
