"""A running clock's arithmetic (repairflow/deadlines/clock.py), without the database: the last
day with pauses, extensions and restarts, and the stage that fires next."""

from datetime import date

import pytest
from django.utils.translation import override

from repairflow.calendar.schedule import package_schedule
from repairflow.calendar.workdays import Note, NoteKind, WorkCalendar, add_working_days, explain
from repairflow.deadlines.clock import (
    Extension,
    Fired,
    Pause,
    Restart,
    Stage,
    action_at,
    next_stage,
    schedule,
)
from repairflow.deadlines.policy import Action, Event, Party, StepRule, subject_period

D = date
CAL = WorkCalendar.build(package_schedule(2025) + package_schedule(2026), confirmed_years={2025, 2026})
ONLY_2026 = WorkCalendar.build(package_schedule(2026), confirmed_years={2026})

# A department's 3-day step: reminded the working day before, escalated on the last day,
# reminded every working day after.
DEPARTMENT = StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "河南省社会信用条例 Art. 42")
SUBJECT = subject_period(5, "local practice")
NO_WARNING = StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", warning_lead=0)
SILENT = StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", warning_lead=0, on_due=Action.NONE, when_overdue=Action.NONE)


def english(notes, reference=None):
    with override("en"):
        return explain(notes, reference)


# --- schedule() ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_on", "working_days", "due_on"),
    [
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        (D(2026, 10, 9), 7, D(2026, 10, 19)),
        (D(2026, 10, 3), 3, D(2026, 10, 12)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 10, 12), 0, D(2026, 10, 12)),
    ],
)
def test_given_a_plain_clock_when_scheduled_then_it_is_the_working_day_arithmetic(started_on, working_days, due_on):
    result = schedule(CAL, started_on=started_on, working_days=working_days)
    plain = add_working_days(CAL, started_on, working_days)

    assert (result.due_on, result.provisional, result.paused_days) == (due_on, False, 0)
    assert result.notes == plain.notes


def test_given_a_plain_clock_over_national_day_then_the_explanation_names_the_holiday_and_the_working_saturday():
    result = schedule(CAL, started_on=D(2026, 9, 30), working_days=4)

    assert english(result.notes, result.due_on) == [
        "4 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]


def test_given_a_finished_pause_when_scheduled_then_its_working_days_are_not_counted():
    without = schedule(CAL, started_on=D(2026, 10, 9), working_days=7)
    result = schedule(
        CAL,
        started_on=D(2026, 10, 9),
        working_days=7,
        pauses=[Pause(D(2026, 10, 12), D(2026, 10, 14), "appraisal")],
    )

    assert (without.due_on, result.due_on, result.paused_days, result.provisional) == (
        D(2026, 10, 19),
        D(2026, 10, 21),
        2,
        False,
    )
    assert english(result.notes, result.due_on) == [
        "7 working days counted from 2026-10-09 (that day not counted, Civil Code Art. 201).",
        "10/10 make-up working day (国庆节): counted.",
        "Paused 10/12–10/14: 2 working days not counted (appraisal).",
    ]


def test_given_an_open_pause_when_scheduled_then_it_adds_nothing_yet():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 9),
        working_days=7,
        pauses=[Pause(D(2026, 10, 12), None, "waiting for the appraisal")],
    )

    assert (result.due_on, result.paused_days) == (D(2026, 10, 19), 0)
    assert result.notes[-1] == Note(NoteKind.PAUSED, D(2026, 10, 12), text="waiting for the appraisal")
    assert english(result.notes, result.due_on)[-1] == "Paused since 2026-10-12: waiting for the appraisal."


def test_given_a_finished_and_an_open_pause_then_only_the_finished_one_counts():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 9),
        working_days=7,
        pauses=[Pause(D(2026, 10, 12), D(2026, 10, 14), "appraisal"), Pause(D(2026, 10, 16), None, "testing")],
    )

    assert (result.due_on, result.paused_days) == (D(2026, 10, 21), 2)
    assert english(result.notes, result.due_on)[-2:] == [
        "Paused 10/12–10/14: 2 working days not counted (appraisal).",
        "Paused since 2026-10-16: testing.",
    ]


def test_given_a_pause_across_national_day_then_only_its_working_days_are_not_counted():
    result = schedule(
        CAL,
        started_on=D(2026, 9, 28),
        working_days=3,
        pauses=[Pause(D(2026, 9, 29), D(2026, 10, 9), "testing")],
    )

    # 9/30, 10/8 and 10/9 are the working days paused; without the pause the last day is 10/8.
    assert (result.due_on, result.paused_days) == (D(2026, 10, 12), 3)
    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-09-28 (that day not counted, Civil Code Art. 201).",
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
        "Paused 9/29–10/9: 3 working days not counted (testing).",
    ]


