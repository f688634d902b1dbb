"""The sweep fires each clock's stages on the right working day, once each: the reminder before
the last day, the 督办 notification or the subject's last-day reminder on it, then the daily overdue
reminder, or the lapse of the case when a subject's period runs out. Dates are around 国庆 2026:
中秋 9/25–9/27, 国庆 10/1–10/7, and Saturday 10/10 a make-up working day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from repairflow.cases import services as cases
from repairflow.cases.tasks import sweep_deadlines
from repairflow.deadlines.clock import Stage
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Action, Step
from repairflow.deadlines.services import (
    deadline_extend,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from repairflow.notifications.models import Notification
from repairflow.records.models import User
from tests.factories import CreditRecordFactory, UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def travel():
    """Stop the clock at 09:00 Beijing time on 2026-09-24; `travel(day)` moves it to another day."""
    traveller = time_machine.travel(datetime(2026, 9, 24, 9, tzinfo=BEIJING), tick=False)
    coordinates = traveller.start()

    def to(day: date) -> None:
        coordinates.move_to(datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING))

    yield to
    traveller.stop()


@pytest.fixture
def sweep(travel):
    """Sweep on `day`, with the clock moved there so that every part of the code agrees on today."""

    def on(day: date):
        travel(day)
        return cases.case_deadlines_sweep(today=day)

    return on


@pytest.fixture
def scj_head(scj):
    return UserFactory(username="scj-head", officer=True, department=scj, is_unit_head=True)


@pytest.fixture
def bystanders(hb, person):
    """Users who never hear of another unit's clocks."""
    return [
        UserFactory(username="dept-hb", officer=True, department=hb, is_unit_head=True),
        UserFactory(username="person-c", subject=True, credit_subject=person),
        UserFactory(username="office-gone", office=True, is_active=False),
    ]


@pytest.fixture
def lapses(monkeypatch):
    """The lapse of a case, here of a credit record standing in for one, noted with its clock as it
    then is."""
    calls = []

    def lapse(case):
        clock = Deadline.objects.get(case_id=case.pk, step=Step.OBJECTION_SUPPLEMENT)
        calls.append((case, clock.pk, clock.ended_on))

    monkeypatch.setattr(cases, "case_lapse", lapse)
    return calls


@pytest.fixture
def record(scj, company):
    return CreditRecordFactory(department=scj, subject=company)


def verification(record, department, started_on: date) -> Deadline:
    return deadline_start(case=record, step=Step.OBJECTION_VERIFICATION, started_on=started_on, department=department)


def supplement(record, subject, started_on: date) -> Deadline:
    return deadline_start(case=record, step=Step.OBJECTION_SUPPLEMENT, started_on=started_on, subject=subject)


def sent() -> list[tuple[str, str]]:
    """Every notification so far as (kind, recipient), in order."""
    return [
        (kind, username)
        for kind, username in Notification.objects.order_by("id").values_list("kind", "recipient__username")
    ]


def fired_stages(deadline: Deadline) -> list[tuple[str, str, str, str]]:
    """The row's record of fired stages: (stage, action, on, for the last day)."""
    actions = Deadline.objects.get(pk=deadline.pk).actions
    return [(entry["stage"], entry["action"], entry["on"], entry["due_on"]) for entry in actions]


