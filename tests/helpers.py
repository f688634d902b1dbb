"""What the tests of every kind of case share: a clock stopped on a real 2026 working day, the
error bodies of docs/api.md, the throttles' history emptied, a case's timeline and clocks as
tuples, its record and history through the API, who was notified, and evidence to upload."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.core.errors import INVALID_INPUT, TRANSITION_NOT_ALLOWED
from repairflow.core.models import Attachment
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import attachment_upload
from repairflow.notifications.models import Notification
from tests.files import PDF_BYTES
from tests.i18n import in_chinese

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-09-28, the working day after 中秋 (9/25–9/27) and two before 国庆 (10/1–10/7).
FILED_ON = date(2026, 9, 28)
NOT_FOUND = {"error": "not_found", "detail": "未找到。"}


def invalid(fields: dict) -> dict:
    return {"error": "invalid", "detail": in_chinese(INVALID_INPUT), "fields": fields}


def forbidden() -> dict:
    return {"error": "forbidden", "detail": in_chinese(ROLE_NOT_ALLOWED)}


def conflict(message) -> dict:
    return {"error": "conflict", "detail": in_chinese(message)}


def not_allowed(state: str, allowed: list[str]) -> dict:
    return {
        "error": "transition_not_allowed",
        "detail": in_chinese(TRANSITION_NOT_ALLOWED),
        "state": state,
        "allowed": allowed,
    }


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def travel():
    """The clock stopped at 10:00 Beijing time on FILED_ON; `travel(day)` moves it to another day."""
    traveller = time_machine.travel(at(FILED_ON), tick=False)
    coordinates = traveller.start()

    def to(day: date, hour: int = 10) -> None:
        coordinates.move_to(at(day, hour))

    yield to
    traveller.stop()


@pytest.fixture
def throttle_history_empty(db):
    """The throttles' history (kept in the cache, a database table) empty before and after the test."""
    cache.clear()
    yield
    cache.clear()


def timeline(body: dict) -> list[tuple]:
    """The timeline of an objection's body as (action, from, to, actor)."""
    return [(step["action"], step["from"], step["to"], step["actor"]) for step in body["timeline"]]


def clocks(body: dict) -> list[tuple]:
    """The deadlines of an objection's body as (step, department, started_on, due_on, status, ended_on)."""
    return [
        (clock["step"], clock["department"], clock["started_on"], clock["due_on"], clock["status"], clock["ended_on"])
        for clock in body["deadlines"]
    ]


def record_of(api, user, record) -> dict:
    return api.as_user(user).get(f"/api/v1/records/{record.pk}/").json()


def record_history(api, user, record) -> list[dict]:
    return api.as_user(user).get(f"/api/v1/records/{record.pk}/history/").json()


def told(kind: str) -> list[str]:
    """Who was notified of `kind`, by user name."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def evidence(settings, tmp_path):
    """`evidence(user)`: a PDF the user uploaded."""
    settings.MEDIA_ROOT = tmp_path

    def upload(user, name: str = "处罚决定书.pdf") -> Attachment:
        return attachment_upload(actor=user, upload=SimpleUploadedFile(name, PDF_BYTES))

    return upload
