"""Publication periods (公示期) by rule set and severity, and the month arithmetic under them
(民法典 Art. 202). Pure: no database, no clock."""

from datetime import date

import pytest

from repairflow.records.publication import (
    CATEGORY_RULES,
    NDRC_2019_527,
    NDRC_ORDER_36,
    NDRC_ORDER_58,
    RULE_SETS,
    Category,
    Negativity,
    PeriodStart,
    PublicationPeriods,
    Severity,
    is_negative,
    may_be_published,
    publication_periods,
    rule_set_on,
)

NON_NEGATIVE_CATEGORIES = [
    Category.ADMINISTRATIVE_LICENSE,
    Category.ADMINISTRATIVE_LEVY,
    Category.ADMINISTRATIVE_CONFIRMATION,
    Category.ADMINISTRATIVE_REWARD,
    Category.RED_LIST,
]
ALWAYS_NEGATIVE_CATEGORIES = [
    Category.ADMINISTRATIVE_PENALTY,
    Category.SERIOUS_LIST,
    Category.ABNORMAL_LIST,
    Category.DISHONEST_JUDGMENT_DEBTOR,
]
# negative only when the record gives a severity
STATED_CATEGORIES = [Category.ADMINISTRATIVE_ENFORCEMENT, Category.COURT_JUDGMENT, Category.OTHER]
ALL_NEGATIVE_CATEGORIES = ALWAYS_NEGATIVE_CATEGORIES + STATED_CATEGORIES

# A decision date well inside each rule set, and its first and last day.
ON_527 = date(2022, 6, 15)
ON_58 = date(2025, 6, 16)
ON_36 = date(2026, 4, 10)


def periods_of(severity, decided, *, category=Category.ADMINISTRATIVE_PENALTY, published_on=None):
    return publication_periods(
        negative=is_negative(category, severity),
        severity=severity,
        decision_date=decided,
        published_on=published_on or decided,
    )


# --- rule_set_on ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rule_set"),
    [
        pytest.param(date(2015, 1, 1), NDRC_2019_527, id="long-before"),
        pytest.param(date(2019, 7, 1), NDRC_2019_527, id="527-published"),
        pytest.param(date(2023, 4, 30), NDRC_2019_527, id="last-day-of-527"),
        pytest.param(date(2023, 5, 1), NDRC_ORDER_58, id="first-day-of-58"),
        pytest.param(date(2024, 2, 29), NDRC_ORDER_58, id="inside-58"),
        pytest.param(date(2026, 3, 31), NDRC_ORDER_58, id="last-day-of-58"),
        pytest.param(date(2026, 4, 1), NDRC_ORDER_36, id="first-day-of-36"),
        pytest.param(date(2040, 12, 31), NDRC_ORDER_36, id="long-after"),
    ],
)
def test_the_rule_set_is_the_one_in_force_on_the_day(day, rule_set):
    assert rule_set_on(day) is rule_set


def test_the_rule_sets_follow_each_other_without_gap_or_overlap():
    assert [(r.in_force_from, r.in_force_until) for r in RULE_SETS] == [
        (None, date(2023, 4, 30)),
        (date(2023, 5, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), None),
    ]


def test_the_rule_sets_have_stable_codes():
    assert [r.code for r in RULE_SETS] == ["ndrc_2019_527", "ndrc_order_58", "ndrc_order_36"]


def test_every_rule_set_counts_periods_from_the_decision_date():
    assert [r.period_start for r in RULE_SETS] == [PeriodStart.DECISION_DATE] * 3


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda r: r.code)
def test_every_rule_set_has_a_rule_for_every_severity(rule_set):
    assert set(rule_set.severities) == set(Severity)


