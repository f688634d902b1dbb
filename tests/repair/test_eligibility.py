"""The credit repair eligibility rules (repairflow/repair/eligibility.py): each rule passing and
failing, every boundary on both sides, the rule set chosen by the application date, and the facts
read from the database.

Messages are asserted by their constants and params, and English details under
`translation.override("en")`; the Chinese details depend on the catalogue and are not asserted here.
"""

import json
from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from repairflow.core.models import Attachment
from repairflow.deadlines.policy import RepairLocalRules
from repairflow.records.publication import Category, Severity, publication_periods
from repairflow.repair import eligibility
from repairflow.repair.eligibility import (
    BAN_IN_FORCE,
    CATEGORY_NOT_REPAIRABLE,
    CATEGORY_REPAIRABLE,
    COMMITMENT_GIVEN,
    COMMITMENT_MISSING,
    CREDIT_REPORT_CURRENT,
    CREDIT_REPORT_MISSING,
    CREDIT_REPORT_NOT_REQUIRED,
    CREDIT_REPORT_OUTDATED,
    CREDIT_REPORT_UNDATED,
    IN_BANKRUPTCY,
    MATERIALS_COMPLETE,
    MATERIALS_MISSING,
    MINIMUM_PERIOD_NOT_PASSED,
    MINIMUM_PERIOD_PASSED,
    NDRC_2019_527,
    NDRC_ORDER_36,
    NDRC_ORDER_58,
    NEVER_REPAIRABLE,
    NEVER_REPAIRABLE_KIND,
    NO_BAN_IN_FORCE,
    NO_BANKRUPTCY_RULE,
    NO_EARLY_END_NO_DATE,
    NO_EARLY_END_NOT_CONCERNED,
    NO_EARLY_END_PERIOD_OVER,
    NO_EARLY_END_REFUSED,
    NO_MINIMUM_PERIOD,
    NO_RECENT_REPAIR_RULE,
    NO_REPAIR_LIMIT_RULE,
    NOT_IN_BANKRUPTCY,
    NOT_NEVER_REPAIRABLE,
    NOT_RECENTLY_REPAIRED,
    RECENTLY_REPAIRED,
    REMOVED_BY_THE_COURT,
    REPAIR_RULE_SETS,
    REPAIRS_WITHIN_LIMIT,
    RULES,
    TOO_MANY_REPAIRS,
    EligibilityFacts,
    RuleResult,
    application_facts,
    category_repairable,
    commitment_given,
    credit_report_current,
    eligibility_evaluate,
    materials_complete,
    minimum_period_passed,
    no_ban_in_force,
    no_early_end,
    not_in_bankruptcy,
    not_never_repairable,
    not_recently_repaired,
    repair_rule_set_on,
    repairs_within_limit,
)
from repairflow.repair.models import MaterialKind, RepairBan, RepairMaterial, RepairState
from tests.factories import CreditRecordFactory, CreditSubjectFactory, RepairApplicationFactory, UserFactory

PROOF = MaterialKind.PERFORMANCE_PROOF
TRAINING = MaterialKind.TRAINING_CERTIFICATE
REPORT = MaterialKind.CREDIT_REPORT
LOCAL = RepairLocalRules()  # 12 months since the last repair; fewer than 2 repairs in 60 months

# A general penalty decided 2026-01-05 (minimum period to 2026-04-05), applied for on 2026-06-01
# under 22号 / Order 36 with the commitment and a proof of performance: eligible.
APPLIED_ON = date(2026, 6, 1)
FACTS = EligibilityFacts(
    applied_on=APPLIED_ON,
    category=Category.ADMINISTRATIVE_PENALTY,
    severity=Severity.GENERAL,
    negative=True,
    decision_date=date(2026, 1, 5),
    min_period_end=date(2026, 4, 5),
    record_text="未按规定公示年度报告\n责令改正，罚款一千元。",
    commitment=True,
    materials={PROOF: [None]},
    repairs_on=(),
    ban_until=None,
)


def facts(**changes) -> EligibilityFacts:
    return replace(FACTS, **changes)


def run(rule, given: EligibilityFacts, local: RepairLocalRules = LOCAL) -> RuleResult:
    """One rule under the rule set in force on the application date."""
    return rule(given, repair_rule_set_on(given.applied_on), local)


def result(rule, passed: bool, message: str, **params: str) -> RuleResult:
    return RuleResult(rule.__name__, passed, message, params)


def in_english(value: RuleResult) -> str:
    with translation.override("en"):
        return value.detail


