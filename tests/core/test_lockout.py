"""Lock-out on every login door (docs/api.md "Sessions and tokens", django-axes): the 5th failed
login for one user name from one client address within 15 minutes locks that pair out (it is
answered as locked out already) for 15 minutes, the right password too; other addresses and other
user names are not."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from repairflow.core.views import LOCKED_OUT
from tests.i18n import in_chinese

TOKEN_URL = "/api/v1/auth/token/"
LOCKED = in_chinese(LOCKED_OUT) % {"minutes": 15}


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture(autouse=True)
def _empty_throttles(throttle_history_empty):
    """(The token endpoint's own throttle, 20 a minute, stays out of the way.)"""


def token(api, username: str, password: str, address: str = "198.51.100.1"):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_the_api_locks_a_user_name_and_address_out_after_five_failures(api, office, time_machine):
    office.set_password("right-password")
    office.save()

    failures = [token(api, office.username, "wrong").status_code for _ in range(4)]
    locked = token(api, office.username, "wrong")
    right_password = token(api, office.username, "right-password")

    assert failures == [401] * 4
    assert (locked.status_code, locked.json()) == (429, {"error": "throttled", "detail": LOCKED})
    assert right_password.status_code == 429
    # another address, and another user name from this one, are not locked out
    assert token(api, office.username, "right-password", address="198.51.100.2").status_code == 200
    assert token(api, "auditor-that-does-not-exist", "wrong").status_code == 401

    # fifteen minutes on, the pair may sign in again
    time_machine.shift(timedelta(minutes=15, seconds=1))
    assert token(api, office.username, "right-password").status_code == 200


def test_four_failures_and_a_success_start_the_count_again(api, office):
    office.set_password("right-password")
    office.save()
    for _ in range(4):
        token(api, office.username, "wrong")

    assert token(api, office.username, "right-password").status_code == 200
    assert [token(api, office.username, "wrong").status_code for _ in range(5)] == [401] * 4 + [429]


@pytest.mark.parametrize("door", ["/accounts/login/", "/admin/login/"])
def test_a_login_page_locks_out_and_says_so(office, door):
    office.set_password("right-password")
    office.save()
    client = Client(REMOTE_ADDR="198.51.100.1")

    for _ in range(4):
        assert client.post(door, {"username": office.username, "password": "wrong"}).status_code == 200
    fifth = client.post(door, {"username": office.username, "password": "wrong"})
    locked = client.post(door, {"username": office.username, "password": "right-password"})

    assert fifth.status_code == 429
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "_auth_user_id" not in client.session
