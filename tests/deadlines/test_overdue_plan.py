"""Whether a case is overdue is read from the index of its open clocks alone (PostgreSQL): the
office's overdue list probes `deadline_case_open` once per case on its page, and its count walks
the same index, without reading a clock's row for its status."""

from datetime import date

import pytest
from django.db import connection, transaction

from repairflow.cases.selectors import cases_overdue
from repairflow.objections.models import Objection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_overdue_filter_reads_the_open_clocks_index_only():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    overdue = cases_overdue(Objection.objects.all(), today=date(2026, 12, 4)).values("pk")

    with transaction.atomic(), connection.cursor() as cursor:
        # the plan a page takes (one probe per case), whatever the sizes of the test's tables
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = overdue.explain()

    probes = [line for line in plan.splitlines() if "using deadline_case_open " in line]
    assert probes and all("Index Only Scan" in line for line in probes), plan