# --- Rule sets by application date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rule_set"),
    [
        (date(2019, 7, 1), NDRC_2019_527),
        (date(2023, 4, 30), NDRC_2019_527),
        (date(2023, 5, 1), NDRC_ORDER_58),
        (date(2026, 3, 31), NDRC_ORDER_58),
        (date(2026, 4, 1), NDRC_ORDER_36),
        (date(2030, 1, 1), NDRC_ORDER_36),
    ],
)
def test_the_rule_set_is_the_one_in_force_on_the_application_date(day, rule_set):
    assert repair_rule_set_on(day) == rule_set


def test_the_rule_sets_follow_each_other_without_gap_or_overlap():
    assert [(rule_set.in_force_from, rule_set.in_force_until) for rule_set in REPAIR_RULE_SETS] == [
        (None, date(2023, 4, 30)),
        (date(2023, 5, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), None),
    ]
    assert [rule_set.code for rule_set in REPAIR_RULE_SETS] == ["ndrc_2019_527", "ndrc_order_58", "ndrc_order_36"]
    assert all(rule_set.name and rule_set.source for rule_set in REPAIR_RULE_SETS)


# --- category_repairable ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "category",
    [
        Category.ADMINISTRATIVE_PENALTY,
        Category.SERIOUS_LIST,
        Category.ABNORMAL_LIST,
        Category.ADMINISTRATIVE_ENFORCEMENT,
        Category.OTHER,
    ],
)
def test_negative_categories_can_be_repaired(category):
    assert run(category_repairable, facts(category=category)) == result(
        category_repairable, True, CATEGORY_REPAIRABLE, category=category
    )


@pytest.mark.parametrize(
    "category",
    [
        Category.ADMINISTRATIVE_LICENSE,
        Category.ADMINISTRATIVE_LEVY,
        Category.ADMINISTRATIVE_CONFIRMATION,
        Category.ADMINISTRATIVE_REWARD,
        Category.RED_LIST,
        Category.ADMINISTRATIVE_ENFORCEMENT,  # without a severity: not negative
        Category.OTHER,
    ],
)
def test_information_that_is_not_negative_cannot_be_repaired(category):
    assert run(category_repairable, facts(category=category, severity=None, negative=False)) == result(
        category_repairable, False, CATEGORY_NOT_REPAIRABLE, category=category
    )


@pytest.mark.parametrize("category", [Category.DISHONEST_JUDGMENT_DEBTOR, Category.COURT_JUDGMENT])
def test_a_court_s_negative_information_is_not_the_platform_s_to_repair(category):
    assert run(category_repairable, facts(category=category)) == result(
        category_repairable, False, REMOVED_BY_THE_COURT, category=category
    )


def test_the_category_is_named_in_the_readers_language():
    licence = run(category_repairable, facts(category=Category.ADMINISTRATIVE_LICENSE, severity=None, negative=False))
    assert in_english(licence) == (
        "Administrative licence information is not negative information: there is nothing to repair."
    )


# --- not_never_repairable ---------------------------------------------------------------------


def test_an_ordinary_penalty_is_not_of_a_never_repairable_kind():
    assert run(not_never_repairable, FACTS) == result(not_never_repairable, True, NOT_NEVER_REPAIRABLE)


SAMR_SOURCE = eligibility.SAMR_NO_EARLY_END_SOURCE
# A market regulation penalty decided 2026-01-05: general, so published at most 1 year, to
# 2027-01-05 (its last day); repair could be from 2027-01-06.
SAMR = facts(market_regulation=True, max_period_end=date(2027, 1, 5))


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("无照经营\n吊销营业执照。", "吊销营业执照"),
        ("超范围经营\n吊销许可证件，罚款五万元。", "吊销许可证"),
        ("生产不合格产品\n责令停产停业六个月。", "责令停产停业"),
        ("违规施工\n降低资质等级。", "降低资质等级"),
        ("违规经营\n限制开展生产经营活动三个月。", "限制开展生产经营活动"),
        ("违规执业\n限制从业一年。", "限制从业"),
        ("无照经营\n吊销 营业\n执照。", "吊销营业执照"),  # whitespace inside the words is ignored
    ],
)
def test_a_market_regulation_penalty_that_cannot_end_early_is_refused_until_its_maximum_period_ends(text, keyword):
    assert run(no_early_end, replace(SAMR, record_text=text)) == result(
        no_early_end,
        False,
        NO_EARLY_END_REFUSED,
        keyword=keyword,
        kind="samr_no_early_end",
        source=SAMR_SOURCE,
        **{"from": "2027-01-06"},
    )
    # it is no longer of a kind that is never repaired
    assert run(not_never_repairable, replace(SAMR, record_text=text)).passed


