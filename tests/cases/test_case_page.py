"""A case's page tells the whole story: what the case changed on its record (before and after) and,
to staff, where each change was sent and where it stands with each platform."""

import pytest

from repairflow.objections import services as objections
from repairflow.records.models import EventType, Subscription
from tests.factories import CreditRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(travel, company, company_user, scj, office, officer_scj):
    """An objection whose confirmed correction was sent to a subscribed platform."""
    Subscription.objects.create(
        name="信用中国（测试）", url="http://127.0.0.1:9/hook", secret="s", events=[EventType.RECORD_CORRECTED]
    )
    record = CreditRecordFactory(subject=company, department=scj)
    objection = objections.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="有误"
    )
    objections.objection_accept(actor=office, number=objection.number)
    objections.objection_forward(actor=office, number=objection.number)
    objections.objection_reply(
        actor=officer_scj,
        number=objection.number,
        outcome="correct",
        explanation="罚款金额有误",
        corrected_fields={"content": "责令改正，罚款五百元。"},
    )
    objections.objection_confirm(actor=office, number=objection.number)
    return objection


def page_of(client, user, objection) -> str:
    client.force_login(user)
    return client.get(f"/objections/{objection.number}/").content.decode()


def test_the_page_shows_the_record_before_and_after_the_case(client, corrected, office, company_user):
    for user in (office, company_user):
        page = page_of(client, user, corrected)
        assert "本案对记录的改动" in page
        assert "责令改正，罚款一千元。 → 责令改正，罚款五百元。" in page


def test_staff_see_where_each_change_was_sent(client, corrected, office, company_user):
    assert "信用中国（测试）" in page_of(client, office, corrected)
    assert "信用中国（测试）" not in page_of(client, company_user, corrected)
