"""`seed_demo` leaves objections in several states, made through the services, and is idempotent."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from repairflow.core.cases import case_timeline
from repairflow.core.models import Notice, User
from repairflow.objections.models import Objection, ObjectionState
from repairflow.records.models import CreditRecord


@pytest.mark.django_db
def test_seed_demo_files_objections_in_several_states_once(client):
    call_command("seed_demo", stdout=None)
    records, notices = CreditRecord.objects.count(), Notice.objects.count()

    call_command("seed_demo", stdout=None)

    objections = Objection.objects.order_by("number")
    assert [objection.state for objection in objections] == [
        ObjectionState.SUBMITTED,
        ObjectionState.VERIFYING,
        ObjectionState.PUBLISHED,
    ]
    assert (CreditRecord.objects.count(), Notice.objects.count()) == (records, notices)
    published = objections.last()
    assert [step.action for step in case_timeline(published)] == [
        "submit",
        "accept",
        "forward",
        "reply",
        "confirm",
        "publish",
    ]
    assert "已于次日完成整改" in published.record.content
    assert not published.record.under_objection
    assert objections[1].record.under_objection


@pytest.mark.django_db
def test_the_office_sees_the_demo_objections_in_the_admin(client):
    call_command("seed_demo", stdout=None)
    office = User.objects.get(username="office")
    client.force_login(office)

    response = client.get(reverse("admin:objections_objection_change", args=[Objection.objects.first().pk]))

    assert response.status_code == 200
