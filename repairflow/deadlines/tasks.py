from celery import shared_task

from repairflow.deadlines.tally import clocks_tally


@shared_task
def tally_clocks() -> int:
    """Each night, the tally of the clocks that ended on the days before (repairflow/deadlines/tally.py)."""
    return clocks_tally()
