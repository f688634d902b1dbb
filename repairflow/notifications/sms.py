"""SMS goes through a backend named by `REPAIRFLOW_SMS_BACKEND`, as e-mail goes through
EMAIL_BACKEND: a class with `send(number, text)`. The embedded default appends each message to a
file under var/ (`REPAIRFLOW_SMS_FILE`), where a developer running `make run` reads the codes and
notices sent from any process; the console and the log backends print them instead; a gateway's
client plugs in the same way."""

import logging
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, number: str, text: str) -> None: ...


def _line(number: str, text: str) -> str:
    """One message on one line: when, to whom, what (its line breaks shown as spaces)."""
    return f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {number} {' '.join(text.splitlines())}\n"


class FileSmsBackend:
    def send(self, number: str, text: str) -> None:
        path = Path(settings.REPAIRFLOW_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(_line(number, text))


class ConsoleSmsBackend:
    def send(self, number: str, text: str) -> None:
        sys.stdout.write(_line(number, text))
        sys.stdout.flush()


class LogSmsBackend:
    def send(self, number: str, text: str) -> None:
        logger.info("SMS to %s: %s", number, text)


def sms_backend() -> SmsBackend:
    return import_string(settings.REPAIRFLOW_SMS_BACKEND)()
