"""A read kept per version (`repairflow.core.versioned`): made again only when the version moves."""

import pytest

from repairflow.core.versioned import ReadPerVersion
from repairflow.records.models import Department
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    """The departments' codes, kept while the newest department's id stays the same."""
    reads = []

    def read(version):
        reads.append(version)
        return sorted(Department.objects.values_list("code", flat=True))

    kept = ReadPerVersion(lambda: Department.objects.order_by("-id").values_list("id", flat=True), read)
    yield kept, reads
    ReadPerVersion.kept.remove(kept)


def test_a_read_is_made_once_per_version_and_again_when_it_moves(departments, django_assert_num_queries):
    kept, reads = departments
    first = DepartmentFactory(code="SCJ")
    assert kept.get() == ["SCJ"]
    with django_assert_num_queries(0):
        assert kept.get(first.pk) == ["SCJ"]

    second = DepartmentFactory(code="HB")

    assert kept.get(second.pk) == ["HB", "SCJ"]
    assert reads == [first.pk, second.pk]


def test_the_version_reads_with_another_query_and_is_zero_while_there_is_none(departments):
    kept, reads = departments
    assert kept.get() == [] and reads == [0]
    first, second = DepartmentFactory(code="SCJ"), DepartmentFactory(code="HB")

    versions = Department.objects.annotate(version=kept.now()).values_list("pk", "version")

    assert sorted(versions) == [(first.pk, second.pk), (second.pk, second.pk)]


def test_forgetting_makes_every_read_again(departments):
    kept, reads = departments
    kept.get()
    ReadPerVersion.forget_all()

    kept.get()

    assert reads == [0, 0]