@pytest.mark.parametrize(
    ("rule_set", "day", "applies"),
    [
        (NDRC_2019_527, date(2023, 4, 30), True),
        (NDRC_2019_527, date(2023, 5, 1), False),
        (NDRC_ORDER_58, date(2023, 4, 30), False),
        (NDRC_ORDER_58, date(2023, 5, 1), True),
        (NDRC_ORDER_58, date(2026, 3, 31), True),
        (NDRC_ORDER_58, date(2026, 4, 1), False),
        (NDRC_ORDER_36, date(2026, 3, 31), False),
        (NDRC_ORDER_36, date(2026, 4, 1), True),
    ],
)
def test_a_rule_set_applies_from_its_first_to_its_last_day_inclusive(rule_set, day, applies):
    assert rule_set.applies_to(day) is applies


# --- publication_periods: general ----------------------------------------------------------


def test_a_general_penalty_decided_2026_01_05_has_the_periods_of_the_design_example():
    periods = periods_of(Severity.GENERAL, date(2026, 1, 5))

    assert periods == PublicationPeriods(
        rule_set=NDRC_ORDER_58, start=date(2026, 1, 5), min_end=date(2026, 4, 5), max_end=date(2027, 1, 5)
    )


@pytest.mark.parametrize(
    ("decided", "rule_set", "min_end", "max_end"),
    [
        pytest.param(ON_527, NDRC_2019_527, date(2022, 9, 15), date(2023, 6, 15), id="527"),
        pytest.param(date(2023, 4, 30), NDRC_2019_527, date(2023, 7, 30), date(2024, 4, 30), id="527-last-day"),
        pytest.param(date(2023, 5, 1), NDRC_ORDER_58, date(2023, 8, 1), date(2024, 5, 1), id="58-first-day"),
        pytest.param(ON_58, NDRC_ORDER_58, date(2025, 9, 16), date(2026, 6, 16), id="58"),
        pytest.param(date(2026, 3, 31), NDRC_ORDER_58, date(2026, 6, 30), date(2027, 3, 31), id="58-last-day"),
        pytest.param(date(2026, 4, 1), NDRC_ORDER_36, date(2026, 7, 1), date(2027, 4, 1), id="36-first-day"),
        pytest.param(ON_36, NDRC_ORDER_36, date(2026, 7, 10), date(2027, 4, 10), id="36"),
    ],
)
def test_general_information_is_published_at_least_3_months_and_at_most_1_year(decided, rule_set, min_end, max_end):
    periods = periods_of(Severity.GENERAL, decided)

    assert periods == PublicationPeriods(rule_set=rule_set, start=decided, min_end=min_end, max_end=max_end)


# --- publication_periods: serious ----------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "rule_set", "min_end", "max_end"),
    [
        pytest.param(ON_527, NDRC_2019_527, date(2022, 12, 15), date(2025, 6, 15), id="527-6-months"),
        pytest.param(date(2023, 4, 30), NDRC_2019_527, date(2023, 10, 30), date(2026, 4, 30), id="527-last-day"),
        pytest.param(date(2023, 5, 1), NDRC_ORDER_58, date(2024, 5, 1), date(2026, 5, 1), id="58-first-day-1-year"),
        pytest.param(ON_58, NDRC_ORDER_58, date(2026, 6, 16), date(2028, 6, 16), id="58"),
        pytest.param(date(2026, 4, 1), NDRC_ORDER_36, date(2027, 4, 1), date(2029, 4, 1), id="36-first-day"),
        pytest.param(ON_36, NDRC_ORDER_36, date(2027, 4, 10), date(2029, 4, 10), id="36"),
    ],
)
def test_serious_information_minimum_is_6_months_under_527_and_1_year_since_order_58(
    decided, rule_set, min_end, max_end
):
    periods = periods_of(Severity.SERIOUS, decided)

    assert periods == PublicationPeriods(rule_set=rule_set, start=decided, min_end=min_end, max_end=max_end)


def test_the_same_serious_decision_a_day_apart_across_527_and_58_doubles_the_minimum():
    under_527 = periods_of(Severity.SERIOUS, date(2023, 4, 30))
    under_58 = periods_of(Severity.SERIOUS, date(2023, 5, 1))

    assert (under_527.min_end, under_58.min_end) == (date(2023, 10, 30), date(2024, 5, 1))
    assert (under_527.max_end, under_58.max_end) == (date(2026, 4, 30), date(2026, 5, 1))


