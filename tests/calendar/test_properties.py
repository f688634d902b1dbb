"""Properties of the working-day arithmetic (repairflow/calendar/workdays.py), for any start in the
calendar's years (1949-01-01 … 2199-12-31) and any period the API takes (0 … 366 working days),
over the official schedules the `chinesecalendar` package transcribes (the years migrations load),
with the years around them unconfirmed: weekdays only, and provisional.

Pure functions over a calendar built in memory: no database. Hypothesis runs derandomized (the
same examples every run) and keeps nothing under .hypothesis/."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repairflow.calendar.api import MAX_DAYS
from repairflow.calendar.schedule import FIRST_YEAR, LAST_YEAR, package_schedule, packaged_years
from repairflow.calendar.workdays import (
    NoteKind,
    WorkCalendar,
    add_working_days,
    months_period,
    next_working_day,
    receipt_day,
    working_day_before,
    working_days_between,
    working_days_left,
)

PROPERTIES = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
OFFICIAL_YEARS = packaged_years()
CALENDAR = WorkCalendar.build(
    (day for year in OFFICIAL_YEARS for day in package_schedule(year)), confirmed_years=OFFICIAL_YEARS
)
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

# Half the starts in the years with an official schedule (holidays, make-up working days), half
# anywhere in the calendar's years.
official_days = st.dates(min_value=date(OFFICIAL_YEARS[0], 1, 1), max_value=date(OFFICIAL_YEARS[-1], 12, 31))
days = st.one_of(official_days, st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
counts = st.integers(min_value=0, max_value=MAX_DAYS)
short_counts = st.integers(min_value=0, max_value=40)


def test_the_calendar_has_official_years():
    assert OFFICIAL_YEARS[0] <= 2004 and OFFICIAL_YEARS[-1] >= 2026
    assert not CALENDAR.is_working_day(date(2026, 10, 1))  # 国庆节
    assert CALENDAR.is_working_day(date(2026, 9, 20))  # a Sunday worked for 国庆节


@PROPERTIES
@given(days, counts)
def test_the_last_day_is_a_working_day_after_the_day_counted_from(start, count):
    result = add_working_days(CALENDAR, start, count)
    assert CALENDAR.is_working_day(result.due_on)
    assert result.counted_from == receipt_day(CALENDAR, start) >= start
    assert CALENDAR.is_working_day(result.counted_from)
    assert result.due_on >= result.counted_from
    assert (result.due_on == result.counted_from) == (count == 0)


@PROPERTIES
@given(days, counts)
def test_counting_back_from_the_last_day_finds_the_day_counted_from(start, count):
    result = add_working_days(CALENDAR, start, count)
    assert working_day_before(CALENDAR, result.due_on, count) == result.counted_from
    assert working_days_between(CALENDAR, result.counted_from, result.due_on).count == count
    # ... which is the start, or the first working day after it
    assert result.counted_from == (start if CALENDAR.is_working_day(start) else next_working_day(CALENDAR, start))


@PROPERTIES
@given(days, st.integers(min_value=0, max_value=MAX_DAYS - 1))
def test_one_more_working_day_ends_on_the_next_working_day(start, count):
    shorter, longer = add_working_days(CALENDAR, start, count), add_working_days(CALENDAR, start, count + 1)
    assert longer.due_on == next_working_day(CALENDAR, shorter.due_on) > shorter.due_on


@PROPERTIES
@given(days, counts, counts)
def test_a_period_is_monotonic_in_its_length(start, one, other):
    shorter, longer = sorted((one, other))
    assert add_working_days(CALENDAR, start, shorter).due_on <= add_working_days(CALENDAR, start, longer).due_on


@PROPERTIES
@given(days, short_counts, short_counts)
def test_two_periods_end_to_end_are_one_period(start, first, second):
    middle = add_working_days(CALENDAR, start, first).due_on
    assert add_working_days(CALENDAR, middle, second).due_on == add_working_days(CALENDAR, start, first + second).due_on


@PROPERTIES
@given(days, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_working_days_between_add_up(start, gap, more):
    middle, end = start + timedelta(days=gap), start + timedelta(days=gap + more)
    whole = working_days_between(CALENDAR, start, end).count
    assert (
        whole == working_days_between(CALENDAR, start, middle).count + working_days_between(CALENDAR, middle, end).count
    )
    assert 0 <= whole <= (end - start).days


@PROPERTIES
@given(days, st.integers(min_value=-400, max_value=400))
def test_working_days_left_is_antisymmetric(today, offset):
    due_on = today + timedelta(days=offset)
    assert working_days_left(CALENDAR, today, due_on) == -working_days_left(CALENDAR, due_on, today)
    assert (working_days_left(CALENDAR, today, due_on) >= 0) == (due_on >= today)


@PROPERTIES
@given(days, counts)
def test_a_result_is_provisional_exactly_when_it_touches_a_year_without_an_official_schedule(start, count):
    result = add_working_days(CALENDAR, start, count)
    years = range(start.year, result.due_on.year + 1)
    assert result.provisional == any(year not in OFFICIAL_YEARS for year in years)
    unconfirmed = {note.first.year for note in result.notes if note.kind is NoteKind.UNCONFIRMED_YEAR}
    assert unconfirmed == {year for year in years if year not in OFFICIAL_YEARS}


@PROPERTIES
@given(days, counts)
def test_the_explanation_names_only_days_off_inside_the_period(start, count):
    result = add_working_days(CALENDAR, start, count)
    for note in result.notes:
        if note.kind is NoteKind.HOLIDAY:
            assert start <= note.first <= note.last <= result.due_on
            day = note.first
            while day <= note.last:
                assert not CALENDAR.is_working_day(day)
                day += timedelta(days=1)
        elif note.kind is NoteKind.MAKEUP_WORKDAY:
            assert result.counted_from < note.first <= result.due_on
            assert CALENDAR.is_working_day(note.first) and note.first.weekday() >= 5


@PROPERTIES
@given(days, st.integers(min_value=1, max_value=24))
def test_a_period_of_months_ends_on_a_working_day_on_or_soon_after_the_corresponding_date(start, months):
    result = months_period(CALENDAR, start, months)
    assert CALENDAR.is_working_day(result.due_on)
    assert result.due_on > result.counted_from
    # the longest run of days off in the official schedules is a little over a week
    corresponding = add_months(result.counted_from, months)
    assert corresponding <= result.due_on <= corresponding + timedelta(days=12)
    assert receipt_day(CALENDAR, corresponding) == result.due_on


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` months later, or that month's last day (Civil Code Art. 202)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


@pytest.mark.parametrize("count", [-1, -366])
def test_a_negative_period_is_refused(count):
    with pytest.raises(ValueError):
        add_working_days(CALENDAR, date(2026, 9, 30), count)
