"""Two sweeps at the same moment (two beat schedulers by mistake, or a slow sweep overtaken by the
next): each stage fires once. Real concurrent transactions need a server database; on SQLite
these tests are skipped."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from repairflow.cases.services import case_deadlines_sweep
from repairflow.deadlines.clock import Stage
from repairflow.deadlines.models import Deadline
from repairflow.deadlines.policy import Action, Step
from repairflow.deadlines.services import deadline_start
from repairflow.notifications import tasks
from repairflow.notifications.models import Notification
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def deliveries(monkeypatch):
    """Deliveries queued after commit, kept here instead of going to the broker."""
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", queued.append)
    return queued


def test_two_sweeps_at_once_fire_each_stage_exactly_once(scj, officer_scj, deliveries):
    officer_scj.email = "scj@example.gov.cn"
    officer_scj.save()
    # Given 20 department clocks from 2026-09-24, all to be reminded on 9/29
    with time_machine.travel(datetime(2026, 9, 24, 9, tzinfo=BEIJING), tick=False):
        deadlines = [
            deadline_start(
                case=CreditRecordFactory(department=scj),
                step=Step.OBJECTION_VERIFICATION,
                started_on=date(2026, 9, 24),
                department=scj,
            )
            for _ in range(20)
        ]
    assert {deadline.next_action_on for deadline in deadlines} == {date(2026, 9, 29)}

    # When two sweeps run at once on 9/29, in small batches so that they meet on the rows
    with time_machine.travel(datetime(2026, 9, 29, 9, tzinfo=BEIJING), tick=False):
        reports = run_at_once(*[lambda: case_deadlines_sweep(today=date(2026, 9, 29), batch_size=3)] * 2)

    # Then neither failed, and between them they fired each clock's reminder once
    assert all(not isinstance(report, Exception) for report in reports), reports
    assert [report.failed for report in reports] == [[], []]
    fired = [{pk for pk, _stage, _action in report.fired} for report in reports]
    assert fired[0].isdisjoint(fired[1])
    assert fired[0] | fired[1] == {deadline.pk for deadline in deadlines}
    assert {(stage, action) for report in reports for _pk, stage, action in report.fired} == {
        (Stage.WARNING, Action.REMIND)
    }
    for deadline in Deadline.objects.all():
        assert [entry["stage"] for entry in deadline.actions] == ["warning"]
        assert (deadline.next_stage, deadline.next_action_on) == (Stage.DUE, date(2026, 9, 30))
    # And each clock's department user got one reminder, each queued for delivery once
    reminders = Notification.objects.filter(kind="deadline.reminder", recipient=officer_scj)
    assert sorted(reminders.values_list("params__case", flat=True)) == sorted(
        str(deadline.case) for deadline in deadlines
    )
    assert Notification.objects.count() == 20
    assert sorted(pk for ids in deliveries for pk in ids) == sorted(reminders.values_list("pk", flat=True))
