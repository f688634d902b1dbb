"""Deadline rules as data (repairflow/deadlines/policy.py): every figure with its source, the rule
set in force by date, and the active profile. No database."""

from datetime import date

import pytest

from repairflow.deadlines.policy import (
    PROFILES,
    Action,
    Event,
    MarkOn,
    Party,
    Step,
    SupplementRule,
    active_profile,
)

D = date
CODES = ["shandong", "henan", "national", "shanghai", "zhejiang"]
ALL_RULES = [
    pytest.param(code, index, step, id=f"{code}-{index}-{step.value}")
    for code in CODES
    for index, rule_set in enumerate(PROFILES[code].rule_sets)
    for step in rule_set.steps
]


ORDER_36_DAY = D(2026, 4, 1)


def rule(code, step, day=ORDER_36_DAY):
    return PROFILES[code].rule_set_on(day).steps[step]


def test_the_profiles_are_the_five_jurisdictions():
    assert sorted(PROFILES) == sorted(CODES)
    assert all(code == profile.code for code, profile in PROFILES.items())


@pytest.mark.parametrize("code", CODES)
def test_given_a_profile_then_its_rule_sets_are_ordered_oldest_first(code):
    rule_sets = PROFILES[code].rule_sets

    assert [rule_set.in_force_from for rule_set in rule_sets] == [D(2019, 1, 1), D(2023, 5, 1), D(2026, 4, 1)]


@pytest.mark.parametrize("code", CODES)
def test_given_a_profile_then_every_rule_set_defines_every_step(code):
    """Every step but the record's upstream duties, which only some provinces' laws set."""
    for rule_set in PROFILES[code].rule_sets:
        assert set(rule_set.steps) - UPSTREAM_STEPS == set(Step) - UPSTREAM_STEPS


UPSTREAM_STEPS = {Step.UPSTREAM_CHANGE_REPORT, Step.REVOKED_RECORD_REMOVAL}


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    ("day", "index", "name_part"),
    [
        pytest.param(D(2018, 12, 31), 0, "发改办财金〔2019〕527号", id="before-the-first"),
        pytest.param(D(2000, 1, 1), 0, "发改办财金〔2019〕527号", id="long-before-the-first"),
        pytest.param(D(2019, 1, 1), 0, "发改办财金〔2019〕527号", id="first-day-of-527"),
        pytest.param(D(2023, 4, 30), 0, "发改办财金〔2019〕527号", id="last-day-of-527"),
        pytest.param(D(2023, 5, 1), 1, "NDRC Order 58", id="first-day-of-order-58"),
        pytest.param(D(2026, 3, 31), 1, "NDRC Order 58", id="last-day-of-order-58"),
        pytest.param(D(2026, 4, 1), 2, "国办发〔2025〕22号 / NDRC Order 36", id="first-day-of-order-36"),
        pytest.param(D(2030, 1, 1), 2, "国办发〔2025〕22号 / NDRC Order 36", id="long-after"),
    ],
)
def test_given_a_day_when_the_rule_set_is_picked_then_it_is_the_one_in_force(code, day, index, name_part):
    picked = PROFILES[code].rule_set_on(day)

    assert picked is PROFILES[code].rule_sets[index]
    assert picked.name.endswith(name_part)


# --- The figures ---------------------------------------------------------------------------


def test_shandong_answers_an_objection_within_7_working_days_of_receipt_per_its_regulation():
    answer = rule("shandong", Step.OBJECTION_ANSWER)

    assert (answer.working_days, answer.starts_on, answer.owner, answer.confirmed) == (
        7,
        Event.RECEIPT,
        Party.OFFICE,
        True,
    )
    assert "山东省社会信用条例" in answer.source
    assert answer.source == "山东省社会信用条例 Art. 39–40"


def test_henan_departments_verify_within_3_working_days_per_art_42():
    verification = rule("henan", Step.OBJECTION_VERIFICATION)

    assert (verification.working_days, verification.starts_on, verification.owner, verification.confirmed) == (
        3,
        Event.FORWARD,
        Party.DEPARTMENT,
        True,
    )
    assert verification.source == "河南省社会信用条例 Art. 42"


def test_henan_answers_an_objection_within_7_working_days_per_art_41():
    answer = rule("henan", Step.OBJECTION_ANSWER)

    assert (answer.working_days, answer.source, answer.confirmed) == (7, "河南省社会信用条例 Art. 41", True)


