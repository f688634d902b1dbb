"""Who a request comes from (repairflow/core/addresses.py), and the throttles counted by it in
the cache every process shares: `X-Forwarded-For` is believed only from TRUSTED_PROXIES."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from repairflow.core.addresses import client_address

TOKEN_URL = "/api/v1/auth/token/"
WRONG = {"username": "office", "password": "wrong"}


def wrong(n: int) -> dict:
    """A failed sign-in under a user name of its own (so that the lock-out, per user name, stays out of the way)."""
    return {"username": f"nobody-{n}", "password": "wrong"}


def request_from(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_socket_s_address_is_the_client_s(settings):
    settings.TRUSTED_PROXIES = []

    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.1", "198.51.100.1"),  # the proxy names the client
        ("192.0.2.66, 198.51.100.1", "198.51.100.1"),  # what the client wrote itself is not believed
        ("198.51.100.1, 10.0.0.9", "198.51.100.1"),  # through two trusted proxies
        ("10.0.0.8, 10.0.0.9", "10.0.0.8"),  # every hop trusted: the first
        ("", "10.0.0.5"),  # a trusted proxy that names nobody
        ("not-an-address", "not-an-address"),  # not trusted, so the client as named
    ],
)
def test_a_trusted_proxy_s_forwarded_address_is_the_client_s(settings, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.8/31"]

    assert client_address(request_from("10.0.0.5", forwarded)) == client


def test_a_malformed_trusted_proxy_is_refused(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.300"]

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_address(request_from("10.0.0.5"))


@pytest.mark.django_db
def test_a_new_forwarded_address_on_every_try_does_not_pass_the_throttle(api, settings, throttle_history_empty):
    settings.TRUSTED_PROXIES = []
    statuses = [
        api.post(TOKEN_URL, wrong(n), format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(21)
    ]

    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_count(api, settings, throttle_history_empty):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's socket address
    for n in range(20):
        api.post(TOKEN_URL, wrong(n), format="json", HTTP_X_FORWARDED_FOR="198.51.100.1")

    throttled = api.post(TOKEN_URL, wrong(20), format="json", HTTP_X_FORWARDED_FOR="198.51.100.1")
    another = api.post(TOKEN_URL, wrong(21), format="json", HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (throttled.status_code, another.status_code) == (429, 401)


@pytest.mark.django_db
def test_the_throttle_s_count_is_in_the_cache_every_process_shares(api, settings, throttle_history_empty):
    api.post(TOKEN_URL, WRONG, format="json")

    # another process reads the cache through its own connection to the same table
    assert isinstance(caches["default"], DatabaseCache)
    elsewhere = DatabaseCache(caches["default"]._table, {})
    assert len(elsewhere.get("throttle_auth_127.0.0.1")) == 1
