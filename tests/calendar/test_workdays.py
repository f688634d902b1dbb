"""The legal clock's arithmetic (repairflow/calendar/workdays.py) and the official schedules as
loaded (repairflow/calendar/schedule.py), without the database.

The 2025 and 2026 schedules are written out below from the State Council's notices, independently
of the `chinesecalendar` package, and every day of both years is checked against them."""

import calendar as gregorian
from datetime import date, timedelta

import pytest
from django.utils.translation import override

from repairflow.calendar.schedule import package_schedule, schedule_errors
from repairflow.calendar.workdays import (
    Note,
    NoteKind,
    SpecialDay,
    WorkCalendar,
    add_working_days,
    explain,
    months_period,
    months_period_end,
    next_working_day,
    receipt_day,
    render_note,
    short_date,
    working_day_before,
    working_days_between,
    working_days_left,
    years_period_end,
)

D = date


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


# --- The official notices, written out by hand --------------------------------------------
# (holiday name, first day, last day, make-up working days)

NOTICE_2025 = [  # 国办发明电〔2024〕12号
    ("元旦", D(2025, 1, 1), D(2025, 1, 1), []),
    ("春节", D(2025, 1, 28), D(2025, 2, 4), [D(2025, 1, 26), D(2025, 2, 8)]),
    ("清明", D(2025, 4, 4), D(2025, 4, 6), []),
    ("劳动节", D(2025, 5, 1), D(2025, 5, 5), [D(2025, 4, 27)]),
    ("端午", D(2025, 5, 31), D(2025, 6, 2), []),
    ("国庆节、中秋", D(2025, 10, 1), D(2025, 10, 8), [D(2025, 9, 28), D(2025, 10, 11)]),
]
NOTICE_2026 = [  # docs/domain.md "Working days"
    ("元旦", D(2026, 1, 1), D(2026, 1, 3), [D(2026, 1, 4)]),
    ("春节", D(2026, 2, 15), D(2026, 2, 23), [D(2026, 2, 14), D(2026, 2, 28)]),
    ("清明", D(2026, 4, 4), D(2026, 4, 6), []),
    ("劳动节", D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 9)]),
    ("端午", D(2026, 6, 19), D(2026, 6, 21), []),
    ("中秋", D(2026, 9, 25), D(2026, 9, 27), []),
    ("国庆节", D(2026, 10, 1), D(2026, 10, 7), [D(2026, 9, 20), D(2026, 10, 10)]),
]
NOTICES = {2025: NOTICE_2025, 2026: NOTICE_2026}


def official_kind(day: date) -> str:
    """ "holiday", "make-up" or "" for a day of 2025 or 2026, from the notices above."""
    for _name, first, last, makeups in NOTICES[day.year]:
        if first <= day <= last:
            return "holiday"
        if day in makeups:
            return "make-up"
    return ""


def officially_working(day: date) -> bool:
    kind = official_kind(day)
    if kind:
        return kind == "make-up"
    return day.weekday() < 5


CAL = WorkCalendar.build(package_schedule(2025) + package_schedule(2026), confirmed_years={2025, 2026})
ONLY_2026 = WorkCalendar.build(package_schedule(2026), confirmed_years={2026})
NEW_YEAR_2027 = [SpecialDay(D(2027, 1, day), False, "元旦") for day in (1, 2, 3)]
WITH_2027 = WorkCalendar.build(package_schedule(2026) + NEW_YEAR_2027, confirmed_years={2026, 2027})
WITH_2027_UNCONFIRMED = WorkCalendar.build(package_schedule(2026) + NEW_YEAR_2027, confirmed_years={2026})
MONTHS = [(year, month) for year in (2025, 2026) for month in range(1, 13)]


def english(notes, reference=None) -> list[str]:
    with override("en"):
        return explain(notes, reference)


# --- The 2025 and 2026 schedules, day by day ----------------------------------------------


@pytest.mark.parametrize(("year", "month"), MONTHS, ids=[f"{year}-{month:02d}" for year, month in MONTHS])
def test_given_the_packaged_schedule_when_each_day_of_the_month_is_checked_then_it_works_as_the_notice_says(
    year, month
):
    days = days_from(D(year, month, 1), D(year, month, gregorian.monthrange(year, month)[1]))

    actual = {day: CAL.is_working_day(day) for day in days}

    assert actual == {day: officially_working(day) for day in days}


@pytest.mark.parametrize(("year", "month"), MONTHS, ids=[f"{year}-{month:02d}" for year, month in MONTHS])
def test_given_the_packaged_schedule_when_its_named_days_are_listed_then_they_are_the_notice_s_holidays_and_makeups(
    year, month
):
    days = days_from(D(year, month, 1), D(year, month, gregorian.monthrange(year, month)[1]))
    named = {special.date: special for special in package_schedule(year)}

    actual = {day: ("make-up" if named[day].is_workday else "holiday") if day in named else "" for day in days}

    assert actual == {day: official_kind(day) for day in days}


@pytest.mark.parametrize(
    ("year", "holidays", "makeups", "working_days"),
    [
        # 2025: 261 weekdays, 18 of them holidays, 5 make-up days
        pytest.param(2025, 28, 5, 248, id="2025"),
        # 2026: 261 weekdays, 19 of them holidays, 6 make-up days
        pytest.param(2026, 33, 6, 248, id="2026"),
    ],
)
def test_given_a_year_when_its_working_days_are_counted_then_it_has_the_notice_s_count(
    year, holidays, makeups, working_days
):
    days = days_from(D(year, 1, 1), D(year, 12, 31))

    assert sum(1 for day in days if officially_working(day)) == working_days
    assert sum(1 for day in days if CAL.is_working_day(day)) == working_days
    assert sum(1 for day in package_schedule(year) if not day.is_workday) == holidays
    assert sum(1 for day in package_schedule(year) if day.is_workday) == makeups


