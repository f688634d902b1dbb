"""The repair demo (`seed_repairs`, part of `seed_demo`) is loaded on whatever day `make run`
first runs: its eligible applications stay eligible and its ineligible one fails only the
minimum period until that period of the registry's latest decision ends (2027-11-20); after
that the ineligible one is left out rather than filed eligible."""

from datetime import date

import pytest
from django.core.management import call_command

from repairflow.repair.eligibility import RuleResult
from repairflow.repair.models import RepairApplication

EXPECTED = [
    ("subject-a", "submitted", True, []),
    ("subject-b", "reviewing", True, []),
    ("person-c", "published", True, []),
    ("subject-a", "submitted", False, ["minimum_period_passed"]),
]


@pytest.fixture(autouse=True)
def _uploads_kept_apart(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed_repairs_on(day: date, travel) -> list[tuple]:
    travel(day)
    call_command("seed_records", stdout=None)
    call_command("seed_repairs", stdout=None)
    return [
        (
            application.filed_by.username,
            application.state,
            application.eligible,
            [result.rule for result in map(RuleResult.from_json, application.eligibility) if not result.passed],
        )
        for application in RepairApplication.objects.order_by("number").select_related("filed_by")
    ]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 29),  # a Sunday: received, and judged, on Monday
        date(2027, 3, 1),  # the registry's 2026 general penalties have expired
        date(2027, 11, 19),  # the last working day before the latest decision's minimum period ends
    ],
)
def test_the_demo_applications_are_what_they_are_meant_to_be_until_late_2027(db, travel, day):
    assert seed_repairs_on(day, travel) == EXPECTED


def test_once_no_minimum_period_runs_the_ineligible_demo_is_left_out(db, travel):
    assert seed_repairs_on(date(2027, 11, 22), travel) == EXPECTED[:3]


def test_seed_repairs_adds_nothing_when_applications_exist(db, travel):
    seed_repairs_on(date(2026, 11, 30), travel)
    numbers = list(RepairApplication.objects.values_list("number", flat=True))

    call_command("seed_repairs", stdout=None)

    assert list(RepairApplication.objects.values_list("number", flat=True)) == numbers