@pytest.mark.parametrize(
    ("pause", "paused_days"),
    [
        pytest.param(Pause(D(2026, 10, 1), D(2026, 10, 7), "x"), 0, id="only-holidays"),
        pytest.param(Pause(D(2026, 10, 12), D(2026, 10, 12), "x"), 0, id="same-day"),
        pytest.param(Pause(D(2026, 10, 12), D(2026, 10, 13), "x"), 1, id="one-day"),
        pytest.param(Pause(D(2026, 10, 9), D(2026, 10, 11), "x"), 1, id="working-saturday-only"),
        pytest.param(Pause(D(2026, 2, 13), D(2026, 2, 28), "x"), 6, id="spring-festival"),
    ],
)
def test_given_a_pause_then_the_working_days_after_its_first_day_up_to_its_last_are_not_counted(pause, paused_days):
    assert schedule(CAL, started_on=D(2026, 9, 1), working_days=3, pauses=[pause]).paused_days == paused_days


def test_given_an_extension_when_scheduled_then_its_days_are_added_and_explained():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 9),
        working_days=7,
        extensions=[Extension(D(2026, 10, 15), 5, "approved by the office")],
    )

    assert (result.due_on, result.paused_days) == (D(2026, 10, 26), 0)
    assert english(result.notes, result.due_on) == [
        "7 working days counted from 2026-10-09 (that day not counted, Civil Code Art. 201).",
        "10/10 make-up working day (国庆节): counted.",
        "Extended on 2026-10-15 by 5 working days: approved by the office.",
    ]


def test_given_two_extensions_and_a_pause_then_all_of_them_add_up():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 12),
        working_days=5,
        pauses=[Pause(D(2026, 10, 13), D(2026, 10, 14), "appraisal")],
        extensions=[Extension(D(2026, 10, 15), 1, "first"), Extension(D(2026, 10, 16), 2, "second")],
    )

    # 5 + 1 paused (10/14; the pause's first day still counts) + 3 extended = 9 working days from 10/12
    assert (result.due_on, result.paused_days) == (D(2026, 10, 23), 1)
    assert english(result.notes, result.due_on) == [
        "5 working days counted from 2026-10-12 (that day not counted, Civil Code Art. 201).",
        "Paused 10/13–10/14: 1 working day not counted (appraisal).",
        "Extended on 2026-10-15 by 1 working day: first.",
        "Extended on 2026-10-16 by 2 working days: second.",
    ]


def test_given_a_restart_when_scheduled_then_it_is_explained_first_and_counting_runs_from_the_new_start():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 12),
        working_days=5,
        restarts=[Restart(D(2026, 10, 12), D(2026, 9, 30), "supplement received")],
    )

    assert result.due_on == D(2026, 10, 19)
    assert english(result.notes, result.due_on) == [
        "Restarted on 2026-10-12: supplement received.",
        "5 working days counted from 2026-10-12 (that day not counted, Civil Code Art. 201).",
    ]


def test_given_two_restarts_then_both_are_explained_in_order():
    result = schedule(
        CAL,
        started_on=D(2026, 10, 20),
        working_days=5,
        restarts=[
            Restart(D(2026, 10, 12), D(2026, 9, 30), "supplement received"),
            Restart(D(2026, 10, 20), D(2026, 10, 12), "second supplement received"),
        ],
    )

    assert english(result.notes, result.due_on)[:2] == [
        "Restarted on 2026-10-12: supplement received.",
        "Restarted on 2026-10-20: second supplement received.",
    ]


def test_given_a_pause_in_an_unconfirmed_year_then_the_result_is_provisional_although_its_period_is_not():
    result = schedule(
        ONLY_2026,
        started_on=D(2026, 1, 5),
        working_days=3,
        pauses=[Pause(D(2025, 12, 30), D(2025, 12, 31), "appraisal")],
    )

    assert add_working_days(ONLY_2026, D(2026, 1, 5), 4).provisional is False
    assert (result.due_on, result.paused_days, result.provisional) == (D(2026, 1, 9), 1, True)


def test_given_a_clock_running_into_an_unconfirmed_year_then_the_schedule_is_provisional_and_says_so():
    result = schedule(
        ONLY_2026,
        started_on=D(2026, 12, 21),
        working_days=7,
        pauses=[Pause(D(2026, 12, 22), D(2026, 12, 24), "testing")],
    )

    assert (result.due_on, result.paused_days, result.provisional) == (D(2027, 1, 1), 2, True)
    assert english(result.notes, result.due_on) == [
        "7 working days counted from 2026-12-21 (that day not counted, Civil Code Art. 201).",
        "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
        "so this result is provisional.",
        "Paused 2026/12/22–2026/12/24: 2 working days not counted (testing).",
    ]


