"""The webhook client: one signed HTTP POST to a platform with explicit connect and read timeouts.

The standard library's `http.client` is all it takes: one request per connection, no proxy taken
from the environment, no redirect followed (a platform that answers 3xx has a wrong URL), and the
answer read only as far as the excerpt kept of it. The host is resolved once, here, every address
it resolves to checked (`addresses.destinations`: none may be loopback, private, link-local...
unless SYNC_ALLOWED_NETWORKS allows it), and the connection is made to a checked address, never
to the name (`_PinnedConnection`): the Host header, TLS's SNI and the certificate's check name the
host, but the name is not resolved again, so that a DNS answer that changes meanwhile (DNS
rebinding) cannot steer the request elsewhere. A refused address is not connected to at all."""

import base64
import binascii
import errno
import hashlib
import hmac
import http.client
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from standardwebhooks import Webhook

from repairflow.sync.addresses import AddressRefused, Destination, destinations, url_host_port

USER_AGENT = "repairflow-sync/1"
# How much of an answer is read and kept with the attempt.
EXCERPT_BYTES = 1024


STANDARD_SECRET_PREFIX = "whsec_"


def signature(secret: str, body: bytes) -> str:
    """`X-Repairflow-Signature`: the hex HMAC-SHA256 of the exact body bytes with the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def standard_headers(secret: str, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one try (docs/api.md "Webhooks, signed the Standard
    Webhooks way"): the message's id, the try's time in Unix seconds, and `v1,<base64 HMAC-SHA256
    of "{id}.{timestamp}.{body}">`, keyed with the bytes a `whsec_<base64>` secret stands for, or
    else with the secret's UTF-8 bytes."""
    key = secret.encode("utf-8")
    if secret.startswith(STANDARD_SECRET_PREFIX):
        try:
            key = base64.b64decode(secret.removeprefix(STANDARD_SECRET_PREFIX), validate=True)
        except binascii.Error:  # not base64 after all: the secret as it is written
            pass
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(key).sign(message_id, at, body.decode("utf-8")),
    }


@dataclass(frozen=True)
class Answer:
    """What came back: an HTTP status and the start of the body, or the error that stopped it.
    `refused`: nothing was sent, the URL or the address it resolves to being refused
    (`addresses`); `address`: the address connected to."""

    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int
    refused: bool = False
    address: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        """Worth another try later: no answer (connection refused or reset, a timeout, a name that
        did not resolve), a server error (5xx) or too many requests (429). Any other answer will
        not change by itself, nor will an address refused: the delivery fails at once."""
        if self.refused:
            return False
        return self.status_code is None or self.status_code == 429 or self.status_code >= 500


def _describe(error: BaseException) -> str:
    text = str(error) or error.__class__.__doc__ or ""
    return f"{type(error).__name__}: {text}"[:500]


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to `host` made to the addresses checked for it (`to`, tried in turn
    within the connect timeout), never to what the name resolves to by then. Over TLS
    (`context`), the handshake names `host` (SNI) and the certificate is verified for `host`."""

    def __init__(self, host: str, port: int, *, to: Sequence[Destination], timeout: float, context=None) -> None:
        self.default_port = 443 if context is not None else 80  # the Host header leaves it out
        super().__init__(host, port, timeout=timeout)
        self.to = list(to)
        self.context = context
        self.peer = ""

    def _connect_one(self, destination: Destination, deadline: float) -> socket.socket:
        sock = socket.socket(destination.family, destination.type, destination.proto)
        try:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("timed out")
            sock.settimeout(remaining)
            sock.connect(destination.sockaddr)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as error:  # as http.client does
                if error.errno != errno.ENOPROTOOPT:
                    raise
            if self.context is not None:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))  # the handshake is connecting too
                sock = self.context.wrap_socket(sock, server_hostname=self.host)
            return sock
        except BaseException:
            sock.close()
            raise

    def connect(self) -> None:
        deadline = time.monotonic() + self.timeout
        error: OSError | None = None
        for destination in self.to:
            try:
                self.sock = self._connect_one(destination, deadline)
            except OSError as failed:
                error = failed
                continue
            self.peer = destination.address
            return
        raise error or OSError("no address to connect to")


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    read_timeout: float,
    excerpt_bytes: int = EXCERPT_BYTES,
) -> Answer:
    """POST `body` to `url`, connecting only to an address checked (`addresses.destinations`).
    Connecting (the TLS handshake included) may take `connect_timeout` seconds in all, whichever
    of the checked addresses are tried (resolving takes what the system's resolver takes); then
    every wait for the platform (sending, the answer's head,
    its body) at most `read_timeout` seconds. Never raises for what the network or the platform
    does; an address refused is an answer `refused`, with nothing sent."""
    started = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError
        host, port = url_host_port(url)
    except ValueError:  # also a port that is not a number, or out of range
        return Answer(None, "", _describe(http.client.InvalidURL("not an http(s) URL with a host")), 0, refused=True)
    try:
        to = destinations(host, port)
    except AddressRefused as error:
        return Answer(None, "", _describe(error), elapsed(), refused=True)
    except OSError as error:  # the name did not resolve
        return Answer(None, "", _describe(error), elapsed())
    context = ssl.create_default_context() if parts.scheme == "https" else None
    connection = _PinnedConnection(host, port, to=to, timeout=connect_timeout, context=context)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.connect()
        connection.sock.settimeout(read_timeout)
        connection.request(
            "POST", target, body=body, headers={"User-Agent": USER_AGENT, "Connection": "close", **headers}
        )
        response = connection.getresponse()
        try:
            excerpt = response.read(excerpt_bytes).decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):  # the status is in: it is the answer
            excerpt = ""
        return Answer(response.status, excerpt, "", elapsed(), address=connection.peer)
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, not HTTP
        return Answer(None, "", _describe(error), elapsed(), address=connection.peer)
    finally:
        connection.close()
