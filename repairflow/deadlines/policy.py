"""Deadline rules as data: one profile per jurisdiction, each with the rule sets in force by date.

For every step a profile defines: the event that starts the clock, how many working days it
runs (counted by `repairflow.calendar.workdays`: the starting day not counted, 民法典 Art. 201),
whose duty it is, how many working days ahead the owner is reminded, and what happens on the
last day and after it. Every figure names its source; where a figure is local practice or not
yet confirmed it says so (`confirmed=False`) and stays here, in configuration, never in code.

Sources (docs/domain.md):
- Objections: 山东省社会信用条例 Art. 39–40 (3 working days in the platform's own scope, 7 when
  another unit verifies); 河南省社会信用条例 Art. 41–42 (the same, plus the department's 3 from
  its notice; testing and appraisal time not counted; the mark set on receipt); 上海市社会信用条例
  Art. 36; 浙江省公共信用信息管理条例 Art. 31 (5, extendable to 20 in total with approval).
- Repair: 国办发〔2025〕22号 (the whole answer within 10 working days of the application, the
  department's decision within 3 of receiving it); results shared within 3 (NDRC Order 58
  practice). Order 36's own step lengths are unconfirmed: the 22号 values stand in for them.
- No source says what follows a department's missed deadline: the software reminds before it,
  sends a 督办 notification to the owner's head and the office on the last day, and reminds every
  working day after. A subject's missed supplement period lapses the case.
- A supplement request restarts the clock from the day the supplement is received (practice of
  政府信息公开条例 Art. 30); a profile may choose to pause it instead.
- A record's own duties (their clocks hang on the `CreditRecord`, never lapse, and escalate as a
  department's do): a new 行政许可 or 行政处罚 decision is published within 7 working days of the
  decision (双公示; seed 002, 舞信用办〔2020〕1号 §二(一): "各类行政许可、行政处罚信息要按照规定在7个工作日内
  通过“信用舞钢”网站进行公开公示"), in every profile; a department reports a decision changed or
  revoked upstream within 3 working days of that decision (山东省社会信用条例 Art. 40; the national
  profile borrows it, unconfirmed); the office deletes from publication a record whose decision was
  revoked within 1 working day of the report (河南省社会信用条例 Art. 42). A profile without a step
  has no such clock.
- Whether a record is suspended while a department's objection verification is overdue
  (`suspend_record_when_overdue`) is the office's choice (docs/domain.md: no source says); the
  setting `REPAIRFLOW_SUSPEND_WHEN_OVERDUE` overrides the profile.
- Market regulation: a repair forwarded to a market regulation department is decided within 7
  working days (SAMR Order 107, docs/domain.md), not 22号's 3 (`MARKET_REGULATION_STEPS`); which
  departments are market regulation is the profile's `market_regulation_departments`, by default
  the setting `REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS`. A clock under such a rule keeps its
  variant (`Deadline.variant`) and explains why its period differs.
- Local refusals of repair (`RepairLocalRules`): repaired less than a year ago, two repairs in five
  years, the subject in bankruptcy — local practice (docs/domain.md "Credit repair"), each turned
  off with None or False.

The active profile is the setting `REPAIRFLOW_PROFILE` (default `shandong`).
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Party(models.TextChoices):
    OFFICE = "office", _("credit office")
    DEPARTMENT = "department", _("department")
    SUBJECT = "subject", _("subject")


class Step(models.TextChoices):
    OBJECTION_ACCEPTANCE = "objection_acceptance", _("accept or reject the objection")
    OBJECTION_ANSWER = "objection_answer", _("answer the objection")
    OBJECTION_ANSWER_IN_OFFICE = "objection_answer_in_office", _("answer the objection within the office's own scope")
    OBJECTION_VERIFICATION = "objection_verification", _("verify the objection and reply")
    OBJECTION_SUPPLEMENT = "objection_supplement", _("supplement the objection")
    OBJECTION_PUBLICATION = "objection_publication", _("publish the corrected record")
    REPAIR_ACCEPTANCE = "repair_acceptance", _("accept or reject the repair application")
    REPAIR_ANSWER = "repair_answer", _("answer the repair application")
    REPAIR_DECISION = "repair_decision", _("decide on the repair application")
    REPAIR_SUPPLEMENT = "repair_supplement", _("supplement the repair application")
    REPAIR_SHARING = "repair_sharing", _("share the repair result")
    RECORD_PUBLICATION = "record_publication", _("publish the new decision on the platform")
    UPSTREAM_CHANGE_REPORT = "upstream_change_report", _("report the decision changed or revoked upstream")
    REVOKED_RECORD_REMOVAL = "revoked_record_removal", _("delete the revoked record from publication")


class Event(models.TextChoices):
    """What starts a clock."""

    RECEIPT = "receipt", _("the case is received")
    FORWARD = "forward", _("the case reaches the department")
    SUPPLEMENT_REQUEST = "supplement_request", _("the subject is asked for a supplement")
    APPLIED = "applied", _("the result is applied to the record")
    DECIDED = "decided", _("the department makes the decision")
    UPSTREAM_DECIDED = "upstream_decided", _("the decision is changed or revoked upstream")
    UPSTREAM_REPORTED = "upstream_reported", _("the department reports the upstream change")


class Action(StrEnum):
    """What a stage of a clock does."""

    NONE = "none"
    REMIND = "remind"  # a reminder to the owner
    ESCALATE = "escalate"  # a 督办 notification to the owner's head and the office
    LAPSE = "lapse"  # the case lapses (a subject's period ran out); the clock ends


class SupplementRule(StrEnum):
    RESTART = "restart"
    PAUSE = "pause"


class MarkOn(StrEnum):
    """When the objection mark appears on the record."""

    RECEIPT = "receipt"
    ACCEPTANCE = "acceptance"


@dataclass(frozen=True)
class StepRule:
    starts_on: Event
    working_days: int
    owner: Party
    source: str
    confirmed: bool = True
    warning_lead: int = 1  # working days before the last day; 0 for none
    on_due: Action = Action.ESCALATE
    when_overdue: Action = Action.REMIND  # repeats every working day, except LAPSE
    # An English msgid saying why this clock's period is what it is (a variant's, or a rule whose
    # reason a reader would not know); it goes into the clock's explanation, in the reader's language.
    why: str = ""


def subject_period(working_days: int, source: str, *, confirmed: bool = False) -> StepRule:
    """A subject's period: reminded the day before and on the last day; lapses after it."""
    return StepRule(
        Event.SUPPLEMENT_REQUEST,
        working_days,
        Party.SUBJECT,
        source,
        confirmed=confirmed,
        on_due=Action.REMIND,
        when_overdue=Action.LAPSE,
    )


