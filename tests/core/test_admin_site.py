"""The Django admin is the credit office's only (core/sites.py): an account of any other role is
kept out, even one flagged staff and superuser, and its sign-in form refuses one."""

import pytest
from django.urls import reverse

from tests.pages import page

OTHER_ROLES = ["auditor", "officer_scj", "company_user"]
PASSWORD = "a-long-enough-password"


@pytest.fixture
def flagged(request):
    """The fixture's user, flagged staff and superuser, with PASSWORD."""

    def make(name):
        user = request.getfixturevalue(name)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


def test_the_office_has_the_admin(client, flagged):
    client.force_login(flagged("office"))

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:records_user_changelist")).status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_has_the_admin_even_flagged_staff_and_superuser(client, flagged, role):
    client.force_login(flagged(role))

    for name in ["admin:index", "admin:records_user_changelist", "admin:core_apitoken_changelist"]:
        response = client.get(reverse(name))

        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_the_admin_s_sign_in_refuses_other_roles(client, flagged, role):
    user = flagged(role)

    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": reverse("admin:index")}
    )

    assert response.status_code == 200  # the form again, with the admin's refusal
    assert "errornote" in page(response)
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_s_sign_in_lets_the_office_in(client, flagged):
    office = flagged("office")

    response = client.post(
        reverse("admin:login"), {"username": office.username, "password": PASSWORD, "next": reverse("admin:index")}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_office_account_not_flagged_staff_or_inactive_has_no_admin(client, office):
    client.force_login(office)
    assert client.get(reverse("admin:index")).status_code == 302

    office.is_staff = True
    office.is_active = False
    office.save()
    client.force_login(office)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize(("role", "shown"), [("office", True), *[(role, False) for role in OTHER_ROLES]])
def test_the_page_header_links_to_the_admin_only_for_the_office(client, flagged, role, shown):
    client.force_login(flagged(role))

    assert (reverse("admin:index") in page(client.get(reverse("home")))) is shown
