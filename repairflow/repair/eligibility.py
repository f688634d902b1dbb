"""Eligibility for credit repair (信用修复) as a small rules engine (docs/domain.md "Credit repair").

Each rule is a module-level function `rule(facts, rule_set, local) -> RuleResult`, named by what it
checks; `RULES` lists them in the order they are shown. A result keeps its English msgid and its
parameters (dates as ISO strings), never a translated text: `RuleResult.detail` reads it in the
language active when it is read, so what is stored with the application (`as_json`, in
`RepairApplication.eligibility`) is shown to the office and to the subject each in their language.
The rules run when the application is filed and again when the subject supplements.

Which rule set applies is decided by the application date (the materials asked for changed with
the rules, not with the record):

| rule set                              | in force (application date) | materials                                 |
|---------------------------------------|-----------------------------|-------------------------------------------|
| 发改办财金〔2019〕527号                 | to 2023-04-30               | proof of performance; serious cases also  |
|                                       |                             | a training certificate and a credit       |
|                                       |                             | report no older than a year               |
| 国家发展改革委令第58号                  | 2023-05-01 to 2026-03-31    | proof of performance                      |
| 国办发〔2025〕22号, 发改委令第36号     | from 2026-04-01             | proof of performance                      |

The commitment (信用承诺书) is asked for under every rule set and is its own rule. The minimum
publication period is the record's own (`records.publication`, fixed by the decision date). The
local refusals — a repair less than a year ago, two repairs in five years, the subject in
bankruptcy (flagged by the office with the date and its source), a ban after a revoked repair —
are the profile's `RepairLocalRules` (configuration, local practice).

SAMR: a penalty of a market regulation department (the profile's `market_regulation_departments`)
ordering 停产停业, 限制开展生产经营活动 (or 限制从业), 降低资质等级 or 吊销许可证件/营业执照 cannot
end early (`SAMR_NO_EARLY_END`): repair is refused until its maximum publication period has ended,
and the result names the measure, the source and the first day it could be.

Month periods use `months_period_end` (民法典 Art. 202), and every period includes its last day:
a minimum period ending 2026-03-15 still runs on that day (repair from 2026-03-16); a credit report
issued 2025-03-15 is valid through 2026-03-15; a repair on 2025-06-01 is "within the last 12
months" through 2026-06-01; a ban's last day is a day of the ban.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext
from django.utils.translation import gettext_lazy as _

from repairflow.calendar.workdays import ONE_DAY, months_period_end
from repairflow.deadlines.policy import ORDER_36_FROM, ORDER_58_FROM, RepairLocalRules, active_profile
from repairflow.records.publication import CATEGORY_RULES, Category, Repairer, Severity
from repairflow.repair.models import EFFECTIVE_STATES, MaterialKind, RepairApplication, RepairBan

# Negative information is what can be repaired: administrative penalties (终止公示), serious-list
# entries (移出名单), abnormal-list entries and other negative information. Licences and the red
# list are not negative and have nothing to repair.
# The materials whose day of issue the rules read (a credit report is valid for a while).
DATED_MATERIALS = (MaterialKind.CREDIT_REPORT,)
# The categories whose negative information is repaired on this platform (a court removes its own).
REPAIRABLE_CATEGORIES = frozenset(code for code, rule in CATEGORY_RULES.items() if rule.repair is Repairer.PLATFORM)

# How several values (material kinds) are kept in one parameter.
PARAM_LIST_SEPARATOR = ","


# --- Messages (English msgids; `RuleResult.detail` translates them when read) ------------------
CATEGORY_REPAIRABLE = gettext_noop("%(category)s information can be repaired once its conditions are met.")
CATEGORY_NOT_REPAIRABLE = gettext_noop(
    "%(category)s information is not negative information: there is nothing to repair."
)
REMOVED_BY_THE_COURT = gettext_noop(
    "%(category)s information is removed by the court that published it, not repaired on this platform."
)
NOT_NEVER_REPAIRABLE = gettext_noop("The record is not of a kind that can never be repaired.")
NO_EARLY_END_NOT_CONCERNED = gettext_noop(
    "The record is not a market regulation penalty whose publication cannot end early."
)
NO_EARLY_END_REFUSED = gettext_noop(
    "The record mentions “%(keyword)s”, %(kind)s, decided by a market regulation department: its publication "
    "cannot end early (%(source)s). Repair is possible only after the maximum publication period, from %(from)s."
)
NO_EARLY_END_NO_DATE = gettext_noop(
    "The record mentions “%(keyword)s”, %(kind)s, decided by a market regulation department: its publication "
    "cannot end early (%(source)s), and it has no maximum publication period: it cannot be repaired."
)
NO_EARLY_END_PERIOD_OVER = gettext_noop(
    "The record mentions “%(keyword)s”, which cannot end early (%(source)s), but its maximum publication "
    "period ended on %(end)s."
)
NO_BANKRUPTCY_RULE = gettext_noop("No local rule on bankruptcy.")
NOT_IN_BANKRUPTCY = gettext_noop("The subject is not in bankruptcy.")
IN_BANKRUPTCY = gettext_noop(
    "The subject is in bankruptcy since %(since)s (%(source)s): repair is refused while it lasts (local practice)."
)
NEVER_REPAIRABLE_KIND = gettext_noop(
    "The record mentions “%(keyword)s”, which makes it %(kind)s: it cannot be repaired."
)
NO_MINIMUM_PERIOD = gettext_noop("This information has no minimum publication period: you may apply at any time.")
MINIMUM_PERIOD_PASSED = gettext_noop("Minimum publication period ended on %(end)s.")
MINIMUM_PERIOD_NOT_PASSED = gettext_noop("Minimum publication period until %(end)s: you may apply from %(from)s.")
COMMITMENT_GIVEN = gettext_noop("A credit commitment has been given.")
COMMITMENT_MISSING = gettext_noop("A written credit commitment is required.")
MATERIALS_COMPLETE = gettext_noop("Required materials given: %(required)s.")
MATERIALS_MISSING = gettext_noop("Missing materials: %(missing)s.")
CREDIT_REPORT_NOT_REQUIRED = gettext_noop("No credit report is required for this application.")
CREDIT_REPORT_MISSING = gettext_noop("A credit report issued within the last %(months)s months is required.")
CREDIT_REPORT_UNDATED = gettext_noop(
    "The credit report's date of issue is not given: a report issued within the last %(months)s months is required."
)
CREDIT_REPORT_CURRENT = gettext_noop("The credit report issued on %(issued)s is valid until %(valid_until)s.")
CREDIT_REPORT_OUTDATED = gettext_noop(
    "The credit report issued on %(issued)s was valid until %(valid_until)s: please provide a newer one."
)
NO_RECENT_REPAIR_RULE = gettext_noop("No local rule on repairs in the recent past.")
NOT_RECENTLY_REPAIRED = gettext_noop("No repair in the %(months)s months before the application.")
RECENTLY_REPAIRED = gettext_noop(
    "Repaired on %(repaired)s, less than %(months)s months ago: you may apply again from %(from)s."
)
NO_REPAIR_LIMIT_RULE = gettext_noop("No local limit on the number of repairs.")
REPAIRS_WITHIN_LIMIT = gettext_noop(
    "Repairs in the %(months)s months before the application: %(count)s (refused from %(limit)s)."
)
TOO_MANY_REPAIRS = gettext_noop(
    "Repairs in the %(months)s months before the application: %(count)s (refused from %(limit)s): "
    "you may apply from %(from)s."
)
NO_BAN_IN_FORCE = gettext_noop("No ban on repair applications is in force.")
BAN_IN_FORCE = gettext_noop("Repair applications are banned until %(until)s: you may apply from %(from)s.")


# --- Rule sets by application date ------------------------------------------------------------
@dataclass(frozen=True)
class RepairRuleSet:
    code: str
    name: str
    source: str
    in_force_from: date | None
    in_force_until: date | None  # the last application date it applies to
    materials: tuple[str, ...]  # MaterialKind values every application needs
    serious_materials: tuple[str, ...] = ()  # and those a serious case needs besides
    report_valid_months: int = 12  # how long a credit report stays valid, where one is asked for

    def applies_to(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )

    def required_materials(self, facts: "EligibilityFacts") -> tuple[str, ...]:
        return self.materials + (self.serious_materials if is_serious(facts) else ())


REPORT_VALIDITY_SOURCE = "a credit report is valid for one year (舞钢 implementing opinion, seed 002 §二(三))"

NDRC_2019_527 = RepairRuleSet(
    code="ndrc_2019_527",
    name="发改办财金〔2019〕527号",
    source="国家发展改革委办公厅《关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知》: "
    "proof of performance and a commitment; for serious dishonesty also a credit repair training certificate "
    f"and a credit report (docs/domain.md); {REPORT_VALIDITY_SOURCE}. Whether the training and report were "
    "still asked for up to 2023-04-30 in every place is unconfirmed",
    in_force_from=None,
    in_force_until=ORDER_58_FROM - ONE_DAY,
    materials=(MaterialKind.PERFORMANCE_PROOF,),
    serious_materials=(MaterialKind.TRAINING_CERTIFICATE, MaterialKind.CREDIT_REPORT),
)

NDRC_ORDER_58 = RepairRuleSet(
    code="ndrc_order_58",
    name="国家发展改革委令第58号",
    source="《失信行为纠正后的信用信息修复管理办法（试行）》(国家发展改革委令第58号): application, commitment and "
    "proof of performance; no training certificate or credit report (docs/domain.md)",
    in_force_from=ORDER_58_FROM,
    in_force_until=ORDER_36_FROM - ONE_DAY,
    materials=(MaterialKind.PERFORMANCE_PROOF,),
)

NDRC_ORDER_36 = RepairRuleSet(
    code="ndrc_order_36",
    name="国办发〔2025〕22号、国家发展改革委令第36号",
    source="国务院办公厅国办发〔2025〕22号; 国家发展改革委令第36号 (in force 2026-04-01): proof of performance and "
    "the commitment letter (docs/domain.md)",
    in_force_from=ORDER_36_FROM,
    in_force_until=None,
    materials=(MaterialKind.PERFORMANCE_PROOF,),
)

REPAIR_RULE_SETS: tuple[RepairRuleSet, ...] = (NDRC_2019_527, NDRC_ORDER_58, NDRC_ORDER_36)


def repair_rule_set_on(day: date) -> RepairRuleSet:
    """The repair rule set in force on the application date `day`."""
    return next(rule_set for rule_set in REPAIR_RULE_SETS if rule_set.applies_to(day))


# --- Kinds of information that are never repaired ---------------------------------------------
@dataclass(frozen=True)
class NeverRepairableKind:
    """Information that cannot be repaired, recognised by keywords in the record's title and
    content (whitespace ignored). A keyword is a hint for the office, not a legal finding: a
    record that merely mentions one ("不予吊销") matches too, and the office decides."""

    code: str
    name: Promise
    keywords: tuple[str, ...]
    source: str
    categories: frozenset[str] = REPAIRABLE_CATEGORIES  # the record categories it concerns
    rule_sets: frozenset[str] | None = None  # codes of the repair rule sets it applies under; None: all

    def applies(self, category: str, rule_set: RepairRuleSet) -> bool:
        return category in self.categories and (self.rule_sets is None or rule_set.code in self.rule_sets)

    def keyword_in(self, text: str) -> str | None:
        """The first of its keywords found in `text`, else None."""
        compact = "".join(text.split())
        return next((keyword for keyword in self.keywords if keyword in compact), None)


# Market regulation penalties whose publication cannot end early: not never repairable, but not
# before the maximum publication period has ended (rule `no_early_end`).
SAMR_NO_EARLY_END_SOURCE = "《市场监督管理信用修复管理办法》 Art. 6; 国家市场监督管理总局令第45号 Art. 13"
SAMR_NO_EARLY_END = NeverRepairableKind(
    code="samr_no_early_end",
    name=_(
        "a market regulation penalty whose publication may not end early (suspension of production or "
        "business, restricted business activities or employment, lowered qualification grade, revoked "
        "licence or business licence)"
    ),
    keywords=(
        "责令停产停业",
        "限制开展生产经营活动",
        "限制从业",
        "降低资质等级",
        "吊销许可证",  # 吊销许可证件
        "吊销营业执照",
    ),
    source="《市场监督管理信用修复管理办法》(国市监信规〔2021〕3号, 国家市场监督管理总局) Art. 6, by reference to "
    "《市场监督管理行政处罚信息公示规定》(国家市场监督管理总局令第45号) Art. 13 para. 3: penalties ordering "
    "suspension of production or business, restricting business activities or employment, lowering a "
    "qualification grade or revoking a licence or business licence are not repaired early. Read as quoted in a "
    "county market regulation bureau's notice (赤壁市, 2025); the rules' own text and article numbers are "
    "unconfirmed. They bind market regulation departments only: the profile's `market_regulation_departments` "
    "names them",
    categories=frozenset({Category.ADMINISTRATIVE_PENALTY}),
)

NEVER_REPAIRABLE: tuple[NeverRepairableKind, ...] = (
    NeverRepairableKind(
        code="ndrc_527_specific_serious",
        name=_("specific serious dishonesty under NDRC notice 527 (2019)"),
        keywords=("特定严重失信",),
        source='发改办财金〔2019〕527号, as summarised in docs/domain.md ("some 特定严重失信 never repairable"); '
        "the notice's own description of such conduct was not read (unconfirmed), so only a record that calls "
        "itself 特定严重失信 matches",
        categories=frozenset({Category.ADMINISTRATIVE_PENALTY}),
        rule_sets=frozenset({NDRC_2019_527.code}),
    ),
)


# --- Facts and results ------------------------------------------------------------------------
@dataclass(frozen=True)
class EligibilityFacts:
    applied_on: date  # the application's received_on
    category: str
    severity: str | None
    negative: bool
    decision_date: date
    min_period_end: date | None  # the last day of the minimum period; repair possible from the next day
    record_text: str  # title + "\n" + content
    commitment: bool
    materials: Mapping[str, Sequence[date | None]]  # MaterialKind value -> issued_on of each piece given
    repairs_on: Sequence[date]  # repaired_on of the subject's other repairs still in effect
    ban_until: date | None  # the last day of the latest ban in force on applied_on
    market_regulation: bool = False  # the record's department is market regulation (the profile says)
    max_period_end: date | None = None  # the last day of the maximum publication period
    bankrupt_since: date | None = None  # the subject is in bankruptcy on applied_on, since this day
    bankruptcy_source: str = ""  # the ruling or notice the office named


def is_serious(facts: EligibilityFacts) -> bool:
    return facts.severity == Severity.SERIOUS or facts.category == Category.SERIOUS_LIST


def _choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _never_repairable_name(code: str) -> str:
    kinds = (*NEVER_REPAIRABLE, SAMR_NO_EARLY_END)
    return next((str(kind.name) for kind in kinds if kind.code == code), code)


def _material_names(value: str) -> str:
    names = [_choice_label(MaterialKind, kind) for kind in value.split(PARAM_LIST_SEPARATOR) if kind]
    return pgettext("list separator", ", ").join(names)


# Parameters kept as codes and shown by their names in the reader's language; the others (dates,
# numbers, keywords quoted from the record) are shown as they are.
PARAM_NAMES: Mapping[str, Callable[[str], str]] = {
    "category": lambda code: _choice_label(Category, code),
    "kind": _never_repairable_name,
    "required": _material_names,
    "missing": _material_names,
}


@dataclass(frozen=True)
class RuleResult:
    rule: str  # the rule's code: the name of its function
    passed: bool
    message: str  # the English msgid, not translated
    params: dict[str, str] = field(default_factory=dict)  # dates as ISO strings

    @property
    def detail(self) -> str:
        """The message in the active language."""
        shown = {key: PARAM_NAMES[key](value) if key in PARAM_NAMES else value for key, value in self.params.items()}
        return gettext(self.message) % shown

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "passed": self.passed, "message": self.message, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RuleResult":
        return cls(
            rule=data["rule"],
            passed=bool(data["passed"]),
            message=data["message"],
            params={str(key): str(value) for key, value in data.get("params", {}).items()},
        )


Rule = Callable[[EligibilityFacts, RepairRuleSet, RepairLocalRules], RuleResult]


def _param(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return PARAM_LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def _result(rule: Rule, passed: bool, message: str, params: Mapping[str, object] | None = None) -> RuleResult:
    return RuleResult(rule.__name__, passed, message, {key: _param(value) for key, value in (params or {}).items()})


def _within_months(day: date, months: int, applied_on: date) -> bool:
    """Whether `applied_on` falls within `months` months from `day`, the period's last day included."""
    return applied_on <= months_period_end(day, months)