@pytest.mark.parametrize(
    ("day", "is_workday", "name"),
    [
        (D(2026, 1, 1), False, "元旦"),
        (D(2026, 1, 4), True, "元旦"),
        (D(2026, 2, 14), True, "春节"),
        (D(2026, 2, 23), False, "春节"),
        (D(2026, 2, 28), True, "春节"),
        (D(2026, 4, 5), False, "清明"),
        (D(2026, 5, 9), True, "劳动节"),
        (D(2026, 6, 19), False, "端午"),
        (D(2026, 9, 20), True, "国庆节"),
        (D(2026, 9, 25), False, "中秋"),
        (D(2026, 10, 3), False, "国庆节"),
        (D(2026, 10, 10), True, "国庆节"),
        (D(2025, 1, 26), True, "春节"),
        (D(2025, 4, 27), True, "劳动节"),
        (D(2025, 10, 6), False, "中秋"),
        (D(2025, 10, 8), False, "国庆节"),
        (D(2025, 10, 11), True, "国庆节"),
    ],
)
def test_given_the_packaged_schedule_when_a_day_is_looked_up_then_it_has_the_notice_s_name(day, is_workday, name):
    named = {special.date: special for special in package_schedule(day.year)}

    assert named[day] == SpecialDay(day, is_workday, name)


@pytest.mark.parametrize("year", [2025, 2026])
def test_given_the_packaged_schedule_then_it_is_in_date_order_and_loadable(year):
    days = package_schedule(year)

    assert [day.date for day in days] == sorted(day.date for day in days)
    assert schedule_errors(year, days) == []


@pytest.mark.parametrize("year", [2003, 2027])
def test_given_a_year_the_package_does_not_cover_when_its_schedule_is_asked_then_value_error(year):
    with pytest.raises(ValueError, match=f"chinesecalendar has no schedule for {year}"):
        package_schedule(year)


def test_given_a_calendar_with_nothing_named_then_weekdays_work_and_weekends_rest():
    empty = WorkCalendar()

    assert [empty.is_working_day(D(2026, 10, day)) for day in range(1, 8)] == [
        True,  # Thu
        True,  # Fri
        False,  # Sat
        False,  # Sun
        True,
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("confirmed", "first", "last", "unconfirmed"),
    [
        ({2026}, D(2026, 1, 1), D(2026, 12, 31), []),
        ({2026}, D(2026, 12, 28), D(2027, 1, 4), [2027]),
        ({2026}, D(2025, 12, 28), D(2028, 1, 4), [2025, 2027, 2028]),
        (set(), D(2026, 5, 1), D(2026, 5, 1), [2026]),
    ],
)
def test_given_confirmed_years_when_a_span_is_checked_then_the_other_years_it_touches_are_unconfirmed(
    confirmed, first, last, unconfirmed
):
    assert WorkCalendar.build([], confirmed_years=confirmed).unconfirmed_years(first, last) == unconfirmed


# --- add_working_days: 国庆 2026 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "counted_from", "due_on"),
    [
        pytest.param(D(2026, 9, 30), 1, D(2026, 9, 30), D(2026, 10, 8), id="eve+1-after-the-holiday"),
        pytest.param(D(2026, 9, 30), 2, D(2026, 9, 30), D(2026, 10, 9), id="eve+2"),
        pytest.param(D(2026, 9, 30), 3, D(2026, 9, 30), D(2026, 10, 10), id="eve+3-working-saturday"),
        pytest.param(D(2026, 9, 30), 4, D(2026, 9, 30), D(2026, 10, 12), id="eve+4"),
        pytest.param(D(2026, 9, 30), 7, D(2026, 9, 30), D(2026, 10, 15), id="eve+7"),
        pytest.param(D(2026, 9, 24), 1, D(2026, 9, 24), D(2026, 9, 28), id="before-mid-autumn+1"),
        pytest.param(D(2026, 9, 24), 3, D(2026, 9, 24), D(2026, 9, 30), id="before-mid-autumn+3"),
        pytest.param(D(2026, 9, 24), 4, D(2026, 9, 24), D(2026, 10, 8), id="across-both-holidays"),
        pytest.param(D(2026, 9, 25), 1, D(2026, 9, 28), D(2026, 9, 29), id="mid-autumn-start+1"),
        pytest.param(D(2026, 9, 25), 3, D(2026, 9, 28), D(2026, 10, 8), id="mid-autumn-start+3"),
        pytest.param(D(2026, 9, 18), 1, D(2026, 9, 18), D(2026, 9, 20), id="friday+1-working-sunday"),
        pytest.param(D(2026, 9, 18), 2, D(2026, 9, 18), D(2026, 9, 21), id="friday+2"),
        pytest.param(D(2026, 10, 8), 2, D(2026, 10, 8), D(2026, 10, 10), id="after+2-working-saturday"),
    ],
)
def test_given_a_start_around_national_day_2026_when_working_days_are_added_then_holidays_are_skipped(
    start, days, counted_from, due_on
):
    result = add_working_days(CAL, start, days)

    assert (result.start, result.counted_from, result.due_on, result.provisional) == (
        start,
        counted_from,
        due_on,
        False,
    )


def test_given_the_eve_of_national_day_when_3_days_are_added_then_the_working_saturday_is_the_last_day():
    result = add_working_days(CAL, D(2026, 9, 30), 3)

    assert result.notes == (
        Note(NoteKind.COUNTED, D(2026, 9, 30), count=3),
        Note(NoteKind.HOLIDAY, D(2026, 10, 1), D(2026, 10, 7), text="国庆节"),
        Note(NoteKind.MAKEUP_WORKDAY, D(2026, 10, 10), text="国庆节"),
    )
    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]


def test_given_the_eve_of_national_day_when_4_days_are_added_then_due_10_12_is_explained():
    result = add_working_days(CAL, D(2026, 9, 30), 4)

    assert result.due_on == D(2026, 10, 12)
    assert english(result.notes, result.due_on) == [
        "4 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]


def test_given_a_start_on_mid_autumn_day_when_3_days_are_added_then_both_holidays_are_explained():
    result = add_working_days(CAL, D(2026, 9, 25), 3)

    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-09-25 (that day not counted, Civil Code Art. 201).",
        "2026-09-25 is not a working day: counted as received on 2026-09-28.",
        "9/25–9/27 中秋: holiday, not counted.",
        "10/1–10/7 国庆节: holiday, not counted.",
    ]


