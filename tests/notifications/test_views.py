"""The in-app inbox: each user's notifications, newest first, with an unread count in the header."""

import pytest
from django.utils import translation

from repairflow.notifications.models import Notification
from repairflow.notifications.services import notify

pytestmark = pytest.mark.django_db

PARAMS = {"case": "YY2026000001", "step": "objection_verification", "owner": "市场监督管理局", "due_on": "2026-10-12"}


def test_the_inbox_lists_only_the_users_notifications(client, officer_scj, officer_hb):
    notify(recipients=[officer_scj], kind="deadline.reminder", params=PARAMS)
    notify(recipients=[officer_hb], kind="deadline.escalation", params=PARAMS)
    client.force_login(officer_scj)

    response = client.get("/inbox/")

    assert [notification.kind for notification in response.context["page"]] == ["deadline.reminder"]
    assert response.context["unread_notifications"] == 1
    with translation.override("zh-hans"):
        title = Notification.objects.get(recipient=officer_scj).title
    assert title in response.content.decode()


def test_marking_all_read_clears_the_count(client, officer_scj, officer_hb):
    notify(recipients=[officer_scj, officer_hb], kind="deadline.reminder", params=PARAMS)
    client.force_login(officer_scj)

    response = client.post("/inbox/read/")

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=officer_scj, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=officer_hb, read_at__isnull=True).count() == 1
    assert client.get("/inbox/").context["unread_notifications"] == 0


def test_the_inbox_needs_a_sign_in(client):
    assert client.get("/inbox/").status_code == 302
    assert client.post("/inbox/read/").status_code == 302


def test_marking_read_needs_a_post(client, officer_scj):
    client.force_login(officer_scj)

    assert client.get("/inbox/read/").status_code == 405
