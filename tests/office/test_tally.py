"""The statistics read what beat keeps of each past day: the cases' figures (repairflow/office/figures.py)
and the tally of ended clocks (repairflow/deadlines/tally.py). The figures are the same whether a day
is kept or not, a day is kept once, and loading a year's calendar drops that year's tally of clocks
so that it is counted again."""

from datetime import date

import pytest
from django.conf import settings as django_settings

from repairflow.calendar.selectors import calendar_year_get
from repairflow.calendar.workdays import SpecialDay
from repairflow.deadlines.models import ClockTally
from repairflow.deadlines.services import calendar_year_load
from repairflow.deadlines.tally import clocks_tally, tallied_through
from repairflow.office.figures import figures_tallied_through, figures_tally
from repairflow.office.models import DailyFigure
from repairflow.office.statistics import weekly_trend
from repairflow.office.tasks import keep_daily_figures

pytestmark = pytest.mark.django_db

URL = "/api/v1/office/statistics/"
OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


def figures(api, office):
    return api.as_user(office).get(URL, OCTOBER).json()


@pytest.mark.parametrize("through", [date(2026, 10, 13), date(2026, 11, 1)])
def test_the_figures_are_the_same_kept_or_read_from_the_cases_and_clocks(api, october, office, through):
    read_from_the_cases = figures(api, office)
    trend = weekly_trend(date(2026, 9, 1), date(2026, 10, 31))

    assert clocks_tally(through=through) > 0 and figures_tally(through=through) > 0

    assert tallied_through() <= through and figures_tallied_through() <= through
    assert figures(api, office) == read_from_the_cases
    assert weekly_trend(date(2026, 9, 1), date(2026, 10, 31)) == trend


def test_the_statistics_read_the_tally_for_the_days_it_holds(api, october, office):
    clocks_tally(through=date(2026, 11, 1))
    # the market regulation department's one verification on time (B, 10/14, after 2 working days)
    tallied = ClockTally.objects.get(step="objection_verification", department__code="SCJ", met=True)
    assert (tallied.ended_on, tallied.working_days, tallied.clocks) == (date(2026, 10, 14), 2, 1)
    ClockTally.objects.filter(pk=tallied.pk).update(clocks=3)

    market_regulation = next(row for row in figures(api, office)["departments"] if row["department"] == "SCJ")

    assert (market_regulation["on_time"], market_regulation["late"]) == (3, 1)


def test_the_statistics_read_the_kept_figures_for_the_days_they_hold(api, october, office):
    figures_tally(through=date(2026, 11, 1))
    # B's result, confirmed on 10/15: corrected
    kept = DailyFigure.objects.get(figure="outcome", key="correct")
    assert (kept.day, kept.kind, kept.count) == (date(2026, 10, 15), "objection", 1)
    DailyFigure.objects.filter(pk=kept.pk).update(count=4)

    assert figures(api, office)["outcomes"] == {"correct": 4, "maintain": 1}


@pytest.mark.parametrize(("keep", "model"), [(clocks_tally, ClockTally), (figures_tally, DailyFigure)])
def test_keeping_a_day_again_writes_nothing(october, keep, model):
    written = keep(through=date(2026, 11, 1))
    rows = list(model.objects.order_by("pk").values())

    assert keep(through=date(2026, 11, 1)) == 0
    assert written == len(rows) and list(model.objects.order_by("pk").values()) == rows


def test_the_night_keeps_the_days_before_today_only(api, october, office, travel):
    travel(date(2026, 10, 15))  # B's reply ended its clock the day before; B is confirmed today

    keep_daily_figures()

    assert tallied_through() == date(2026, 10, 14) and figures_tallied_through() == date(2026, 10, 13)
    assert not ClockTally.objects.filter(ended_on=date(2026, 10, 15)).exists()
    assert not DailyFigure.objects.filter(day=date(2026, 10, 15)).exists()


def test_loading_a_years_calendar_drops_that_years_tally_and_the_figures_stay(api, october, office):
    expected = figures(api, office)
    clocks_tally(through=date(2026, 11, 1))
    calendar_year_load(year=2027, days=[SpecialDay(date(2027, 1, 1), False, "元旦")], source="国办发明电〔2026〕1号")
    assert tallied_through() == date(2026, 10, 22)  # untouched: the last day a clock ended

    loaded = calendar_year_get(2026)
    days = [SpecialDay(day.date, day.is_workday, day.name) for day in loaded.days.all()]
    calendar_year_load(year=2026, days=days, source=loaded.source)

    assert not ClockTally.objects.exists()
    assert figures(api, office) == expected


def test_beat_keeps_the_days_figures_each_night():
    entry = django_settings.CELERY_BEAT_SCHEDULE["keep-daily-figures"]

    assert entry["task"] == keep_daily_figures.name == "repairflow.office.tasks.keep_daily_figures"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {0})
