"""Where a webhook may go (docs/api.md "Webhooks, signed the Standard Webhooks way",
repairflow/sync/addresses.py): a subscription's URL is http(s) with a host that resolves, to public
addresses only, unless SYNC_ALLOWED_NETWORKS allows them; the same rule holds at every delivery,
whose connection goes to the very address checked; a redirect is not followed.

Nothing here reaches any address but 127.0.0.1 and ::1, not even to see a private address refused:
names are resolved by the tests' resolver (tests/sync/conftest.py `resolver`), and a connection to
any other address fails the test before it is made (`connections`); every refusal is shown to
happen with no connection made at all."""

import ssl
from urllib.parse import urlsplit

import pytest
import trustme
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from repairflow.records.models import URL_NOT_HTTP, Delivery, DeliveryStatus, Subscription
from repairflow.records.services import record_act
from repairflow.sync.addresses import ADDRESS_NOT_PUBLIC, HOST_UNRESOLVED, address_refused, allowed_networks
from repairflow.sync.checks import check_allowed_networks
from repairflow.sync.models import AttemptOutcome
from repairflow.sync.services import delivery_attempt
from tests.factories import CreditRecordFactory
from tests.helpers import invalid, told
from tests.i18n import in_chinese
from tests.network import PUBLIC
from tests.sync.conftest import SECRET, Answer, Receiver, subscribe

pytestmark = pytest.mark.django_db

URL = "/api/v1/subscriptions/"
HOST = "hooks.platform.example"
NEW = {"name": "省信用平台", "url": f"https://{HOST}/credit", "secret": SECRET}

# Each kind of address a webhook may not reach, as the host's name resolves to it.
NOT_PUBLIC = [
    pytest.param("127.0.0.1", id="loopback"),
    pytest.param("127.8.9.10", id="loopback-8"),
    pytest.param("169.254.169.254", id="link-local-metadata"),
    pytest.param("10.0.0.5", id="private-10"),
    pytest.param("172.16.3.4", id="private-172.16"),
    pytest.param("192.168.1.20", id="private-192.168"),
    pytest.param("100.100.100.200", id="shared-100.64"),
    pytest.param("224.0.0.1", id="multicast"),
    pytest.param("240.0.0.1", id="reserved"),
    pytest.param("255.255.255.255", id="broadcast"),
    pytest.param("0.0.0.0", id="unspecified"),
    pytest.param("::1", id="ipv6-loopback"),
    pytest.param("::", id="ipv6-unspecified"),
    pytest.param("fc00::5", id="ipv6-unique-local-fc"),
    pytest.param("fd12:3456::1", id="ipv6-unique-local-fd"),
    pytest.param("fe80::1", id="ipv6-link-local"),
    pytest.param("ff02::1", id="ipv6-multicast"),
    pytest.param("::ffff:127.0.0.1", id="ipv4-mapped-loopback"),
    pytest.param("::ffff:169.254.169.254", id="ipv4-mapped-link-local"),
    pytest.param("::ffff:10.0.0.5", id="ipv4-mapped-private"),
    pytest.param("64:ff9b::a9fe:a9fe", id="nat64-link-local"),
    pytest.param("2002:a00:5::1", id="6to4-private"),
]

# URLs whose host is an address, in the spellings a resolver reads: nothing is asked of DNS.
LITERAL = [
    "http://127.0.0.1:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # hexadecimal, and a short form
    "http://017700000001/",  # octal
    "http://127.1/",
    "http://0/",
    "http://[::1]:8000/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "https://user:password@10.0.0.5/hooks",
]


def state() -> tuple:
    return (
        list(Subscription.objects.order_by("id").values("id", "name", "url", "secret", "events", "active")),
        Subscription.history.count(),
    )


def create(api, office, **change):
    return api.as_user(office).post(URL, {**NEW, **change}, format="json")


def suspend(office) -> Delivery:
    record_act(actor=office, record_id=CreditRecordFactory().pk, action="suspend", reason="核查中")
    return Delivery.objects.select_related("subscription").get()


def tries(delivery: Delivery) -> list[tuple]:
    return list(delivery.attempt_log.values_list("number", "status_code", "outcome"))


# --- The rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_the_rule_refuses_every_address_that_is_not_public(address):
    assert address_refused(address, []) is True


