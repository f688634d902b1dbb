"""Repair applications and bans in the admin: shown to the office with their history, materials
and eligibility results, never changed there."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from repairflow.calendar.workdays import ONE_DAY
from repairflow.repair.eligibility import COMMITMENT_MISSING, RuleResult
from repairflow.repair.models import RepairApplication, RepairBan
from tests.i18n import in_chinese


@pytest.fixture
def revoked(repair_in):
    """An application revoked after its repair: its subject is banned."""
    return repair_in("revoked")


@pytest.mark.parametrize("page", ["admin:repair_repairapplication_changelist", "admin:repair_repairban_changelist"])
def test_the_office_opens_the_repair_lists(client, office_admin, revoked, page):
    client.force_login(office_admin)

    response = client.get(reverse(page))

    assert response.status_code == 200
    assert revoked.number in response.content.decode()


def test_an_application_shows_its_materials_and_each_rules_result(client, office_admin, revoked):
    client.force_login(office_admin)

    response = client.get(reverse("admin:repair_repairapplication_change", args=[revoked.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "罚款缴纳凭证.pdf" in page  # the proof of performance, inline
    with translation.override("zh-hans"):
        details = [RuleResult.from_json(result).detail for result in revoked.eligibility]
    assert len(details) == 11  # every rule of eligibility.RULES
    assert all(f"<li>✓ {detail}</li>" in page for detail in details)


def test_a_failed_rule_is_marked(client, office_admin, repair_in):
    application = repair_in("submitted")
    RepairApplication.objects.filter(pk=application.pk).update(
        eligibility=[{"rule": "commitment_given", "passed": False, "message": COMMITMENT_MISSING}]
    )
    client.force_login(office_admin)

    response = client.get(reverse("admin:repair_repairapplication_change", args=[application.pk]))

    assert f"<li>✗ {in_chinese(gettext_lazy(COMMITMENT_MISSING))}</li>" in response.content.decode()


def test_an_applications_history_is_shown(client, office_admin, revoked):
    client.force_login(office_admin)

    response = client.get(reverse("admin:repair_repairapplication_history", args=[revoked.pk]))

    assert response.status_code == 200
    assert "缴费凭证系伪造" in response.content.decode()  # the revocation's reason


def test_the_ban_list_says_whether_a_ban_is_in_force(client, office_admin, revoked, travel):
    ban = RepairBan.objects.get(application=revoked)

    def in_force_on(day) -> bool:
        travel(day)
        client.force_login(office_admin)  # a session does not last a year
        page = client.get(reverse("admin:repair_repairban_changelist")).content.decode()
        assert ('alt="True"' in page) != ('alt="False"' in page)
        return 'alt="True"' in page

    # its last day is a day of the ban
    assert [in_force_on(day) for day in (ban.starts_on, ban.ends_on, ban.ends_on + ONE_DAY)] == [True, True, False]


def test_applications_and_bans_are_read_only(client, office_admin, revoked):
    ban = RepairBan.objects.get(application=revoked)
    client.force_login(office_admin)

    assert client.get(reverse("admin:repair_repairapplication_add")).status_code == 403
    assert client.get(reverse("admin:repair_repairban_add")).status_code == 403
    delete = reverse("admin:repair_repairapplication_delete", args=[revoked.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:repair_repairban_delete", args=[ban.pk]), {"post": "yes"}).status_code == 403
    change = client.get(reverse("admin:repair_repairapplication_change", args=[revoked.pk])).content.decode()
    assert 'name="statement"' not in change  # shown, not a form field
    assert RepairApplication.objects.filter(pk=revoked.pk).exists()
    assert RepairBan.objects.filter(pk=ban.pk).exists()