@pytest.mark.parametrize(
    "item",
    [
        Pause(D(2026, 10, 12), D(2026, 10, 14), "appraisal"),
        Pause(D(2026, 10, 12), None, "appraisal"),
        Extension(D(2026, 10, 15), 5, "approved"),
        Restart(D(2026, 10, 12), D(2026, 9, 30), "supplement received"),
    ],
    ids=["pause", "open-pause", "extension", "restart"],
)
def test_given_a_clock_change_when_stored_as_json_then_it_reads_back_equal(item):
    assert type(item).from_json(item.as_json()) == item


def test_given_an_open_pause_then_its_json_has_a_null_last_day():
    assert Pause(D(2026, 10, 12), None, "appraisal").as_json() == {
        "first": "2026-10-12",
        "last": None,
        "reason": "appraisal",
    }


# --- next_stage() --------------------------------------------------------------------------


def fired(*entries):
    return [Fired(stage, on, due_on) for stage, on, due_on in entries]


@pytest.mark.parametrize(
    ("started_on", "due_on", "today", "expected"),
    [
        pytest.param(D(2026, 10, 12), D(2026, 10, 15), D(2026, 10, 12), (Stage.WARNING, D(2026, 10, 14)), id="plain"),
        pytest.param(
            D(2026, 9, 28), D(2026, 10, 8), D(2026, 9, 28), (Stage.WARNING, D(2026, 9, 30)), id="across-national-day"
        ),
        pytest.param(
            D(2026, 10, 8), D(2026, 10, 12), D(2026, 10, 8), (Stage.WARNING, D(2026, 10, 10)), id="working-saturday"
        ),
        pytest.param(
            D(2026, 2, 12), D(2026, 2, 24), D(2026, 2, 12), (Stage.WARNING, D(2026, 2, 14)), id="across-spring-festival"
        ),
        pytest.param(
            D(2026, 9, 28), D(2026, 10, 8), D(2026, 10, 3), (Stage.WARNING, D(2026, 9, 30)), id="late-sweep-before-due"
        ),
    ],
)
def test_given_a_new_clock_then_the_warning_is_the_working_day_before_the_last(started_on, due_on, today, expected):
    assert next_stage(CAL, DEPARTMENT, started_on=started_on, due_on=due_on, fired=[], today=today) == expected


def test_given_a_lead_of_two_then_the_warning_is_two_working_days_before_across_the_holiday():
    rule = StepRule(Event.FORWARD, 4, Party.DEPARTMENT, "x", warning_lead=2)

    assert next_stage(CAL, rule, started_on=D(2026, 9, 28), due_on=D(2026, 10, 9), fired=[], today=D(2026, 9, 28)) == (
        Stage.WARNING,
        D(2026, 9, 30),
    )


@pytest.mark.parametrize(
    ("started_on", "due_on"),
    [
        pytest.param(D(2026, 10, 14), D(2026, 10, 15), id="one-day-period"),
        pytest.param(D(2026, 9, 30), D(2026, 10, 8), id="one-day-period-across-the-holiday"),
        pytest.param(D(2026, 10, 15), D(2026, 10, 15), id="zero-day-period"),
        pytest.param(D(2026, 10, 3), D(2026, 10, 9), id="started-on-a-holiday-one-day-period"),
        pytest.param(D(2026, 3, 8), D(2026, 3, 10), id="started-on-a-sunday-one-day-period"),
    ],
)
def test_given_a_warning_that_would_not_fall_after_the_start_then_it_is_skipped(started_on, due_on):
    assert next_stage(CAL, DEPARTMENT, started_on=started_on, due_on=due_on, fired=[], today=started_on) == (
        Stage.DUE,
        due_on,
    )


def test_given_a_two_day_period_started_on_a_holiday_then_the_warning_falls_after_the_receipt_day():
    assert next_stage(
        CAL, DEPARTMENT, started_on=D(2026, 10, 3), due_on=D(2026, 10, 10), fired=[], today=D(2026, 10, 3)
    ) == (Stage.WARNING, D(2026, 10, 9))