def test_given_a_friday_before_the_working_sunday_when_1_day_is_added_then_sunday_is_counted():
    result = add_working_days(CAL, D(2026, 9, 18), 1)

    assert result.due_on == D(2026, 9, 20)
    assert english(result.notes, result.due_on) == [
        "1 working day counted from 2026-09-18 (that day not counted, Civil Code Art. 201).",
        "9/20 make-up working day (国庆节): counted.",
    ]


def test_given_national_day_2025_when_counted_over_then_its_mid_autumn_day_joins_the_run():
    result = add_working_days(CAL, D(2025, 9, 30), 1)

    assert result.due_on == D(2025, 10, 9)
    assert english(result.notes, result.due_on) == [
        "1 working day counted from 2025-09-30 (that day not counted, Civil Code Art. 201).",
        "10/1–10/8 国庆节、中秋: holiday, not counted.",
    ]


# --- add_working_days: 春节 2026 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due_on"),
    [
        pytest.param(D(2026, 2, 13), 1, D(2026, 2, 14), id="friday+1-working-saturday"),
        pytest.param(D(2026, 2, 13), 2, D(2026, 2, 24), id="friday+2-after-the-festival"),
        pytest.param(D(2026, 2, 12), 1, D(2026, 2, 13), id="thursday+1"),
        pytest.param(D(2026, 2, 12), 3, D(2026, 2, 24), id="thursday+3"),
        pytest.param(D(2026, 2, 12), 7, D(2026, 2, 28), id="thursday+7-second-working-saturday"),
        pytest.param(D(2026, 2, 12), 8, D(2026, 3, 2), id="thursday+8"),
        pytest.param(D(2026, 2, 14), 1, D(2026, 2, 24), id="working-saturday+1"),
        pytest.param(D(2026, 2, 18), 1, D(2026, 2, 25), id="in-the-festival+1"),
        pytest.param(D(2026, 2, 23), 0, D(2026, 2, 24), id="last-festival-day+0"),
        pytest.param(D(2025, 1, 24), 1, D(2025, 1, 26), id="2025-friday+1-working-sunday"),
        pytest.param(D(2025, 1, 26), 1, D(2025, 1, 27), id="2025-working-sunday+1"),
        pytest.param(D(2025, 1, 27), 1, D(2025, 2, 5), id="2025-eve+1"),
        pytest.param(D(2025, 2, 7), 1, D(2025, 2, 8), id="2025-friday+1-working-saturday"),
    ],
)
def test_given_a_start_around_spring_festival_when_working_days_are_added_then_the_festival_is_skipped(
    start, days, due_on
):
    assert add_working_days(CAL, start, days).due_on == due_on


def test_given_friday_before_spring_festival_when_1_day_is_added_then_the_working_saturday_is_explained():
    result = add_working_days(CAL, D(2026, 2, 13), 1)

    assert english(result.notes, result.due_on) == [
        "1 working day counted from 2026-02-13 (that day not counted, Civil Code Art. 201).",
        "2/14 make-up working day (春节): counted.",
    ]


def test_given_friday_before_spring_festival_when_2_days_are_added_then_the_festival_is_explained():
    result = add_working_days(CAL, D(2026, 2, 13), 2)

    assert english(result.notes, result.due_on) == [
        "2 working days counted from 2026-02-13 (that day not counted, Civil Code Art. 201).",
        "2/14 make-up working day (春节): counted.",
        "2/15–2/23 春节: holiday, not counted.",
    ]


def test_given_a_thursday_before_spring_festival_when_7_days_are_added_then_both_working_saturdays_count():
    result = add_working_days(CAL, D(2026, 2, 12), 7)

    assert result.due_on == D(2026, 2, 28)
    assert english(result.notes, result.due_on) == [
        "7 working days counted from 2026-02-12 (that day not counted, Civil Code Art. 201).",
        "2/14 make-up working day (春节): counted.",
        "2/15–2/23 春节: holiday, not counted.",
        "2/28 make-up working day (春节): counted.",
    ]


# --- Receipt on a non-working day ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "counted_from", "due_on"),
    [
        pytest.param(D(2026, 10, 3), 3, D(2026, 10, 8), D(2026, 10, 12), id="national-day-holiday"),
        pytest.param(D(2026, 10, 1), 1, D(2026, 10, 8), D(2026, 10, 9), id="first-day-of-national-day"),
        pytest.param(D(2026, 10, 7), 2, D(2026, 10, 8), D(2026, 10, 10), id="last-day-of-national-day"),
        pytest.param(D(2026, 10, 10), 3, D(2026, 10, 10), D(2026, 10, 14), id="working-saturday-not-moved"),
        pytest.param(D(2026, 10, 11), 3, D(2026, 10, 12), D(2026, 10, 15), id="sunday-after-working-saturday"),
        pytest.param(D(2026, 3, 8), 3, D(2026, 3, 9), D(2026, 3, 12), id="ordinary-sunday"),
        pytest.param(D(2026, 3, 7), 1, D(2026, 3, 9), D(2026, 3, 10), id="ordinary-saturday"),
        pytest.param(D(2026, 1, 3), 1, D(2026, 1, 4), D(2026, 1, 5), id="new-year-holiday-to-working-sunday"),
        pytest.param(D(2026, 9, 19), 1, D(2026, 9, 20), D(2026, 9, 21), id="saturday-to-working-sunday"),
    ],
)
def test_given_receipt_on_a_day_when_working_days_are_added_then_counting_starts_from_the_receipt_day(
    start, days, counted_from, due_on
):
    result = add_working_days(CAL, start, days)

    assert (result.counted_from, result.due_on) == (counted_from, due_on)


def test_given_receipt_during_national_day_when_3_days_are_added_then_the_receipt_day_is_explained():
    result = add_working_days(CAL, D(2026, 10, 3), 3)

    assert result.notes[1] == Note(NoteKind.RECEIVED_ON_NON_WORKING_DAY, D(2026, 10, 3), D(2026, 10, 8))
    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-10-03 (that day not counted, Civil Code Art. 201).",
        "2026-10-03 is not a working day: counted as received on 2026-10-08.",
        "10/3–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]


def test_given_receipt_on_the_working_saturday_when_3_days_are_added_then_that_day_is_not_counted():
    result = add_working_days(CAL, D(2026, 10, 10), 3)

    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-10-10 (that day not counted, Civil Code Art. 201).",
    ]