@pytest.mark.parametrize(
    "decided",
    [ON_527, ON_58, ON_36],
    ids=["527", "58", "36"],
)
def test_serious_information_is_published_at_most_3_years_under_every_rule_set(decided):
    periods = periods_of(Severity.SERIOUS, decided)

    assert periods.max_end == decided.replace(year=decided.year + 3)


# --- publication_periods: minor ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "rule_set"),
    [
        pytest.param(ON_527, NDRC_2019_527, id="527"),
        pytest.param(date(2023, 4, 30), NDRC_2019_527, id="527-last-day"),
        pytest.param(date(2023, 5, 1), NDRC_ORDER_58, id="58-first-day"),
        pytest.param(ON_58, NDRC_ORDER_58, id="58"),
        pytest.param(date(2026, 3, 31), NDRC_ORDER_58, id="58-last-day"),
    ],
)
def test_minor_information_has_no_periods_under_527_and_order_58(decided, rule_set):
    periods = periods_of(Severity.MINOR, decided)

    assert periods == PublicationPeriods(rule_set=rule_set, start=decided, min_end=None, max_end=None)


@pytest.mark.parametrize(
    ("decided", "max_end"),
    [
        pytest.param(date(2026, 4, 1), date(2026, 7, 1), id="first-day"),
        pytest.param(ON_36, date(2026, 7, 10), id="inside"),
        pytest.param(date(2026, 5, 31), date(2026, 8, 31), id="month-end-with-corresponding-date"),
        pytest.param(date(2026, 11, 30), date(2027, 2, 28), id="month-end-clamped"),
    ],
)
def test_minor_information_under_order_36_is_published_at_most_3_months_with_no_minimum(decided, max_end):
    periods = periods_of(Severity.MINOR, decided)

    assert periods == PublicationPeriods(rule_set=NDRC_ORDER_36, start=decided, min_end=None, max_end=max_end)


# --- publication_periods: the start and the category --------------------------------------


@pytest.mark.parametrize("severity", list(Severity))
@pytest.mark.parametrize("decided", [ON_527, ON_58, ON_36], ids=["527", "58", "36"])
def test_negative_periods_count_from_the_decision_date_whenever_published(severity, decided):
    published_late = periods_of(severity, decided, published_on=date(2026, 12, 1))
    published_at_once = periods_of(severity, decided)

    assert published_late.start == decided
    assert published_late == published_at_once


@pytest.mark.parametrize("category", ALL_NEGATIVE_CATEGORIES)
def test_every_negative_category_has_periods(category):
    periods = periods_of(Severity.GENERAL, date(2026, 1, 5), category=category)

    assert (periods.start, periods.min_end, periods.max_end) == (date(2026, 1, 5), date(2026, 4, 5), date(2027, 1, 5))


def test_every_category_says_whether_it_is_negative_and_nothing_unknown_is_assumed_negative():
    by_negativity = {
        negativity: {code for code, rule in CATEGORY_RULES.items() if rule.negative is negativity}
        for negativity in Negativity
    }

    assert set(CATEGORY_RULES) == set(Category)
    assert by_negativity == {
        Negativity.ALWAYS: set(ALWAYS_NEGATIVE_CATEGORIES),
        Negativity.NEVER: set(NON_NEGATIVE_CATEGORIES),
        Negativity.WHEN_STATED: set(STATED_CATEGORIES),
    }


@pytest.mark.parametrize("category", STATED_CATEGORIES)
def test_a_category_that_leaves_it_to_the_record_is_negative_only_with_a_severity(category):
    assert (is_negative(category, None), is_negative(category, Severity.GENERAL)) == (False, True)


