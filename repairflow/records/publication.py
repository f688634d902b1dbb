"""What each category of credit information is (`CATEGORY_RULES`: negative or not, published,
who verifies an objection, who repairs), and the publication periods (公示期) of negative
information, by the rule set in force on the decision date (docs/domain.md "Credit records").

| rule set                          | in force (decision date)  | minor           | general  | serious   |
|-----------------------------------|---------------------------|-----------------|----------|-----------|
| 发改办财金〔2019〕527号            | to 2023-04-30             | not published   | 3 m / 1 y | 6 m / 3 y |
| 国家发展改革委令第58号             | 2023-05-01 to 2026-03-31  | not stated      | 3 m / 1 y | 1 y / 3 y |
| 国办发〔2025〕22号, 国家发展改革委令第36号 | from 2026-04-01      | at most 3 m     | 3 m / 1 y | 1 y / 3 y |

A record is published unless the department says `publish: false`, or the rule set does not
publish its severity at all (then it is kept unpublished, and asking to publish it is refused).

Periods count from the decision date ("自行政处罚决定之日起", 527号) and end on the corresponding
date (民法典 Art. 202): both ends are the last day of their period. Order 36's final wording on the
start is unconfirmed, so where the period starts is a setting of each rule set.

Some provinces never publish negative information longer than a number of years, whatever the
rule set says: Shandong (山东省社会信用条例 Art. 38) and Henan (河南省社会信用条例 Art. 19), 5 years.
The cap is the profile's `publication_cap_years` (repairflow/deadlines/policy.py). It ends on the
corresponding date that many years after the period's start: a longer maximum is cut to it, and
negative information with no maximum (no severity) gets it as its maximum. The cap is written
into `max_period_end` when the periods are fixed, so the expiry sweep reads one indexed date
(`records_expire` in services.py): a record is published through its `max_period_end` and
expires the day after.
"""

import enum
from dataclasses import dataclass, replace
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import months_period_end
from repairflow.deadlines.policy import active_profile


class Category(models.TextChoices):
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty")
    SERIOUS_LIST = "serious_list", _("Serious dishonesty list")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal operation list")
    DISHONEST_JUDGMENT_DEBTOR = "dishonest_judgment_debtor", _("Dishonest judgment debtor")
    ADMINISTRATIVE_LICENSE = "administrative_license", _("Administrative licence")
    ADMINISTRATIVE_LEVY = "administrative_levy", _("Administrative levy")
    ADMINISTRATIVE_ENFORCEMENT = "administrative_enforcement", _("Administrative enforcement")
    ADMINISTRATIVE_CONFIRMATION = "administrative_confirmation", _("Administrative confirmation")
    ADMINISTRATIVE_REWARD = "administrative_reward", _("Administrative reward")
    RED_LIST = "red_list", _("Red list (trustworthiness incentive)")
    COURT_JUDGMENT = "court_judgment", _("Court judgment")
    OTHER = "other", _("Other")


class Negativity(enum.Enum):
    """Whether a category's information counts against its subject."""

    ALWAYS = "always"
    NEVER = "never"
    WHEN_STATED = "when_stated"  # only when the record says so, giving a severity; never assumed


class Repairer(enum.Enum):
    """Who may end the publication of a category's negative information early."""

    PLATFORM = "platform"  # credit repair on this platform (repair/)
    COURT = "court"  # the court that listed it removes it; not the platform's to grant
    NOBODY = "nobody"  # not negative: nothing to repair


@dataclass(frozen=True)
class CategoryRule:
    negative: Negativity
    published: bool  # published by default (双公示, 公示); the department may still say `publish: false`
    objection_to: str  # who verifies an objection: the record's department, or the court it forwards to
    repair: Repairer
    source: str
    # A new decision is published within 7 working days of it (双公示: the step `record_publication`
    # of repairflow/deadlines/policy.py, seed 002 §二(一)): 行政许可 and 行政处罚.
    publication_duty: bool = False