def test_the_last_day_of_the_maximum_period_is_still_refused_and_the_next_day_passes():
    text = "生产不合格产品\n责令停产停业六个月。"
    assert not run(no_early_end, replace(SAMR, record_text=text, applied_on=date(2027, 1, 5))).passed
    after = run(no_early_end, replace(SAMR, record_text=text, applied_on=date(2027, 1, 6)))
    assert after == result(
        no_early_end,
        True,
        NO_EARLY_END_PERIOD_OVER,
        keyword="责令停产停业",
        kind="samr_no_early_end",
        source=SAMR_SOURCE,
        end="2027-01-05",
    )


def test_such_a_penalty_without_a_maximum_period_cannot_be_repaired():
    given = replace(SAMR, record_text="无照经营\n吊销营业执照。", max_period_end=None)
    assert run(no_early_end, given) == result(
        no_early_end, False, NO_EARLY_END_NO_DATE, keyword="吊销营业执照", kind="samr_no_early_end", source=SAMR_SOURCE
    )


def test_the_same_measure_of_another_department_may_end_early():
    given = replace(SAMR, record_text="无照经营\n吊销营业执照。", market_regulation=False)
    assert run(no_early_end, given) == result(no_early_end, True, NO_EARLY_END_NOT_CONCERNED)


def test_the_refusal_names_the_measure_the_source_and_the_first_day_in_the_readers_language():
    refused = run(no_early_end, replace(SAMR, record_text="无照经营\n吊销营业执照。"))
    assert in_english(refused) == (
        "The record mentions “吊销营业执照”, a market regulation penalty whose publication may not end early "
        "(suspension of production or business, restricted business activities or employment, lowered "
        "qualification grade, revoked licence or business licence), decided by a market regulation department: "
        f"its publication cannot end early ({SAMR_SOURCE}). Repair is possible only after the maximum "
        "publication period, from 2027-01-06."
    )


def test_the_samr_kinds_concern_penalties_only():
    abnormal = replace(SAMR, category=Category.ABNORMAL_LIST, severity=None, record_text="被吊销营业执照后未办理注销")
    assert run(no_early_end, abnormal).passed


# --- not_in_bankruptcy ------------------------------------------------------------------------


def test_a_subject_in_bankruptcy_is_refused_with_the_day_and_the_source():
    given = facts(bankrupt_since=date(2026, 3, 2), bankruptcy_source="（2026）鲁01破申12号")
    assert run(not_in_bankruptcy, given) == result(
        not_in_bankruptcy, False, IN_BANKRUPTCY, since="2026-03-02", source="（2026）鲁01破申12号"
    )
    assert in_english(run(not_in_bankruptcy, given)) == (
        "The subject is in bankruptcy since 2026-03-02 (（2026）鲁01破申12号): repair is refused while it lasts "
        "(local practice)."
    )


def test_a_subject_not_in_bankruptcy_passes():
    assert run(not_in_bankruptcy, FACTS) == result(not_in_bankruptcy, True, NOT_IN_BANKRUPTCY)


@pytest.mark.parametrize("off", [None, False])
def test_the_bankruptcy_rule_can_be_turned_off(off):
    given = facts(bankrupt_since=date(2026, 3, 2), bankruptcy_source="（2026）鲁01破申12号")
    local = replace(LOCAL, refuse_in_bankruptcy=off)
    assert run(not_in_bankruptcy, given, local) == result(not_in_bankruptcy, True, NO_BANKRUPTCY_RULE)


def test_specific_serious_dishonesty_cannot_be_repaired_under_527_only():
    specific = facts(record_text="虚假申报\n特定严重失信行为，罚款十万元。")
    assert run(not_never_repairable, replace(specific, applied_on=date(2023, 4, 30))) == result(
        not_never_repairable, False, NEVER_REPAIRABLE_KIND, kind="ndrc_527_specific_serious", keyword="特定严重失信"
    )
    assert run(not_never_repairable, replace(specific, applied_on=date(2023, 5, 1))).passed


def test_the_never_repairable_kinds_are_data_with_their_sources():
    assert [kind.code for kind in NEVER_REPAIRABLE] == ["ndrc_527_specific_serious"]
    for kind in NEVER_REPAIRABLE:
        assert kind.keywords and kind.name and kind.source
        assert "unconfirmed" in kind.source  # neither text was read at its source


