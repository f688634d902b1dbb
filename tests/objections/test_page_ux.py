"""The objection pages share the case pages' second step: a rejection or a withdrawal is asked
about first and taken only when confirmed; a rejection without its reason is refused at once
(the API's words), not asked about; the forwarding names the departments, not their codes."""

import re
from datetime import datetime

import pytest

from repairflow.cases.services import REASON_REQUIRED
from repairflow.objections import services
from repairflow.objections.models import Objection, ObjectionState
from tests.factories import CreditRecordFactory
from tests.helpers import SHANGHAI
from tests.i18n import in_chinese
from tests.pages import page, text


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def objection(company, scj, company_user):
    record = CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕61号")
    return services.objection_submit(actor=company_user, record=record, grounds=["content_error"], statement="有误。")


def url(objection, action=None) -> str:
    return f"/objections/{objection.number}/" + (f"{action}/" if action else "")


def test_a_rejection_is_asked_about_then_taken(client, objection, office):
    client.force_login(office)

    asked = client.post(url(objection, "reject"), {"reason": "不属于受理范围。"})

    assert asked.status_code == 200
    assert 'id="confirm-reject"' in page(asked) and 'class="danger"' in page(asked)
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.SUBMITTED

    done = client.post(url(objection, "reject"), {"reason": "不属于受理范围。", "confirmed": "1"})

    assert done.status_code == 302
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.REJECTED


def test_a_rejection_without_its_reason_is_refused_not_asked_about(client, objection, office):
    client.force_login(office)

    response = client.post(url(objection, "reject"), {"reason": ""})

    assert response.status_code == 400
    assert 'id="confirm-reject"' not in page(response)
    assert in_chinese(REASON_REQUIRED) in text(response)
    field = re.search(r'<textarea[^>]*name="reason"[^>]*>', page(response)).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_reject_reason_error"' in field
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.SUBMITTED


def test_the_forwarding_names_the_departments(client, objection, office, company_user):
    services.objection_accept(actor=office, number=objection.number)
    services.objection_forward(actor=office, number=objection.number)
    client.force_login(company_user)

    shown = text(client.get(url(objection)))

    assert "市场监督管理局" in shown and "SCJ" not in shown