@pytest.mark.parametrize(
    "address",
    [PUBLIC, "8.8.8.8", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:93.184.215.14", "2002:5db8:d70e::1"],
)
def test_the_rule_lets_a_public_address_through(address):
    assert address_refused(address, []) is False


def test_an_allowed_network_lets_its_addresses_through_and_no_other(settings):
    settings.SYNC_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8", "127.0.0.1"]

    assert [address_refused(a) for a in ("10.0.0.5", "::ffff:10.0.0.5", "fd12::1", "127.0.0.1")] == [False] * 4
    assert [address_refused(a) for a in ("192.168.1.20", "127.0.0.2", "169.254.169.254", "fc00::1")] == [True] * 4


def test_a_malformed_allowed_network_is_a_configuration_error(settings):
    settings.SYNC_ALLOWED_NETWORKS = ["10.0.0.0/33"]

    with pytest.raises(ImproperlyConfigured, match="SYNC_ALLOWED_NETWORKS"):
        allowed_networks()


# --- Subscribing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_host_resolving_to_an_address_that_is_not_public_is_refused_and_nothing_changes(
    api, office, resolver, connections, address
):
    resolver.answer(HOST, address)
    before = state()

    response = create(api, office)

    assert response.status_code == 400
    assert response.json() == invalid({"url": [in_chinese(ADDRESS_NOT_PUBLIC)]})
    assert state() == before
    assert Subscription.objects.count() == 0
    assert resolver.asked == [HOST]
    assert connections == []


def test_one_address_not_public_among_public_ones_refuses_the_host(api, office, resolver, connections):
    resolver.answer(HOST, PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "10.0.0.5")

    response = create(api, office)

    assert response.status_code == 400
    assert response.json() == invalid({"url": [in_chinese(ADDRESS_NOT_PUBLIC)]})
    assert Subscription.objects.count() == 0
    assert connections == []


@pytest.mark.parametrize("url", LITERAL)
def test_an_address_written_in_the_url_in_any_spelling_is_refused(api, office, resolver, connections, url):
    response = create(api, office, url=url)

    assert response.status_code == 400
    assert response.json() == invalid({"url": [in_chinese(ADDRESS_NOT_PUBLIC)]})
    assert Subscription.objects.count() == 0
    assert resolver.asked == []  # read as an address, not looked up
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.platform.example/credit",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "dict://127.0.0.1:11211/stats",
        "javascript:alert(1)",
        "http:///credit",
        "https://:443/credit",
        "//hooks.platform.example/credit",
    ],
)
def test_a_url_that_is_not_http_or_https_with_a_host_is_refused(api, office, resolver, connections, url):
    response = create(api, office, url=url)

    assert response.status_code == 400
    assert response.json() == invalid({"url": [in_chinese(URL_NOT_HTTP)]})
    assert Subscription.objects.count() == 0
    assert (resolver.asked, connections) == ([], [])


def test_a_host_that_does_not_resolve_is_refused(api, office, resolver, connections):
    resolver.answer(HOST)  # no such name

    response = create(api, office)

    assert response.status_code == 400
    assert response.json() == invalid({"url": [in_chinese(HOST_UNRESOLVED)]})
    assert Subscription.objects.count() == 0
    assert connections == []