@dataclass(frozen=True)
class RuleSet:
    name: str
    in_force_from: date
    steps: Mapping[Step, StepRule]


@dataclass(frozen=True)
class RepairLocalRules:
    """A jurisdiction's own refusals of credit repair and the ban after a revoked repair
    (docs/domain.md "Credit repair": local practice, kept as configuration). None turns a
    refusal off."""

    recent_repair_months: int | None = 12  # refused when the subject was repaired less than this ago
    repairs_in_window: int | None = 2  # refused when the subject already has this many repairs ...
    window_months: int = 60  # ... within this many months
    ban_months: int = 12  # the ban on new applications after a revoked repair (Order 36: unconfirmed)
    refuse_in_bankruptcy: bool | None = True  # refused while the office has the subject flagged in bankruptcy
    # Rules whose failure refuses the application at the door (400) instead of leaving it to the
    # office to reject: a ban in force does by default.
    refuse_at_door: frozenset[str] = frozenset({"no_ban_in_force"})


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    objection_mark_on: MarkOn
    rule_sets: tuple[RuleSet, ...]  # oldest first
    supplement: SupplementRule = SupplementRule.RESTART
    suspend_record_when_overdue: bool = False
    max_extension: int | None = None  # working days the office may add to a clock in total; None: no legal cap
    publication_cap_years: int | None = None  # negative information is never published longer; None: no cap
    repair: RepairLocalRules = RepairLocalRules()
    # Categories this jurisdiction counts against a subject whatever the record says, where the
    # national catalogue leaves it open (行政强制: "no by default; a profile may say yes",
    # docs/domain.md "Credit records"); each such record then needs a severity.
    negative_categories: frozenset[str] = frozenset()
    # The issuing body named at the foot of every notice and report (the setting
    # REPAIRFLOW_OFFICE_NAME overrides it); a reference profile names none.
    office_name: str = ""
    # Codes of the departments that are market regulation; None: the setting
    # REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS (the demo's SCJ by default).
    market_regulation_departments: frozenset[str] | None = None

    def suspends_record_when_overdue(self) -> bool:
        """The profile's choice, unless the setting REPAIRFLOW_SUSPEND_WHEN_OVERDUE overrides it."""
        override = getattr(settings, "REPAIRFLOW_SUSPEND_WHEN_OVERDUE", None)
        return self.suspend_record_when_overdue if override is None else bool(override)

    def is_market_regulation(self, department_code: str | None) -> bool:
        codes = self.market_regulation_departments
        if codes is None:
            codes = frozenset(getattr(settings, "REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS", ()))
        return department_code is not None and department_code in codes

    def variant_for(self, step: "Step", department_code: str | None) -> str:
        """The rule variant a clock of `step` owned by that department runs under ("" for the usual rule)."""
        if step in MARKET_REGULATION_STEPS and self.is_market_regulation(department_code):
            return MARKET_REGULATION
        return ""

    def step_rule(self, rule_set: RuleSet, step: "Step", variant: str = "") -> StepRule | None:
        """`step`'s rule in `rule_set`, or its variant's (None when the rule set has no such clock)."""
        if variant:
            return VARIANTS[variant][step]
        return rule_set.steps.get(step)

    def rule_set_on(self, day: date) -> RuleSet:
        """The rule set in force on `day` (the earliest one for days before all of them)."""
        in_force = [rule_set for rule_set in self.rule_sets if rule_set.in_force_from <= day]
        return in_force[-1] if in_force else self.rule_sets[0]