def test_a_department_clock_is_reminded_escalated_and_then_chased_each_working_day(
    sweep, record, scj, officer_scj, scj_head, office, bystanders
):
    # Given the department's 3 working days from 9/24 (中秋 not counted): last day 9/30
    deadline = verification(record, scj, date(2026, 9, 24))
    assert (deadline.due_on, deadline.next_action_on) == (date(2026, 9, 30), date(2026, 9, 29))

    # When the sweep runs before the reminder day, nothing fires
    assert sweep(date(2026, 9, 28)).fired == []
    assert sent() == []

    # When it runs on 9/29, the department's users are reminded, once however often it runs
    assert sweep(date(2026, 9, 29)).fired == [(deadline.pk, Stage.WARNING, Action.REMIND)]
    assert sweep(date(2026, 9, 29)).fired == []
    assert sent() == [("deadline.reminder", "dept-scj"), ("deadline.reminder", "scj-head")]
    reminder = Notification.objects.get(recipient=officer_scj)
    assert reminder.params == {
        "case": str(record),
        "step": "objection_verification",
        "owner": "市场监督管理局",
        "due_on": "2026-09-30",
        "overdue_days": 0,
    }
    with translation.override("en"):
        assert (reminder.title, reminder.body) == (
            "Deadline approaching: verify the objection and reply",
            f"{record}: 市场监督管理局 must verify the objection and reply by 2026-09-30.",
        )

    # When it runs on the last day, the 督办 notification goes to the department's head and the office
    assert sweep(date(2026, 9, 30)).fired == [(deadline.pk, Stage.DUE, Action.ESCALATE)]
    assert sent()[2:] == [("deadline.escalation", "scj-head"), ("deadline.escalation", "office")]
    assert Deadline.objects.get(pk=deadline.pk).status == DeadlineStatus.RUNNING

    # When it runs through 国庆 (10/1–10/7), nothing fires
    for day in range(1, 8):
        assert sweep(date(2026, 10, day)).fired == []
    assert len(sent()) == 4

    # When it runs on the first working day after the last one, the clock is overdue and missed
    assert sweep(date(2026, 10, 8)).fired == [(deadline.pk, Stage.OVERDUE, Action.REMIND)]
    assert sent()[4:] == [
        ("deadline.overdue", "dept-scj"),
        ("deadline.overdue", "scj-head"),
        ("deadline.overdue", "office"),
    ]
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.next_action_on, deadline.ended_on) == (
        DeadlineStatus.MISSED,
        date(2026, 10, 9),
        None,
    )
    with translation.override("en"):
        assert Notification.objects.filter(kind="deadline.overdue", recipient=office).get().body == (
            f"{record}: 市场监督管理局 had to verify the objection and reply by 2026-09-30; 1 working days overdue."
        )

    # And again every working day, the make-up Saturday included, but not on Sunday 10/11: to the
    # department; the office, told on the first day, reads the rest in its daily digest
    assert [len(sweep(date(2026, 10, day)).fired) for day in (9, 10, 11, 12)] == [1, 1, 0, 1]
    overdue_days = Notification.objects.filter(kind="deadline.overdue", recipient=officer_scj).order_by("id")
    assert [notification.params["overdue_days"] for notification in overdue_days] == [1, 2, 3, 4]
    assert Notification.objects.filter(kind="deadline.overdue", recipient=office).count() == 1

    # And the row records each stage once, on the day it fired, for the last day it was about
    assert fired_stages(deadline) == [
        ("warning", "remind", "2026-09-29", "2026-09-30"),
        ("due", "escalate", "2026-09-30", "2026-09-30"),
        ("overdue", "remind", "2026-10-08", "2026-09-30"),
        ("overdue", "remind", "2026-10-09", "2026-09-30"),
        ("overdue", "remind", "2026-10-10", "2026-09-30"),
        ("overdue", "remind", "2026-10-12", "2026-09-30"),
    ]
    # And nobody else heard of it
    assert not Notification.objects.filter(recipient__in=bystanders).exists()


def test_without_a_head_the_notice_goes_to_every_user_of_the_department(sweep, hb, officer_hb, office):
    # Given a department with no head, whose clock from 9/24 ends on 9/30
    other_officer = UserFactory(username="dept-hb-2", officer=True, department=hb)
    deadline = verification(CreditRecordFactory(department=hb), hb, date(2026, 9, 24))
    sweep(date(2026, 9, 29))

    # When its last day comes
    assert sweep(date(2026, 9, 30)).fired == [(deadline.pk, Stage.DUE, Action.ESCALATE)]

    # Then every user of the department and the office get the 督办 notification
    recipients = Notification.objects.filter(kind="deadline.escalation").values_list("recipient", flat=True)
    assert sorted(recipients) == sorted([office.pk, officer_hb.pk, other_officer.pk])


def test_a_late_sweep_goes_straight_to_the_last_day_without_a_stale_reminder(sweep, record, scj, scj_head, office):
    # Given a clock due 9/30 whose reminder day 9/29 passed without a sweep
    deadline = verification(record, scj, date(2026, 9, 24))

    # When the sweep runs on the last day
    report = sweep(date(2026, 9, 30))

    # Then the 督办 notification fires; "deadline approaching" is not sent on the last day
    assert report.fired == [(deadline.pk, Stage.DUE, Action.ESCALATE)]
    assert sent() == [("deadline.escalation", "scj-head"), ("deadline.escalation", "office")]
    assert fired_stages(deadline) == [("due", "escalate", "2026-09-30", "2026-09-30")]