# --- minimum_period_passed --------------------------------------------------------------------

# (record rule set, category, severity, decision date, the last day of the minimum period).
# Decisions on a rule set's first and last day; month ends with no corresponding date.
MINIMUM_PERIODS = [
    ("ndrc_2019_527", Severity.GENERAL, date(2022, 11, 30), date(2023, 2, 28)),
    ("ndrc_2019_527", Severity.SERIOUS, date(2021, 8, 31), date(2022, 2, 28)),
    ("ndrc_2019_527", Severity.GENERAL, date(2023, 4, 30), date(2023, 7, 30)),  # 527's last day
    ("ndrc_2019_527", Severity.SERIOUS, date(2023, 4, 30), date(2023, 10, 30)),  # still 6 months
    ("ndrc_order_58", Severity.GENERAL, date(2023, 5, 1), date(2023, 8, 1)),  # Order 58's first day
    ("ndrc_order_58", Severity.SERIOUS, date(2023, 5, 1), date(2024, 5, 1)),  # 12 months
    ("ndrc_order_58", Severity.GENERAL, date(2025, 12, 15), date(2026, 3, 15)),
    ("ndrc_order_58", Severity.GENERAL, date(2026, 3, 31), date(2026, 6, 30)),  # Order 58's last day
    ("ndrc_order_58", Severity.SERIOUS, date(2026, 3, 31), date(2027, 3, 31)),
    ("ndrc_order_36", Severity.GENERAL, date(2026, 4, 1), date(2026, 7, 1)),  # Order 36's first day
    ("ndrc_order_36", Severity.SERIOUS, date(2026, 4, 1), date(2027, 4, 1)),
    ("ndrc_order_36", Severity.SERIOUS, date(2026, 8, 31), date(2027, 8, 31)),
]


def record_facts(severity: str, decision_date: date, applied_on: date, category=Category.ADMINISTRATIVE_PENALTY):
    periods = publication_periods(
        negative=True, severity=severity, decision_date=decision_date, published_on=decision_date
    )
    return facts(
        category=category,
        severity=severity,
        negative=True,
        decision_date=decision_date,
        min_period_end=periods.min_end,
        applied_on=applied_on,
    )


@pytest.mark.parametrize(("record_rule_set", "severity", "decision_date", "end"), MINIMUM_PERIODS)
def test_the_minimum_period_is_computed_from_the_record(record_rule_set, severity, decision_date, end):
    periods = publication_periods(negative=True, severity=severity, decision_date=decision_date, published_on=date.max)
    assert (periods.rule_set.code, periods.min_end) == (record_rule_set, end)


@pytest.mark.parametrize(("record_rule_set", "severity", "decision_date", "end"), MINIMUM_PERIODS)
def test_repair_is_refused_to_the_last_day_of_the_minimum_period(record_rule_set, severity, decision_date, end):
    before, last_day, after = (date.fromordinal(end.toordinal() + shift) for shift in (-1, 0, 1))
    refused = result(
        minimum_period_passed, False, MINIMUM_PERIOD_NOT_PASSED, end=end.isoformat(), **{"from": after.isoformat()}
    )
    assert run(minimum_period_passed, record_facts(severity, decision_date, before)) == refused
    assert run(minimum_period_passed, record_facts(severity, decision_date, last_day)) == refused
    assert run(minimum_period_passed, record_facts(severity, decision_date, after)) == result(
        minimum_period_passed, True, MINIMUM_PERIOD_PASSED, end=end.isoformat()
    )


def test_the_minimum_period_is_explained_with_the_day_repair_opens():
    early = run(minimum_period_passed, record_facts(Severity.GENERAL, date(2025, 12, 15), date(2026, 3, 15)))
    assert in_english(early) == "Minimum publication period until 2026-03-15: you may apply from 2026-03-16."
    on_time = run(minimum_period_passed, record_facts(Severity.GENERAL, date(2025, 12, 15), date(2026, 3, 16)))
    assert in_english(on_time) == "Minimum publication period ended on 2026-03-15."


def test_the_subject_reads_the_minimum_period_in_chinese():
    early = run(minimum_period_passed, record_facts(Severity.GENERAL, date(2025, 12, 15), date(2026, 3, 15)))

    with translation.override("zh-hans"):
        assert early.detail == "最短公示期至 2026-03-15，2026-03-16 起可申请修复。"