_CATALOGUE = "全国公共信用信息基础目录; seed 002 §三"
# What each category is (docs/domain.md "Credit records"): one table, read by the record's input,
# its publication periods, imports, credit checks and repair eligibility.
CATEGORY_RULES: dict[str, CategoryRule] = {
    Category.ADMINISTRATIVE_PENALTY: CategoryRule(
        Negativity.ALWAYS,
        True,
        "department",
        Repairer.PLATFORM,
        f"{_CATALOGUE}; 国办发〔2025〕22号 §二",
        publication_duty=True,
    ),
    Category.SERIOUS_LIST: CategoryRule(Negativity.ALWAYS, True, "department", Repairer.PLATFORM, _CATALOGUE),
    Category.ABNORMAL_LIST: CategoryRule(Negativity.ALWAYS, True, "department", Repairer.PLATFORM, _CATALOGUE),
    Category.DISHONEST_JUDGMENT_DEBTOR: CategoryRule(
        Negativity.ALWAYS,
        True,
        "court",
        Repairer.COURT,
        f"{_CATALOGUE}; 最高人民法院关于公布失信被执行人名单信息的若干规定 (the court deletes the entry)",
    ),
    Category.ADMINISTRATIVE_LICENSE: CategoryRule(
        Negativity.NEVER, True, "department", Repairer.NOBODY, f"{_CATALOGUE}; 双公示", publication_duty=True
    ),
    Category.ADMINISTRATIVE_LEVY: CategoryRule(Negativity.NEVER, True, "department", Repairer.NOBODY, _CATALOGUE),
    Category.ADMINISTRATIVE_ENFORCEMENT: CategoryRule(
        Negativity.WHEN_STATED, True, "department", Repairer.PLATFORM, _CATALOGUE
    ),
    Category.ADMINISTRATIVE_CONFIRMATION: CategoryRule(
        Negativity.NEVER, True, "department", Repairer.NOBODY, _CATALOGUE
    ),
    Category.ADMINISTRATIVE_REWARD: CategoryRule(Negativity.NEVER, True, "department", Repairer.NOBODY, _CATALOGUE),
    Category.RED_LIST: CategoryRule(Negativity.NEVER, True, "department", Repairer.NOBODY, _CATALOGUE),
    Category.COURT_JUDGMENT: CategoryRule(Negativity.WHEN_STATED, True, "court", Repairer.COURT, _CATALOGUE),
    Category.OTHER: CategoryRule(Negativity.WHEN_STATED, True, "department", Repairer.PLATFORM, _CATALOGUE),
}


def negativity_of(category: str) -> Negativity:
    """Whether `category` counts against its subject: as the catalogue says, unless the active
    profile counts it as negative always (`Profile.negative_categories`)."""
    if category in active_profile().negative_categories:
        return Negativity.ALWAYS
    return CATEGORY_RULES[category].negative


def is_negative(category: str, severity: str | None) -> bool:
    """Whether information of `category` counts against its subject: by its category, or, where the
    category leaves it to the record, only when the record gives it a severity."""
    negativity = negativity_of(category)
    if negativity is Negativity.WHEN_STATED:
        return severity is not None
    return negativity is Negativity.ALWAYS


def carries_publication_duty(category: str) -> bool:
    """Whether a new decision of `category` must be published within 7 working days (双公示)."""
    return CATEGORY_RULES[category].publication_duty


def repairable_on_the_platform(category: str) -> bool:
    return CATEGORY_RULES[category].repair is Repairer.PLATFORM


# The lists a record can be an entry of (移出名单 takes it off one).
LIST_CATEGORIES = frozenset({Category.SERIOUS_LIST, Category.ABNORMAL_LIST})


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class PeriodStart(enum.Enum):
    DECISION_DATE = "decision_date"
    PUBLICATION_DATE = "publication_date"


@dataclass(frozen=True)
class SeverityRule:
    publishable: bool  # False: information of this severity is not published at all
    min_months: int | None  # None: no minimum, repair may be asked at once
    max_months: int | None


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    source: str
    in_force_from: date | None
    in_force_until: date | None  # the last day it applies to
    period_start: PeriodStart
    severities: dict[Severity, SeverityRule]

    def applies_to(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )


NDRC_2019_527 = RuleSet(
    code="ndrc_2019_527",
    name="发改办财金〔2019〕527号",
    source="国家发展改革委办公厅《关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知》",
    in_force_from=None,
    in_force_until=date(2023, 4, 30),
    period_start=PeriodStart.DECISION_DATE,
    severities={
        Severity.MINOR: SeverityRule(publishable=False, min_months=None, max_months=None),
        Severity.GENERAL: SeverityRule(publishable=True, min_months=3, max_months=12),
        Severity.SERIOUS: SeverityRule(publishable=True, min_months=6, max_months=36),
    },
)

