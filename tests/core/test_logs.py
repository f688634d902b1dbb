"""Logs (repairflow/core/logs.py): every request has an id, on its response's X-Request-ID header
and on every log line written while it is served, and on the tasks it queues and their lines in
the worker; a trusted proxy's id is kept; lines are JSON with their fields, or text. (gunicorn's
access log in the same shape: tests/core/test_serving.py.)"""

import json
import logging
import re

import pytest
from celery import current_app
from celery.app.trace import build_tracer
from celery.signals import before_task_publish

from repairflow.core.logs import NO_REQUEST, JsonFormatter, RequestIdFilter, TextFormatter, request_id
from repairflow.core.tasks import purge_idempotency_keys

NEW_ID = re.compile(r"[0-9a-f]{32}")


class Lines(logging.Handler):
    """The lines the project's console handler would write: the request id filter, then `formatter`."""

    def __init__(self, formatter):
        super().__init__(logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines():
    handler = Lines(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


def test_a_trusted_proxys_request_id_is_kept(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address

    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a.42")

    assert response["X-Request-ID"] == "edge-7f3a.42"


def test_a_request_id_from_anyone_else_is_replaced(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]

    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")

    assert NEW_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.parametrize("sent", ["", "two words", "x" * 129, "line\nbreak", "引号"])
def test_an_implausible_request_id_from_a_trusted_proxy_is_replaced(client, settings, sent):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]

    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert NEW_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_every_line_written_while_serving_carries_the_requests_id(client, json_lines):
    response = client.get("/no-such-page/")  # django.request logs the 404 while the request is served

    lines = [json.loads(line) for line in json_lines]
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert response.status_code == 404
    assert not_found and all(line["request_id"] == response["X-Request-ID"] for line in not_found)
    assert not_found[0]["message"] == "Not Found: /no-such-page/"


def test_the_id_is_gone_once_the_request_is_served(client, json_lines):
    client.get("/healthz")
    logging.getLogger("repairflow.test").warning("after the request")

    assert request_id.get() == NO_REQUEST
    assert json.loads(json_lines[-1])["request_id"] == NO_REQUEST


def test_a_json_line_holds_the_records_fields_extras_and_exception(json_lines):
    token = request_id.set("r-1")
    try:
        try:
            raise ValueError("broken")
        except ValueError:
            logging.getLogger("repairflow.test").exception("failed on %s", "CASE-1", extra={"case": "CASE-1"})
    finally:
        request_id.reset(token)

    line = json.loads(json_lines[-1])
    assert line["level"] == "ERROR"
    assert line["logger"] == "repairflow.test"
    assert line["message"] == "failed on CASE-1"
    assert line["request_id"] == "r-1"
    assert line["case"] == "CASE-1"
    assert "ValueError: broken" in line["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_a_json_line_writes_chinese_as_it_is_and_any_value_it_can(json_lines):
    logging.getLogger("repairflow.test").info("异议已受理", extra={"at": object})

    line = json_lines[-1]
    assert "异议已受理" in line
    assert json.loads(line)["at"] == "<class 'object'>"


def test_a_text_line_carries_the_request_id():
    handler = Lines(TextFormatter())
    logger = logging.getLogger("repairflow.test.text")
    logger.addHandler(handler)
    token = request_id.set("r-2")
    try:
        logger.warning("hello")
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)

    assert re.fullmatch(r".+ WARNING repairflow\.test\.text \[r-2\] hello", handler.lines[-1])


def test_the_project_logs_through_the_filter_and_the_chosen_format(settings):
    console = settings.LOGGING["handlers"]["console"]

    assert console["filters"] == ["request_id"]
    assert console["formatter"] == settings.LOG_FORMAT == "text"  # development's default


# --- Celery tasks ---------------------------------------------------------------------------


@pytest.fixture
def published():
    """The headers of each task message published (to kombu's in-memory transport) while the test runs."""
    seen: list[dict] = []

    def keep(headers=None, **kwargs):
        seen.append(dict(headers))

    before_task_publish.connect(keep, weak=False, dispatch_uid="tests.core.test_logs")
    with current_app.connection_for_write("memory://") as connection:
        yield seen, connection
    before_task_publish.disconnect(dispatch_uid="tests.core.test_logs")


def test_a_task_queued_while_serving_carries_the_requests_id(published):
    seen, connection = published
    token = request_id.set("r-7")
    try:
        purge_idempotency_keys.apply_async(connection=connection)
    finally:
        request_id.reset(token)

    assert seen[-1]["task"] == purge_idempotency_keys.name
    assert seen[-1]["request_id"] == "r-7"


def test_a_task_queued_outside_a_request_carries_no_id(published):
    seen, connection = published

    purge_idempotency_keys.apply_async(connection=connection)

    assert "request_id" not in seen[-1]


@current_app.task(name="tests.core.test_logs.logged")
def logged():
    logging.getLogger("repairflow.test").info("in the task")


def run_as_a_worker(task, request: dict) -> None:
    """`task` run as a worker runs a message with these headers (Celery's tracer, not eagerly)."""
    build_tracer(task.name, task, app=current_app, eager=False)(f"task-{len(request)}", (), {}, request)


def test_a_workers_lines_carry_the_id_of_the_request_that_queued_the_task(json_lines):
    run_as_a_worker(logged, {"request_id": "r-8"})

    line = next(json.loads(line) for line in json_lines if json.loads(line)["message"] == "in the task")
    assert line["request_id"] == "r-8"
    assert request_id.get() == NO_REQUEST  # the next task starts with none


def test_a_task_queued_outside_a_request_logs_without_an_id(json_lines):
    run_as_a_worker(logged, {})

    line = next(json.loads(line) for line in json_lines if json.loads(line)["message"] == "in the task")
    assert line["request_id"] == NO_REQUEST


def test_a_task_run_eagerly_keeps_its_callers_id(json_lines):
    token = request_id.set("r-9")
    try:
        logged.apply()
        after = request_id.get()
    finally:
        request_id.reset(token)

    line = next(json.loads(line) for line in json_lines if json.loads(line)["message"] == "in the task")
    assert (line["request_id"], after) == ("r-9", "r-9")