@pytest.mark.parametrize(
    "given",
    [
        record_facts(Severity.MINOR, date(2026, 4, 1), date(2026, 4, 2)),  # minor under Order 36: no minimum
        facts(category=Category.ABNORMAL_LIST, severity=None, min_period_end=None),
    ],
)
def test_without_a_minimum_period_repair_may_be_asked_at_once(given):
    assert given.min_period_end is None
    assert run(minimum_period_passed, given) == result(minimum_period_passed, True, NO_MINIMUM_PERIOD)


# --- commitment_given -------------------------------------------------------------------------


def test_the_commitment_must_be_given():
    assert run(commitment_given, FACTS) == result(commitment_given, True, COMMITMENT_GIVEN)
    assert run(commitment_given, facts(commitment=False)) == result(commitment_given, False, COMMITMENT_MISSING)


# --- materials_complete -----------------------------------------------------------------------

# A serious penalty decided 2022-06-01 (minimum period to 2022-12-01).
SERIOUS = facts(severity=Severity.SERIOUS, decision_date=date(2022, 6, 1), min_period_end=date(2022, 12, 1))


def test_a_serious_case_under_527_needs_a_training_certificate_and_a_credit_report():
    given = replace(SERIOUS, applied_on=date(2023, 4, 30))
    missing = run(materials_complete, given)
    assert missing == result(
        materials_complete,
        False,
        MATERIALS_MISSING,
        required="performance_proof,training_certificate,credit_report",
        missing="training_certificate,credit_report",
    )
    assert in_english(missing) == "Missing materials: Training certificate, Credit report."
    complete = replace(given, materials={PROOF: [None], TRAINING: [None], REPORT: [date(2023, 1, 1)]})
    assert run(materials_complete, complete) == result(
        materials_complete, True, MATERIALS_COMPLETE, required="performance_proof,training_certificate,credit_report"
    )


def test_a_serious_list_entry_under_527_is_a_serious_case():
    entry = facts(category=Category.SERIOUS_LIST, severity=None, applied_on=date(2023, 4, 30))
    assert run(materials_complete, entry).params["missing"] == "training_certificate,credit_report"


@pytest.mark.parametrize("applied_on", [date(2023, 5, 1), date(2026, 3, 31), date(2026, 4, 1)])
def test_the_same_serious_case_under_order_58_or_36_needs_only_the_proof_of_performance(applied_on):
    assert run(materials_complete, replace(SERIOUS, applied_on=applied_on)) == result(
        materials_complete, True, MATERIALS_COMPLETE, required="performance_proof"
    )


def test_a_general_case_under_527_needs_only_the_proof_of_performance():
    assert run(materials_complete, facts(applied_on=date(2023, 4, 30))).passed


@pytest.mark.parametrize("materials", [{}, {PROOF: []}, {TRAINING: [None]}])
def test_the_proof_of_performance_is_always_needed(materials):
    assert run(materials_complete, facts(materials=materials)) == result(
        materials_complete, False, MATERIALS_MISSING, required="performance_proof", missing="performance_proof"
    )


# --- credit_report_current --------------------------------------------------------------------


def serious_527(applied_on: date, *reports: date | None) -> EligibilityFacts:
    return replace(SERIOUS, applied_on=applied_on, materials={PROOF: [None], TRAINING: [None], REPORT: list(reports)})


def test_a_credit_report_exactly_one_year_old_is_current():
    assert run(credit_report_current, serious_527(date(2023, 4, 28), date(2022, 4, 28))) == result(
        credit_report_current, True, CREDIT_REPORT_CURRENT, issued="2022-04-28", valid_until="2023-04-28"
    )


def test_a_credit_report_one_day_older_is_outdated():
    outdated = run(credit_report_current, serious_527(date(2023, 4, 28), date(2022, 4, 27)))
    assert outdated == result(
        credit_report_current, False, CREDIT_REPORT_OUTDATED, issued="2022-04-27", valid_until="2023-04-27"
    )
    assert in_english(outdated) == (
        "The credit report issued on 2022-04-27 was valid until 2023-04-27: please provide a newer one."
    )


def test_a_credit_report_issued_on_29_february_is_valid_to_28_february():
    assert run(credit_report_current, serious_527(date(2021, 2, 28), date(2020, 2, 29))).passed
    assert not run(credit_report_current, serious_527(date(2021, 3, 1), date(2020, 2, 29))).passed