def test_given_receipt_on_a_saturday_before_the_working_sunday_then_the_sunday_is_the_receipt_day_not_counted():
    result = add_working_days(CAL, D(2026, 9, 19), 1)

    assert english(result.notes, result.due_on) == [
        "1 working day counted from 2026-09-19 (that day not counted, Civil Code Art. 201).",
        "2026-09-19 is not a working day: counted as received on 2026-09-20.",
    ]


def test_given_receipt_on_an_ordinary_sunday_when_3_days_are_added_then_only_the_receipt_is_explained():
    result = add_working_days(CAL, D(2026, 3, 8), 3)

    assert english(result.notes, result.due_on) == [
        "3 working days counted from 2026-03-08 (that day not counted, Civil Code Art. 201).",
        "2026-03-08 is not a working day: counted as received on 2026-03-09.",
    ]


# --- Zero and negative ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due_on"),
    [
        pytest.param(D(2026, 9, 30), D(2026, 9, 30), id="working-day"),
        pytest.param(D(2026, 10, 10), D(2026, 10, 10), id="working-saturday"),
        pytest.param(D(2026, 10, 3), D(2026, 10, 8), id="holiday"),
        pytest.param(D(2026, 3, 8), D(2026, 3, 9), id="sunday"),
    ],
)
def test_given_zero_days_when_added_then_the_last_day_is_the_receipt_day(start, due_on):
    result = add_working_days(CAL, start, 0)

    assert (result.counted_from, result.due_on) == (due_on, due_on)
    assert result.notes[0] == Note(NoteKind.COUNTED, start, count=0)


@pytest.mark.parametrize("days", [-1, -10])
def test_given_a_negative_count_when_added_then_value_error(days):
    with pytest.raises(ValueError, match="count must not be negative"):
        add_working_days(CAL, D(2026, 9, 30), days)


# --- A year with no confirmed schedule -----------------------------------------------------


def test_given_only_2026_confirmed_when_a_period_runs_into_2027_then_it_is_provisional():
    result = add_working_days(ONLY_2026, D(2026, 12, 28), 5)

    assert (result.due_on, result.provisional) == (D(2027, 1, 4), True)
    assert result.notes[-1] == Note(NoteKind.UNCONFIRMED_YEAR, D(2027, 1, 1))
    assert english(result.notes, result.due_on) == [
        "5 working days counted from 2026-12-28 (that day not counted, Civil Code Art. 201).",
        "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
        "so this result is provisional.",
    ]


def test_given_a_confirmed_2027_schedule_when_a_period_runs_into_2027_then_it_is_final_and_moved():
    result = add_working_days(WITH_2027, D(2026, 12, 28), 5)

    assert (result.due_on, result.provisional) == (D(2027, 1, 5), False)
    assert english(result.notes, result.due_on) == [
        "5 working days counted from 2026-12-28 (that day not counted, Civil Code Art. 201).",
        "1/1–1/3 元旦: holiday, not counted.",
    ]


def test_given_a_loaded_but_unconfirmed_2027_schedule_when_a_period_runs_into_2027_then_it_moves_but_is_provisional():
    result = add_working_days(WITH_2027_UNCONFIRMED, D(2026, 12, 28), 5)

    assert (result.due_on, result.provisional) == (D(2027, 1, 5), True)
    assert english(result.notes, result.due_on) == [
        "5 working days counted from 2026-12-28 (that day not counted, Civil Code Art. 201).",
        "1/1–1/3 元旦: holiday, not counted.",
        "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
        "so this result is provisional.",
    ]


@pytest.mark.parametrize(
    ("start", "days", "provisional"),
    [
        pytest.param(D(2026, 12, 30), 1, False, id="ends-12-31"),
        pytest.param(D(2026, 12, 31), 0, False, id="zero-days-on-12-31"),
        pytest.param(D(2026, 12, 31), 1, True, id="ends-2027-01-01"),
        pytest.param(D(2025, 12, 31), 1, True, id="starts-in-unconfirmed-2025"),
    ],
)
def test_given_only_2026_confirmed_then_a_result_is_provisional_exactly_when_it_touches_another_year(
    start, days, provisional
):
    assert add_working_days(ONLY_2026, start, days).provisional is provisional


# --- working_days_between ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        pytest.param(D(2026, 10, 12), D(2026, 10, 12), 0, id="same-day"),
        pytest.param(D(2026, 10, 12), D(2026, 10, 1), 0, id="end-before-start"),
        pytest.param(D(2026, 10, 12), D(2026, 10, 13), 1, id="next-day"),
        pytest.param(D(2026, 10, 12), D(2026, 10, 14), 2, id="two-days"),
        pytest.param(D(2026, 9, 30), D(2026, 10, 7), 0, id="only-holidays"),
        pytest.param(D(2026, 9, 30), D(2026, 10, 8), 1, id="across-national-day"),
        pytest.param(D(2026, 9, 30), D(2026, 10, 12), 4, id="with-working-saturday"),
        pytest.param(D(2026, 9, 18), D(2026, 10, 12), 12, id="from-before-the-working-sunday"),
        pytest.param(D(2026, 2, 13), D(2026, 2, 28), 6, id="spring-festival"),
        pytest.param(D(2025, 12, 31), D(2026, 1, 5), 2, id="across-new-year"),
        pytest.param(D(2025, 1, 1), D(2025, 12, 31), 248, id="2025-after-new-year-s-day"),
    ],
)
def test_given_two_days_when_the_working_days_between_are_counted_then_the_first_is_excluded(start, end, count):
    result = working_days_between(CAL, start, end)

    assert (result.count, result.provisional) == (count, False)


@pytest.mark.parametrize(
    ("today", "left"),
    [
        pytest.param(D(2026, 9, 30), 4, id="before-national-day"),
        pytest.param(D(2026, 10, 12), 0, id="the-last-day"),
        pytest.param(D(2026, 10, 13), -1, id="a-working-day-late"),
        pytest.param(D(2026, 10, 18), -4, id="the-sunday-after-four-working-days-late"),
    ],
)
def test_given_a_last_day_when_the_working_days_left_are_counted_then_late_days_are_negative(today, left):
    assert working_days_left(CAL, today, D(2026, 10, 12)) == left


