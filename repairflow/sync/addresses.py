"""Where a platform may be reached (docs/api.md "Webhooks, signed the Standard Webhooks way"): the
one rule that both a subscription's creation and every delivery apply, so that a webhook cannot
be aimed at the machines around repairflow (a cloud's metadata service, a database, Redis).

A webhook's host is resolved (`socket.getaddrinfo`, which also turns the other ways of writing an
IPv4 address, `2130706433`, `0x7f.1`, `017700000001`, into the address) and **every** address it
resolves to must be public: none loopback, link-local, private, multicast, reserved, unspecified or
otherwise not globally reachable (`is_global` false: the shared address space 100.64.0.0/10, where
some clouds keep their metadata service). An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is
judged as the IPv4 address it is; a 6to4 or Teredo one as itself and as the IPv4 address it
carries to. An address inside one of the networks of `SYNC_ALLOWED_NETWORKS` (CIDRs, none by
default) is let through whatever it is: a platform on the operator's own network.

Delivery connects to one of the addresses checked, never resolving the name again
(`client.post`), so that a name that changes its answer between the check and the connection (DNS
rebinding) gains nothing."""

import logging
import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from repairflow.records.models import validate_http_url

logger = logging.getLogger(__name__)

ADDRESS_NOT_PUBLIC = _(
    "The host of this URL resolves to an address that is not public (loopback, link-local, private, "
    "multicast or reserved); webhooks are sent only to public addresses."
)
HOST_UNRESOLVED = _("The host name of this URL could not be resolved; check its spelling.")

IPAddress = IPv4Address | IPv6Address


class AddressRefused(OSError):
    """The host resolves to an address that is not public (and not allowed): nothing is sent to it."""


class HostUnresolved(OSError):
    """The host name resolves to nothing."""


def allowed_networks() -> list:
    """SYNC_ALLOWED_NETWORKS as networks (addresses and CIDRs); malformed, it is a configuration error."""
    try:
        return [ip_network(entry.strip(), strict=False) for entry in settings.SYNC_ALLOWED_NETWORKS if entry.strip()]
    except ValueError as error:
        raise ImproperlyConfigured(f"SYNC_ALLOWED_NETWORKS: {error}") from None


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries to: 6to4, or Teredo (its client's address). (The
    NAT64 prefix 64:ff9b::/96 lies in the reserved ::/8: refused whatever it carries.)"""
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def _not_public(address: IPAddress) -> bool:
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def address_refused(address: IPAddress | str, networks: list | None = None) -> bool:
    """The rule: an address a webhook may not be sent to. `networks`: SYNC_ALLOWED_NETWORKS
    (read when not given). An allowed network lets its addresses through whatever they are."""
    address = _parse(address) if isinstance(address, str) else address
    if networks is None:
        networks = allowed_networks()
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # `::ffff:127.0.0.1` is 127.0.0.1 on a dual-stack socket
    candidates = [address]
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            candidates.append(embedded)
    for candidate in candidates:
        if any(candidate.version == network.version and candidate in network for network in networks):
            return False
    return any(_not_public(candidate) for candidate in candidates)


@dataclass(frozen=True)
class Destination:
    """One address checked: how to make a socket for it and where to connect it."""

    family: int
    type: int
    proto: int
    sockaddr: tuple

    @property
    def address(self) -> str:
        return self.sockaddr[0]


def _parse(text: str) -> IPAddress:
    return ip_address(text.split("%", 1)[0])  # a link-local IPv6 address may name its interface


def destinations(host: str, port: int) -> list[Destination]:
    """Resolve `host` and check every address it resolves to: the addresses to connect to, in the
    resolver's order. Raises HostUnresolved when there is none, AddressRefused when any of them
    is refused (one refused address refuses the host: the resolver's order is not ours to trust)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as error:  # no such name; or no name at all (too long, a NUL...)
        raise HostUnresolved(f"{host} could not be resolved ({error})") from None
    checked = [
        Destination(family, kind, proto, sockaddr)
        for family, kind, proto, _name, sockaddr in found
        if family in (socket.AF_INET, socket.AF_INET6)
    ]
    if not checked:
        raise HostUnresolved(f"{host} resolves to no IP address")
    networks = allowed_networks()
    refused = [d.address for d in checked if address_refused(_parse(d.address), networks)]
    if refused:
        logger.warning("Webhook host %s refused: it resolves to %s", host, ", ".join(refused))
        raise AddressRefused(
            f"{host} resolves to an address that is not public (loopback, link-local, private, multicast or reserved)"
        )
    return checked


def url_host_port(url: str) -> tuple[str, int]:
    """The host and port a webhook URL (already validated as http/https with a host) is sent to."""
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def validate_webhook_url(url: str) -> None:
    """A webhook URL as a subscription takes it: http or https with a host
    (`records.models.validate_http_url`), and a host that resolves, to public addresses only
    (or allowed ones). Raises a ValidationError (its message in the user's language)."""
    validate_http_url(url)
    try:
        destinations(*url_host_port(url))
    except HostUnresolved:
        raise ValidationError(HOST_UNRESOLVED, code="host_unresolved") from None
    except AddressRefused:
        raise ValidationError(ADDRESS_NOT_PUBLIC, code="address_not_public") from None
