"""Who a request comes from (docs/api.md "Sessions and tokens"): the socket's address, unless
that is a proxy listed in TRUSTED_PROXIES, in which case the address that proxy names in
`X-Forwarded-For`. A header no trusted proxy wrote is never believed: else a client could
claim a new address on every try and pass every throttle and lock-out."""

from ipaddress import ip_address, ip_network

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def trusted_proxies() -> list:
    """TRUSTED_PROXIES as networks (addresses and CIDRs); refused at start when malformed."""
    try:
        return [ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def _trusted(address: str, proxies: list) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def client_address(request) -> str:
    """The client's address: walking `X-Forwarded-For` back from the socket, the first hop that
    is not a trusted proxy (the leftmost when every hop is one)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = trusted_proxies()
    if not _trusted(address, proxies):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = hop
        if not _trusted(hop, proxies):
            break
    return address


def from_trusted_proxy(request) -> bool:
    """Whether the socket's other end is one of TRUSTED_PROXIES."""
    return _trusted(request.META.get("REMOTE_ADDR", ""), trusted_proxies())
