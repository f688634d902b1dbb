"""Every model has an admin page, and records show their history there."""

import pytest
from django.urls import reverse

from repairflow.records.models import AdministrativeMatter, CreditRecord, ImportFormat, RecordImport
from tests.factories import CreditRecordFactory, MatterFactory

ADMIN_PAGES = [
    "admin:records_user_changelist",
    "admin:core_idempotencykey_changelist",
    "admin:core_attachment_changelist",
    "admin:cases_casesequence_changelist",
    "admin:cases_transition_changelist",
    "admin:cases_notice_changelist",
    "admin:objections_objection_changelist",
    "admin:records_department_changelist",
    "admin:records_creditsubject_changelist",
    "admin:records_creditrecord_changelist",
    "admin:records_querylog_changelist",
    "admin:records_creditcheck_changelist",
    "admin:records_administrativematter_changelist",
    "admin:records_recordimport_changelist",
    "admin:calendar_calendaryear_changelist",
    "admin:deadlines_deadline_changelist",
    "admin:notifications_notification_changelist",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_office_opens_every_admin_list(client, office_admin, page):
    client.force_login(office_admin)

    assert client.get(reverse(page)).status_code == 200


def test_a_records_history_is_shown_in_the_admin(client, office_admin):
    record = CreditRecordFactory(title="超标排放大气污染物")
    client.force_login(office_admin)

    response = client.get(reverse("admin:records_creditrecord_history", args=[record.pk]))

    assert response.status_code == 200
    assert "超标排放大气污染物" in response.content.decode()


def test_records_are_read_only_in_the_admin(client, office_admin):
    record = CreditRecordFactory()
    client.force_login(office_admin)

    assert client.get(reverse("admin:records_creditrecord_add")).status_code == 403
    assert (
        client.post(reverse("admin:records_creditrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    )
    assert CreditRecord.objects.filter(pk=record.pk).exists()


def test_a_department_officer_is_kept_out_of_the_admin(client, officer_scj):
    client.force_login(officer_scj)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302


def test_import_reports_are_read_only_in_the_admin(client, office_admin):
    kept = RecordImport.objects.create(
        imported_by=office_admin, file_name="处罚信息.csv", sha256="0" * 64, size=10, file_format=ImportFormat.CSV
    )
    client.force_login(office_admin)

    assert "处罚信息.csv" in client.get(reverse("admin:records_recordimport_changelist")).content.decode()
    assert client.get(reverse("admin:records_recordimport_change", args=[kept.pk])).status_code == 200
    assert client.get(reverse("admin:records_recordimport_add")).status_code == 403
    assert client.post(reverse("admin:records_recordimport_delete", args=[kept.pk]), {"post": "yes"}).status_code == 403
    assert RecordImport.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize(
    ("before", "now"),
    [
        ("/admin/core/user/", "/admin/records/user/"),
        ("/admin/core/notice/7/change/", "/admin/cases/notice/7/change/"),
        ("/admin/sync/outboxevent/?type=record.corrected", "/admin/records/recordevent/"),
        ("/admin/sync/subscription/add/", "/admin/records/subscription/add/"),
    ],
)
def test_the_admin_pages_of_moved_models_lead_to_where_they_are_now(client, before, now):
    response = client.get(before)

    assert (response.status_code, response["Location"]) == (301, now)


def test_the_office_keeps_a_departments_list_of_matters_in_the_admin(admin_client, office_admin, scj):
    # when the office adds a matter to SCJ's list, then deactivates it
    added = admin_client.post(
        reverse("admin:records_administrativematter_add"),
        {"department": scj.pk, "code": "XK-001", "name": "食品经营许可", "kind": "licence", "active": "on"},
    )
    matter = AdministrativeMatter.objects.get()
    changed = admin_client.post(
        reverse("admin:records_administrativematter_change", args=[matter.pk]),
        {"code": "XK-001", "name": "食品经营许可", "kind": "licence"},
    )

    # then its history names the office for both, and it cannot be deleted there
    assert (added.status_code, changed.status_code) == (302, 302)
    matter.refresh_from_db()
    assert (matter.department, matter.active) == (scj, False)
    assert [(row.history_type, row.history_user, row.active) for row in matter.history.order_by("history_id")] == [
        ("+", office_admin, True),
        ("~", office_admin, False),
    ]
    delete = reverse("admin:records_administrativematter_delete", args=[matter.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AdministrativeMatter.objects.filter(pk=matter.pk).exists()


def test_a_matters_code_taken_on_the_list_is_refused_in_the_admin(admin_client, scj):
    MatterFactory(department=scj, code="XK-001")

    response = admin_client.post(
        reverse("admin:records_administrativematter_add"),
        {"department": scj.pk, "code": "XK-001", "name": "重复", "kind": "licence", "active": "on"},
    )

    assert response.status_code == 200
    assert AdministrativeMatter.objects.count() == 1