@pytest.mark.parametrize(
    "today",
    [D(2026, 10, 15), D(2026, 10, 16), D(2026, 10, 31)],
    ids=["on-the-last-day", "a-day-late", "weeks-late"],
)
def test_given_the_last_day_has_come_then_the_warning_is_skipped_and_the_due_stage_fires_even_late(today):
    assert next_stage(CAL, DEPARTMENT, started_on=D(2026, 10, 12), due_on=D(2026, 10, 15), fired=[], today=today) == (
        Stage.DUE,
        D(2026, 10, 15),
    )


def test_given_the_warning_fired_then_the_due_stage_is_next():
    done = fired((Stage.WARNING, D(2026, 10, 14), D(2026, 10, 15)))

    assert next_stage(
        CAL, DEPARTMENT, started_on=D(2026, 10, 12), due_on=D(2026, 10, 15), fired=done, today=D(2026, 10, 14)
    ) == (Stage.DUE, D(2026, 10, 15))


@pytest.mark.parametrize(
    ("due_on", "overdue_on"),
    [
        pytest.param(D(2026, 10, 15), D(2026, 10, 16), id="plain"),
        pytest.param(D(2026, 9, 30), D(2026, 10, 8), id="across-national-day"),
        pytest.param(D(2026, 10, 9), D(2026, 10, 10), id="working-saturday"),
        pytest.param(D(2026, 2, 14), D(2026, 2, 24), id="across-spring-festival"),
        pytest.param(D(2026, 12, 31), D(2027, 1, 1), id="into-a-year-without-schedule"),
    ],
)
def test_given_the_due_stage_fired_then_overdue_is_the_next_working_day(due_on, overdue_on):
    done = fired((Stage.WARNING, D(2026, 9, 1), due_on), (Stage.DUE, due_on, due_on))

    assert next_stage(CAL, DEPARTMENT, started_on=D(2026, 9, 1), due_on=due_on, fired=done, today=due_on) == (
        Stage.OVERDUE,
        overdue_on,
    )


@pytest.mark.parametrize(
    ("last_overdue", "next_overdue"),
    [
        pytest.param(D(2026, 10, 8), D(2026, 10, 9), id="daily"),
        pytest.param(D(2026, 10, 9), D(2026, 10, 10), id="onto-the-working-saturday"),
        pytest.param(D(2026, 10, 10), D(2026, 10, 12), id="over-the-sunday"),
        pytest.param(D(2026, 10, 4), D(2026, 10, 8), id="fired-on-a-holiday"),
    ],
)
def test_given_an_overdue_fired_then_the_next_is_the_following_working_day(last_overdue, next_overdue):
    due_on = D(2026, 9, 30)
    done = fired(
        (Stage.DUE, due_on, due_on),
        (Stage.OVERDUE, D(2026, 10, 3), due_on),
        (Stage.OVERDUE, last_overdue, due_on),
    )

    assert next_stage(CAL, DEPARTMENT, started_on=D(2026, 9, 25), due_on=due_on, fired=done, today=last_overdue) == (
        Stage.OVERDUE,
        next_overdue,
    )


def test_given_an_overdue_fired_without_a_due_stage_then_the_due_stage_is_not_fired_again():
    due_on = D(2026, 10, 15)
    done = fired((Stage.OVERDUE, D(2026, 10, 16), due_on))

    assert next_stage(
        CAL, DEPARTMENT, started_on=D(2026, 10, 12), due_on=due_on, fired=done, today=D(2026, 10, 16)
    ) == (Stage.OVERDUE, D(2026, 10, 19))


def test_given_a_subject_period_then_it_is_reminded_the_day_before_and_on_the_last_day_and_lapses_once():
    started_on, due_on = D(2026, 9, 24), D(2026, 10, 9)  # 5 working days: 9/28, 9/29, 9/30, 10/8, 10/9

    steps = []
    done: list[Fired] = []
    while planned := next_stage(CAL, SUBJECT, started_on=started_on, due_on=due_on, fired=done, today=started_on):
        stage, on = planned
        steps.append((stage, on, action_at(SUBJECT, stage)))
        done.append(Fired(stage, on, due_on))

    assert steps == [
        (Stage.WARNING, D(2026, 10, 8), Action.REMIND),
        (Stage.DUE, D(2026, 10, 9), Action.REMIND),
        (Stage.OVERDUE, D(2026, 10, 10), Action.LAPSE),
    ]


def test_given_a_lapse_fired_then_nothing_is_left():
    due_on = D(2026, 10, 9)
    done = fired((Stage.DUE, due_on, due_on), (Stage.OVERDUE, D(2026, 10, 10), due_on))

    assert next_stage(CAL, SUBJECT, started_on=D(2026, 9, 24), due_on=due_on, fired=done, today=D(2026, 10, 12)) is None


