"""What the push-back tests share: a real HTTP receiver on 127.0.0.1 that records every request
and answers as the test scripts it, a port nothing listens on, subscriptions, the delivery
settings made small, the deliveries handed to the workers (by the relay, a retry, an
acknowledgement, a resumption or a requeue), and cases driven to the step that changes their
record.

No test reaches the network beyond 127.0.0.1 and ::1, nor asks a real DNS server (tests/network.py:
`resolver`, `connections`). The receiver's address, 127.0.0.1, is one a webhook may be sent to
only because SYNC_ALLOWED_NETWORKS allows it, as an operator would."""

import socket
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from repairflow.objections import services as objections
from repairflow.objections.models import Objection
from repairflow.records.models import Subscription
from repairflow.repair import services as repairs
from repairflow.repair.models import MaterialKind, RepairApplication
from repairflow.repair.services import Material
from repairflow.sync import tasks
from tests.factories import CreditRecordFactory
from tests.network import PUBLIC, Resolver, connections, resolver  # noqa: F401 - autouse fixtures

SECRET = "s3cret-for-the-provincial-platform"


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b'{"ok":true}'
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # no answer while the test runs: only the client's read timeout ends the try
    headers: dict[str, str] = field(default_factory=dict)  # more headers (e.g. a redirect's Location)


class Receiver:
    """A platform: every request it gets is in `requests`; it answers with the scripted answers in
    turn (`script(...)`), then with `default`. With `tls` (a server context), it speaks HTTPS."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Request] = []
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        self.lock = threading.Lock()
        self.released = threading.Event()  # set when the receiver closes: hanging answers end
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        Request(self.path, {name.lower(): value for name, value in self.headers.items()}, body)
                    )
                    answer = receiver.answers.popleft() if receiver.answers else receiver.default
                time.sleep(answer.delay)
                if answer.hang:
                    receiver.released.wait()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer.body)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/credit?source=repairflow"

    def script(self, *answers: Answer) -> None:
        with self.lock:
            self.answers.extend(answers)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_platforms_allowed(settings):
    """127.0.0.1 (the receiver's address) allowed by SYNC_ALLOWED_NETWORKS, as an operator allows
    a platform on its own network."""
    settings.SYNC_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver(local_platforms_allowed):
    platform = Receiver()
    yield platform
    platform.close()


@pytest.fixture
def closed_port(local_platforms_allowed) -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _clock_stopped(travel):
    """No test reads the real clock: it stands at 10:00 Beijing time on FILED_ON until moved."""


@pytest.fixture(autouse=True)
def _small_delivery_settings(settings):
    """Few tries and short back-offs; timeouts long enough that an answering receiver is never
    timed out on a slow machine (a test of the read timeout makes it short and the receiver hang)."""
    settings.REPAIRFLOW_SYNC_CONNECT_TIMEOUT_SECONDS = 5.0
    settings.REPAIRFLOW_SYNC_READ_TIMEOUT_SECONDS = 5.0
    settings.REPAIRFLOW_SYNC_MAX_ATTEMPTS = 3
    settings.REPAIRFLOW_SYNC_BACKOFF_SECONDS = 10.0
    settings.REPAIRFLOW_SYNC_BACKOFF_MAX_SECONDS = 60.0
    settings.REPAIRFLOW_SYNC_SWEEP_SECONDS = 60.0


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """The deliveries handed to the workers (`deliver.apply_async`), as (delivery id, countdown), in
    order; none reaches a real broker. The relay hands them when it runs; the services that queue
    directly (a retry, the next in line after an acknowledgement, resume, requeue) do so after
    commit, which a test sees with `django_capture_on_commit_callbacks(execute=True)`."""
    calls: list[tuple[int, float | None]] = []

    def apply_async(args, countdown=None, **options):
        calls.append((args[0], countdown))

    monkeypatch.setattr(tasks.deliver, "apply_async", apply_async)
    return calls


def subscribe(url: str, *, name: str = "省信用平台", events: list[str] | None = None, **fields) -> Subscription:
    return Subscription.objects.create(name=name, url=url, secret=SECRET, events=events or [], **fields)


@pytest.fixture
def platform(db, receiver):
    """The provincial platform, subscribed to every event and required."""
    return subscribe(receiver.url)


@pytest.fixture
def record(company, scj):
    """The company's general administrative penalty from market regulation, decided 2026-01-05."""
    return CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕1号")


@pytest.fixture
def replied_objection(travel, record, company_user, office, officer_scj):
    """The company's objection to `record`, replied by market regulation with a correction of the
    title, awaiting the office's confirmation."""
    objection = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="标题有误。"
    )
    objections.objection_accept(actor=office, number=objection.number)
    objections.objection_forward(actor=office, number=objection.number)
    objections.objection_reply(
        actor=officer_scj,
        number=objection.number,
        outcome="correct",
        explanation="经核实，标题有误，予以更正。",
        corrected_fields={"title": "未按规定报送年度报告"},
    )
    return Objection.objects.get(number=objection.number)


@pytest.fixture
def approved_repair(travel, record, evidence, company_user, office, officer_scj):
    """The company's repair application for `record`, approved by market regulation, awaiting execution."""
    proof = evidence(company_user, "罚款缴纳凭证.pdf")
    application = repairs.repair_submit(
        actor=company_user,
        record=record,
        statement="罚款已缴清。",
        commitment=True,
        materials=[Material(MaterialKind.PERFORMANCE_PROOF, proof)],
    )
    repairs.repair_accept(actor=office, number=application.number)
    repairs.repair_forward(actor=office, number=application.number)
    repairs.repair_approve(actor=officer_scj, number=application.number, reason="已履行处罚决定")
    return RepairApplication.objects.get(number=application.number)
