"""The webhook client: one signed HTTP POST to a platform with explicit connect and read timeouts.

The standard library's `http.client` is all it takes: one request per connection, no proxy taken
from the environment, no redirect followed (a platform that answers 3xx has a wrong URL), and the
answer read only as far as the excerpt kept of it."""

import base64
import binascii
import hashlib
import hmac
import http.client
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from standardwebhooks import Webhook

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
    """What came back: an HTTP status and the start of the body, or the error that stopped it."""

    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def retryable(self) -> bool:
        """Worth another try later: no answer (connection refused or reset, a timeout), a server
        error (5xx) or too many requests (429). Any other answer will not change by itself."""
        return self.status_code is None or self.status_code == 429 or self.status_code >= 500


def _describe(error: BaseException) -> str:
    text = str(error) or error.__class__.__doc__ or ""
    return f"{type(error).__name__}: {text}"[:500]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    read_timeout: float,
    excerpt_bytes: int = EXCERPT_BYTES,
) -> Answer:
    """POST `body` to `url`. Connecting (and the TLS handshake) may take `connect_timeout`
    seconds; then every wait for the platform (sending, the answer's head, its body) at most
    `read_timeout` seconds. Never raises for what the network or the platform does."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=connect_timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=connect_timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - started) * 1000)

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
        return Answer(response.status, excerpt, "", elapsed())
    except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, not HTTP
        return Answer(None, "", _describe(error), elapsed())
    finally:
        connection.close()
