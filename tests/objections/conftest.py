"""What the objection tests share: a clock stopped on a real 2026 working day, the API calls an
objection goes through (`file_objection`, `act`), a snapshot to show that a refusal changed
nothing, and objections already driven to each state by the services."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.core.cases import case_timeline
from repairflow.core.errors import INVALID_INPUT, TRANSITION_NOT_ALLOWED
from repairflow.core.models import Attachment, Notice
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import attachment_upload
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.objections import services
from repairflow.objections.models import Objection
from repairflow.records.publication import Category, Severity
from tests.factories import CreditRecordFactory, UserFactory
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


# --- Through the API ------------------------------------------------------------------------------


def file_objection(api, user, record, /, **overrides):
    """`POST /api/v1/objections/` as `user` on `record`."""
    body = {
        "record": record.pk,
        "grounds": ["content_error"],
        "statement": "处罚决定书载明的罚款金额有误。",
        "requested_change": "更正罚款金额",
        "contact_phone": "0531-86000000",
        **overrides,
    }
    return api.as_user(user).post("/api/v1/objections/", body, format="json")


def act(api, user, number: str, action: str, **body):
    """`POST /api/v1/objections/{number}/{action}/` as `user`."""
    return api.as_user(user).post(f"/api/v1/objections/{number}/{action}/", body, format="json")


def read(api, user, number: str):
    return api.as_user(user).get(f"/api/v1/objections/{number}/")


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
        content = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        return attachment_upload(actor=user, upload=SimpleUploadedFile(name, content))

    return upload


def snapshot(number: str) -> tuple:
    """What a refused action must leave as it was: the case's state and history, its timeline,
    its record's version and mark, its clocks, its verifications, the notices and notifications."""
    objection = Objection.objects.select_related("record").get(number=number)
    return (
        objection.state,
        objection.history.count(),
        case_timeline(objection).count(),
        objection.record.version,
        objection.record.under_objection,
        [(d.step, d.status, d.due_on, d.ended_on, d.history.count()) for d in case_deadlines(objection).order_by("id")],
        [(v.department_id, v.replied_at, v.outcome, v.history.count()) for v in objection.verifications.order_by("id")],
        Notice.objects.count(),
        Notification.objects.count(),
    )


# --- Parties and records --------------------------------------------------------------------------


@pytest.fixture
def other_subject_user(db):
    return UserFactory(username="subject-b", subject=True)


@pytest.fixture
def record(company, scj):
    """The company's general administrative penalty from market regulation, decided 2026-01-05."""
    return CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕1号")


@pytest.fixture
def list_record(company, scj):
    """The company's entry in the serious dishonesty list."""
    return CreditRecordFactory(
        subject=company,
        department=scj,
        category=Category.SERIOUS_LIST,
        severity=Severity.SERIOUS,
        decision_no="济市监列严〔2026〕1号",
        title="列入严重违法失信名单",
    )


# --- Objections already in a state (driven by the services) ---------------------------------------

DEPARTMENT_REPLY = {"outcome": "maintain", "explanation": "经核实，记录无误。"}


# The actions that bring a filed objection to each state, in order.
PATHS = {
    "submitted": [],
    "needs_supplement": ["request-supplement"],
    "accepted": ["accept"],
    "verifying": ["accept", "forward"],
    "replied": ["accept", "forward", "reply"],
    "published": ["accept", "forward", "reply", "confirm"],
    "rejected": ["reject"],
    "lapsed": ["request-supplement", "lapse"],
    "withdrawn": ["withdraw"],
}


@pytest.fixture
def objection_in(travel, record, company_user, office, officer_scj):
    """`objection_in(state)`: the company's objection to `record`, filed on FILED_ON and driven
    to `state` by the office, the subject and market regulation (maintaining the record)."""
    steps = {
        "request-supplement": lambda number: services.objection_request_supplement(
            actor=office, number=number, missing="处罚决定书复印件"
        ),
        "accept": lambda number: services.objection_accept(actor=office, number=number),
        "forward": lambda number: services.objection_forward(actor=office, number=number),
        "reply": lambda number: services.objection_reply(actor=officer_scj, number=number, **DEPARTMENT_REPLY),
        "confirm": lambda number: services.objection_confirm(actor=office, number=number),
        "reject": lambda number: services.objection_reject(actor=office, number=number, reason="不属于本平台受理范围"),
        "withdraw": lambda number: services.objection_withdraw(
            actor=company_user, number=number, reason="已与部门沟通"
        ),
        "lapse": lambda number: services.objection_lapse(case=Objection.objects.get(number=number), deadline=None),
    }

    def drive(state: str) -> Objection:
        objection = services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        )
        for step in PATHS[state]:
            steps[step](objection.number)
        objection = Objection.objects.get(number=objection.number)
        assert objection.state == state
        return objection

    return drive