@pytest.mark.parametrize(
    ("code", "answer", "verification"),
    [
        ("shandong", 7, 3),
        ("henan", 7, 3),
        ("national", 7, 3),
        ("shanghai", 7, 5),
        ("zhejiang", 5, 5),
    ],
)
def test_given_a_profile_then_its_objection_figures_are(code, answer, verification):
    figures = (rule(code, Step.OBJECTION_ANSWER).working_days, rule(code, Step.OBJECTION_VERIFICATION).working_days)

    assert figures == (answer, verification)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize(
    ("step", "working_days", "starts_on", "owner"),
    [
        (Step.REPAIR_ANSWER, 10, Event.RECEIPT, Party.OFFICE),
        (Step.REPAIR_DECISION, 3, Event.FORWARD, Party.DEPARTMENT),
        (Step.REPAIR_ACCEPTANCE, 2, Event.RECEIPT, Party.OFFICE),
        (Step.REPAIR_SHARING, 3, Event.APPLIED, Party.OFFICE),
    ],
)
def test_given_any_rule_set_then_repair_uses_the_22_figures(code, index, step, working_days, starts_on, owner):
    repair = PROFILES[code].rule_sets[index].steps[step]

    assert (repair.working_days, repair.starts_on, repair.owner) == (working_days, starts_on, owner)


@pytest.mark.parametrize("step", [Step.REPAIR_ANSWER, Step.REPAIR_DECISION])
def test_given_order_36_then_the_repair_answer_and_decision_name_22_and_are_unconfirmed_for_order_36(step):
    repair = rule("shandong", step)

    assert repair.source == "国办发〔2025〕22号; Order 36's own figures unconfirmed"
    assert repair.confirmed is False


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("day", [D(2020, 1, 1), D(2024, 1, 1), D(2026, 4, 1)])
@pytest.mark.parametrize("step", [Step.OBJECTION_SUPPLEMENT, Step.REPAIR_SUPPLEMENT])
def test_given_a_supplement_step_then_the_subject_owns_it_and_it_lapses(code, day, step):
    supplement = PROFILES[code].rule_set_on(day).steps[step]

    assert (
        supplement.owner,
        supplement.starts_on,
        supplement.working_days,
        supplement.warning_lead,
        supplement.on_due,
        supplement.when_overdue,
        supplement.confirmed,
    ) == (Party.SUBJECT, Event.SUPPLEMENT_REQUEST, 5, 1, Action.REMIND, Action.LAPSE, False)


@pytest.mark.parametrize(("code", "index", "step"), ALL_RULES)
def test_every_step_of_every_rule_set_names_its_source(code, index, step):
    assert PROFILES[code].rule_sets[index].steps[step].source.strip()


@pytest.mark.parametrize("code", CODES)
def test_given_a_profile_then_every_step_runs_working_days_and_only_the_subject_s_lapse(code):
    rules = [step_rule for rule_set in PROFILES[code].rule_sets for step_rule in rule_set.steps.values()]

    assert [step_rule for step_rule in rules if step_rule.working_days <= 0] == []
    lapsing = [(step_rule.owner, step_rule.when_overdue is Action.LAPSE) for step_rule in rules]
    assert [(owner, lapses) for owner, lapses in lapsing if lapses != (owner == Party.SUBJECT)] == []


@pytest.mark.parametrize("code", CODES)
def test_given_a_profile_then_each_unconfirmed_figure_says_why_in_its_source(code):
    reasons = ("unconfirmed", "practice", "standing in", "no national")
    rules = [step_rule for rule_set in PROFILES[code].rule_sets for step_rule in rule_set.steps.values()]

    assert [r.source for r in rules if not r.confirmed and not any(reason in r.source for reason in reasons)] == []


@pytest.mark.parametrize(
    ("code", "step"),
    [
        ("shandong", Step.OBJECTION_ACCEPTANCE),
        ("shandong", Step.OBJECTION_VERIFICATION),
        ("shandong", Step.OBJECTION_SUPPLEMENT),
        ("shandong", Step.REPAIR_ACCEPTANCE),
        ("shandong", Step.REPAIR_ANSWER),
        ("shandong", Step.REPAIR_DECISION),
        ("shandong", Step.REPAIR_SHARING),
        ("henan", Step.OBJECTION_ACCEPTANCE),
        ("national", Step.OBJECTION_ANSWER),
        ("national", Step.OBJECTION_VERIFICATION),
        ("national", Step.OBJECTION_PUBLICATION),
        ("zhejiang", Step.REPAIR_SUPPLEMENT),
    ],
)
def test_unconfirmed_figures_are_flagged(code, step):
    assert rule(code, step).confirmed is False