def test_the_newest_dated_credit_report_counts():
    assert run(credit_report_current, serious_527(date(2023, 4, 28), date(2021, 1, 4), None, date(2022, 6, 1))) == (
        result(credit_report_current, True, CREDIT_REPORT_CURRENT, issued="2022-06-01", valid_until="2023-06-01")
    )


def test_a_credit_report_without_its_date_of_issue_fails():
    assert run(credit_report_current, serious_527(date(2023, 4, 28), None)) == result(
        credit_report_current, False, CREDIT_REPORT_UNDATED, months="12"
    )


def test_a_missing_credit_report_fails():
    assert run(credit_report_current, serious_527(date(2023, 4, 28))) == result(
        credit_report_current, False, CREDIT_REPORT_MISSING, months="12"
    )


@pytest.mark.parametrize(
    "given",
    [
        replace(serious_527(date(2023, 5, 1), date(2020, 1, 1)), applied_on=date(2023, 5, 1)),  # Order 58
        facts(applied_on=date(2023, 4, 28), materials={PROOF: [None], REPORT: [date(2020, 1, 1)]}),  # general
    ],
)
def test_a_credit_report_not_asked_for_is_not_checked(given):
    assert run(credit_report_current, given) == result(credit_report_current, True, CREDIT_REPORT_NOT_REQUIRED)


# --- not_recently_repaired --------------------------------------------------------------------


def test_repaired_exactly_twelve_months_ago_is_still_recent():
    recent = run(not_recently_repaired, facts(repairs_on=[date(2023, 1, 9), date(2025, 6, 1)]))
    assert recent == result(
        not_recently_repaired, False, RECENTLY_REPAIRED, repaired="2025-06-01", months="12", **{"from": "2026-06-02"}
    )
    assert in_english(recent) == (
        "Repaired on 2025-06-01, less than 12 months ago: you may apply again from 2026-06-02."
    )


def test_repaired_twelve_months_and_a_day_ago_is_not_recent():
    assert run(not_recently_repaired, facts(repairs_on=[date(2025, 5, 31)])) == result(
        not_recently_repaired, True, NOT_RECENTLY_REPAIRED, months="12"
    )


def test_a_repair_on_29_february_is_recent_to_28_february():
    repaired = facts(repairs_on=[date(2024, 2, 29)])
    assert not run(not_recently_repaired, replace(repaired, applied_on=date(2025, 2, 28))).passed
    assert run(not_recently_repaired, replace(repaired, applied_on=date(2025, 3, 1))).passed


def test_the_recent_repair_rule_can_be_turned_off():
    assert run(not_recently_repaired, facts(repairs_on=[APPLIED_ON]), RepairLocalRules(recent_repair_months=None)) == (
        result(not_recently_repaired, True, NO_RECENT_REPAIR_RULE)
    )


def test_the_recent_repair_period_is_configured():
    six_months = RepairLocalRules(recent_repair_months=6)
    assert run(not_recently_repaired, facts(repairs_on=[date(2025, 12, 1)]), six_months) == result(
        not_recently_repaired, False, RECENTLY_REPAIRED, repaired="2025-12-01", months="6", **{"from": "2026-06-02"}
    )
    assert run(not_recently_repaired, facts(repairs_on=[date(2025, 11, 30)]), six_months).passed


# --- repairs_within_limit ---------------------------------------------------------------------


def test_two_repairs_in_five_years_are_refused():
    twice = run(repairs_within_limit, facts(repairs_on=[date(2022, 1, 10), date(2024, 1, 10)]))
    assert twice == result(
        repairs_within_limit, False, TOO_MANY_REPAIRS, months="60", count="2", limit="2", **{"from": "2027-01-11"}
    )
    assert in_english(twice) == (
        "Repairs in the 60 months before the application: 2 (refused from 2): you may apply from 2027-01-11."
    )


def test_one_repair_in_five_years_is_not():
    assert run(repairs_within_limit, facts(repairs_on=[date(2024, 1, 10)])) == result(
        repairs_within_limit, True, REPAIRS_WITHIN_LIMIT, months="60", count="1", limit="2"
    )


def test_a_repair_on_the_windows_first_day_counts():
    assert not run(repairs_within_limit, facts(repairs_on=[date(2021, 6, 1), date(2024, 1, 10)])).passed
    assert run(repairs_within_limit, facts(repairs_on=[date(2021, 5, 31), date(2024, 1, 10)])).params["count"] == "1"


