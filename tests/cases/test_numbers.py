"""Case numbers: `YY2026000001`, sequential per kind and year, never given twice."""

import pytest
from django.db import transaction

from repairflow.cases.models import CaseSequence
from repairflow.cases.services import case_number_next

pytestmark = pytest.mark.django_db


def number(prefix: str, year: int) -> str:
    with transaction.atomic():
        return case_number_next(prefix=prefix, year=year)


def test_numbers_run_per_kind_and_year():
    assert [number("YY", 2026) for _ in range(3)] == ["YY2026000001", "YY2026000002", "YY2026000003"]
    assert number("XF", 2026) == "XF2026000001"
    assert number("YY", 2027) == "YY2027000001"
    assert number("YY", 2026) == "YY2026000004"


def test_a_number_given_in_a_rolled_back_transaction_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        case_number_next(prefix="YY", year=2026)
        raise RuntimeError("the case could not be saved")

    assert number("YY", 2026) == "YY2026000001"


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        case_number_next(prefix="YY", year=2026)

    assert not CaseSequence.objects.exists()