# --- Repair steps (national) ---------------------------------------------------------------
ORDER_58_FROM = date(2023, 5, 1)
ORDER_36_FROM = date(2026, 4, 1)
SUPPLEMENT_PRACTICE = "local practice (5 working days), unconfirmed"

REPAIR_STEPS_22 = {
    Step.REPAIR_ACCEPTANCE: StepRule(
        Event.RECEIPT, 2, Party.OFFICE, "local practice (2 working days of the 10 of 22号), unconfirmed", False
    ),
    Step.REPAIR_ANSWER: StepRule(Event.RECEIPT, 10, Party.OFFICE, "国办发〔2025〕22号"),
    Step.REPAIR_DECISION: StepRule(Event.FORWARD, 3, Party.DEPARTMENT, "国办发〔2025〕22号"),
    Step.REPAIR_SUPPLEMENT: subject_period(5, SUPPLEMENT_PRACTICE),
    Step.REPAIR_SHARING: StepRule(Event.APPLIED, 3, Party.OFFICE, "NDRC Order 58 practice"),
}


def _unconfirmed(steps: Mapping[Step, StepRule], source: str) -> dict[Step, StepRule]:
    return {step: replace(rule, source=f"{rule.source}; {source}", confirmed=False) for step, rule in steps.items()}


# Market regulation departments decide on a repair within 7 working days (docs/domain.md "Credit
# repair": "SAMR-domain decisions take 7 (SAMR Order 107)"); the article is not named there.
MARKET_REGULATION = "market_regulation"
SAMR_ORDER_107 = "国家市场监督管理总局令第107号 (SAMR Order 107), as docs/domain.md states; article unconfirmed"
SAMR_DECISION_WHY = gettext_noop(
    "the department is a market regulation department: it decides on a repair within 7 working days "
    "(SAMR Order 107), not 3 (国办发〔2025〕22号)"
)
MARKET_REGULATION_STEPS: dict[Step, StepRule] = {
    Step.REPAIR_DECISION: StepRule(Event.FORWARD, 7, Party.DEPARTMENT, SAMR_ORDER_107, why=SAMR_DECISION_WHY),
}
VARIANTS: dict[str, Mapping[Step, StepRule]] = {MARKET_REGULATION: MARKET_REGULATION_STEPS}

REPAIR_STEPS_527 = _unconfirmed(REPAIR_STEPS_22, "standing in for 527号's own figures")
REPAIR_STEPS_ORDER_58 = _unconfirmed(REPAIR_STEPS_22, "standing in for Order 58's own figures")
REPAIR_STEPS_ORDER_36 = _unconfirmed(REPAIR_STEPS_22, "Order 36's own figures unconfirmed")


