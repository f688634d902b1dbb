"""Accounts keep a history of who changed them (role, binding, activity), not of each sign-in and
never the password hash."""

import pytest
from django.urls import reverse

from repairflow.core.permissions import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signing_in_stores_the_time_without_a_history_row(client, officer_scj):
    rows = officer_scj.history.count()

    assert client.post(reverse("login"), {"username": "dept-scj", "password": "secret-password"}).status_code == 302

    officer_scj.refresh_from_db()
    assert officer_scj.last_login is not None
    assert officer_scj.history.count() == rows


def test_a_change_of_role_made_in_the_admin_is_kept_with_who_made_it(client, office, scj):
    office.is_staff = office.is_superuser = True
    office.save()
    user = UserFactory(username="clerk", officer=True, department=scj)
    client.force_login(office)

    page = client.get(reverse("admin:records_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(role=Role.OFFICE, department="", groups=[], user_permissions=[], date_joined_0="2026-01-01")
    data.update(date_joined_1="09:00:00", last_login_0="", last_login_1="")
    response = client.post(reverse("admin:records_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = user.history.first()
    assert (latest.role, latest.department_id, latest.history_user) == (Role.OFFICE, None, office)
    assert not hasattr(latest, "password")


def test_the_history_of_an_account_is_shown_in_the_admin(client, office, officer_scj):
    office.is_staff = office.is_superuser = True
    office.save()
    client.force_login(office)

    response = client.get(reverse("admin:records_user_history", args=[officer_scj.pk]))

    assert response.status_code == 200
    assert "dept-scj" in response.content.decode()