def test_one_may_apply_again_when_the_limit_th_newest_repair_leaves_the_window():
    thrice = facts(repairs_on=[date(2022, 1, 10), date(2024, 1, 10), date(2023, 3, 1)])
    assert run(repairs_within_limit, thrice).params == {
        "months": "60",
        "count": "3",
        "limit": "2",
        "from": "2028-03-02",
    }


def test_the_repair_limit_is_configured_and_can_be_turned_off():
    two_repairs = facts(repairs_on=[date(2022, 1, 10), date(2024, 1, 10)])
    assert run(repairs_within_limit, two_repairs, RepairLocalRules(repairs_in_window=3)).passed
    assert run(repairs_within_limit, two_repairs, RepairLocalRules(window_months=36)).params["count"] == "1"
    assert run(repairs_within_limit, two_repairs, RepairLocalRules(repairs_in_window=None)) == result(
        repairs_within_limit, True, NO_REPAIR_LIMIT_RULE
    )


# --- no_ban_in_force --------------------------------------------------------------------------


def test_a_ban_is_in_force_on_its_last_day():
    banned = run(no_ban_in_force, facts(ban_until=APPLIED_ON))
    assert banned == result(no_ban_in_force, False, BAN_IN_FORCE, until="2026-06-01", **{"from": "2026-06-02"})
    assert in_english(banned) == "Repair applications are banned until 2026-06-01: you may apply from 2026-06-02."


@pytest.mark.parametrize("ban_until", [None, date(2026, 5, 31)])
def test_without_a_ban_or_the_day_after_it_one_may_apply(ban_until):
    assert run(no_ban_in_force, facts(ban_until=ban_until)) == result(no_ban_in_force, True, NO_BAN_IN_FORCE)


# --- Evaluation -------------------------------------------------------------------------------


def test_an_application_meeting_every_rule_is_eligible():
    evaluation = eligibility_evaluate(FACTS, local=LOCAL)
    assert evaluation.rule_set == NDRC_ORDER_36
    assert [result.rule for result in evaluation.results] == [rule.__name__ for rule in RULES]
    assert [result.rule for result in evaluation.results] == [
        "category_repairable",
        "not_never_repairable",
        "no_early_end",
        "minimum_period_passed",
        "commitment_given",
        "materials_complete",
        "credit_report_current",
        "not_recently_repaired",
        "repairs_within_limit",
        "not_in_bankruptcy",
        "no_ban_in_force",
    ]
    assert evaluation.eligible
    assert evaluation.refused_at_door(LOCAL) == []


def test_one_failed_rule_makes_the_application_ineligible():
    evaluation = eligibility_evaluate(facts(commitment=False), local=LOCAL)
    assert not evaluation.eligible
    assert [result.rule for result in evaluation.results if not result.passed] == ["commitment_given"]
    assert evaluation.refused_at_door(LOCAL) == []


def test_only_the_rules_the_profile_names_refuse_at_the_door():
    evaluation = eligibility_evaluate(facts(commitment=False, ban_until=APPLIED_ON), local=LOCAL)
    assert [result.rule for result in evaluation.refused_at_door(LOCAL)] == ["no_ban_in_force"]
    strict = RepairLocalRules(refuse_at_door=frozenset({"commitment_given", "no_ban_in_force"}))
    assert [result.rule for result in evaluation.refused_at_door(strict)] == ["commitment_given", "no_ban_in_force"]


def test_the_local_rules_default_to_the_active_profiles(settings, monkeypatch):
    settings.REPAIRFLOW_PROFILE = "henan"
    recent = facts(repairs_on=[date(2026, 1, 5)])
    assert not eligibility_evaluate(recent).eligible
    lenient = replace(eligibility.active_profile(), repair=RepairLocalRules(recent_repair_months=None))
    monkeypatch.setattr(eligibility, "active_profile", lambda: lenient)
    assert eligibility_evaluate(recent).eligible


def test_results_round_trip_through_json():
    given = replace(SERIOUS, applied_on=date(2023, 4, 28), commitment=False, repairs_on=[date(2022, 9, 1)])
    evaluation = eligibility_evaluate(given, local=LOCAL)
    stored = json.loads(json.dumps(evaluation.as_json()))
    assert stored[3] == {
        "rule": "minimum_period_passed",
        "passed": True,
        "message": MINIMUM_PERIOD_PASSED,
        "params": {"end": "2022-12-01"},
    }
    assert tuple(RuleResult.from_json(data) for data in stored) == evaluation.results