@pytest.mark.parametrize("category", NON_NEGATIVE_CATEGORIES)
def test_a_category_that_is_never_negative_is_not_negative(category):
    assert is_negative(category, None) is False


@pytest.mark.parametrize("category", NON_NEGATIVE_CATEGORIES)
@pytest.mark.parametrize(
    ("decided", "rule_set"),
    [(ON_527, NDRC_2019_527), (ON_58, NDRC_ORDER_58), (ON_36, NDRC_ORDER_36)],
    ids=["527", "58", "36"],
)
def test_non_negative_information_has_no_periods_and_starts_when_published(category, decided, rule_set):
    periods = publication_periods(
        negative=is_negative(category, None), severity=None, decision_date=decided, published_on=date(2026, 5, 6)
    )

    assert periods == PublicationPeriods(rule_set=rule_set, start=date(2026, 5, 6), min_end=None, max_end=None)


def test_negative_information_without_a_severity_has_no_periods():
    periods = publication_periods(
        negative=True,
        severity=None,
        decision_date=date(2026, 1, 5),
        published_on=date(2026, 1, 7),
    )

    assert periods == PublicationPeriods(rule_set=NDRC_ORDER_58, start=date(2026, 1, 7), min_end=None, max_end=None)


def test_severity_may_be_given_as_its_stored_string():
    assert periods_of("general", date(2026, 1, 5)) == periods_of(Severity.GENERAL, date(2026, 1, 5))


# --- publication_periods: the provincial cap ------------------------------------------------


def test_a_cap_longer_than_the_maximum_changes_nothing():
    for severity, decided in [(Severity.GENERAL, ON_58), (Severity.SERIOUS, ON_527), (Severity.MINOR, ON_36)]:
        capped = publication_periods(
            negative=True,
            severity=severity,
            decision_date=decided,
            published_on=decided,
            cap_years=5,
        )
        assert capped == periods_of(severity, decided)
        assert capped.capped is False


def test_a_maximum_longer_than_the_cap_is_cut_to_the_cap_from_the_start():
    # No rule set publishes longer than 5 years: a 2-year cap shows the cut on a serious record.
    periods = publication_periods(
        negative=True,
        severity=Severity.SERIOUS,
        decision_date=date(2024, 2, 29),
        published_on=date(2024, 3, 4),
        cap_years=2,
    )

    assert periods == PublicationPeriods(
        rule_set=NDRC_ORDER_58,
        start=date(2024, 2, 29),
        min_end=date(2025, 2, 28),
        max_end=date(2026, 2, 28),
        capped=True,
    )


def test_a_cap_equal_to_the_maximum_is_not_a_cut():
    periods = periods_of(Severity.SERIOUS, ON_36)
    capped = publication_periods(
        negative=True,
        severity=Severity.SERIOUS,
        decision_date=ON_36,
        published_on=ON_36,
        cap_years=3,
    )

    assert (capped, capped.capped) == (periods, False)


def test_negative_information_without_a_maximum_gets_the_cap_from_its_publication():
    periods = publication_periods(
        negative=True, severity=None, decision_date=date(2026, 1, 5), published_on=date(2026, 1, 7), cap_years=5
    )

    assert periods == PublicationPeriods(
        rule_set=NDRC_ORDER_58, start=date(2026, 1, 7), min_end=None, max_end=date(2031, 1, 7), capped=True
    )


@pytest.mark.parametrize("category", NON_NEGATIVE_CATEGORIES)
def test_the_cap_does_not_apply_to_information_that_is_not_negative(category):
    periods = publication_periods(
        negative=is_negative(category, None),
        severity=None,
        decision_date=ON_36,
        published_on=date(2026, 5, 6),
        cap_years=5,
    )

    assert periods == PublicationPeriods(rule_set=NDRC_ORDER_36, start=date(2026, 5, 6), min_end=None, max_end=None)


# --- publication_periods: month ends (民法典 Art. 202) ---------------------------------------


