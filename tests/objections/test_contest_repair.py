"""Objecting to a denied repair (docs/api.md "Cases: feedback and repeats"; issue 17, 5): from
the denied application's page the subject files an objection that names it (`contests_repair`);
when the objection's outcome found for the subject is confirmed, the application returns to the
department's review on a new clock; when the record is maintained, it stays denied. Anything
else named as contested is refused, and nothing is filed."""

from datetime import date

import pytest

from repairflow.objections import services
from repairflow.objections.api import UNKNOWN_CONTESTED
from repairflow.objections.models import Objection, ObjectionState
from repairflow.objections.services import CONTESTED_ELSEWHERE, NOT_CONTESTABLE, NOT_THE_SUBJECTS
from repairflow.repair import services as repairs
from repairflow.repair.models import MaterialKind, RepairApplication, RepairState
from repairflow.repair.services import Material
from tests.factories import CreditRecordFactory, CreditSubjectFactory
from tests.helpers import clocks, invalid, timeline, told
from tests.i18n import in_chinese
from tests.objections.conftest import file_objection
from tests.repair.conftest import read as read_repair
from tests.repair.conftest import snapshot as repair_snapshot

UPHELD = {"outcome": "correct", "explanation": "经核查，整改情况属实。", "corrected_fields": {"title": "已整改"}}
MAINTAINED = {"outcome": "maintain", "explanation": "经核查，整改不到位。"}


@pytest.fixture
def repair_to(travel, evidence, office, officer_scj):
    """`repair_to(record, state, actor)`: an application for `record` filed by `actor` (the
    subject, or the office for it), accepted, forwarded and, for "denied", denied by market
    regulation."""

    def drive(record, state, actor) -> RepairApplication:
        proof = evidence(actor, "罚款缴纳凭证.pdf")
        application = repairs.repair_submit(
            actor=actor,
            record=record,
            statement="罚款已缴清。",
            commitment=True,
            materials=[Material(MaterialKind.PERFORMANCE_PROOF, proof)],
        )
        repairs.repair_accept(actor=office, number=application.number)
        repairs.repair_forward(actor=office, number=application.number)
        if state == "denied":
            repairs.repair_deny(actor=officer_scj, number=application.number, reason="整改不到位")
        return RepairApplication.objects.get(number=application.number)

    return drive


@pytest.fixture
def denied(repair_to, record, company_user):
    return repair_to(record, "denied", company_user)


def contest(api, user, record, number, **overrides):
    return file_objection(api, user, record, grounds=["other"], contests_repair=number, **overrides)


def decide(objection_number, reply, office, officer_scj, travel):
    """The objection accepted, verified by market regulation with `reply`, and confirmed on 2026-10-12."""
    services.objection_accept(actor=office, number=objection_number)
    services.objection_forward(actor=office, number=objection_number)
    services.objection_reply(actor=officer_scj, number=objection_number, **reply)
    travel(date(2026, 10, 12))
    services.objection_confirm(actor=office, number=objection_number)


def test_the_subject_objects_to_its_denied_repair_and_the_objection_names_it(api, denied, record, company_user):
    answer = contest(api, company_user, record, denied.number)

    assert answer.status_code == 201, answer.json()
    assert answer.json()["contests_repair"] == denied.number
    assert Objection.objects.get(number=answer.json()["number"]).contests_repair == denied


def test_an_ordinary_objection_contests_nothing(api, travel, record, company_user):
    assert file_objection(api, company_user, record).json()["contests_repair"] is None


def test_an_upheld_objection_returns_the_repair_to_review_on_a_new_clock(
    api, denied, record, company_user, office, officer_scj, travel
):
    number = contest(api, company_user, record, denied.number).json()["number"]

    decide(number, UPHELD, office, officer_scj, travel)

    body = read_repair(api, office, denied.number).json()
    assert body["state"] == "reviewing"
    assert timeline(body)[-2:] == [
        ("deny", "reviewing", "denied", "dept-scj"),
        ("review-again", "denied", "reviewing", "office"),
    ]
    assert number in body["timeline"][-1]["comment"]
    assert clocks(body)[-1] == ("repair_decision", "SCJ", "2026-10-12", "2026-10-21", "running", None)
    application = RepairApplication.objects.get(number=denied.number)
    assert (application.decision_reason, application.decided_at) == ("", None)
    assert told("repair.forwarded") == ["dept-scj", "dept-scj"]
    assert "reject" not in body["allowed_actions"]
    # the department decides again
    repairs.repair_approve(actor=officer_scj, number=denied.number, reason="整改到位")
    assert RepairApplication.objects.get(number=denied.number).state == "approved"


def test_a_maintained_objection_leaves_the_repair_denied(
    api, denied, record, company_user, office, officer_scj, travel
):
    number = contest(api, company_user, record, denied.number).json()["number"]
    before = the_application(denied.number)

    decide(number, MAINTAINED, office, officer_scj, travel)

    assert Objection.objects.get(number=number).state == "published"
    assert the_application(denied.number) == before