def test_given_an_end_not_after_the_start_in_an_unconfirmed_year_then_nothing_is_counted_or_provisional():
    result = working_days_between(ONLY_2026, D(2027, 3, 1), D(2027, 2, 1))

    assert (result.count, result.provisional, result.notes) == (0, False, ())


def test_given_a_span_across_national_day_when_counted_then_the_named_days_are_explained():
    result = working_days_between(CAL, D(2026, 9, 30), D(2026, 10, 12))

    assert english(result.notes, D(2026, 10, 12)) == [
        "10/1–10/7 国庆节: holiday, not counted.",
        "10/10 make-up working day (国庆节): counted.",
    ]


def test_given_a_span_into_an_unconfirmed_year_when_counted_then_it_is_provisional():
    result = working_days_between(ONLY_2026, D(2026, 12, 28), D(2027, 1, 4))

    assert (result.count, result.provisional) == (5, True)
    assert result.notes == (Note(NoteKind.UNCONFIRMED_YEAR, D(2027, 1, 1)),)


# --- next_working_day, working_day_before, receipt_day -------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 29), D(2026, 9, 30)),
        (D(2026, 9, 30), D(2026, 10, 8)),
        (D(2026, 10, 3), D(2026, 10, 8)),
        (D(2026, 10, 9), D(2026, 10, 10)),
        (D(2026, 10, 10), D(2026, 10, 12)),
        (D(2026, 9, 18), D(2026, 9, 20)),
        (D(2026, 9, 24), D(2026, 9, 28)),
        (D(2026, 2, 13), D(2026, 2, 14)),
        (D(2026, 2, 14), D(2026, 2, 24)),
        (D(2026, 2, 27), D(2026, 2, 28)),
        (D(2025, 12, 31), D(2026, 1, 4)),
        (D(2026, 3, 6), D(2026, 3, 9)),
    ],
)
def test_given_a_day_when_the_next_working_day_is_asked_then_it_is_strictly_after(day, expected):
    assert next_working_day(CAL, day) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2026, 10, 8), 0, D(2026, 10, 8)),
        (D(2026, 10, 4), 0, D(2026, 10, 4)),
        (D(2026, 10, 8), 1, D(2026, 9, 30)),
        (D(2026, 10, 8), 2, D(2026, 9, 29)),
        (D(2026, 10, 12), 1, D(2026, 10, 10)),
        (D(2026, 10, 12), 2, D(2026, 10, 9)),
        (D(2026, 10, 12), 3, D(2026, 10, 8)),
        (D(2026, 10, 12), 4, D(2026, 9, 30)),
        (D(2026, 9, 28), 1, D(2026, 9, 24)),
        (D(2026, 9, 21), 1, D(2026, 9, 20)),
        (D(2026, 2, 24), 1, D(2026, 2, 14)),
        (D(2026, 2, 24), 2, D(2026, 2, 13)),
        (D(2026, 1, 5), 1, D(2026, 1, 4)),
        (D(2026, 1, 5), 2, D(2025, 12, 31)),
        (D(2026, 3, 9), 1, D(2026, 3, 6)),
    ],
)
def test_given_a_day_when_counting_working_days_back_then_holidays_are_skipped(day, count, expected):
    assert working_day_before(CAL, day, count) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 10, 8), D(2026, 10, 8)),
        (D(2026, 10, 1), D(2026, 10, 8)),
        (D(2026, 10, 3), D(2026, 10, 8)),
        (D(2026, 10, 10), D(2026, 10, 10)),
        (D(2026, 10, 11), D(2026, 10, 12)),
        (D(2026, 9, 25), D(2026, 9, 28)),
        (D(2026, 9, 19), D(2026, 9, 20)),
        (D(2026, 3, 8), D(2026, 3, 9)),
        (D(2026, 1, 1), D(2026, 1, 4)),
        (D(2026, 2, 15), D(2026, 2, 24)),
    ],
)
def test_given_a_delivery_day_when_its_receipt_day_is_asked_then_it_is_that_or_the_next_working_day(day, expected):
    assert receipt_day(CAL, day) == expected


# --- months_period_end / years_period_end (民法典 Art. 202) ---------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        pytest.param(date(2026, 1, 5), 3, date(2026, 4, 5), id="corresponding-date"),
        pytest.param(date(2026, 1, 5), 12, date(2027, 1, 5), id="one-year"),
        pytest.param(date(2026, 1, 5), 36, date(2029, 1, 5), id="three-years"),
        pytest.param(date(2026, 1, 5), 0, date(2026, 1, 5), id="zero-months"),
        pytest.param(date(2026, 10, 15), 3, date(2027, 1, 15), id="across-the-year"),
        pytest.param(date(2025, 11, 30), 3, date(2026, 2, 28), id="30-nov-to-28-feb"),
        pytest.param(date(2023, 11, 30), 3, date(2024, 2, 29), id="30-nov-to-29-feb-leap"),
        pytest.param(date(2024, 2, 29), 12, date(2025, 2, 28), id="29-feb-plus-a-year"),
        pytest.param(date(2024, 2, 29), 48, date(2028, 2, 29), id="29-feb-plus-four-years"),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31-jan-to-28-feb"),
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31-jan-to-29-feb"),
        pytest.param(date(2026, 3, 31), 1, date(2026, 4, 30), id="31-mar-to-30-apr"),
        pytest.param(date(2025, 12, 31), 2, date(2026, 2, 28), id="31-dec-to-28-feb"),
        pytest.param(date(2026, 2, 28), 1, date(2026, 3, 28), id="28-feb-is-not-month-end-forward"),
        pytest.param(date(2026, 4, 30), 1, date(2026, 5, 30), id="30-apr-to-30-may"),
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="2026-31-jan-to-28-feb"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="2028-31-jan-to-29-feb"),
        pytest.param(date(2026, 5, 31), 1, date(2026, 6, 30), id="31-may-to-30-jun"),
        pytest.param(date(2026, 8, 31), 1, date(2026, 9, 30), id="31-aug-to-30-sep"),
        pytest.param(date(2026, 1, 31), 2, date(2026, 3, 31), id="31-jan-two-months-to-31-mar"),
        pytest.param(date(2026, 1, 30), 1, date(2026, 2, 28), id="30-jan-to-28-feb"),
        pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="2028-29-feb-plus-12-months"),
        pytest.param(date(2028, 2, 29), 48, date(2032, 2, 29), id="2028-29-feb-plus-48-months"),
        pytest.param(date(2028, 2, 29), 1, date(2028, 3, 29), id="29-feb-plus-1-month"),
        pytest.param(date(2026, 12, 31), 2, date(2027, 2, 28), id="2026-31-dec-to-2027-28-feb"),
        pytest.param(date(2026, 10, 31), 2, date(2026, 12, 31), id="31-oct-to-31-dec"),
        pytest.param(date(2026, 11, 30), 3, date(2027, 2, 28), id="2026-30-nov-to-28-feb"),
        pytest.param(date(2027, 11, 30), 3, date(2028, 2, 29), id="2027-30-nov-to-29-feb"),
        pytest.param(date(2026, 12, 31), 12, date(2027, 12, 31), id="31-dec-plus-a-year"),
    ],
)
def test_given_a_start_when_months_are_added_then_the_period_ends_on_the_corresponding_date_or_at_month_end(
    start, months, end
):
    assert months_period_end(start, months) == end


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        pytest.param(date(2026, 1, 5), 1, date(2027, 1, 5), id="one-year"),
        pytest.param(date(2026, 1, 5), 3, date(2029, 1, 5), id="three-years"),
        pytest.param(date(2026, 1, 5), 0, date(2026, 1, 5), id="zero"),
        pytest.param(date(2028, 2, 29), 1, date(2029, 2, 28), id="29-feb-plus-1"),
        pytest.param(date(2028, 2, 29), 4, date(2032, 2, 29), id="29-feb-plus-4"),
        pytest.param(date(2028, 2, 29), 5, date(2033, 2, 28), id="29-feb-plus-5"),
        pytest.param(date(2026, 12, 31), 1, date(2027, 12, 31), id="31-dec"),
        pytest.param(date(2027, 2, 28), 1, date(2028, 2, 28), id="28-feb-stays-28-feb"),
    ],
)
def test_given_a_start_when_years_are_added_then_the_period_ends_on_the_corresponding_date_or_at_month_end(
    start, years, end
):
    assert years_period_end(start, years) == end