def test_the_refusal_is_in_the_users_language(api, office, resolver):
    resolver.answer(HOST, "10.0.0.5")

    response = api.as_user(office).post(URL, NEW, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["fields"] == {"url": [str(ADDRESS_NOT_PUBLIC)]}


def test_a_public_host_is_subscribed_without_being_contacted(api, office, resolver, connections):
    response = create(api, office)

    assert response.status_code == 201, response.json()
    assert Subscription.objects.get().url == NEW["url"]
    assert resolver.asked == [HOST]
    assert connections == []


@pytest.mark.parametrize(
    ("allowed", "address"),
    [(["10.0.0.0/8"], "10.0.0.5"), (["127.0.0.1/32"], "127.0.0.1"), (["fd00::/8"], "fd12:3456::1")],
)
def test_an_address_in_an_allowed_network_is_subscribed(settings, api, office, resolver, connections, allowed, address):
    settings.SYNC_ALLOWED_NETWORKS = allowed
    resolver.answer(HOST, address)

    response = create(api, office)

    assert response.status_code == 201, response.json()
    assert connections == []


def test_an_allowed_network_does_not_let_through_a_host_with_another_address(settings, api, office, resolver):
    settings.SYNC_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    resolver.answer(HOST, "10.0.0.5", "192.168.1.20")

    response = create(api, office)

    assert response.status_code == 400
    assert Subscription.objects.count() == 0


# --- The admin --------------------------------------------------------------------------------------


def admin_form(**overrides) -> dict:
    return {
        "name": "市公共信用平台",
        "url": f"https://{HOST}/hooks",
        "secret": "admin-typed-secret-0001",
        "events": "[]",
        "required": "on",
        "active": "on",
        **overrides,
    }


def test_the_admin_refuses_a_new_subscription_to_an_address_that_is_not_public(admin_client, resolver, connections):
    resolver.answer(HOST, "169.254.169.254")

    response = admin_client.post(reverse("admin:records_subscription_add"), admin_form())

    assert response.status_code == 200
    assert in_chinese(ADDRESS_NOT_PUBLIC) in response.content.decode()
    assert Subscription.objects.count() == 0
    assert connections == []


def test_the_admin_refuses_a_url_changed_to_an_address_that_is_not_public(admin_client, resolver, connections):
    subscription = subscribe(f"https://{HOST}/hooks", name="市公共信用平台")
    resolver.answer("internal.example", "10.0.0.5")
    before = state()

    response = admin_client.post(
        reverse("admin:records_subscription_change", args=[subscription.pk]),
        admin_form(secret="", url="http://internal.example:6379/"),
    )

    assert response.status_code == 200
    assert in_chinese(ADDRESS_NOT_PUBLIC) in response.content.decode()
    assert state() == before
    assert connections == []


def test_the_admin_refuses_a_url_changed_to_a_decimal_address(admin_client, resolver):
    subscription = subscribe(f"https://{HOST}/hooks", name="市公共信用平台")

    response = admin_client.post(
        reverse("admin:records_subscription_change", args=[subscription.pk]),
        admin_form(secret="", url="http://2130706433/"),
    )

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.url == f"https://{HOST}/hooks"


# --- Delivering -------------------------------------------------------------------------------------


def test_a_host_that_resolves_elsewhere_at_delivery_is_refused_with_nothing_sent(
    api, travel, office, auditor, resolver, connections, receiver
):
    """DNS rebinding: public when subscribed, the metadata service when sent to."""
    assert create(api, office).status_code == 201
    resolver.answer(HOST, "169.254.169.254")
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.FAILED

    delivery.refresh_from_db()
    (kept,) = delivery.attempt_log.all()
    assert (kept.status_code, kept.outcome, kept.response_excerpt) == (None, AttemptOutcome.FAILED, "")
    assert kept.error.startswith(f"AddressRefused: {HOST} resolves to an address that is not public")
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, kept.error)
    assert told("sync.delivery_failed") == [office.username]
    assert connections == []
    assert receiver.requests == []


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_every_address_that_is_not_public_is_refused_at_delivery(travel, office, resolver, connections, address):
    subscribe(f"http://{HOST}:8080/hooks")  # written straight to the table: as a row of before
    resolver.answer(HOST, address)
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.FAILED

    assert tries(delivery) == [(1, None, AttemptOutcome.FAILED)]
    assert delivery.attempt_log.get().error.startswith("AddressRefused: ")
    assert connections == []


def test_a_malformed_allowed_network_stops_the_start(settings):
    settings.SYNC_ALLOWED_NETWORKS = ["10.0.0.0/8", "the office's network"]

    (error,) = check_allowed_networks(None)

    assert error.id == "repairflow.E002"


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433:8080/hooks",
        "http://[::ffff:7f00:1]:8080/",
        "ftp://127.0.0.1/",
        "http://platform.example:99999/",
        "http:///hooks",
    ],
)
def test_a_stored_url_to_a_refused_address_or_scheme_is_not_sent_to(travel, office, connections, url):
    subscribe(url)  # a row written before the rule, straight to the table
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.FAILED

    assert delivery.attempt_log.get().error.startswith(("AddressRefused: ", "InvalidURL: "))
    assert connections == []


def test_a_host_that_does_not_resolve_at_delivery_is_tried_again(travel, office, resolver, connections):
    subscribe(f"https://{HOST}/hooks")
    resolver.answer(HOST)
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.RETRY

    assert delivery.attempt_log.get().error.startswith("HostUnresolved: ")
    assert connections == []


def test_delivery_connects_to_the_address_checked_and_names_the_host(travel, office, resolver, connections, receiver):
    port = receiver.server.server_address[1]
    subscribe(f"http://{HOST}:{port}/hooks/credit")
    resolver.answer(HOST, "127.0.0.1")  # allowed here (SYNC_ALLOWED_NETWORKS), as the receiver is there
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.ACKNOWLEDGED

    assert resolver.asked == [HOST]  # resolved once, at the check
    assert connections == ["127.0.0.1"]
    (request,) = receiver.requests
    assert (request.path, request.headers["host"]) == ("/hooks/credit", f"{HOST}:{port}")