def the_application(number: str) -> tuple:
    """What the objection must leave of the application: its state, history, timeline and clocks
    (its record is the objection's too: marked, then cleared)."""
    state, history, _eligibility, steps, _record_state, _version, deadlines, *_rest = repair_snapshot(number)
    return state, history, steps, deadlines


# --- Refused: nothing is filed ----------------------------------------------------------------------


def test_a_repair_that_is_not_denied_cannot_be_contested(api, repair_to, record, company_user):
    reviewing = repair_to(record, "reviewing", company_user)

    answer = contest(api, company_user, record, reviewing.number)

    message = in_chinese(NOT_CONTESTABLE) % {
        "number": reviewing.number,
        "state": in_chinese(RepairState.REVIEWING.label),
    }
    assert (answer.status_code, answer.json()) == (400, invalid({"contests_repair": [message]}))
    assert not Objection.objects.exists()


def test_another_subject_s_repair_is_unknown_to_the_subject(api, repair_to, record, scj, company_user, office, travel):
    stranger = CreditSubjectFactory()
    theirs = repair_to(CreditRecordFactory(subject=stranger, department=scj), "denied", office)

    answer = contest(api, company_user, record, theirs.number)

    message = in_chinese(UNKNOWN_CONTESTED) % {"number": theirs.number}
    assert (answer.status_code, answer.json()) == (400, invalid({"contests_repair": [message]}))
    assert not Objection.objects.exists()


def test_the_office_may_not_contest_another_subject_s_repair_for_the_subject(
    api, repair_to, record, scj, company, office
):
    stranger = CreditSubjectFactory()
    theirs = repair_to(CreditRecordFactory(subject=stranger, department=scj), "denied", office)

    answer = contest(api, office, record, theirs.number, subject_id=company.identifier)

    message = in_chinese(NOT_THE_SUBJECTS) % {"number": theirs.number}
    assert (answer.status_code, answer.json()) == (400, invalid({"contests_repair": [message]}))
    assert not Objection.objects.exists()


def test_a_repair_about_another_record_is_contested_on_that_record(api, repair_to, record, company, scj, company_user):
    other = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕7号")
    denied_elsewhere = repair_to(other, "denied", company_user)

    answer = contest(api, company_user, record, denied_elsewhere.number)

    message = in_chinese(CONTESTED_ELSEWHERE) % {"number": denied_elsewhere.number}
    assert (answer.status_code, answer.json()) == (400, invalid({"contests_repair": [message]}))
    assert not Objection.objects.exists()


def test_an_objection_is_not_a_decision_to_contest(api, travel, record, company_user, office):
    earlier = services.objection_submit(actor=company_user, record=record, grounds=["other"], statement="有误")
    services.objection_reject(actor=office, number=earlier.number, reason="不予受理")

    answer = contest(api, company_user, record, earlier.number)

    message = in_chinese(NOT_CONTESTABLE) % {
        "number": earlier.number,
        "state": in_chinese(ObjectionState.REJECTED.label),
    }
    assert (answer.status_code, answer.json()) == (400, invalid({"contests_repair": [message]}))
    assert Objection.objects.count() == 1


# --- The pages ----------------------------------------------------------------------------------------


def test_the_denied_repair_page_leads_the_subject_to_an_objection_that_names_it(client, denied, record, company_user):
    client.force_login(company_user)
    page = client.get(f"/repairs/{denied.number}/").content.decode()
    link = f"/objections/new/?record={record.pk}&amp;contests={denied.number}"
    assert f'href="{link}"' in page

    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'id="contests"' in form and f'name="contests_repair" value="{denied.number}"' in form
    answer = client.post(
        f"/objections/new/?record={record.pk}",
        {"grounds": ["other"], "statement": "整改已完成，部门未核实。", "contests_repair": denied.number},
    )

    assert answer.status_code == 302
    objection = Objection.objects.get()
    assert objection.contests_repair == denied
    shown = client.get(f"/objections/{objection.number}/").content.decode()
    assert f'href="/repairs/{denied.number}/"' in shown
    assert f'href="/objections/{objection.number}/"' in client.get(f"/repairs/{denied.number}/").content.decode()


def test_no_way_to_object_from_a_repair_that_is_not_denied_nor_for_a_department(
    client, repair_to, record, company_user, officer_scj
):
    reviewing = repair_to(record, "reviewing", company_user)
    client.force_login(company_user)
    assert 'id="contest"' not in client.get(f"/repairs/{reviewing.number}/").content.decode()
    repairs.repair_deny(actor=officer_scj, number=reviewing.number, reason="整改不到位")
    client.force_login(officer_scj)
    assert 'id="contest"' not in client.get(f"/repairs/{reviewing.number}/").content.decode()