@pytest.mark.parametrize(
    ("start", "years"),
    [(date(2028, 2, 29), 1), (date(2028, 2, 29), 4), (date(2026, 1, 31), 3), (date(2026, 10, 31), 2)],
)
def test_given_a_start_then_years_are_twelve_months(start, years):
    assert years_period_end(start, years) == months_period_end(start, 12 * years)


# --- months_period (民法典 Art. 201–203) ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "counted_from", "due_on"),
    [
        pytest.param(D(2026, 1, 5), 3, D(2026, 1, 5), D(2026, 4, 7), id="last-day-in-qingming"),
        pytest.param(D(2026, 1, 6), 3, D(2026, 1, 6), D(2026, 4, 7), id="last-day-on-qingming-monday"),
        pytest.param(D(2026, 1, 7), 3, D(2026, 1, 7), D(2026, 4, 7), id="last-day-working"),
        pytest.param(D(2026, 1, 3), 1, D(2026, 1, 4), D(2026, 2, 4), id="received-on-new-year-holiday"),
        pytest.param(D(2026, 10, 3), 1, D(2026, 10, 8), D(2026, 11, 9), id="received-in-national-day"),
        pytest.param(D(2026, 9, 10), 1, D(2026, 9, 10), D(2026, 10, 10), id="last-day-working-saturday"),
        pytest.param(D(2026, 9, 3), 1, D(2026, 9, 3), D(2026, 10, 8), id="last-day-in-national-day"),
        pytest.param(D(2026, 1, 22), 1, D(2026, 1, 22), D(2026, 2, 24), id="last-day-in-spring-festival"),
        pytest.param(D(2025, 12, 31), 2, D(2025, 12, 31), D(2026, 2, 28), id="month-end-on-working-saturday"),
        pytest.param(D(2026, 1, 31), 1, D(2026, 2, 2), D(2026, 3, 2), id="received-saturday-ends-monday"),
    ],
)
def test_given_receipt_when_a_months_period_is_computed_then_it_starts_and_ends_on_working_days(
    start, months, counted_from, due_on
):
    result = months_period(CAL, start, months)

    assert (result.counted_from, result.due_on, result.provisional) == (counted_from, due_on, False)


def test_given_a_period_ending_in_qingming_then_it_ends_on_the_next_working_day_with_the_notes():
    result = months_period(CAL, D(2026, 1, 5), 3)

    assert result.notes == (
        Note(NoteKind.MONTHS, D(2026, 1, 5), count=3),
        Note(NoteKind.LAST_DAY_NOT_WORKING, D(2026, 4, 5), D(2026, 4, 7)),
        Note(NoteKind.HOLIDAY, D(2026, 4, 5), D(2026, 4, 6), text="清明"),
    )
    assert english(result.notes, result.due_on) == [
        "3 months counted from 2026-01-05 (Civil Code Art. 201–202).",
        "2026-04-05 is not a working day: the period ends on 2026-04-07 (Civil Code Art. 203).",
        "4/5–4/6 清明: holiday, not counted.",
    ]


def test_given_receipt_on_a_holiday_when_a_month_is_counted_then_both_moves_are_explained():
    result = months_period(CAL, D(2026, 10, 3), 1)

    assert english(result.notes, result.due_on) == [
        "1 month counted from 2026-10-03 (Civil Code Art. 201–202).",
        "2026-10-03 is not a working day: counted as received on 2026-10-08.",
        "2026-11-08 is not a working day: the period ends on 2026-11-09 (Civil Code Art. 203).",
    ]


def test_given_a_period_ending_on_a_working_day_then_only_the_months_are_explained():
    result = months_period(CAL, D(2026, 9, 10), 1)

    assert english(result.notes, result.due_on) == ["1 month counted from 2026-09-10 (Civil Code Art. 201–202)."]


def test_given_a_months_period_into_an_unconfirmed_year_then_it_is_provisional():
    result = months_period(ONLY_2026, D(2026, 1, 5), 12)

    assert (result.due_on, result.provisional) == (D(2027, 1, 5), True)
    assert english(result.notes, result.due_on) == [
        "12 months counted from 2026-01-05 (Civil Code Art. 201–202).",
        "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
        "so this result is provisional.",
    ]


