"""What the objection tests share: the API calls an objection goes through (`file_objection`,
`act`), a snapshot to show that a refusal changed nothing, and objections already driven to
each state by the services."""

import pytest

from repairflow.cases.models import Notice
from repairflow.cases.selectors import case_timeline
from repairflow.cases.services import case_lapse
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.objections import services
from repairflow.objections.models import Objection
from repairflow.records.publication import Category, Severity
from tests.factories import CreditRecordFactory

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
        "lapse": lambda number: case_lapse(Objection.objects.get(number=number)),
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