def objection_steps(
    *,
    answer_in_office: int,
    answer: int,
    verification: int,
    source: str,
    verification_source: str,
    verification_confirmed: bool = True,
) -> dict[Step, StepRule]:
    """The objection clocks of a province: acceptance, the answer from receipt (shorter when the
    office decides within its own scope, longer when another unit verifies), each department's
    verification, the subject's supplement and the duty to publish the result."""
    return {
        Step.OBJECTION_ACCEPTANCE: StepRule(
            Event.RECEIPT, 2, Party.OFFICE, "上海市社会信用条例 Art. 36 (2 to forward), adopted as practice", False
        ),
        Step.OBJECTION_ANSWER_IN_OFFICE: StepRule(Event.RECEIPT, answer_in_office, Party.OFFICE, source),
        Step.OBJECTION_ANSWER: StepRule(Event.RECEIPT, answer, Party.OFFICE, source),
        Step.OBJECTION_VERIFICATION: StepRule(
            Event.FORWARD, verification, Party.DEPARTMENT, verification_source, verification_confirmed
        ),
        Step.OBJECTION_SUPPLEMENT: subject_period(5, SUPPLEMENT_PRACTICE),
        Step.OBJECTION_PUBLICATION: StepRule(Event.APPLIED, 3, Party.OFFICE, "NDRC Order 58 practice"),
    }


def rule_sets(
    objections: Mapping[Step, StepRule], name: str, records: Mapping[Step, StepRule] | None = None
) -> tuple[RuleSet, ...]:
    """A province's objection rules joined with the national repair rules of each period and the
    record's own duties (`records`; the 双公示 duty alone by default)."""
    records = PUBLICATION_DUTY if records is None else records
    return (
        RuleSet(f"{name} + 发改办财金〔2019〕527号", date(2019, 1, 1), {**objections, **REPAIR_STEPS_527, **records}),
        RuleSet(f"{name} + NDRC Order 58", ORDER_58_FROM, {**objections, **REPAIR_STEPS_ORDER_58, **records}),
        RuleSet(
            f"{name} + 国办发〔2025〕22号 / NDRC Order 36",
            ORDER_36_FROM,
            {**objections, **REPAIR_STEPS_ORDER_36, **records},
        ),
    )


# --- A record's own duties ---------------------------------------------------------------------
# The clocks start on the record's decision date, the upstream decision's date and the day the
# department reported it; none lapses (a department's or the office's duty is chased, never dropped).
SEED_002_PUBLICATION = (
    "舞信用办〔2020〕1号 §二(一) (seed 002): 各类行政许可、行政处罚信息要按照规定在7个工作日内…公开公示 (双公示)"
)
# What each record duty's due date says of its period (read in the reader's language).
PUBLICATION_WHY = gettext_noop(
    "a new licence or penalty decision is published within 7 working days of the decision (双公示, seed 002)"
)
UPSTREAM_REPORT_WHY = gettext_noop(
    "a department reports a decision changed or revoked upstream within 3 working days (山东省社会信用条例 Art. 40)"
)
REMOVAL_WHY = gettext_noop(
    "a record whose decision was revoked is deleted from publication within 1 working day (河南省社会信用条例 Art. 42)"
)
PUBLICATION_DUTY = {
    Step.RECORD_PUBLICATION: StepRule(Event.DECIDED, 7, Party.DEPARTMENT, SEED_002_PUBLICATION, why=PUBLICATION_WHY),
}
UPSTREAM_CHANGE_REPORT = StepRule(
    Event.UPSTREAM_DECIDED, 3, Party.DEPARTMENT, "山东省社会信用条例 Art. 40", why=UPSTREAM_REPORT_WHY
)
REVOKED_RECORD_REMOVAL = StepRule(
    Event.UPSTREAM_REPORTED, 1, Party.OFFICE, "河南省社会信用条例 Art. 42", why=REMOVAL_WHY
)


def _borrowed(rule: StepRule, whose: str) -> StepRule:
    return replace(rule, source=f"{rule.source}; {whose}, unconfirmed", confirmed=False)