def test_a_subjects_period_lapses_the_case_once_on_the_first_working_day_after_it(
    sweep, lapses, record, company, company_user, office, bystanders
):
    # Given the subject's 5 working days from 9/24 to supplement: last day 10/9
    deadline = supplement(record, company, date(2026, 9, 24))
    assert deadline.due_on == date(2026, 10, 9)

    # When the sweep runs on each day, the subject is reminded on 10/8 and on its last day
    assert sweep(date(2026, 9, 30)).fired == []
    assert sweep(date(2026, 10, 8)).fired == [(deadline.pk, Stage.WARNING, Action.REMIND)]
    assert sweep(date(2026, 10, 9)).fired == [(deadline.pk, Stage.DUE, Action.REMIND)]
    assert sent() == [("deadline.reminder", "subject-a"), ("deadline.last_day", "subject-a")]
    with translation.override("en"):
        assert Notification.objects.get(kind="deadline.last_day").title == "Last day today: supplement the objection"
    assert lapses == []

    # When it runs on the make-up Saturday 10/10, the first working day after it
    assert sweep(date(2026, 10, 10)).fired == [(deadline.pk, Stage.OVERDUE, Action.LAPSE)]

    # Then the case's lapse service is called once, with the case and the clock already ended
    assert lapses == [(record, deadline.pk, date(2026, 10, 10))]
    # And the subject and the office are told
    assert sent()[2:] == [("deadline.lapsed", "subject-a"), ("deadline.lapsed", "office")]
    with translation.override("en"):
        assert Notification.objects.get(kind="deadline.lapsed", recipient=office).body == (
            f"{record} has lapsed: the period to supplement the objection ended on 2026-10-09."
        )
    # And the clock has ended, missed, with nothing planned
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.ended_on, deadline.next_stage, deadline.next_action_on) == (
        DeadlineStatus.MISSED,
        date(2026, 10, 10),
        "",
        None,
    )
    assert fired_stages(deadline) == [
        ("warning", "remind", "2026-10-08", "2026-10-09"),
        ("due", "remind", "2026-10-09", "2026-10-09"),
        ("overdue", "lapse", "2026-10-10", "2026-10-09"),
    ]

    # When later sweeps run, the case never lapses again
    assert [sweep(date(2026, 10, day)).fired for day in (12, 13)] == [[], []]
    assert len(lapses) == 1
    assert len(sent()) == 4
    assert not Notification.objects.filter(recipient__in=bystanders).exists()


def test_a_failing_lapse_is_reported_and_retried_while_other_clocks_still_fire(
    sweep, record, scj, officer_scj, company, office, monkeypatch
):
    # Given a lapse that fails, a subject's period ending 10/9 and a department's clock ending
    # 10/9 too, both reminded and at their last day
    def broken_lapse(case):
        raise RuntimeError("the case service is broken")

    monkeypatch.setattr(cases, "case_lapse", broken_lapse)
    lapsing = supplement(record, company, date(2026, 9, 24))
    other = verification(CreditRecordFactory(department=scj), scj, date(2026, 9, 29))
    assert (lapsing.due_on, other.due_on) == (date(2026, 10, 9), date(2026, 10, 9))
    sweep(date(2026, 10, 8))
    sweep(date(2026, 10, 9))
    before = Deadline.objects.get(pk=lapsing.pk)
    notifications = Notification.objects.count()

    # When the sweep runs on 10/10
    report = sweep(date(2026, 10, 10))

    # Then the lapse is reported failed and the other clock's overdue reminder still fires
    assert report.failed == [lapsing.pk]
    assert report.fired == [(other.pk, Stage.OVERDUE, Action.REMIND)]
    assert Notification.objects.count() == notifications + 2  # the department's user and the office
    assert not Notification.objects.filter(kind="deadline.lapsed").exists()
    # And the failed row is as it was: still open and still due
    lapsing = Deadline.objects.get(pk=lapsing.pk)
    assert (lapsing.ended_on, lapsing.status, lapsing.next_stage, lapsing.next_action_on) == (
        None,
        DeadlineStatus.RUNNING,
        Stage.OVERDUE,
        date(2026, 10, 10),
    )
    assert (lapsing.actions, lapsing.history.count()) == (before.actions, before.history.count())

    # And the next sweep tries it again
    assert sweep(date(2026, 10, 10)).failed == [lapsing.pk]


