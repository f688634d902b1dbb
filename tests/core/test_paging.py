"""Pages of a long list (`repairflow.core.paging`): a page reads its rows' keys in the list's order,
then only those rows with what they are read with, so that a deep page joins nothing it skips."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repairflow.core.paging import page_of
from repairflow.records.models import CreditRecord
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(scj):
    """Twelve records, the newest decision first when listed."""
    made = [CreditRecordFactory(department=scj, decision_date=date(2026, 1, day)) for day in range(1, 13)]
    return sorted(made, key=lambda record: (record.decision_date, record.pk), reverse=True)


def test_a_page_reads_its_keys_then_its_rows_in_the_lists_order(records):
    listed = CreditRecord.objects.select_related("subject", "department").order_by("-decision_date", "-id")

    with CaptureQueriesContext(connection) as captured:
        page = page_of(listed, 2, 5)
        rows = list(page)

    assert [row.pk for row in rows] == [record.pk for record in records[5:10]]
    assert [row.subject.name for row in rows] == [record.subject.name for record in records[5:10]]  # read with them
    keys, read = (query["sql"] for query in captured.captured_queries[-2:])
    assert "OFFSET 5" in keys and "JOIN" not in keys
    assert "JOIN" in read and "OFFSET" not in read and "LIMIT" not in read


def test_the_last_page_and_a_page_past_it_show_the_last_rows(records):
    listed = CreditRecord.objects.order_by("-decision_date", "-id")

    assert [row.pk for row in page_of(listed, 3, 5)] == [record.pk for record in records[10:]]
    assert [row.pk for row in page_of(listed, 9, 5)] == [record.pk for record in records[10:]]
    assert list(page_of(listed.none(), 1, 5)) == []