# --- The rules --------------------------------------------------------------------------------
def category_repairable(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    passed = facts.negative and facts.category in REPAIRABLE_CATEGORIES
    if passed:
        message = CATEGORY_REPAIRABLE
    else:
        message = REMOVED_BY_THE_COURT if facts.negative else CATEGORY_NOT_REPAIRABLE
    return _result(category_repairable, passed, message, {"category": facts.category})


def not_never_repairable(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    for kind in NEVER_REPAIRABLE:
        keyword = kind.keyword_in(facts.record_text) if kind.applies(facts.category, rule_set) else None
        if keyword is not None:
            return _result(not_never_repairable, False, NEVER_REPAIRABLE_KIND, {"kind": kind.code, "keyword": keyword})
    return _result(not_never_repairable, True, NOT_NEVER_REPAIRABLE)


def no_early_end(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    """A market regulation department's penalty of 停产停业, 限制经营, 降级 or 吊销 is not repaired
    before its maximum publication period has ended (SAMR: it cannot end early)."""
    kind = SAMR_NO_EARLY_END
    keyword = kind.keyword_in(facts.record_text) if facts.market_regulation else None
    if keyword is None or not kind.applies(facts.category, rule_set):
        return _result(no_early_end, True, NO_EARLY_END_NOT_CONCERNED)
    params: dict[str, object] = {"keyword": keyword, "kind": kind.code, "source": SAMR_NO_EARLY_END_SOURCE}
    end = facts.max_period_end
    if end is None:
        return _result(no_early_end, False, NO_EARLY_END_NO_DATE, params)
    if facts.applied_on > end:
        return _result(no_early_end, True, NO_EARLY_END_PERIOD_OVER, {**params, "end": end})
    return _result(no_early_end, False, NO_EARLY_END_REFUSED, {**params, "from": end + ONE_DAY})


def minimum_period_passed(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    end = facts.min_period_end
    if end is None:
        return _result(minimum_period_passed, True, NO_MINIMUM_PERIOD)
    if facts.applied_on > end:
        return _result(minimum_period_passed, True, MINIMUM_PERIOD_PASSED, {"end": end})
    return _result(minimum_period_passed, False, MINIMUM_PERIOD_NOT_PASSED, {"end": end, "from": end + ONE_DAY})


def commitment_given(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    return _result(commitment_given, facts.commitment, COMMITMENT_GIVEN if facts.commitment else COMMITMENT_MISSING)


def materials_complete(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    required = rule_set.required_materials(facts)
    missing = [kind for kind in required if not facts.materials.get(kind)]
    if missing:
        return _result(materials_complete, False, MATERIALS_MISSING, {"required": required, "missing": missing})
    return _result(materials_complete, True, MATERIALS_COMPLETE, {"required": required})


def credit_report_current(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    """The newest report counts; it is valid through the corresponding day `report_valid_months`
    after its issue."""
    if MaterialKind.CREDIT_REPORT not in rule_set.required_materials(facts):
        return _result(credit_report_current, True, CREDIT_REPORT_NOT_REQUIRED)
    months = {"months": rule_set.report_valid_months}
    reports = facts.materials.get(MaterialKind.CREDIT_REPORT) or ()
    if not reports:
        return _result(credit_report_current, False, CREDIT_REPORT_MISSING, months)
    dated = [issued_on for issued_on in reports if issued_on is not None]
    if not dated:
        return _result(credit_report_current, False, CREDIT_REPORT_UNDATED, months)
    issued = max(dated)
    valid_until = months_period_end(issued, rule_set.report_valid_months)
    passed = facts.applied_on <= valid_until
    message = CREDIT_REPORT_CURRENT if passed else CREDIT_REPORT_OUTDATED
    return _result(credit_report_current, passed, message, {"issued": issued, "valid_until": valid_until})


def not_recently_repaired(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    """Refused while the application falls within `recent_repair_months` of a repair (a repair
    dated after the application, as a re-evaluation may see, counts too)."""
    months = local.recent_repair_months
    if months is None:
        return _result(not_recently_repaired, True, NO_RECENT_REPAIR_RULE)
    recent = [day for day in facts.repairs_on if _within_months(day, months, facts.applied_on)]
    if not recent:
        return _result(not_recently_repaired, True, NOT_RECENTLY_REPAIRED, {"months": months})
    last = max(recent)
    return _result(
        not_recently_repaired,
        False,
        RECENTLY_REPAIRED,
        {"repaired": last, "months": months, "from": months_period_end(last, months) + ONE_DAY},
    )


def repairs_within_limit(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    """Refused when `repairs_in_window` (at least 1) repairs fall within `window_months` of the
    application; the subject may apply again once enough of them have left the window."""
    limit = local.repairs_in_window
    if limit is None:
        return _result(repairs_within_limit, True, NO_REPAIR_LIMIT_RULE)
    window = local.window_months
    within = sorted((day for day in facts.repairs_on if _within_months(day, window, facts.applied_on)), reverse=True)
    params: dict[str, object] = {"months": window, "count": len(within), "limit": limit}
    if len(within) < limit:
        return _result(repairs_within_limit, True, REPAIRS_WITHIN_LIMIT, params)
    # Below the limit again once the limit-th newest repair has left the window.
    params["from"] = months_period_end(within[limit - 1], window) + ONE_DAY
    return _result(repairs_within_limit, False, TOO_MANY_REPAIRS, params)


def no_ban_in_force(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    until = facts.ban_until
    if until is None or until < facts.applied_on:
        return _result(no_ban_in_force, True, NO_BAN_IN_FORCE)
    return _result(no_ban_in_force, False, BAN_IN_FORCE, {"until": until, "from": until + ONE_DAY})


def not_in_bankruptcy(facts: EligibilityFacts, rule_set: RepairRuleSet, local: RepairLocalRules) -> RuleResult:
    """Refused while the office has the subject flagged in bankruptcy (local practice), unless
    the profile turns the rule off."""
    if not local.refuse_in_bankruptcy:
        return _result(not_in_bankruptcy, True, NO_BANKRUPTCY_RULE)
    if facts.bankrupt_since is None:
        return _result(not_in_bankruptcy, True, NOT_IN_BANKRUPTCY)
    params = {"since": facts.bankrupt_since, "source": facts.bankruptcy_source}
    return _result(not_in_bankruptcy, False, IN_BANKRUPTCY, params)


RULES: tuple[Rule, ...] = (
    category_repairable,
    not_never_repairable,
    no_early_end,
    minimum_period_passed,
    commitment_given,
    materials_complete,
    credit_report_current,
    not_recently_repaired,
    repairs_within_limit,
    not_in_bankruptcy,
    no_ban_in_force,
)
# What each rule checks, as the results are headed where they are shown.
RULE_LABELS = {
    category_repairable.__name__: _("Negative information"),
    not_never_repairable.__name__: _("Not of a kind that is never repaired"),
    no_early_end.__name__: _("May end early (market regulation)"),
    minimum_period_passed.__name__: _("Minimum publication period"),
    commitment_given.__name__: _("Credit commitment"),
    materials_complete.__name__: _("Materials"),
    credit_report_current.__name__: _("Credit report"),
    not_recently_repaired.__name__: _("No recent repair"),
    repairs_within_limit.__name__: _("Number of repairs"),
    not_in_bankruptcy.__name__: _("Not in bankruptcy"),
    no_ban_in_force.__name__: _("No ban on applying"),
}


# --- Evaluation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evaluation:
    rule_set: RepairRuleSet
    results: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(result.passed for result in self.results)

    def refused_at_door(self, local: RepairLocalRules) -> list[RuleResult]:
        """The failed results that refuse the application outright rather than leave it to the office."""
        return [result for result in self.results if not result.passed and result.rule in local.refuse_at_door]

    def as_json(self) -> list[dict[str, Any]]:
        """What `RepairApplication.eligibility` keeps (the rule set's code goes to `eligibility_rule_set`)."""
        return [result.as_json() for result in self.results]


def eligibility_evaluate(facts: EligibilityFacts, *, local: RepairLocalRules | None = None) -> Evaluation:
    """Every rule of `RULES` under the rule set in force on the application date and the local
    rules (by default the active profile's)."""
    rule_set = repair_rule_set_on(facts.applied_on)
    local = active_profile().repair if local is None else local
    return Evaluation(rule_set, tuple(rule(facts, rule_set, local) for rule in RULES))


def application_facts(application: RepairApplication, *, applied_on: date | None = None) -> EligibilityFacts:
    """The facts of an application as the database holds them: its record, commitment and
    materials, the subject's other repairs still in effect, and the latest of its bans in force on
    the application date (`received_on`, or `applied_on` when given, e.g. the day of a supplement
    that restarts the case)."""
    day = application.received_on if applied_on is None else applied_on
    record = application.record
    materials: dict[str, list[date | None]] = defaultdict(list)
    if application.pk is not None:
        for kind, issued_on in application.materials.order_by("kind", "id").values_list("kind", "issued_on"):
            materials[kind].append(issued_on)
    repairs_on = list(
        RepairApplication.objects.filter(
            subject_id=application.subject_id, state__in=EFFECTIVE_STATES, repaired_on__isnull=False
        )
        .exclude(pk=application.pk)
        .order_by("repaired_on")
        .values_list("repaired_on", flat=True)
    )
    subject = application.subject
    in_bankruptcy = subject.in_bankruptcy_on(day)
    ban_until = RepairBan.objects.filter(
        subject_id=application.subject_id, starts_on__lte=day, ends_on__gte=day
    ).aggregate(last_day=Max("ends_on"))["last_day"]
    return EligibilityFacts(
        applied_on=day,
        category=record.category,
        severity=record.severity,
        negative=record.negative,
        decision_date=record.decision_date,
        min_period_end=record.min_period_end,
        record_text=f"{record.title}\n{record.content}",
        commitment=application.commitment,
        materials=dict(materials),
        repairs_on=repairs_on,
        ban_until=ban_until,
        market_regulation=active_profile().is_market_regulation(
            record.department.code if record.department_id else None
        ),
        max_period_end=record.max_period_end,
        bankrupt_since=subject.bankruptcy_started_on if in_bankruptcy else None,
        bankruptcy_source=subject.bankruptcy_source if in_bankruptcy else "",
    )


# --- A record's eligibility, before any application -------------------------------------------
# The rules about the record and its subject; the commitment and the materials are the
# application's, given when applying.
RECORD_RULES = frozenset(
    rule.__name__
    for rule in (
        category_repairable,
        not_never_repairable,
        no_early_end,
        minimum_period_passed,
        not_recently_repaired,
        repairs_within_limit,
        not_in_bankruptcy,
        no_ban_in_force,
    )
)


@dataclass(frozen=True)
class RecordEligibility:
    """Whether the record's subject may apply for its repair on `day`: the rules it fails, and the
    first day they all allow (None when one of them does not end by waiting)."""

    day: date
    failed: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return not self.failed

    @property
    def first_day(self) -> date | None:
        days = [result.params.get("from") for result in self.failed]
        if not days or None in days:
            return None
        return max(date.fromisoformat(day) for day in days)


def record_eligibility(record: Any, *, day: date) -> RecordEligibility:
    """The record-level rules (`RECORD_RULES`) as an application filed on `day` would be judged by
    them, so that the repair is offered only when it can succeed and otherwise the reasons and
    the first day are said."""
    application = RepairApplication(record=record, subject=record.subject, received_on=day, commitment=True)
    evaluation = eligibility_evaluate(application_facts(application))
    return RecordEligibility(
        day, tuple(result for result in evaluation.results if result.rule in RECORD_RULES and not result.passed)
    )
