"""`seed_demo` loads the registry, then leaves objections and repair applications in several
states, made through the services, and is idempotent. (The repair demo on other days:
tests/repair/test_seed_repairs.py.)"""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from repairflow.cases.models import Notice, Transition
from repairflow.cases.selectors import case_timeline
from repairflow.core.attachments import PDF
from repairflow.core.models import Attachment
from repairflow.deadlines.models import Deadline
from repairflow.objections.models import Objection, ObjectionState
from repairflow.records.models import AdministrativeMatter, CreditCheck, CreditRecord, RecordState, User
from repairflow.repair.eligibility import RuleResult
from repairflow.repair.models import MaterialKind, RepairApplication, RepairState

# The Monday after the demo registry's latest decision (2026-11-20).
DEMO_DAY = date(2026, 11, 30)


@pytest.fixture
def seeded(db, travel, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    travel(DEMO_DAY)
    call_command("seed_demo", stdout=None)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (CreditRecord, User, Objection, RepairApplication, Attachment, Notice, Transition)
    )


def test_a_second_run_creates_nothing(seeded):
    before = counts()

    call_command("seed_demo", stdout=None)

    assert counts() == before
    assert before[2:4] == (3, 4)


def test_every_demo_account_signs_in_with_its_user_name(seeded):
    """What `make run` prints: password = user name; the office is also the admin."""
    accounts = {user.username: user for user in User.objects.all()}

    assert set(accounts) == {"office", "auditor", "dept-scj", "dept-hb", "subject-a", "subject-b", "person-c"}
    for name, user in accounts.items():
        assert user.check_password(name)
        assert not user.check_password(name.upper())
    assert [name for name, user in accounts.items() if user.is_staff or user.is_superuser] == ["office"]
    assert accounts["office"].is_superuser


def test_seed_demo_files_objections_in_several_states(seeded):
    objections = Objection.objects.order_by("number")
    assert [objection.state for objection in objections] == [
        ObjectionState.SUBMITTED,
        ObjectionState.VERIFYING,
        ObjectionState.PUBLISHED,
    ]
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


def failed_rules(application: RepairApplication) -> list[str]:
    return [result.rule for result in map(RuleResult.from_json, application.eligibility) if not result.passed]


def test_seed_demo_files_repair_applications_in_several_states(seeded):
    applications = list(RepairApplication.objects.order_by("number").select_related("record", "filed_by"))

    assert [
        (application.filed_by.username, application.state, application.department_id and application.department.code)
        for application in applications
    ] == [
        ("subject-a", RepairState.SUBMITTED, None),
        ("subject-b", RepairState.REVIEWING, "HB"),
        ("person-c", RepairState.PUBLISHED, "SCJ"),
        ("subject-a", RepairState.SUBMITTED, None),
    ]
    assert [failed_rules(application) for application in applications] == [[], [], [], ["minimum_period_passed"]]
    assert [application.eligible for application in applications] == [True, True, True, False]
    # the eligible ones on records decided long ago, the ineligible one on the latest decision
    assert [application.record.decision_date for application in applications] == [
        date(2025, 7, 21),
        date(2025, 4, 15),
        date(2025, 5, 19),
        date(2026, 11, 20),
    ]


def test_each_demo_application_gives_a_proof_of_performance_its_subject_uploaded(seeded):
    for application in RepairApplication.objects.select_related("filed_by"):
        (material,) = application.materials.select_related("attachment")

        assert material.kind == MaterialKind.PERFORMANCE_PROOF
        assert material.attachment.uploaded_by == application.filed_by
        assert material.attachment.content_type == PDF
        assert material.attachment.file.read(5) == b"%PDF-"
        assert list(application.attachments.all()) == [material.attachment]


def test_the_published_demo_repair_ended_its_records_publication(seeded):
    published = RepairApplication.objects.get(state=RepairState.PUBLISHED)

    assert [step.action for step in case_timeline(published)] == [
        "submit",
        "accept",
        "forward",
        "approve",
        "execute",
        "publish",
    ]
    assert published.record.state == RecordState.ENDED
    assert published.number in published.record.history.first().history_change_reason
    assert published.repaired_on == DEMO_DAY


@pytest.mark.parametrize(
    ("page", "model"),
    [("admin:objections_objection_change", Objection), ("admin:repair_repairapplication_change", RepairApplication)],
)
def test_the_office_sees_the_demo_cases_in_the_admin(seeded, client, page, model):
    client.force_login(User.objects.get(username="office"))

    response = client.get(reverse(page, args=[model.objects.first().pk]))

    assert response.status_code == 200


def test_seed_demo_gives_the_departments_lists_of_matters_and_checks_made_in_them(seeded, client):
    lists = AdministrativeMatter.objects.filter(active=True).values_list("department__code", flat=True)
    checks = CreditCheck.objects.order_by("pk")

    assert sorted(set(lists)) == ["HB", "RS", "SCJ", "SW", "ZJ"]
    assert [(check.department.code, check.administrative_matter.code) for check in checks] == [
        ("SCJ", "XK-001"),
        ("SCJ", "CG-001"),
        ("SCJ", "BZ-001"),
        ("HB", "XK-001"),
        ("HB", "BZ-001"),
    ]
    assert all(matter.history.count() == 1 for matter in AdministrativeMatter.objects.all())
    call_command("seed_demo", stdout=None)
    assert (AdministrativeMatter.objects.count(), CreditCheck.objects.count()) == (12, 5)
    client.force_login(User.objects.get(username="office"))
    assert client.get(reverse("admin:records_administrativematter_changelist")).status_code == 200


def test_seed_demo_has_a_running_and_an_overdue_publication_duty(seeded):
    new_licence = CreditRecord.objects.get(decision_no="济SCJ许〔演示〕0001号")
    late_penalty = CreditRecord.objects.get(decision_no="济SCJ罚〔演示〕0002号")
    clocks = {
        deadline.case_id: (deadline.step, deadline.started_on, deadline.due_on, deadline.next_action_on)
        for deadline in Deadline.objects.filter(case_type__model="creditrecord")
    }

    # decided Mon 11/30 (the demo day): 7 working days, 12/1–12/4, 12/7–12/9; reminded on 12/8
    assert (new_licence.state, new_licence.publication_due_on) == (RecordState.UNPUBLISHED, date(2026, 12, 9))
    assert clocks[new_licence.pk] == ("record_publication", DEMO_DAY, date(2026, 12, 9), date(2026, 12, 8))
    # decided Tue 11/10: 11/11–11/13, 11/16–11/19, due 11/19: overdue, its 督办 due at the first sweep
    assert clocks[late_penalty.pk] == ("record_publication", date(2026, 11, 10), date(2026, 11, 19), date(2026, 11, 19))