def test_an_extension_after_the_notice_arms_the_stages_again_for_the_new_last_day(
    sweep, record, scj, officer_scj, scj_head, office
):
    # Given a clock due 9/30, reminded and escalated
    deadline = verification(record, scj, date(2026, 9, 24))
    sweep(date(2026, 9, 29))
    sweep(date(2026, 9, 30))

    # When the office gives 3 more working days on the last day
    deadline_extend(
        deadline=Deadline.objects.get(pk=deadline.pk), days=3, reason="案情复杂", on=date(2026, 9, 30), actor=office
    )

    # Then it is due 10/10, and nothing is overdue on 10/8
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.due_on, deadline.next_stage, deadline.next_action_on) == (
        date(2026, 10, 10),
        Stage.WARNING,
        date(2026, 10, 9),
    )
    assert sweep(date(2026, 10, 8)).fired == []
    # And the reminder, the 督办 notification and the overdue reminder fire again for the new last day
    assert sweep(date(2026, 10, 9)).fired == [(deadline.pk, Stage.WARNING, Action.REMIND)]
    assert sweep(date(2026, 10, 10)).fired == [(deadline.pk, Stage.DUE, Action.ESCALATE)]
    assert sweep(date(2026, 10, 11)).fired == []
    assert sweep(date(2026, 10, 12)).fired == [(deadline.pk, Stage.OVERDUE, Action.REMIND)]
    assert fired_stages(deadline) == [
        ("warning", "remind", "2026-09-29", "2026-09-30"),
        ("due", "escalate", "2026-09-30", "2026-09-30"),
        ("warning", "remind", "2026-10-09", "2026-10-10"),
        ("due", "escalate", "2026-10-10", "2026-10-10"),
        ("overdue", "remind", "2026-10-12", "2026-10-10"),
    ]
    assert Notification.objects.filter(kind="deadline.escalation").count() == 4


def test_an_extension_of_an_overdue_clock_makes_it_running_again(sweep, record, scj, office):
    # Given a clock due 9/30, overdue since 10/8
    deadline = verification(record, scj, date(2026, 9, 24))
    for day in (date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8)):
        sweep(day)
    assert Deadline.objects.get(pk=deadline.pk).status == DeadlineStatus.MISSED

    # When the office gives 5 more working days on 10/8
    deadline_extend(
        deadline=Deadline.objects.get(pk=deadline.pk), days=5, reason="需要现场核查", on=date(2026, 10, 8), actor=office
    )

    # Then it runs again to 10/13, with its reminder on 10/12
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.due_on, deadline.next_stage, deadline.next_action_on) == (
        DeadlineStatus.RUNNING,
        date(2026, 10, 13),
        Stage.WARNING,
        date(2026, 10, 12),
    )


def test_a_paused_clock_never_fires(sweep, travel, record, scj, officer_scj):
    # Given a clock due 9/30, paused on 9/28 for an appraisal
    deadline = verification(record, scj, date(2026, 9, 24))
    travel(date(2026, 9, 28))
    deadline_pause(deadline=deadline, on=date(2026, 9, 28), reason="专家评审")

    # When the sweep runs past its last day, nothing fires
    for day in (date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8)):
        assert sweep(day).fired == []
    assert sent() == []
    assert Deadline.objects.get(pk=deadline.pk).actions == []

    # When it resumes on 10/8, it is due 3 working days later than before (10/10) and reminded 10/9
    deadline_resume(deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 8))
    assert Deadline.objects.get(pk=deadline.pk).due_on == date(2026, 10, 10)
    assert sweep(date(2026, 10, 9)).fired == [(deadline.pk, Stage.WARNING, Action.REMIND)]


def test_the_periodic_task_sweeps_today_and_returns_how_many_stages_fired(travel, record, scj, officer_scj):
    # Given two department clocks reminded on 9/29
    verification(record, scj, date(2026, 9, 24))
    verification(CreditRecordFactory(department=scj), scj, date(2026, 9, 24))

    # When the task runs before that day, on it, and again on it
    travel(date(2026, 9, 28))
    before = sweep_deadlines()
    travel(date(2026, 9, 29))
    on_the_day = sweep_deadlines()
    again = sweep_deadlines()

    # Then it fires both reminders once, on their day
    assert (before, on_the_day, again) == (0, 2, 0)
    assert Notification.objects.filter(kind="deadline.reminder", recipient=officer_scj).count() == 2


def test_a_user_who_has_left_is_not_reminded(sweep, record, scj, officer_scj):
    # Given a department with an active user and one who has left
    UserFactory(username="dept-scj-gone", officer=True, department=scj, is_active=False)
    assert User.objects.filter(department=scj).count() == 2
    verification(record, scj, date(2026, 9, 24))

    # When the reminder fires
    sweep(date(2026, 9, 29))

    # Then only the active department user is reminded
    assert sent() == [("deadline.reminder", "dept-scj")]


def test_a_row_whose_stage_has_not_come_after_all_is_planned_again_and_fires_nothing(sweep, record, scj, officer_scj):
    # Given a clock whose next action was (wrongly) stored as due today, before its reminder day
    deadline = verification(record, scj, date(2026, 9, 24))
    Deadline.objects.filter(pk=deadline.pk).update(next_action_on=date(2026, 9, 25))

    # When the sweep runs that day
    report = sweep(date(2026, 9, 25))

    # Then nothing fires and the row is planned again for its reminder day
    assert report.fired == []
    assert sent() == []
    deadline.refresh_from_db()
    assert (deadline.next_stage, deadline.next_action_on, deadline.actions) == ("warning", date(2026, 9, 29), [])
