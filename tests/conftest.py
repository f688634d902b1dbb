import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from repairflow.core.services import api_token_issue
from repairflow.core.versioned import ReadPerVersion
from tests.factories import CreditSubjectFactory, DepartmentFactory, UserFactory
from tests.helpers import evidence, throttle_history_empty, travel  # noqa: F401 (fixtures for every kind of case)


@pytest.fixture(autouse=True)
def _chinese_by_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are made for every test; the production hasher would spend most of the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reads_from_the_database():
    """Each test reads the calendar, the subscriptions and the staff from its own database state,
    never what an earlier test read (a rolled-back change may have left the same version)."""
    ReadPerVersion.forget_all()


@pytest.fixture(autouse=True)
def _official_calendar(request):
    """The schedules the migrations load, put back when a transactional test's flush emptied them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    if not apps.get_model("calendar", "CalendarYear").objects.exists():
        importlib.import_module("repairflow.calendar.migrations.0002_load_packaged_schedules").load(apps, None)


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` sends that user's token."""
    client = APIClient()

    def as_user(user):
        # valid for years: tests travel across days and weeks (tokens' own expiry: tests/core/test_api.py)
        key, _token = api_token_issue(user=user, ttl=timedelta(days=3650))
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def scj(db):
    return DepartmentFactory(code="SCJ", name="市场监督管理局")


@pytest.fixture
def hb(db):
    return DepartmentFactory(code="HB", name="生态环境局")


@pytest.fixture
def office(db):
    return UserFactory(username="office", office=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", auditor=True)


@pytest.fixture
def office_admin(office):
    """The office's account, flagged staff and superuser: the admin's (core/sites.py)."""
    office.is_staff = office.is_superuser = True
    office.save()
    return office


@pytest.fixture
def admin_client(client, office_admin):
    """A client signed in as the office's admin account."""
    client.force_login(office_admin)
    return client


@pytest.fixture
def officer_scj(scj):
    return UserFactory(username="dept-scj", officer=True, department=scj)


@pytest.fixture
def officer_hb(hb):
    return UserFactory(username="dept-hb", officer=True, department=hb)


@pytest.fixture
def company(db):
    return CreditSubjectFactory(name="济南泉城示范科技有限公司")


@pytest.fixture
def person(db):
    return CreditSubjectFactory(natural_person=True, name="张明")


@pytest.fixture
def company_user(company):
    return UserFactory(username="subject-a", subject=True, credit_subject=company)


@pytest.fixture
def person_user(person):
    return UserFactory(username="person-c", subject=True, credit_subject=person)


@pytest.fixture
def other_subject_user(db):
    """Another enterprise's account."""
    return UserFactory(username="subject-b", subject=True)