def test_given_stages_fired_for_an_older_last_day_then_they_are_ignored_and_the_clock_is_armed_again():
    old_due = D(2026, 10, 15)
    done = fired(
        (Stage.WARNING, D(2026, 10, 14), old_due),
        (Stage.DUE, old_due, old_due),
        (Stage.OVERDUE, D(2026, 10, 16), old_due),
    )

    # extended by 3 working days on 10/16: the last day is now 10/20
    assert next_stage(
        CAL, DEPARTMENT, started_on=D(2026, 10, 12), due_on=D(2026, 10, 20), fired=done, today=D(2026, 10, 16)
    ) == (Stage.WARNING, D(2026, 10, 19))


def test_given_a_lapse_for_an_older_last_day_then_the_subject_s_clock_is_armed_again():
    old_due = D(2026, 10, 9)
    done = fired((Stage.DUE, old_due, old_due), (Stage.OVERDUE, D(2026, 10, 10), old_due))

    assert next_stage(
        CAL, SUBJECT, started_on=D(2026, 9, 24), due_on=D(2026, 10, 14), fired=done, today=D(2026, 10, 12)
    ) == (Stage.WARNING, D(2026, 10, 13))


@pytest.mark.parametrize(
    ("rule", "done", "expected"),
    [
        pytest.param(SILENT, [], None, id="nothing-at-all"),
        pytest.param(
            StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", on_due=Action.NONE, when_overdue=Action.NONE),
            [],
            (Stage.WARNING, D(2026, 10, 14)),
            id="warning-only",
        ),
        pytest.param(
            StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", on_due=Action.NONE, when_overdue=Action.NONE),
            [(Stage.WARNING, D(2026, 10, 14))],
            None,
            id="warning-only-after-it-fired",
        ),
        pytest.param(NO_WARNING, [], (Stage.DUE, D(2026, 10, 15)), id="no-warning-lead"),
        pytest.param(
            StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", warning_lead=0, on_due=Action.NONE),
            [],
            (Stage.OVERDUE, D(2026, 10, 16)),
            id="no-due-action-straight-to-overdue",
        ),
        pytest.param(
            StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", on_due=Action.NONE),
            [(Stage.WARNING, D(2026, 10, 14))],
            (Stage.OVERDUE, D(2026, 10, 16)),
            id="warning-then-overdue",
        ),
        pytest.param(
            StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "x", when_overdue=Action.NONE),
            [(Stage.WARNING, D(2026, 10, 14)), (Stage.DUE, D(2026, 10, 15))],
            None,
            id="no-overdue-action-after-the-due-stage",
        ),
    ],
)
def test_given_stages_without_action_then_they_are_not_planned(rule, done, expected):
    due_on = D(2026, 10, 15)
    entries = [Fired(stage, on, due_on) for stage, on in done]

    assert (
        next_stage(CAL, rule, started_on=D(2026, 10, 12), due_on=due_on, fired=entries, today=D(2026, 10, 12))
        == expected
    )


def test_given_fired_stages_read_back_as_strings_then_they_still_count():
    due_on = D(2026, 10, 15)
    done = [Fired("warning", D(2026, 10, 14), due_on), Fired("due", due_on, due_on)]

    assert next_stage(
        CAL, DEPARTMENT, started_on=D(2026, 10, 12), due_on=due_on, fired=done, today=D(2026, 10, 15)
    ) == (Stage.OVERDUE, D(2026, 10, 16))


# --- action_at() ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "stage", "action"),
    [
        (DEPARTMENT, Stage.WARNING, Action.REMIND),
        (DEPARTMENT, Stage.DUE, Action.ESCALATE),
        (DEPARTMENT, Stage.OVERDUE, Action.REMIND),
        (SUBJECT, Stage.WARNING, Action.REMIND),
        (SUBJECT, Stage.DUE, Action.REMIND),
        (SUBJECT, Stage.OVERDUE, Action.LAPSE),
        (SILENT, Stage.WARNING, Action.REMIND),
        (SILENT, Stage.DUE, Action.NONE),
        (SILENT, Stage.OVERDUE, Action.NONE),
        (DEPARTMENT, "warning", Action.REMIND),
        (DEPARTMENT, "due", Action.ESCALATE),
        (SUBJECT, "overdue", Action.LAPSE),
    ],
)
def test_given_a_stage_then_its_action_comes_from_the_rule(rule, stage, action):
    assert action_at(rule, stage) is action


def test_given_an_unknown_stage_then_action_at_refuses_it():
    with pytest.raises(ValueError):
        action_at(DEPARTMENT, "lapsed")
