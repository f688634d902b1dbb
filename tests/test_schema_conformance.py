"""The API answers as `/api/schema/` says it does (docs/api.md "Errors, hardened": the schema declares
every error response of every operation), for every role and for anonymous callers: schemathesis
generates requests from the schema, valid and invalid, and each answer must be no server error,
with a status, a content type and a body the schema declares for that operation.

Everything runs in this process through the WSGI application (no network, not even loopback),
in the test's database transaction, on a small seeded world (departments, subjects, records, an
objection and a repair application in several states, an attachment, a subscription), so that
ids and case numbers in requests find something some of the time: the test maps part of the
generated path parameters onto the world's (`_known`), and leaves the rest as generated."""

import hashlib
import itertools
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import schemathesis
import schemathesis.openapi
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from repairflow.core.services import api_token_issue, attachment_upload
from repairflow.objections import services as objections
from repairflow.records import services as records
from repairflow.records.models import Delivery, RecordState
from repairflow.records.publication import Category, Severity
from repairflow.repair import services as repairs
from repairflow.repair.models import MaterialKind
from repairflow.sync import services as sync
from repairflow.wsgi import application
from tests.factories import CreditRecordFactory, MatterFactory
from tests.files import PDF_BYTES as PDF
from tests.helpers import FILED_ON
from tests.network import connections, resolver  # noqa: F401 - autouse: no DNS, no address but 127.0.0.1 and ::1

ROLES = ["office", "auditor", "department", "enterprise", "person", "anonymous"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

MAX_EXAMPLES = 10  # per operation, role and mode: ~1,000 requests a role
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@contextmanager
def connection_kept():
    """The WSGI handler closes the database connection after each request (`close_old_connections`),
    which would end the test's transaction (PostgreSQL); Django's test client keeps it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    """The schema as `/api/schema/` serves it, read once through the WSGI application."""
    with django_db_blocker.unblock(), connection_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def world(db, travel, settings, tmp_path, scj, hb, office, auditor, officer_scj, company, company_user, person_user):
    """The world the requests land in; `world["ids"]` and `world["numbers"]`: what paths may name."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the throttles' history
    # a platform subscribed first: the records' changes below each have a delivery, pending
    subscription = sync.subscription_create(
        actor=office, name="省平台", url="https://platform.example.com/hook", secret="s3cret-s3cret-s3cret"
    )
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕1号")
    unpublished = CreditRecordFactory(
        subject=company, department=scj, state=RecordState.UNPUBLISHED, decision_no="济市监罚〔2026〕9号"
    )  # no publication dates
    red = CreditRecordFactory(
        subject=company, department=hb, category=Category.RED_LIST, severity=None, decision_no="济环奖〔2026〕1号"
    )  # no severity
    listed = CreditRecordFactory(
        subject=company,
        department=scj,
        category=Category.SERIOUS_LIST,
        severity=Severity.SERIOUS,
        decision_no="济市监列严〔2025〕1号",
        decision_date=date(2025, 3, 3),  # its minimum period passed: a repair may be approved
    )
    personal = CreditRecordFactory(subject=person_user.credit_subject, department=hb, decision_no="济环罚〔2026〕7号")
    evidence = attachment_upload(actor=company_user, upload=SimpleUploadedFile("决定书.pdf", PDF))
    submitted = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="金额有误。", attachments=[evidence]
    )
    verifying = objections.objection_submit(
        actor=person_user, record=personal, grounds=["not_mine"], statement="不是我的记录。"
    )
    objections.objection_accept(actor=office, number=verifying.number, comment="")
    objections.objection_forward(actor=office, number=verifying.number, departments=[], comment="")
    decided_record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕2号")
    decided = objections.objection_submit(
        actor=company_user, record=decided_record, grounds=["incomplete"], statement="记录不完整。"
    )
    objections.objection_accept(actor=office, number=decided.number, comment="")
    objections.objection_decide_in_office(
        actor=office, number=decided.number, outcome="maintain", explanation="核实无误。", corrected_fields={}
    )
    objections.objection_confirm(actor=office, number=decided.number, comment="")
    proofs = [
        attachment_upload(actor=company_user, upload=SimpleUploadedFile(f"证明{n}.pdf", PDF + bytes([n])))
        for n in range(2)
    ]
    repair = repairs.repair_submit(
        actor=company_user,
        record=listed,
        statement="已整改。",
        commitment=True,
        materials=[
            repairs.Material(kind=MaterialKind.PERFORMANCE_PROOF, attachment=proofs[0]),
            repairs.Material(kind=MaterialKind.CREDIT_REPORT, attachment=proofs[1], issued_on=FILED_ON),
        ],
    )
    # approved by the department: `department` and `decided_by` shown
    repairs.repair_accept(actor=office, number=repair.number)
    repairs.repair_forward(actor=office, number=repair.number)
    repairs.repair_approve(actor=officer_scj, number=repair.number, reason="整改到位。")
    matter = MatterFactory(department=scj, code="CG-001", name="政府采购资格审查", kind="procurement")
    check = records.credit_check_run(actor=officer_scj, subject_id=company.identifier, matter=matter.code)
    delivery = Delivery.objects.order_by("pk").first()
    return {
        "records": [record.pk, listed.pk, personal.pk, unpublished.pk, red.pk],
        "path": {
            "id": [record.pk, personal.pk, unpublished.pk, red.pk, subscription.pk, check.pk, delivery.pk],
            "number": [submitted.number, verifying.number, decided.number, repair.number],
            "year": [2026, 2027],
        },
        "ids": [record.pk, listed.pk, personal.pk, unpublished.pk, red.pk, evidence.pk, subscription.pk, check.pk],
        "numbers": [submitted.number, verifying.number, decided.number, repair.number],
        "users": {
            "office": office,
            "auditor": auditor,
            "department": officer_scj,
            "enterprise": company_user,
            "person": person_user,
        },
    }


