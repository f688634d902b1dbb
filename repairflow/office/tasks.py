from celery import shared_task

from repairflow.deadlines.tally import clocks_tally
from repairflow.office.digest import digests_send
from repairflow.office.figures import figures_tally


@shared_task
def send_daily_digests() -> int:
    """Each working morning, one digest of due and overdue deadlines per department head and office user."""
    return digests_send()


@shared_task
def keep_daily_figures() -> int:
    """Each night, what the statistics read of the days before: the cases' figures and the tally of
    ended clocks (repairflow/office/figures.py, repairflow/deadlines/tally.py); the rows written."""
    return figures_tally() + clocks_tally()
