"""No test reaches the network beyond 127.0.0.1 and ::1, nor asks a real DNS server: every name is
resolved by a resolver of the test's own (`resolver`: a public address by default, or what the test
says), IP addresses in any spelling as the system reads them without asking anyone
(`AI_NUMERICHOST`); and a connection to any other address fails the test before it is made
(`connections` lists the addresses connected to). A test module or conftest that subscribes
platforms or sends deliveries imports both fixtures: they are autouse there."""

import ipaddress
import socket
from collections import deque

import pytest

# A public address for every name a test does not resolve otherwise (example.com's; nothing is
# ever sent to it: `connections` fails a test that tries).
PUBLIC = "93.184.215.14"
LOCAL = ("127.0.0.1", "::1")
_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


class Resolver:
    """The tests' DNS: `names` maps a host name to the answers it gives in turn, each a list of
    addresses (none: it does not resolve), the last one from then on; any other name resolves to
    PUBLIC. `asked` lists the names resolved, in order."""

    def __init__(self) -> None:
        self.names: dict[str, deque[list[str]]] = {}
        self.asked: list[str] = []

    def answer(self, name: str, *addresses: str) -> None:
        """`name` resolves to `addresses` (none: it does not resolve)."""
        self.names[name] = deque([list(addresses)])

    def answers_in_turn(self, name: str, *answers: list[str]) -> None:
        """`name` resolves to each of `answers` in turn, then to the last one (DNS rebinding)."""
        self.names[name] = deque(list(answer) for answer in answers)

    def _addresses(self, name: str) -> list[str]:
        answers = self.names.get(name)
        if answers is None:
            return [PUBLIC]
        return answers.popleft() if len(answers) > 1 else answers[0]

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        if host is None:
            return _getaddrinfo(host, port, family, type, proto, flags)
        host = host.decode() if isinstance(host, bytes) else host
        try:  # an IP address, however written: read without asking anyone
            return _getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass
        self.asked.append(host)
        addresses = self._addresses(host.lower().rstrip("."))
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            info
            for address in addresses
            for info in _getaddrinfo(address, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        ]


@pytest.fixture(autouse=True)
def resolver(monkeypatch) -> Resolver:
    """Every name resolved in a test is resolved here, never by a real DNS server."""
    fake = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    return fake


def _local(address) -> bool:
    if not isinstance(address, tuple):  # a Unix socket's path
        return True
    return str(ipaddress.ip_address(address[0].split("%", 1)[0])) in LOCAL


@pytest.fixture(autouse=True)
def connections(monkeypatch) -> list[str]:
    """The addresses connected to in the test, in order; connecting anywhere but 127.0.0.1 or ::1
    fails the test at once, before any packet is sent (pytest's failure is no OSError: the
    client does not take it for a network error)."""
    made: list[str] = []

    def guarded(connect):
        def guard(sock, address):
            if not _local(address):
                pytest.fail(f"a connection to {address!r} was attempted: tests reach 127.0.0.1 and ::1 only")
            if isinstance(address, tuple):
                made.append(address[0])
            return connect(sock, address)

        return guard

    monkeypatch.setattr(socket.socket, "connect", guarded(_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(_connect_ex))
    return made
