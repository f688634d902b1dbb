"""Writers appending to one chain at the same moment append one after the other: the chain still
verifies, and its head is the last row's hash (PostgreSQL; SQLite serialises writers)."""

import pytest

from repairflow.core.audit import chain_verify
from repairflow.core.models import ChainHead
from repairflow.records.models import QueryKind, QueryLog
from repairflow.records.services import query_log_write
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_look_ups_logged_at_once_chain_one_after_the_other(scj):
    staff = [UserFactory(username=f"dept-scj-{n}", officer=True, department=scj) for n in range(6)]

    outcomes = run_at_once(
        *[
            lambda user=user: query_log_write(user=user, kind=QueryKind.LIST, purpose="核查", parameters={}, records=[])
            for user in staff
        ]
    )

    assert all(isinstance(outcome, QueryLog) for outcome in outcomes), outcomes
    assert chain_verify(QueryLog) is None
    last = QueryLog.objects.order_by("pk").last()
    assert ChainHead.objects.get(table="records_querylog").last_hash == last.chain_hash