def test_the_name_is_not_resolved_again_after_the_check(travel, office, resolver, connections, receiver):
    """The check's answer is the one connected to: a second lookup would say 10.0.0.5 (and the
    test would fail, as no connection may go there)."""
    port = receiver.server.server_address[1]
    subscribe(f"http://{HOST}:{port}/hooks/credit")
    resolver.answers_in_turn(HOST, ["127.0.0.1"], ["10.0.0.5"])
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.ACKNOWLEDGED

    assert (resolver.asked, connections) == ([HOST], ["127.0.0.1"])
    assert len(receiver.requests) == 1


def test_every_try_checks_again(travel, office, resolver, connections, receiver):
    port = receiver.server.server_address[1]
    subscribe(f"http://{HOST}:{port}/hooks/credit")
    resolver.answers_in_turn(HOST, ["127.0.0.1"], ["10.0.0.5"])
    receiver.script(Answer(503, b"maintenance"))
    delivery = suspend(office)
    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.RETRY
    Delivery.objects.filter(pk=delivery.pk).update(next_try_at=delivery.next_try_at)  # due again now

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.FAILED

    assert tries(delivery) == [(1, 503, AttemptOutcome.RETRY), (2, None, AttemptOutcome.FAILED)]
    assert (resolver.asked, connections) == ([HOST, HOST], ["127.0.0.1"])
    assert len(receiver.requests) == 1


def test_the_checked_addresses_are_tried_in_turn(settings, travel, office, resolver, connections, receiver):
    """::1 (nothing listens there) refuses the connection; 127.0.0.1, checked too, is tried next."""
    settings.SYNC_ALLOWED_NETWORKS = ["127.0.0.1/32", "::1/128"]
    port = receiver.server.server_address[1]
    subscribe(f"http://{HOST}:{port}/hooks/credit")
    resolver.answer(HOST, "::1", "127.0.0.1")
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.ACKNOWLEDGED

    assert connections[-1] == "127.0.0.1"
    assert set(connections) <= {"::1", "127.0.0.1"}


def test_a_redirect_is_not_followed_and_fails_the_delivery(travel, office, connections, receiver):
    elsewhere = f"http://127.0.0.1:{receiver.server.server_address[1]}/elsewhere"
    subscribe(receiver.url)
    receiver.script(
        Answer(302, b"moved", headers={"Location": elsewhere}),
        Answer(307, b"moved", headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    )
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.FAILED

    assert tries(delivery) == [(1, 302, AttemptOutcome.FAILED)]
    assert [urlsplit(request.path).path for request in receiver.requests] == ["/hooks/credit"]
    assert connections == ["127.0.0.1"]


# --- HTTPS to the address checked -------------------------------------------------------------------


@pytest.fixture
def authority():
    return trustme.CA()


@pytest.fixture
def tls_receiver(local_platforms_allowed, authority):
    """A platform speaking HTTPS on 127.0.0.1 with a certificate for HOST (only), which keeps the
    name each handshake asked for (SNI)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(HOST).configure_cert(context)
    names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)
    platform = Receiver(tls=context)
    platform.names = names
    yield platform
    platform.close()


@pytest.fixture
def trusting(monkeypatch, authority):
    """The client trusts the test's authority (and what the system trusts)."""
    make = ssl.create_default_context

    def create_default_context(*args, **kwargs):
        context = make(*args, **kwargs)
        authority.configure_trust(context)
        return context

    monkeypatch.setattr(ssl, "create_default_context", create_default_context)


def test_https_to_the_address_checked_verifies_the_certificate_for_the_host(
    trusting, travel, office, resolver, connections, tls_receiver
):
    port = tls_receiver.server.server_address[1]
    subscribe(f"https://{HOST}:{port}/hooks/credit")
    resolver.answer(HOST, "127.0.0.1")
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.ACKNOWLEDGED

    assert connections == ["127.0.0.1"]
    assert tls_receiver.names == [HOST]
    assert tls_receiver.requests[0].headers["host"] == f"{HOST}:{port}"


def test_https_to_a_host_the_certificate_does_not_name_is_not_sent(
    trusting, travel, office, resolver, connections, tls_receiver
):
    port = tls_receiver.server.server_address[1]
    subscribe(f"https://other.platform.example:{port}/hooks/credit")
    resolver.answer("other.platform.example", "127.0.0.1")
    delivery = suspend(office)

    assert delivery_attempt(delivery_id=delivery.pk) == AttemptOutcome.RETRY

    assert delivery.attempt_log.get().error.startswith("SSLCertVerificationError: ")
    assert tls_receiver.requests == []
