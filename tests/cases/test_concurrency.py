"""Cases filed at the same moment get distinct, sequential numbers (PostgreSQL only)."""

import pytest
from django.db import transaction

from repairflow.cases.services import case_number_next
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture

pytestmark = pytest.mark.django_db(transaction=True)


def file_case() -> str:
    with transaction.atomic():
        return case_number_next(prefix="YY", year=2026)


def test_eight_cases_at_once_get_eight_sequential_numbers():
    numbers = run_at_once(*[file_case] * 8)

    assert sorted(numbers) == [f"YY2026{serial:06d}" for serial in range(1, 9)]
