"""What the repair tests share: the API calls an application goes through (`apply`, `act`), a
snapshot to show that a refusal changed nothing, and applications already driven to each state
by the services. The record is the company's general penalty decided 2026-01-05: its minimum
period ended 2026-04-05, so an application on FILED_ON (2026-09-28) is eligible."""

import pytest

from repairflow.cases.models import Notice
from repairflow.cases.selectors import case_timeline
from repairflow.cases.services import case_lapse
from repairflow.deadlines.services import case_deadlines
from repairflow.notifications.models import Notification
from repairflow.repair import services
from repairflow.repair.models import MaterialKind, RepairApplication, RepairBan
from repairflow.repair.services import Material
from tests.factories import CreditRecordFactory

URL = "/api/v1/repairs/"


def apply(api, user, record, /, proof=None, **overrides):
    """`POST /api/v1/repairs/` as `user` on `record`, with `proof` as the proof of performance."""
    body = {
        "record": record.pk,
        "statement": "罚款已于2026年2月缴清，违法行为已整改完毕。",
        "commitment": True,
        "contact_phone": "0531-86000000",
        "materials": [{"kind": MaterialKind.PERFORMANCE_PROOF, "attachment": proof.pk}] if proof else [],
        **overrides,
    }
    return api.as_user(user).post(URL, body, format="json")


def act(api, user, number: str, action: str, **body):
    """`POST /api/v1/repairs/{number}/{action}/` as `user`."""
    return api.as_user(user).post(f"{URL}{number}/{action}/", body, format="json")


def read(api, user, number: str):
    return api.as_user(user).get(f"{URL}{number}/")


def snapshot(number: str) -> tuple:
    """What a refused action must leave as it was: the application's state and history, its
    timeline, its record's state and version, its clocks, materials, bans, notices and
    notifications."""
    application = RepairApplication.objects.select_related("record").get(number=number)
    clocks = case_deadlines(application).order_by("id")
    return (
        application.state,
        application.history.count(),
        application.eligibility,
        case_timeline(application).count(),
        application.record.state,
        application.record.version,
        [(d.step, d.status, d.due_on, d.ended_on, d.history.count()) for d in clocks],
        list(application.materials.values_list("kind", "attachment_id", "issued_on")),
        RepairBan.objects.count(),
        Notice.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def record(company, scj):
    """The company's general administrative penalty from market regulation, decided 2026-01-05."""
    return CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕1号")


@pytest.fixture
def proof(evidence, company_user):
    """The company's proof of performance (the fine's receipt), uploaded by its account."""
    return evidence(company_user, "罚款缴纳凭证.pdf")


# The actions that bring a filed application to each state, in order.
PATHS = {
    "submitted": [],
    "needs_supplement": ["request-supplement"],
    "accepted": ["accept"],
    "reviewing": ["accept", "forward"],
    "approved": ["accept", "forward", "approve"],
    "published": ["accept", "forward", "approve", "execute"],
    "denied": ["accept", "forward", "deny"],
    "rejected": ["reject"],
    "lapsed": ["request-supplement", "lapse"],
    "withdrawn": ["withdraw"],
    "revoked": ["accept", "forward", "approve", "execute", "revoke"],
}


@pytest.fixture
def repair_in(travel, record, proof, company_user, office, officer_scj):
    """`repair_in(state)`: the company's application for `record`, filed on FILED_ON with its
    commitment and proof, and driven to `state` by the office, the subject and market regulation."""
    steps = {
        "request-supplement": lambda number: services.repair_request_supplement(
            actor=office, number=number, missing="罚款缴纳凭证原件扫描件"
        ),
        "accept": lambda number: services.repair_accept(actor=office, number=number),
        "forward": lambda number: services.repair_forward(actor=office, number=number),
        "approve": lambda number: services.repair_approve(actor=officer_scj, number=number, reason="已履行处罚决定"),
        "deny": lambda number: services.repair_deny(actor=officer_scj, number=number, reason="整改不到位"),
        "execute": lambda number: services.repair_execute(actor=office, number=number),
        "revoke": lambda number: services.repair_revoke(actor=office, number=number, reason="缴费凭证系伪造"),
        "reject": lambda number: services.repair_reject(actor=office, number=number, reason="不属于受理范围"),
        "withdraw": lambda number: services.repair_withdraw(actor=company_user, number=number, reason="暂不申请"),
        "lapse": lambda number: case_lapse(RepairApplication.objects.get(number=number)),
    }

    def drive(state: str) -> RepairApplication:
        application = services.repair_submit(
            actor=company_user,
            record=record,
            statement="罚款已缴清。",
            commitment=True,
            materials=[Material(MaterialKind.PERFORMANCE_PROOF, proof)],
        )
        for step in PATHS[state]:
            steps[step](application.number)
        application = RepairApplication.objects.get(number=application.number)
        assert application.state == state
        return application

    return drive
