"""Starting, stopping, pausing, extending and restarting clocks, and moving them when a year's
holiday schedule is loaded. The test database holds the official 2004–2026 schedules (calendar
versions 1–23); 2027 is not loaded, so its days count as weekdays and are provisional."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from repairflow.calendar.models import CalendarDay, CalendarYear
from repairflow.calendar.schedule import DAY_OUTSIDE_YEAR, NAME_MISSING, package_schedule, package_source
from repairflow.calendar.selectors import calendar_version
from repairflow.calendar.services import YEAR_LOADED
from repairflow.calendar.workdays import SpecialDay, explain
from repairflow.cases.services import case_deadlines_sweep
from repairflow.core.errors import Conflict, Invalid
from repairflow.deadlines import policy
from repairflow.deadlines.clock import Stage
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Event, MarkOn, Party, Profile, RuleSet, Step, StepRule
from repairflow.deadlines.services import (
    CLOCK_CANCELLED,
    CLOCK_ENDED,
    CLOCK_EXTENDED,
    CLOCK_MET,
    CLOCK_MISSED,
    CLOCK_MOVED,
    CLOCK_NOT_PAUSED,
    CLOCK_NOT_RUNNING,
    CLOCK_PAUSED,
    CLOCK_RESTARTED,
    CLOCK_RESUMED,
    CLOCK_STARTED,
    EXTENSION_OVER_LIMIT,
    EXTENSION_TOO_SHORT,
    REASON_REQUIRED,
    calendar_year_load,
    deadline_cancel,
    deadline_extend,
    deadline_pause,
    deadline_restart,
    deadline_resume,
    deadline_start,
    deadline_stop,
)
from tests.factories import CreditRecordFactory
from tests.i18n import in_chinese

BEIJING = ZoneInfo("Asia/Shanghai")
RULES_FROM_APRIL_2026 = "山东省社会信用条例 + 国办发〔2025〕22号 / NDRC Order 36"
NEW_YEAR_2027 = [
    SpecialDay(date(2027, 1, 1), False, "元旦"),
    SpecialDay(date(2027, 1, 2), False, "元旦"),
    SpecialDay(date(2027, 1, 3), False, "元旦"),
]


@pytest.fixture
def travel():
    """Stop the clock at 09:00 Beijing time on 2026-09-30; `travel(day)` moves it to another day."""
    traveller = time_machine.travel(datetime(2026, 9, 30, 9, tzinfo=BEIJING), tick=False)
    coordinates = traveller.start()

    def to(day: date) -> None:
        coordinates.move_to(datetime(day.year, day.month, day.day, 9, tzinfo=BEIJING))

    yield to
    traveller.stop()


@pytest.fixture
def record(scj, company):
    return CreditRecordFactory(department=scj, subject=company)


def latest_reason(deadline: Deadline) -> str:
    return deadline.history.order_by("-history_date", "-history_id").first().history_change_reason


def snapshot(deadline: Deadline) -> dict:
    """Every stored field of the row (read afresh) and its history count."""
    row = Deadline.objects.get(pk=deadline.pk)
    fields = {field.attname: getattr(row, field.attname) for field in Deadline._meta.concrete_fields}
    return {**fields, "history": row.history.count()}


def verification(record, department, started_on: date, actor=None) -> Deadline:
    return deadline_start(
        case=record, step=Step.OBJECTION_VERIFICATION, started_on=started_on, department=department, actor=actor
    )


# --- Starting ------------------------------------------------------------------------------------


def test_a_department_clock_starts_with_the_profile_rule_set_owner_and_explained_last_day(
    travel, record, scj, company, office
):
    # Given the Shandong rules and a case forwarded to the department on the eve of 国庆 2026
    # When its verification clock starts
    deadline = deadline_start(
        case=record,
        step=Step.OBJECTION_VERIFICATION,
        started_on=date(2026, 9, 30),
        department=scj,
        subject=company,
        actor=office,
    )

    # Then 3 working days run past the holiday to the make-up Saturday, owed by the department only
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert deadline.case == record
    assert (deadline.step, deadline.owner, deadline.department, deadline.subject) == (
        Step.OBJECTION_VERIFICATION,
        Party.DEPARTMENT,
        scj,
        None,
    )
    assert (deadline.profile, deadline.rule_set, deadline.working_days) == ("shandong", RULES_FROM_APRIL_2026, 3)
    assert (deadline.started_on, deadline.due_on, deadline.status) == (
        date(2026, 9, 30),
        date(2026, 10, 10),
        DeadlineStatus.RUNNING,
    )
    assert (deadline.provisional, deadline.paused_days, deadline.calendar_version) == (False, 0, 23)
    assert deadline.calendar_version == calendar_version()
    assert deadline.explanation == [
        {"kind": "counted", "first": "2026-09-30", "count": 3},
        {"kind": "holiday", "first": "2026-10-01", "last": "2026-10-07", "text": "国庆节"},
        {"kind": "makeup_workday", "first": "2026-10-10", "text": "国庆节"},
    ]
    with translation.override("en"):
        assert explain(deadline.notes(), deadline.due_on) == [
            "3 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
            "10/1–10/7 国庆节: holiday, not counted.",
            "10/10 make-up working day (国庆节): counted.",
        ]
    # And its reminder is planned for the working day before the last one
    assert (deadline.next_stage, deadline.next_action_on) == (Stage.WARNING, date(2026, 10, 9))
    assert (deadline.actions, deadline.pauses, deadline.extensions, deadline.restarts, deadline.ended_on) == (
        [],
        [],
        [],
        [],
        None,
    )
    # And its history says who started it and why
    history = list(deadline.history.all())
    assert len(history) == 1
    assert (history[0].history_user, history[0].history_change_reason) == (office, in_chinese(CLOCK_STARTED))


def test_the_rule_set_is_the_one_in_force_on_the_day_the_case_was_received(travel, record, scj):
    # Given a case received before the 2026-04-01 rules, whose department clock starts after them
    # When the clock starts
    deadline = deadline_start(
        case=record,
        step=Step.OBJECTION_VERIFICATION,
        started_on=date(2026, 9, 30),
        in_force_on=date(2026, 3, 31),
        department=scj,
    )

    # Then the earlier rule set applies
    assert (deadline.rule_set, deadline.due_on) == ("山东省社会信用条例 + NDRC Order 58", date(2026, 10, 10))


def test_a_subject_clock_names_the_subject_only(settings, travel, record, scj, company):
    # Given the Henan rules
    settings.REPAIRFLOW_PROFILE = "henan"

    # When the subject is asked to supplement its objection
    deadline = deadline_start(
        case=record, step=Step.OBJECTION_SUPPLEMENT, started_on=date(2026, 9, 30), department=scj, subject=company
    )

    # Then the subject owes 5 working days; no department is named
    assert (deadline.owner, deadline.subject, deadline.department) == (Party.SUBJECT, company, None)
    assert (deadline.profile, deadline.rule_set, deadline.working_days) == (
        "henan",
        "河南省社会信用条例 + 国办发〔2025〕22号 / NDRC Order 36",
        5,
    )
    assert deadline.due_on == date(2026, 10, 13)


@pytest.mark.parametrize(
    ("step", "owner"), [(Step.OBJECTION_VERIFICATION, "department"), (Step.OBJECTION_SUPPLEMENT, "subject")]
)
def test_a_clock_whose_owner_is_not_named_is_refused(travel, record, step, owner):
    with pytest.raises(ValueError, match=f"a clock owned by the {owner} needs the {owner} named"):
        deadline_start(case=record, step=step, started_on=date(2026, 9, 30))

    assert not Deadline.objects.exists()


def test_an_office_clock_names_neither_department_nor_subject(travel, record, scj, company):
    # When the office's answer clock starts on receipt
    deadline = deadline_start(
        case=record, step=Step.OBJECTION_ANSWER, started_on=date(2026, 9, 30), department=scj, subject=company
    )

    # Then the office owes 7 working days (Art. 39–40)
    assert (deadline.owner, deadline.department, deadline.subject, deadline.working_days) == (
        Party.OFFICE,
        None,
        None,
        7,
    )
    assert deadline.due_on == date(2026, 10, 15)


def test_a_step_the_profile_sets_no_clock_for_starts_none(settings, monkeypatch, travel, record, scj):
    # Given a profile that times only the objection's acceptance
    acceptance = StepRule(Event.RECEIPT, 2, Party.OFFICE, "test")
    rules = RuleSet("test rules", date(2019, 1, 1), {Step.OBJECTION_ACCEPTANCE: acceptance})
    monkeypatch.setitem(policy.PROFILES, "test", Profile("test", "测试", MarkOn.ACCEPTANCE, (rules,)))
    settings.REPAIRFLOW_PROFILE = "test"

    # When a verification clock is asked for
    deadline = verification(record, scj, date(2026, 9, 30))

    # Then there is none
    assert deadline is None
    assert Deadline.objects.count() == 0
    assert Deadline.history.count() == 0


# --- Stopping ------------------------------------------------------------------------------------


def test_stopping_on_the_last_day_meets_the_deadline(travel, record, scj, officer_scj):
    # Given a verification clock due on 2026-10-10
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 10))

    # When the department replies on the last day
    deadline_stop(deadline=deadline, on=date(2026, 10, 10), actor=officer_scj)

    # Then it is met and ends; nothing more is planned
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.ended_on, deadline.is_open) == (DeadlineStatus.MET, date(2026, 10, 10), False)
    assert (deadline.next_stage, deadline.next_action_on) == ("", None)
    assert deadline.history.count() == 2
    assert latest_reason(deadline) == in_chinese(CLOCK_MET)


def test_stopping_after_the_last_day_misses_the_deadline(travel, record, scj, officer_scj):
    # Given a verification clock due on 2026-10-10
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 12))

    # When the department replies on the next working day
    deadline_stop(deadline=deadline, on=date(2026, 10, 12), actor=officer_scj)

    # Then it is missed, and its history says so
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.ended_on) == (DeadlineStatus.MISSED, date(2026, 10, 12))
    assert latest_reason(deadline) == in_chinese(CLOCK_MISSED)


def test_stopping_an_ended_deadline_is_refused_and_changes_nothing(travel, record, scj, officer_scj):
    # Given a deadline already met
    deadline = verification(record, scj, date(2026, 9, 30))
    deadline_stop(deadline=deadline, on=date(2026, 10, 9), actor=officer_scj)
    before = snapshot(deadline)

    # When it is stopped again
    with pytest.raises(Conflict) as refused:
        deadline_stop(deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 12), actor=officer_scj)

    # Then it is refused and the row is as it was
    assert refused.value.detail == CLOCK_ENDED
    assert snapshot(deadline) == before


def test_stopping_a_paused_clock_counts_the_pause_before_judging_it(travel, record, scj, officer_scj):
    # Given a verification clock due 2026-10-10, paused after its first working day for testing
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 8))
    deadline = deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="检验检测")

    # When the department replies on 10/14 without resuming it first
    travel(date(2026, 10, 14))
    deadline_stop(deadline=deadline, on=date(2026, 10, 14), actor=officer_scj)

    # Then the 5 paused working days (10/9, 10/10, 10/12–10/14) are not counted: due 10/16, met
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert deadline.pauses == [{"first": "2026-10-08", "last": "2026-10-14", "reason": "检验检测"}]
    assert (deadline.paused_days, deadline.due_on) == (5, date(2026, 10, 16))
    assert (deadline.status, deadline.ended_on) == (DeadlineStatus.MET, date(2026, 10, 14))
    assert (deadline.next_stage, deadline.next_action_on) == ("", None)


def test_a_clock_whose_case_ended_without_it_is_cancelled_not_met(travel, record, scj, office):
    # Given a verification clock due on 2026-10-10, paused on 10/8 for testing
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 8))
    deadline = deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="检验检测")

    # When the case ends on 10/9 (the subject withdrew it)
    travel(date(2026, 10, 9))
    deadline_cancel(deadline=deadline, on=date(2026, 10, 9), reason="异议已撤回", actor=office)

    # Then it is neither met nor missed, its pause is closed, and nothing more is planned
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.ended_on) == (DeadlineStatus.CANCELLED, date(2026, 10, 9))
    assert deadline.pauses == [{"first": "2026-10-08", "last": "2026-10-09", "reason": "检验检测"}]
    assert (deadline.next_stage, deadline.next_action_on) == ("", None)
    assert latest_reason(deadline) == in_chinese(CLOCK_CANCELLED) % {"reason": "异议已撤回"}


def test_a_clock_already_overdue_stays_missed_when_its_case_ends(travel, record, scj, office):
    # Given a verification clock due on 2026-10-10 that the sweep found overdue on 10/12
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 12))
    case_deadlines_sweep(today=date(2026, 10, 12))

    # When the case ends on 10/13
    deadline_cancel(deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 13), reason="异议已撤回")

    # Then it stays missed: it was late before the case ended
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.status, deadline.ended_on) == (DeadlineStatus.MISSED, date(2026, 10, 13))


# --- Pausing and resuming ------------------------------------------------------------------------


def test_a_paused_clock_plans_nothing(travel, record, scj, officer_scj):
    # Given a verification clock due 2026-10-10
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 8))

    # When it is paused for an appraisal
    deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="  专家评审  ", actor=officer_scj)

    # Then it stands still with an open pause; its last day is fixed again on resuming
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert deadline.status == DeadlineStatus.PAUSED
    assert deadline.pauses == [{"first": "2026-10-08", "last": None, "reason": "专家评审"}]
    assert (deadline.due_on, deadline.paused_days) == (date(2026, 10, 10), 0)
    assert (deadline.next_stage, deadline.next_action_on) == ("", None)
    assert deadline.explanation[-1] == {"kind": "paused", "first": "2026-10-08", "text": "专家评审"}
    assert latest_reason(deadline) == in_chinese(CLOCK_PAUSED) % {"reason": "专家评审"}


def test_pausing_a_paused_clock_is_refused_and_changes_nothing(travel, record, scj):
    # Given a paused clock
    deadline = verification(record, scj, date(2026, 9, 30))
    deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="检验检测")
    before = snapshot(deadline)

    # When it is paused again
    with pytest.raises(Conflict) as refused:
        deadline_pause(deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 9), reason="专家评审")

    # Then it is refused and nothing changed
    assert refused.value.detail == CLOCK_NOT_RUNNING
    assert snapshot(deadline) == before


def test_pausing_without_a_reason_is_refused(travel, record, scj):
    deadline = verification(record, scj, date(2026, 9, 30))
    before = snapshot(deadline)

    with pytest.raises(Invalid) as refused:
        deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason=" ")

    assert refused.value.fields == {"reason": [str(REASON_REQUIRED)]}
    assert snapshot(deadline) == before


def test_resuming_moves_the_last_day_by_the_working_days_paused(travel, record, scj, officer_scj):
    # Given a verification clock due 2026-10-10, paused on 10/8
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 8))
    deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="检验检测")

    # When it resumes on 10/12
    travel(date(2026, 10, 12))
    deadline_resume(deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 12), actor=officer_scj)

    # Then 10/9, the make-up Saturday 10/10 and 10/12 are not counted: due 10/14, reminded 10/13
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert deadline.status == DeadlineStatus.RUNNING
    assert deadline.pauses == [{"first": "2026-10-08", "last": "2026-10-12", "reason": "检验检测"}]
    assert (deadline.paused_days, deadline.due_on) == (3, date(2026, 10, 14))
    assert (deadline.next_stage, deadline.next_action_on) == (Stage.WARNING, date(2026, 10, 13))
    assert deadline.explanation[-1] == {
        "kind": "paused",
        "first": "2026-10-08",
        "last": "2026-10-12",
        "count": 3,
        "text": "检验检测",
    }
    with translation.override("en"):
        assert explain(deadline.notes()[-1:], deadline.due_on) == [
            "Paused 10/8–10/12: 3 working days not counted (检验检测)."
        ]
    assert latest_reason(deadline) == in_chinese(CLOCK_RESUMED)


def test_resuming_a_running_clock_is_refused_and_changes_nothing(travel, record, scj):
    deadline = verification(record, scj, date(2026, 9, 30))
    before = snapshot(deadline)

    with pytest.raises(Conflict) as refused:
        deadline_resume(deadline=deadline, on=date(2026, 10, 8))

    assert refused.value.detail == CLOCK_NOT_PAUSED
    assert snapshot(deadline) == before


# --- Extending -----------------------------------------------------------------------------------


def test_an_extension_adds_working_days_and_says_why(travel, record, scj, office):
    # Given a verification clock due 2026-10-10
    deadline = verification(record, scj, date(2026, 9, 30))
    travel(date(2026, 10, 9))

    # When the office gives the department 2 more working days
    deadline_extend(deadline=deadline, days=2, reason="案情复杂", on=date(2026, 10, 9), actor=office)

    # Then it is due 10/13 and reminded 10/12
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert deadline.extensions == [{"on": "2026-10-09", "days": 2, "reason": "案情复杂"}]
    assert deadline.due_on == date(2026, 10, 13)
    assert (deadline.next_stage, deadline.next_action_on) == (Stage.WARNING, date(2026, 10, 12))
    assert deadline.explanation[-1] == {"kind": "extended", "first": "2026-10-09", "count": 2, "text": "案情复杂"}
    assert latest_reason(deadline) == in_chinese(CLOCK_EXTENDED) % {"days": 2, "reason": "案情复杂"}


@pytest.mark.parametrize(
    ("days", "reason", "errors"),
    [
        (0, "案情复杂", {"days": [str(EXTENSION_TOO_SHORT)]}),
        (-1, "案情复杂", {"days": [str(EXTENSION_TOO_SHORT)]}),
        (2, "", {"reason": [str(REASON_REQUIRED)]}),
        (2, "   ", {"reason": [str(REASON_REQUIRED)]}),
    ],
)
def test_an_extension_needs_a_day_and_a_reason(travel, record, scj, office, days, reason, errors):
    deadline = verification(record, scj, date(2026, 9, 30))
    before = snapshot(deadline)

    with pytest.raises(Invalid) as refused:
        deadline_extend(deadline=deadline, days=days, reason=reason, on=date(2026, 10, 9), actor=office)

    assert refused.value.fields == errors
    assert snapshot(deadline) == before


def test_an_ended_deadline_cannot_be_extended(travel, record, scj, office):
    deadline = verification(record, scj, date(2026, 9, 30))
    deadline_stop(deadline=deadline, on=date(2026, 10, 9))
    before = snapshot(deadline)

    with pytest.raises(Conflict) as refused:
        deadline_extend(deadline=deadline, days=2, reason="案情复杂", on=date(2026, 10, 9), actor=office)

    assert refused.value.detail == CLOCK_ENDED
    assert snapshot(deadline) == before


def test_zhejiang_caps_extensions_at_15_working_days_in_total(settings, travel, record, scj, office):
    # Given the Zhejiang rules (5 working days, extendable to 20 in total) and 10 days given already
    settings.REPAIRFLOW_PROFILE = "zhejiang"
    deadline = verification(record, scj, date(2026, 9, 30))
    assert deadline.due_on == date(2026, 10, 13)
    deadline_extend(deadline=deadline, days=10, reason="需要现场核查", on=date(2026, 10, 9), actor=office)
    assert deadline.due_on == date(2026, 10, 27)
    before = snapshot(deadline)

    # When 6 more are asked for
    deadline = Deadline.objects.get(pk=deadline.pk)
    with pytest.raises(Invalid) as refused:
        deadline_extend(deadline=deadline, days=6, reason="再次延长", on=date(2026, 10, 20), actor=office)

    # Then it is refused with the cap and what is used, and nothing changed
    message = str(EXTENSION_OVER_LIMIT) % {"profile": "浙江省（参考）", "limit": 15, "used": 10}
    assert refused.value.fields == {"days": [message]}
    assert snapshot(deadline) == before

    # And the 5 that are left can still be given
    deadline_extend(
        deadline=Deadline.objects.get(pk=deadline.pk), days=5, reason="再次延长", on=date(2026, 10, 20), actor=office
    )
    assert Deadline.objects.get(pk=deadline.pk).due_on == date(2026, 11, 3)


def test_the_cap_is_the_one_of_the_profile_the_clock_started_under(settings, travel, record, scj, office):
    # Given a clock started under the Zhejiang rules, and the site since switched to Shandong (no cap)
    settings.REPAIRFLOW_PROFILE = "zhejiang"
    deadline = verification(record, scj, date(2026, 9, 30))
    settings.REPAIRFLOW_PROFILE = "shandong"
    before = snapshot(deadline)

    # When 16 days are asked for
    with pytest.raises(Invalid) as refused:
        deadline_extend(deadline=deadline, days=16, reason="需要现场核查", on=date(2026, 10, 9), actor=office)

    # Then Zhejiang's cap still applies
    message = str(EXTENSION_OVER_LIMIT) % {"profile": "浙江省（参考）", "limit": 15, "used": 0}
    assert refused.value.fields == {"days": [message]}
    assert snapshot(deadline) == before


# --- Restarting ----------------------------------------------------------------------------------


def test_a_supplement_restarts_the_clock_afresh(travel, record, office):
    # Given the office's answer clock from 2026-09-24 (due 10/12), extended by 2 and paused a day,
    # whose reminder has fired for its last day 10/15
    travel(date(2026, 9, 24))
    deadline = deadline_start(case=record, step=Step.OBJECTION_ANSWER, started_on=date(2026, 9, 24))
    assert deadline.due_on == date(2026, 10, 12)
    deadline_extend(deadline=deadline, days=2, reason="案情复杂", on=date(2026, 9, 28), actor=office)
    travel(date(2026, 10, 8))
    deadline_pause(deadline=deadline, on=date(2026, 10, 8), reason="检验检测")
    travel(date(2026, 10, 9))
    deadline_resume(deadline=deadline, on=date(2026, 10, 9))
    assert (deadline.due_on, deadline.next_action_on) == (date(2026, 10, 15), date(2026, 10, 14))
    travel(date(2026, 10, 14))
    assert [entry[1] for entry in case_deadlines_sweep(today=date(2026, 10, 14)).fired] == [Stage.WARNING]

    # When the subject's supplement arrives on 10/20
    travel(date(2026, 10, 20))
    deadline_restart(
        deadline=Deadline.objects.get(pk=deadline.pk), on=date(2026, 10, 20), reason="补正材料已收到", actor=office
    )

    # Then 7 working days count from 10/20 with no pause or extension; the restart is explained
    deadline = Deadline.objects.get(pk=deadline.pk)
    assert (deadline.started_on, deadline.due_on, deadline.status) == (
        date(2026, 10, 20),
        date(2026, 10, 29),
        DeadlineStatus.RUNNING,
    )
    assert (deadline.pauses, deadline.extensions, deadline.paused_days) == ([], [], 0)
    assert deadline.restarts == [{"on": "2026-10-20", "previous_start": "2026-09-24", "reason": "补正材料已收到"}]
    assert deadline.explanation == [
        {"kind": "restarted", "first": "2026-10-20", "text": "补正材料已收到"},
        {"kind": "counted", "first": "2026-10-20", "count": 7},
    ]
    # And the reminder is armed again for the new last day; the one fired stays on record
    assert (deadline.next_stage, deadline.next_action_on) == (Stage.WARNING, date(2026, 10, 28))
    assert [(entry["stage"], entry["due_on"]) for entry in deadline.actions] == [("warning", "2026-10-15")]
    assert latest_reason(deadline) == in_chinese(CLOCK_RESTARTED) % {"reason": "补正材料已收到"}


def test_restarting_needs_a_reason_and_an_open_clock(travel, record, office):
    deadline = deadline_start(case=record, step=Step.OBJECTION_ANSWER, started_on=date(2026, 9, 30))
    before = snapshot(deadline)

    with pytest.raises(Invalid) as refused:
        deadline_restart(deadline=deadline, on=date(2026, 10, 20), reason="", actor=office)
    assert refused.value.fields == {"reason": [str(REASON_REQUIRED)]}
    assert snapshot(deadline) == before

    deadline_stop(deadline=deadline, on=date(2026, 10, 9))
    before = snapshot(deadline)
    with pytest.raises(Conflict) as refused:
        deadline_restart(deadline=deadline, on=date(2026, 10, 20), reason="补正材料已收到", actor=office)
    assert refused.value.detail == CLOCK_ENDED
    assert snapshot(deadline) == before


# --- Loading a calendar year ---------------------------------------------------------------------


def test_loading_2027_recomputes_the_open_clocks_that_reach_into_it(travel, company, scj, office):
    # Given, in late December 2026 with no 2027 schedule, a subject's 5-day clock and the office's
    # 7-day clock running into 2027, one ended such clock, and one clock inside 2026
    travel(date(2026, 12, 28))
    supplement = deadline_start(
        case=CreditRecordFactory(subject=company),
        step=Step.OBJECTION_SUPPLEMENT,
        started_on=date(2026, 12, 28),
        subject=company,
    )
    answer = deadline_start(
        case=CreditRecordFactory(subject=company), step=Step.OBJECTION_ANSWER, started_on=date(2026, 12, 28)
    )
    ended = deadline_start(
        case=CreditRecordFactory(subject=company),
        step=Step.OBJECTION_SUPPLEMENT,
        started_on=date(2026, 12, 28),
        subject=company,
    )
    deadline_stop(deadline=ended, on=date(2026, 12, 28))
    inside_2026 = verification(CreditRecordFactory(department=scj), scj, date(2026, 12, 22))
    assert (supplement.due_on, supplement.provisional) == (date(2027, 1, 4), True)
    assert supplement.explanation[-1] == {"kind": "unconfirmed_year", "first": "2027-01-01"}
    assert (answer.due_on, answer.provisional) == (date(2027, 1, 6), True)
    assert (inside_2026.due_on, inside_2026.provisional) == (date(2026, 12, 25), False)
    untouched = [snapshot(ended), snapshot(inside_2026)]

    # When the 2027 schedule is loaded with 元旦 on 1/1–1/3
    load = calendar_year_load(year=2027, days=NEW_YEAR_2027, source="test", actor=office)

    # Then it is calendar version 24 with its three days
    assert (load.calendar_year.year, load.calendar_year.version, load.calendar_year.confirmed) == (2027, 24, True)
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday", "name")) == [
        (day.date, day.is_workday, day.name) for day in NEW_YEAR_2027
    ]
    # And both open clocks moved a working day later, no longer provisional
    assert [(move.deadline.pk, move.old_due_on, move.new_due_on) for move in load.moved] == [
        (supplement.pk, date(2027, 1, 4), date(2027, 1, 5)),
        (answer.pk, date(2027, 1, 6), date(2027, 1, 7)),
    ]
    supplement = Deadline.objects.get(pk=supplement.pk)
    assert (supplement.due_on, supplement.provisional, supplement.calendar_version) == (date(2027, 1, 5), False, 24)
    assert supplement.explanation == [
        {"kind": "counted", "first": "2026-12-28", "count": 5},
        {"kind": "holiday", "first": "2027-01-01", "last": "2027-01-03", "text": "元旦"},
    ]
    assert (supplement.next_stage, supplement.next_action_on) == (Stage.WARNING, date(2027, 1, 4))
    # And each one's history names the load and the move
    loaded = in_chinese(YEAR_LOADED) % {"year": 2027, "version": 24, "source": "test"}
    reason = latest_reason(supplement)
    assert reason == in_chinese(CLOCK_MOVED) % {"reason": loaded, "old": "2027-01-04", "new": "2027-01-05"}
    assert "2027-01-04 → 2027-01-05" in reason
    latest = supplement.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, supplement.history.count()) == (office, 2)
    assert "2027-01-06 → 2027-01-07" in latest_reason(Deadline.objects.get(pk=answer.pk))
    # And the ended clock and the one inside 2026 were not touched
    assert [snapshot(ended), snapshot(inside_2026)] == untouched


def test_an_invalid_schedule_is_refused_and_changes_nothing(travel, company, office):
    # Given a provisional clock running into 2027
    travel(date(2026, 12, 28))
    deadline = deadline_start(
        case=CreditRecordFactory(subject=company),
        step=Step.OBJECTION_SUPPLEMENT,
        started_on=date(2026, 12, 28),
        subject=company,
    )
    before = snapshot(deadline)
    counts = (CalendarYear.objects.count(), CalendarDay.objects.count(), CalendarYear.history.count())

    # When a 2027 schedule with a 2026 day and a nameless day is loaded
    days = [SpecialDay(date(2026, 12, 31), False, "元旦"), SpecialDay(date(2027, 1, 1), False, " ")]
    with pytest.raises(Invalid) as refused:
        calendar_year_load(year=2027, days=days, source="test", actor=office)

    # Then it is refused with every reason, and the calendar and the clock are as they were
    assert refused.value.fields == {
        "days": [
            str(DAY_OUTSIDE_YEAR % {"date": "2026-12-31", "year": 2027}),
            str(NAME_MISSING % {"date": "2027-01-01", "year": 2027}),
        ]
    }
    assert (CalendarYear.objects.count(), CalendarDay.objects.count(), CalendarYear.history.count()) == counts
    assert calendar_version() == 23
    assert snapshot(deadline) == before


def test_replacing_a_loaded_year_takes_the_next_version_and_moves_its_clocks(travel, record, scj, office):
    # Given a verification clock due on the make-up Saturday 2026-10-10
    deadline = verification(record, scj, date(2026, 9, 30))
    years = CalendarYear.objects.count()

    # When 2026 is loaded again without that make-up day
    days = [day for day in package_schedule(2026) if day.date != date(2026, 10, 10)]
    load = calendar_year_load(year=2026, days=days, source=package_source(2026), actor=office)

    # Then 2026 takes version 24 (the highest was 23), no year is added, and the clock moves to 10/12
    assert load.calendar_year.version == 24
    assert (CalendarYear.objects.get(year=2026).version, CalendarYear.objects.get(year=2025).version) == (24, 22)
    assert (CalendarYear.objects.count(), calendar_version()) == (years, 24)
    assert CalendarDay.objects.filter(date__year=2026).count() == len(days)
    assert [(move.deadline.pk, move.old_due_on, move.new_due_on) for move in load.moved] == [
        (deadline.pk, date(2026, 10, 10), date(2026, 10, 12))
    ]
    assert Deadline.objects.get(pk=deadline.pk).calendar_version == 24

    # And a second load of 2027 after it takes version 25
    assert calendar_year_load(year=2027, days=NEW_YEAR_2027, source="test", actor=office).calendar_year.version == 25


def test_a_profile_without_the_removal_step_starts_no_such_clock(settings, db):
    settings.REPAIRFLOW_PROFILE = "shandong"
    record = CreditRecordFactory()

    assert deadline_start(case=record, step=Step.REVOKED_RECORD_REMOVAL, started_on=date(2026, 10, 9)) is None
    assert Deadline.objects.count() == 0