@pytest.mark.parametrize(
    ("code", "step"),
    [
        ("shandong", Step.OBJECTION_ANSWER),
        ("henan", Step.OBJECTION_ANSWER),
        ("henan", Step.OBJECTION_VERIFICATION),
        ("shanghai", Step.OBJECTION_ANSWER),
        ("shanghai", Step.OBJECTION_VERIFICATION),
        ("zhejiang", Step.OBJECTION_ANSWER),
        ("zhejiang", Step.OBJECTION_VERIFICATION),
    ],
)
def test_figures_read_in_a_regulation_are_confirmed(code, step):
    assert rule(code, step).confirmed is True


@pytest.mark.parametrize("step", [step for step in Step if step.value.startswith("objection")])
def test_the_national_profile_borrows_shandong_s_objection_figures_and_says_so(step):
    national, shandong = rule("national", step), rule("shandong", step)

    assert national.working_days == shandong.working_days
    assert national.source == f"{shandong.source}; no national figure, Shandong's used"


# --- Profile settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "max_extension"),
    [("shandong", None), ("henan", None), ("national", None), ("shanghai", None), ("zhejiang", 15)],
)
def test_only_zhejiang_caps_extensions_at_15_working_days(code, max_extension):
    assert PROFILES[code].max_extension == max_extension


def test_zhejiang_s_cap_makes_20_working_days_in_total():
    assert rule("zhejiang", Step.OBJECTION_ANSWER).working_days + PROFILES["zhejiang"].max_extension == 20


@pytest.mark.parametrize(
    ("code", "mark_on"),
    [
        ("shandong", MarkOn.ACCEPTANCE),
        ("henan", MarkOn.RECEIPT),
        ("national", MarkOn.ACCEPTANCE),
        ("shanghai", MarkOn.ACCEPTANCE),
        ("zhejiang", MarkOn.ACCEPTANCE),
    ],
)
def test_henan_marks_an_objection_on_receipt_the_others_on_acceptance(code, mark_on):
    assert PROFILES[code].objection_mark_on is mark_on


@pytest.mark.parametrize("code", CODES)
def test_every_profile_restarts_on_supplement_and_does_not_suspend_by_default(code):
    profile = PROFILES[code]

    assert (profile.supplement, profile.suspend_record_when_overdue) == (SupplementRule.RESTART, False)


@pytest.mark.parametrize("code", CODES)
def test_given_the_setting_then_the_active_profile_follows_it(settings, code):
    settings.REPAIRFLOW_PROFILE = code

    assert active_profile() is PROFILES[code]


def test_given_an_unknown_profile_setting_then_active_profile_fails_loudly(settings):
    settings.REPAIRFLOW_PROFILE = "guangdong"

    with pytest.raises(KeyError):
        active_profile()


# --- A record's own duties ------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_profile_publishes_a_new_decision_within_7_working_days_of_it_citing_seed_002(code):
    publication = rule(code, Step.RECORD_PUBLICATION, D(2020, 6, 1))

    assert (publication.starts_on, publication.working_days, publication.owner) == (
        Event.DECIDED,
        7,
        Party.DEPARTMENT,
    )
    assert "舞信用办〔2020〕1号 §二(一)" in publication.source
    assert publication.confirmed == (code == "henan")  # the seed is Henan's (舞钢)
    assert publication.when_overdue is Action.REMIND  # chased every working day, never lapsed


@pytest.mark.parametrize(
    ("code", "report", "removal"),
    [
        ("shandong", (3, Party.DEPARTMENT, "山东省社会信用条例 Art. 40", True), None),
        ("henan", None, (1, Party.OFFICE, "河南省社会信用条例 Art. 42", True)),
        ("national", (3, Party.DEPARTMENT, "山东省社会信用条例 Art. 40", False), None),
        ("shanghai", None, None),
        ("zhejiang", None, None),
    ],
)
def test_only_the_provinces_whose_law_says_so_have_the_upstream_clocks(code, report, removal):
    steps = PROFILES[code].rule_set_on(ORDER_36_DAY).steps

    def figures(step):
        found = steps.get(step)
        return found and (found.working_days, found.owner, found.source.split(";")[0], found.confirmed)

    assert (figures(Step.UPSTREAM_CHANGE_REPORT), figures(Step.REVOKED_RECORD_REMOVAL)) == (report, removal)
    if report:
        assert steps[Step.UPSTREAM_CHANGE_REPORT].starts_on is Event.UPSTREAM_DECIDED
    if removal:
        assert steps[Step.REVOKED_RECORD_REMOVAL].starts_on is Event.UPSTREAM_REPORTED