@pytest.fixture(params=ROLES)
def role(request):
    """Who calls: each role of docs/api.md, and nobody."""
    return request.param


def _known(value, choices: list):
    """Three in four of the generated values (by their digest) replaced by one of `choices`."""
    digest = hashlib.sha256(repr(value).encode()).digest()
    return choices[digest[1] % len(choices)] if digest[0] % 4 else value


def _with_known_ids(case, world) -> None:
    """Ids and case numbers in the path, and the record a new case is filed on, mostly the world's."""
    for name, value in list((case.path_parameters or {}).items()):
        if name == "id":
            case.path_parameters[name] = _known(value, world["ids"])
        elif name == "number":
            case.path_parameters[name] = _known(value, world["numbers"])
    if isinstance(case.body, dict) and "record" in case.body:
        case.body["record"] = _known(case.body["record"], world["records"])


def _plain_cases(operation, world):
    """The operation called with the world's ids and numbers and each value its path's enums
    allow, without query or body: what generated requests, filtered or malformed, seldom reach."""
    names, choices = [], []
    for parameter in operation.definition.raw.get("parameters", []):
        if parameter.get("in") != "path":
            continue
        name, schema = parameter["name"], parameter.get("schema", {})
        names.append(name)
        choices.append(schema.get("enum") or world["path"].get(name) or [1])
    for values in itertools.product(*choices):
        yield operation.Case(path_parameters=dict(zip(names, values, strict=True)))


def _generated(operation, mode, *, headers: dict, world) -> None:
    """MAX_EXAMPLES requests generated for `operation` in `mode`, each answered as declared."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,  # nothing kept under .hypothesis/
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is enough
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_declared(case):
        _with_known_ids(case, world)
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        answers_as_declared()
    except Unsatisfiable:  # nothing to make invalid (no parameter, no body): nothing to test
        assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label


def test_api_answers_as_its_schema_says(api_schema, role, world):
    with connection_kept():
        failures = _failures(api_schema, role, world)
    assert not failures, "\n\n".join(failures)


def _failures(api_schema, role, world) -> list[str]:
    failures = []  # every operation's failures, not the first one's only
    for result in api_schema.get_all_operations():
        operation = result.ok()
        cache.clear()  # the throttles' history: each operation starts with its rate unspent
        headers = {}
        if role != "anonymous":  # a token for each operation: `DELETE /api/v1/auth/token/` revokes it
            key, _token = api_token_issue(user=world["users"][role], ttl=timedelta(days=3650))
            headers["Authorization"] = f"Token {key}"
        for case in _plain_cases(operation, world):
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} {case.path_parameters}: {error}")
        for mode in MODES:
            try:
                _generated(operation, mode, headers=headers, world=world)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode}): {error}")
    return failures