def test_a_stored_result_reads_in_the_language_of_its_reader():
    stored = RuleResult.from_json(
        {"rule": "materials_complete", "passed": False, "message": MATERIALS_MISSING, "params": {"missing": "x,y"}}
    )
    assert in_english(stored) == "Missing materials: x, y."  # unknown material kinds are shown as stored


# --- application_facts ------------------------------------------------------------------------


def attachment(user) -> Attachment:
    return Attachment.objects.create(
        uploaded_by=user,
        file="attachments/material.pdf",
        name="material.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
    )


def material(application, kind: str, issued_on: date | None = None) -> RepairMaterial:
    return RepairMaterial.objects.create(
        application=application, kind=kind, attachment=attachment(application.filed_by), issued_on=issued_on
    )


def repaired(subject, state: str, repaired_on: date | None):
    """An application of `subject` on another of its records, in `state`."""
    record = CreditRecordFactory(subject=subject)
    return RepairApplicationFactory(record=record, state=state, repaired_on=repaired_on)


@pytest.mark.django_db
def test_the_facts_come_from_the_record_and_the_application():
    application = RepairApplicationFactory(commitment=False)
    assert application_facts(application) == EligibilityFacts(
        applied_on=date(2026, 6, 1),
        category="administrative_penalty",
        severity="general",
        negative=True,
        decision_date=date(2026, 1, 5),
        min_period_end=date(2026, 4, 5),
        record_text="未按规定公示年度报告\n责令改正，罚款一千元。",
        commitment=False,
        materials={},
        repairs_on=[],
        ban_until=None,
        market_regulation=False,
        max_period_end=application.record.max_period_end,
    )


@pytest.mark.django_db
def test_the_materials_are_listed_by_kind_with_their_dates_of_issue():
    application = RepairApplicationFactory()
    material(application, PROOF)
    material(application, REPORT, date(2025, 5, 1))
    material(application, REPORT, date(2026, 1, 10))
    assert application_facts(application).materials == {
        "performance_proof": [None],
        "credit_report": [date(2025, 5, 1), date(2026, 1, 10)],
    }


@pytest.mark.django_db
def test_only_the_subjects_other_repairs_in_effect_count():
    application = RepairApplicationFactory(state=RepairState.PUBLISHED, repaired_on=date(2026, 6, 10))
    subject = application.subject
    repaired(subject, RepairState.PUBLISHED, date(2025, 3, 1))
    repaired(subject, RepairState.REPAIRED, date(2024, 2, 1))
    repaired(subject, RepairState.REVOKED, date(2025, 1, 1))  # revoked: no longer in effect
    repaired(subject, RepairState.DENIED, None)
    repaired(CreditSubjectFactory(), RepairState.PUBLISHED, date(2025, 4, 1))  # another subject's
    assert application_facts(application).repairs_on == [date(2024, 2, 1), date(2025, 3, 1)]


@pytest.mark.django_db
def test_the_latest_ban_in_force_on_the_application_date_counts():
    application = RepairApplicationFactory()
    subject = application.subject
    revoked = repaired(subject, RepairState.REVOKED, date(2024, 6, 1))
    office = UserFactory(office=True)

    def ban(subject, starts_on: date, ends_on: date) -> RepairBan:
        return RepairBan.objects.create(
            subject=subject,
            application=revoked,
            starts_on=starts_on,
            ends_on=ends_on,
            reason="提交虚假材料",
            created_by=office,
        )

    ban(subject, date(2025, 1, 1), date(2025, 12, 31))  # over
    ban(subject, date(2026, 7, 1), date(2027, 6, 30))  # not yet
    ban(CreditSubjectFactory(), date(2026, 1, 1), date(2028, 12, 31))  # another subject's
    assert application_facts(application).ban_until is None
    ban(subject, date(2025, 6, 2), date(2026, 6, 1))  # its last day is the application date
    assert application_facts(application).ban_until == date(2026, 6, 1)
    ban(subject, date(2026, 5, 1), date(2027, 4, 30))
    assert application_facts(application).ban_until == date(2027, 4, 30)
    assert application_facts(application, applied_on=date(2027, 5, 1)).ban_until == date(2027, 6, 30)
    assert application_facts(application, applied_on=date(2027, 7, 1)).ban_until is None


@pytest.mark.django_db
def test_an_application_from_the_database_is_evaluated():
    application = RepairApplicationFactory()
    assert not eligibility_evaluate(application_facts(application), local=LOCAL).eligible
    material(application, PROOF)
    assert eligibility_evaluate(application_facts(application), local=LOCAL).eligible