def test_given_no_2027_schedule_when_a_month_ends_on_2027_01_01_then_that_friday_is_the_provisional_last_day():
    result = months_period(ONLY_2026, D(2026, 12, 1), 1)

    assert (result.due_on, result.provisional) == (D(2027, 1, 1), True)


def test_given_a_confirmed_2027_new_year_when_a_month_ends_on_it_then_the_period_moves_past_it():
    result = months_period(WITH_2027, D(2026, 12, 1), 1)

    assert (result.due_on, result.provisional) == (D(2027, 1, 4), False)
    assert english(result.notes, result.due_on) == [
        "1 month counted from 2026-12-01 (Civil Code Art. 201–202).",
        "2027-01-01 is not a working day: the period ends on 2027-01-04 (Civil Code Art. 203).",
        "1/1–1/3 元旦: holiday, not counted.",
    ]


# --- short_date, render_note, Note as JSON -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reference", "expected"),
    [
        (D(2026, 10, 1), None, "2026/10/1"),
        (D(2026, 10, 1), D(2026, 10, 12), "10/1"),
        (D(2026, 1, 4), D(2026, 12, 31), "1/4"),
        (D(2027, 1, 4), D(2026, 12, 28), "2027/1/4"),
        (D(2026, 12, 28), D(2027, 1, 4), "2026/12/28"),
    ],
)
def test_given_a_day_and_a_reference_when_shortened_then_the_year_shows_only_when_it_differs(day, reference, expected):
    assert short_date(day, reference) == expected


REFERENCE = D(2026, 10, 12)


@pytest.mark.parametrize(
    ("note", "reference", "text"),
    [
        pytest.param(
            Note(NoteKind.COUNTED, D(2026, 9, 30), count=1),
            REFERENCE,
            "1 working day counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
            id="counted-one",
        ),
        pytest.param(
            Note(NoteKind.COUNTED, D(2026, 9, 30), count=7),
            REFERENCE,
            "7 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
            id="counted-many",
        ),
        pytest.param(
            Note(NoteKind.COUNTED, D(2026, 9, 30), count=0),
            None,
            "0 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
            id="counted-zero",
        ),
        pytest.param(
            Note(NoteKind.RECEIVED_ON_NON_WORKING_DAY, D(2026, 10, 3), D(2026, 10, 8)),
            REFERENCE,
            "2026-10-03 is not a working day: counted as received on 2026-10-08.",
            id="received",
        ),
        pytest.param(
            Note(NoteKind.HOLIDAY, D(2026, 10, 1), D(2026, 10, 7), text="国庆节"),
            REFERENCE,
            "10/1–10/7 国庆节: holiday, not counted.",
            id="holiday-run",
        ),
        pytest.param(
            Note(NoteKind.HOLIDAY, D(2026, 10, 1), D(2026, 10, 7), text="国庆节"),
            None,
            "2026/10/1–2026/10/7 国庆节: holiday, not counted.",
            id="holiday-run-no-reference",
        ),
        pytest.param(
            Note(NoteKind.HOLIDAY, D(2025, 1, 1), D(2025, 1, 1), text="元旦"),
            D(2025, 1, 3),
            "1/1 元旦: holiday, not counted.",
            id="holiday-one-day",
        ),
        pytest.param(
            Note(NoteKind.HOLIDAY, D(2027, 1, 1), None, text="元旦"),
            D(2026, 12, 31),
            "2027/1/1 元旦: holiday, not counted.",
            id="holiday-other-year",
        ),
        pytest.param(
            Note(NoteKind.MAKEUP_WORKDAY, D(2026, 10, 10), text="国庆节"),
            REFERENCE,
            "10/10 make-up working day (国庆节): counted.",
            id="makeup",
        ),
        pytest.param(
            Note(NoteKind.MAKEUP_WORKDAY, D(2026, 10, 10), text="国庆节"),
            None,
            "2026/10/10 make-up working day (国庆节): counted.",
            id="makeup-no-reference",
        ),
        pytest.param(
            Note(NoteKind.UNCONFIRMED_YEAR, D(2027, 1, 1)),
            REFERENCE,
            "No confirmed holiday schedule for 2027 yet: its days are counted as weekdays only, "
            "so this result is provisional.",
            id="unconfirmed",
        ),
        pytest.param(
            Note(NoteKind.MONTHS, D(2026, 1, 5), count=1),
            None,
            "1 month counted from 2026-01-05 (Civil Code Art. 201–202).",
            id="months-one",
        ),
        pytest.param(
            Note(NoteKind.MONTHS, D(2026, 1, 5), count=3),
            None,
            "3 months counted from 2026-01-05 (Civil Code Art. 201–202).",
            id="months-many",
        ),
        pytest.param(
            Note(NoteKind.LAST_DAY_NOT_WORKING, D(2026, 4, 5), D(2026, 4, 7)),
            D(2026, 4, 7),
            "2026-04-05 is not a working day: the period ends on 2026-04-07 (Civil Code Art. 203).",
            id="last-day-not-working",
        ),
        pytest.param(
            Note(NoteKind.PAUSED, D(2026, 10, 12), text="waiting for the appraisal"),
            REFERENCE,
            "Paused since 2026-10-12: waiting for the appraisal.",
            id="paused-open",
        ),
        pytest.param(
            Note(NoteKind.PAUSED, D(2026, 10, 12), D(2026, 10, 14), count=2, text="appraisal"),
            REFERENCE,
            "Paused 10/12–10/14: 2 working days not counted (appraisal).",
            id="paused-many",
        ),
        pytest.param(
            Note(NoteKind.PAUSED, D(2026, 10, 12), D(2026, 10, 13), count=1, text="appraisal"),
            REFERENCE,
            "Paused 10/12–10/13: 1 working day not counted (appraisal).",
            id="paused-one",
        ),
        pytest.param(
            Note(NoteKind.PAUSED, D(2026, 10, 12), D(2026, 10, 12), count=0, text="appraisal"),
            REFERENCE,
            "Paused 10/12: 0 working days not counted (appraisal).",
            id="paused-same-day",
        ),
        pytest.param(
            Note(NoteKind.EXTENDED, D(2026, 10, 15), count=1, text="approved by the office"),
            REFERENCE,
            "Extended on 2026-10-15 by 1 working day: approved by the office.",
            id="extended-one",
        ),
        pytest.param(
            Note(NoteKind.EXTENDED, D(2026, 10, 15), count=15, text="approved by the office"),
            REFERENCE,
            "Extended on 2026-10-15 by 15 working days: approved by the office.",
            id="extended-many",
        ),
        pytest.param(
            Note(NoteKind.RESTARTED, D(2026, 10, 12), text="supplement received"),
            REFERENCE,
            "Restarted on 2026-10-12: supplement received.",
            id="restarted",
        ),
    ],
)
def test_given_a_note_when_rendered_in_english_then_it_reads_exactly(note, reference, text):
    with override("en"):
        assert render_note(note, reference) == text


