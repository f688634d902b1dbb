"""The public search by a name reads its subjects' records subject by subject (PostgreSQL): one
probe of `record_subject_public_order` for each named subject, from the index alone, so that its
cost follows the number of subjects and not how far down the newest records theirs lie."""

from datetime import date

import pytest
from django.db import connection, transaction

from repairflow.portal.selectors import PublicSearch, first_ids_query, public_search
from tests.factories import CreditRecordFactory, CreditSubjectFactory, make_uscc

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_name_s_subjects_are_read_each_from_its_own_index_alone():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    for n in range(3):
        subject = CreditSubjectFactory(name=f"历下{n}贸易有限公司", identifier=make_uscc(9200 + n))
        CreditRecordFactory(subject=subject, decision_date=date(2026, 3, 1 + n))
    found = public_search(PublicSearch(name="历下"), today=date(2026, 11, 23))
    sql, params = first_ids_query(found.records, found.subjects, ("-decision_date", "-id"), 21)

    with transaction.atomic(), connection.cursor() as cursor:
        # the plan of a registry's size, whatever the sizes of the test's tables
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert len(found.subjects) == 3
    probes = [line for line in plan.splitlines() if " record_subject_public_order " in line]
    assert probes and all("Index Only Scan" in line for line in probes), plan
    assert "record_public_order " not in plan, plan
