"""How long a session lasts (core/sessions.py): a staff member's ends 8 hours after sign-in, a
subject's 24 hours after, whatever either does meanwhile. The clock is time-machine's."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.helpers import FILED_ON

NEXT_DAY = FILED_ON + timedelta(days=1)


def signed_in(client) -> bool:
    return client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize("staff", ["office", "auditor", "officer_scj"])
def test_a_staff_session_ends_8_hours_after_sign_in(client, request, staff, travel):
    client.force_login(request.getfixturevalue(staff))  # 10:00

    travel(FILED_ON, 17)
    assert signed_in(client)  # used an hour before its end: not extended
    travel(FILED_ON, 18)
    assert not signed_in(client)


def test_a_subject_s_session_ends_24_hours_after_sign_in(client, company_user, travel):
    client.force_login(company_user)  # 10:00

    travel(FILED_ON, 18)
    assert signed_in(client)
    travel(NEXT_DAY, 9)
    assert signed_in(client)
    travel(NEXT_DAY, 10)
    assert not signed_in(client)


def test_a_subject_account_the_admin_flags_as_staff_has_a_staff_session(client, company_user, travel):
    company_user.is_staff = True
    company_user.save()
    client.force_login(company_user)

    travel(FILED_ON, 18)
    assert not signed_in(client)


def test_signing_in_through_the_page_sets_the_end_of_the_session(client, office, travel):
    office.set_password("office-password")
    office.save()

    response = client.post(reverse("login"), {"username": office.username, "password": "office-password"})

    assert response.status_code == 302
    assert client.session.get_expiry_age() == 8 * 3600
    travel(FILED_ON, 18)
    assert not signed_in(client)


def test_the_session_lengths_are_settings(client, office, settings, travel):
    settings.STAFF_SESSION_AGE = timedelta(hours=2)
    client.force_login(office)

    travel(FILED_ON, 11)
    assert signed_in(client)
    travel(FILED_ON, 12)
    assert not signed_in(client)
