"""Logs: one line per event, JSON in production (LOG_FORMAT, settings.py "Logs"), each carrying the
id of the request it was written for.

The id lives in a context variable while a request is served (RequestIdMiddleware sets it, the
signal request_finished forgets it; each thread has its own), and RequestIdFilter copies it onto
every record, so that a line of any library, written anywhere while the request runs, carries
it. A Celery task queued while a request is served carries the id in its message, and the
worker's lines while it runs the task carry it too (repairflow/celery.py connects the signals).
gunicorn's own lines and its access log go through GunicornLogger, in the same shape; the
access log reads the id off the response's X-Request-ID header."""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from gunicorn.glogging import Logger

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "request_id"  # a Celery message's header: the request that queued the task
NO_REQUEST = "-"
# An id a trusted proxy sends is kept if it is made of these (a UUID, a trace id...); else a new one.
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")

request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def new_request_id() -> str:
    return uuid.uuid4().hex


def forget_request_id(**kwargs) -> None:
    """When a response is closed (the signal request_finished): lines from then on belong to no request."""
    request_id.set(NO_REQUEST)


def request_id_to_task(headers=None, **kwargs) -> None:
    """When a task is queued (the signal before_task_publish): one queued while a request is served
    carries the request's id in its message's headers."""
    current = request_id.get()
    if headers is not None and current != NO_REQUEST:
        headers.setdefault(TASK_HEADER, current)


def request_id_from_task(task=None, **kwargs) -> None:
    """When a worker starts a task (task_prerun): its lines carry the id of the request that queued
    it, or none. (A task run eagerly, inside the caller, keeps the caller's.)"""
    if task is not None and not task.request.is_eager:
        request_id.set(getattr(task.request, TASK_HEADER, None) or NO_REQUEST)


def request_id_after_task(task=None, **kwargs) -> None:
    """When a worker has run a task (task_postrun): lines from then on belong to no request."""
    if task is not None and not task.request.is_eager:
        request_id.set(NO_REQUEST)


def acceptable_request_id(value: str | None) -> bool:
    return bool(value) and ACCEPTED_REQUEST_ID.fullmatch(value) is not None


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (`-` outside a request); a record that has
    one already (gunicorn's access log) keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return True


# What every LogRecord has: anything else on a record was given as `extra` and is written out.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's extra fields, and the exception's traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Development's lines: time, level, logger, [request id], message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return super().format(record)


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


class GunicornLogger(Logger):
    """gunicorn's logs (gunicorn.conf.py `logger_class`) in the format of the application's: its
    own lines, and one access line per request with the request's id and its fields (method,
    path, status, duration_ms, bytes, remote_addr, user_agent)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from django.conf import settings

        formatter = formatter_for(settings.LOG_FORMAT)
        for logger in (self.error_log, self.access_log):
            for handler in logger.handlers:
                handler.setFormatter(formatter)
                handler.addFilter(RequestIdFilter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        path = req.path + (f"?{req.query}" if req.query else "")
        fields = {
            "request_id": headers.get(REQUEST_ID_HEADER.lower(), NO_REQUEST),
            "method": req.method,
            "path": path,
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR", NO_REQUEST),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info(
                "%s %s %s %sms", req.method, path, fields["status"], fields["duration_ms"], extra=fields
            )
        except Exception:  # gunicorn's own access() never lets logging fail a request
            self.error(f"Failed to log the access of {path}")