NDRC_ORDER_58 = RuleSet(
    code="ndrc_order_58",
    name="国家发展改革委令第58号",
    source="《失信行为纠正后的信用信息修复管理办法（试行）》(国家发展改革委令第58号); "
    "minor information is not addressed and follows 527号 (unconfirmed); serious periods from secondary sources",
    in_force_from=date(2023, 5, 1),
    in_force_until=date(2026, 3, 31),
    period_start=PeriodStart.DECISION_DATE,
    severities={
        Severity.MINOR: SeverityRule(publishable=False, min_months=None, max_months=None),
        Severity.GENERAL: SeverityRule(publishable=True, min_months=3, max_months=12),
        Severity.SERIOUS: SeverityRule(publishable=True, min_months=12, max_months=36),
    },
)

NDRC_ORDER_36 = RuleSet(
    code="ndrc_order_36",
    name="国办发〔2025〕22号、国家发展改革委令第36号",
    source="国务院办公厅国办发〔2025〕22号 §二; 国家发展改革委令第36号 (in force 2026-04-01; "
    "its wording on where the period starts is unconfirmed, the decision date is assumed)",
    in_force_from=date(2026, 4, 1),
    in_force_until=None,
    period_start=PeriodStart.DECISION_DATE,
    severities={
        Severity.MINOR: SeverityRule(publishable=True, min_months=None, max_months=3),
        Severity.GENERAL: SeverityRule(publishable=True, min_months=3, max_months=12),
        Severity.SERIOUS: SeverityRule(publishable=True, min_months=12, max_months=36),
    },
)

RULE_SETS: tuple[RuleSet, ...] = (NDRC_2019_527, NDRC_ORDER_58, NDRC_ORDER_36)


def rule_set_on(day: date) -> RuleSet:
    """The rule set in force on `day`."""
    return next(rule_set for rule_set in RULE_SETS if rule_set.applies_to(day))


@dataclass(frozen=True)
class PublicationPeriods:
    rule_set: RuleSet
    start: date | None
    min_end: date | None
    max_end: date | None
    capped: bool = False  # the maximum is the provincial cap, not the rule set's own (or there is none)


def publication_periods(
    *, negative: bool, severity: str | None, decision_date: date, published_on: date, cap_years: int | None = None
) -> PublicationPeriods:
    """The periods of a record published on `published_on`; no periods for non-negative records.
    With `cap_years` (the profile's provincial cap), negative information is published at most
    that many years from the start of its periods."""
    rule_set = rule_set_on(decision_date)
    if not negative:
        return PublicationPeriods(rule_set, start=published_on, min_end=None, max_end=None)
    if severity is None:
        periods = PublicationPeriods(rule_set, start=published_on, min_end=None, max_end=None)
    else:
        rule = rule_set.severities[Severity(severity)]
        start = decision_date if rule_set.period_start is PeriodStart.DECISION_DATE else published_on
        periods = PublicationPeriods(
            rule_set,
            start=start,
            min_end=months_period_end(start, rule.min_months) if rule.min_months is not None else None,
            max_end=months_period_end(start, rule.max_months) if rule.max_months is not None else None,
        )
    return _capped(periods, cap_years)


def _capped(periods: PublicationPeriods, cap_years: int | None) -> PublicationPeriods:
    """`periods` with the maximum cut to `cap_years` years from their start."""
    if cap_years is None or periods.start is None:
        return periods
    cap_end = months_period_end(periods.start, 12 * cap_years)
    if periods.max_end is not None and periods.max_end <= cap_end:
        return periods
    return replace(periods, max_end=cap_end, capped=True)


def may_be_published(*, negative: bool, severity: str | None, decision_date: date) -> bool:
    """Whether the rule set in force on the decision date publishes this information at all."""
    if not negative or severity is None:
        return True
    return rule_set_on(decision_date).severities[Severity(severity)].publishable


SEVERITY_ON_NON_NEGATIVE = _("Only negative information has a severity.")
SEVERITY_REQUIRED = _("Negative information needs a severity.")
SERIOUS_LIST_IS_SERIOUS = _("Entries of the serious dishonesty list are serious.")


def classification_errors(category: str, severity: str | None) -> dict[str, list]:
    """What is wrong with a record's category and severity together, by field."""
    negativity = negativity_of(category)
    if negativity is Negativity.NEVER and severity is not None:
        return {"severity": [SEVERITY_ON_NON_NEGATIVE]}
    if negativity is Negativity.ALWAYS and severity is None:
        return {"severity": [SEVERITY_REQUIRED]}
    if category == Category.SERIOUS_LIST and severity != Severity.SERIOUS:
        return {"severity": [SERIOUS_LIST_IS_SERIOUS]}
    return {}