def test_every_note_kind_is_rendered():
    rendered = {kind: render_note(Note(kind, D(2026, 10, 1), D(2026, 10, 8), count=2, text="x")) for kind in NoteKind}

    assert all(rendered.values())


def test_given_notes_when_explained_then_each_is_rendered_in_order():
    notes = [
        Note(NoteKind.COUNTED, D(2026, 9, 30), count=3),
        Note(NoteKind.MAKEUP_WORKDAY, D(2026, 10, 10), text="国庆节"),
    ]

    assert english(notes, REFERENCE) == [
        "3 working days counted from 2026-09-30 (that day not counted, Civil Code Art. 201).",
        "10/10 make-up working day (国庆节): counted.",
    ]
    assert english([]) == []


@pytest.mark.parametrize(
    ("note", "data"),
    [
        (
            Note(NoteKind.COUNTED, D(2026, 9, 30), count=3),
            {"kind": "counted", "first": "2026-09-30", "count": 3},
        ),
        (
            Note(NoteKind.COUNTED, D(2026, 9, 30), count=0),
            {"kind": "counted", "first": "2026-09-30"},
        ),
        (
            Note(NoteKind.HOLIDAY, D(2026, 10, 1), D(2026, 10, 7), text="国庆节"),
            {"kind": "holiday", "first": "2026-10-01", "last": "2026-10-07", "text": "国庆节"},
        ),
        (
            Note(NoteKind.RECEIVED_ON_NON_WORKING_DAY, D(2026, 10, 3), D(2026, 10, 8)),
            {"kind": "received_on_non_working_day", "first": "2026-10-03", "last": "2026-10-08"},
        ),
        (
            Note(NoteKind.PAUSED, D(2026, 10, 12), D(2026, 10, 14), count=2, text="appraisal"),
            {"kind": "paused", "first": "2026-10-12", "last": "2026-10-14", "count": 2, "text": "appraisal"},
        ),
        (Note(NoteKind.UNCONFIRMED_YEAR, D(2027, 1, 1)), {"kind": "unconfirmed_year", "first": "2027-01-01"}),
    ],
)
def test_given_a_note_when_stored_as_json_then_it_reads_back_equal(note, data):
    assert note.as_json() == data
    assert Note.from_json(data) == note
    assert Note.from_json(note.as_json()) == note


@pytest.mark.parametrize("kind", list(NoteKind))
def test_given_a_note_of_any_kind_with_every_field_then_json_round_trips(kind):
    note = Note(kind, D(2026, 10, 1), D(2026, 10, 7), count=5, text="国庆节")

    assert Note.from_json(note.as_json()) == note


# --- schedule_errors -----------------------------------------------------------------------


def _errors(year, days):
    with override("en"):
        return schedule_errors(year, days)


@pytest.mark.parametrize(
    ("year", "days", "errors"),
    [
        pytest.param(2027, [], [], id="empty-is-valid"),
        pytest.param(2027, NEW_YEAR_2027, [], id="valid"),
        pytest.param(
            2027,
            [SpecialDay(D(2027, 1, 1), False, "元旦"), SpecialDay(D(2026, 12, 31), False, "元旦")],
            ["2026-12-31 is not in 2027."],
            id="day-outside-the-year",
        ),
        pytest.param(
            2027,
            [SpecialDay(D(2027, 1, 1), False, "元旦"), SpecialDay(D(2027, 1, 1), True, "元旦")],
            ["2027-01-01 is listed more than once."],
            id="date-twice",
        ),
        pytest.param(
            2027,
            [SpecialDay(D(2027, 1, 1), False, "")],
            ["2027-01-01 has no name; give the holiday or the holiday it is worked for."],
            id="empty-name",
        ),
        pytest.param(
            2027,
            [SpecialDay(D(2027, 1, 1), False, "  ")],
            ["2027-01-01 has no name; give the holiday or the holiday it is worked for."],
            id="blank-name",
        ),
        pytest.param(
            2027,
            [SpecialDay(D(2027, 1, 1), False, "节" * 101)],
            ["2027-01-01 has a name longer than 100 characters."],
            id="name-too-long",
        ),
        pytest.param(2027, [SpecialDay(D(2027, 1, 1), False, "节" * 100)], [], id="name-of-100-is-fine"),
        pytest.param(1948, [], ["The year must be between 1949 and 2199."], id="year-too-early"),
        pytest.param(2200, NEW_YEAR_2027, ["The year must be between 1949 and 2199."], id="year-too-late"),
        pytest.param(1949, [], [], id="first-year"),
        pytest.param(2199, [], [], id="last-year"),
        pytest.param(
            2027,
            [
                SpecialDay(D(2028, 1, 1), False, ""),
                SpecialDay(D(2027, 10, 1), False, "国庆节"),
                SpecialDay(D(2027, 10, 1), False, "国庆节"),
            ],
            [
                "2028-01-01 is not in 2027.",
                "2028-01-01 has no name; give the holiday or the holiday it is worked for.",
                "2027-10-01 is listed more than once.",
            ],
            id="every-error-listed",
        ),
    ],
)
def test_given_a_schedule_when_checked_then_every_error_is_named(year, days, errors):
    assert _errors(year, days) == errors


def test_given_a_schedule_as_a_generator_when_checked_then_it_is_read_once():
    days = (day for day in [*NEW_YEAR_2027, NEW_YEAR_2027[0]])

    assert _errors(2027, days) == ["2027-01-01 is listed more than once."]
