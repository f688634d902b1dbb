"""SMS goes through a backend named by `REPAIRFLOW_SMS_BACKEND`: a class with
`send(number, text)`. The default writes each message to the log; a gateway's client plugs in
the same way."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, number: str, text: str) -> None: ...


class LogSmsBackend:
    def send(self, number: str, text: str) -> None:
        logger.info("SMS to %s: %s", number, text)


def sms_backend() -> SmsBackend:
    return import_string(settings.REPAIRFLOW_SMS_BACKEND)()