@pytest.mark.parametrize(
    ("severity", "decided", "min_end", "max_end"),
    [
        pytest.param(Severity.GENERAL, date(2025, 11, 30), date(2026, 2, 28), date(2026, 11, 30), id="to-28-feb"),
        pytest.param(Severity.GENERAL, date(2023, 11, 30), date(2024, 2, 29), date(2024, 11, 30), id="to-29-feb-leap"),
        pytest.param(Severity.GENERAL, date(2024, 2, 29), date(2024, 5, 29), date(2025, 2, 28), id="from-29-feb"),
        pytest.param(Severity.GENERAL, date(2025, 5, 31), date(2025, 8, 31), date(2026, 5, 31), id="31-to-31"),
        pytest.param(Severity.GENERAL, date(2025, 3, 31), date(2025, 6, 30), date(2026, 3, 31), id="31-to-30"),
        pytest.param(Severity.GENERAL, date(2023, 12, 31), date(2024, 3, 31), date(2024, 12, 31), id="year-end"),
        pytest.param(Severity.SERIOUS, date(2024, 2, 29), date(2025, 2, 28), date(2027, 2, 28), id="serious-29-feb"),
        pytest.param(Severity.SERIOUS, date(2022, 8, 31), date(2023, 2, 28), date(2025, 8, 31), id="527-six-months"),
    ],
)
def test_a_period_with_no_corresponding_date_ends_at_month_end(severity, decided, min_end, max_end):
    periods = periods_of(severity, decided)

    assert (periods.min_end, periods.max_end) == (min_end, max_end)


# --- may_be_published --------------------------------------------


@pytest.mark.parametrize(
    ("severity", "decided", "may_be"),
    [
        pytest.param(Severity.MINOR, ON_527, False, id="minor-527"),
        pytest.param(Severity.MINOR, date(2023, 4, 30), False, id="minor-527-last-day"),
        pytest.param(Severity.MINOR, date(2023, 5, 1), False, id="minor-58-first-day"),
        pytest.param(Severity.MINOR, date(2026, 3, 31), False, id="minor-58-last-day"),
        pytest.param(Severity.MINOR, date(2026, 4, 1), True, id="minor-36-on-request"),
        pytest.param(Severity.MINOR, ON_36, True, id="minor-36"),
        pytest.param(Severity.GENERAL, ON_527, True, id="general-527"),
        pytest.param(Severity.GENERAL, ON_58, True, id="general-58"),
        pytest.param(Severity.GENERAL, ON_36, True, id="general-36"),
        pytest.param(Severity.SERIOUS, ON_527, True, id="serious-527"),
        pytest.param(Severity.SERIOUS, ON_58, True, id="serious-58"),
        pytest.param(Severity.SERIOUS, ON_36, True, id="serious-36"),
    ],
)
def test_whether_negative_information_is_published(severity, decided, may_be):
    arguments = {"negative": True, "severity": severity, "decision_date": decided}

    assert may_be_published(**arguments) is may_be


@pytest.mark.parametrize("category", NON_NEGATIVE_CATEGORIES)
@pytest.mark.parametrize("decided", [ON_527, ON_58, ON_36], ids=["527", "58", "36"])
def test_non_negative_information_is_always_published(category, decided):
    arguments = {"negative": is_negative(category, None), "severity": None, "decision_date": decided}

    assert may_be_published(**arguments) is True


def test_negative_information_without_severity_is_published():
    arguments = {"negative": True, "severity": None, "decision_date": ON_527}

    assert may_be_published(**arguments) is True


@pytest.mark.parametrize("category", ALL_NEGATIVE_CATEGORIES)
def test_minor_information_of_any_negative_category_follows_the_rule_set(category):
    negative = is_negative(category, Severity.MINOR)
    under_58 = {"negative": negative, "severity": Severity.MINOR, "decision_date": ON_58}
    under_36 = {"negative": negative, "severity": Severity.MINOR, "decision_date": ON_36}

    assert (may_be_published(**under_58), may_be_published(**under_36)) == (False, True)