# Seed 002 is Henan's (舞钢): elsewhere its 7 working days stand in for the national 双公示 rule it
# applies ("按照规定"), whose own wording was not read: unconfirmed.
PUBLICATION_DUTY_ELSEWHERE = {
    Step.RECORD_PUBLICATION: _borrowed(
        PUBLICATION_DUTY[Step.RECORD_PUBLICATION], "the national 双公示 rule it applies, unread"
    ),
}
HENAN_RECORDS = {**PUBLICATION_DUTY, Step.REVOKED_RECORD_REMOVAL: REVOKED_RECORD_REMOVAL}
SHANDONG_RECORDS = {**PUBLICATION_DUTY_ELSEWHERE, Step.UPSTREAM_CHANGE_REPORT: UPSTREAM_CHANGE_REPORT}
NATIONAL_RECORDS = {
    **PUBLICATION_DUTY_ELSEWHERE,
    Step.UPSTREAM_CHANGE_REPORT: _borrowed(UPSTREAM_CHANGE_REPORT, "no national figure, Shandong's used"),
}
REFERENCE_RECORDS = PUBLICATION_DUTY_ELSEWHERE


SHANDONG_OBJECTIONS = objection_steps(
    answer_in_office=3,
    answer=7,
    verification=3,
    source="山东省社会信用条例 Art. 39–40",
    verification_source="local practice (Art. 40 sets only the 7-day total), unconfirmed",
    verification_confirmed=False,
)
HENAN_OBJECTIONS = objection_steps(
    answer_in_office=3,
    answer=7,
    verification=3,
    source="河南省社会信用条例 Art. 41",
    verification_source="河南省社会信用条例 Art. 42",
)
SHANGHAI_OBJECTIONS = objection_steps(
    answer_in_office=5,
    answer=7,
    verification=5,
    source="上海市社会信用条例 Art. 36",
    verification_source="上海市社会信用条例 Art. 36",
)
ZHEJIANG_OBJECTIONS = objection_steps(
    answer_in_office=5,
    answer=5,
    verification=5,
    source="浙江省公共信用信息管理条例 Art. 31",
    verification_source="浙江省公共信用信息管理条例 Art. 31",
)

PROFILES: dict[str, Profile] = {
    profile.code: profile
    for profile in (
        Profile(
            "shandong",
            "山东省（济南）",
            MarkOn.ACCEPTANCE,
            rule_sets(SHANDONG_OBJECTIONS, "山东省社会信用条例", SHANDONG_RECORDS),
            publication_cap_years=5,  # 山东省社会信用条例 Art. 38: negative information published 5 years at most
            office_name="济南市社会信用体系建设工作领导小组办公室",  # seed 000
        ),
        Profile(
            "henan",
            "河南省（舞钢）",
            MarkOn.RECEIPT,
            rule_sets(HENAN_OBJECTIONS, "河南省社会信用条例", HENAN_RECORDS),
            publication_cap_years=5,  # 河南省社会信用条例 Art. 19: negative information published 5 years at most
            office_name="舞钢市社会信用体系建设领导小组办公室",  # seed 002
        ),
        Profile(
            "national",
            "全国（信用中国）",
            MarkOn.ACCEPTANCE,
            rule_sets(
                {
                    step: replace(rule, source=f"{rule.source}; no national figure, Shandong's used", confirmed=False)
                    for step, rule in SHANDONG_OBJECTIONS.items()
                },
                "national",
                NATIONAL_RECORDS,
            ),
        ),
        Profile(
            "shanghai",
            "上海市（参考）",
            MarkOn.ACCEPTANCE,
            rule_sets(SHANGHAI_OBJECTIONS, "上海市社会信用条例", REFERENCE_RECORDS),
        ),
        Profile(
            "zhejiang",
            "浙江省（参考）",
            MarkOn.ACCEPTANCE,
            rule_sets(ZHEJIANG_OBJECTIONS, "浙江省公共信用信息管理条例", REFERENCE_RECORDS),
            max_extension=15,
        ),
    )
}


def active_profile() -> Profile:
    return PROFILES[settings.REPAIRFLOW_PROFILE]


def office_name() -> str:
    """The credit office that issues notices and reports: the setting, else the profile's."""
    return settings.REPAIRFLOW_OFFICE_NAME or active_profile().office_name
