"""The same repair application acted on twice at the same moment: the case row's lock lets one
through and the other sees the new state. Real concurrent transactions need a server database;
on SQLite these tests are skipped."""

import pytest

from repairflow.cases.models import Transition
from repairflow.core.errors import Conflict
from repairflow.records.models import CreditRecord, RecordState
from repairflow.repair import services
from repairflow.repair.models import MaterialKind, RepairApplication, RepairBan, RepairState
from repairflow.repair.services import Material
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def outcome_names(outcomes: list) -> list[str]:
    return sorted(type(outcome).__name__ for outcome in outcomes)


def test_the_same_application_filed_twice_at_once_is_one_case(travel, record, proof, company_user):
    def apply() -> RepairApplication:
        return services.repair_submit(
            actor=company_user,
            record=record,
            statement="罚款已缴清。",
            commitment=True,
            materials=[Material(MaterialKind.PERFORMANCE_PROOF, proof)],
        )

    outcomes = run_at_once(apply, apply)

    assert outcome_names(outcomes) == ["Conflict", "RepairApplication"]
    assert all(isinstance(outcome, (Conflict, RepairApplication)) for outcome in outcomes)
    assert list(RepairApplication.objects.values_list("number", flat=True)) == ["XF2026000001"]
    assert Transition.objects.filter(action="submit").count() == 1


def test_two_office_users_executing_at_once_end_the_record_s_publication_once(repair_in, office):
    number = repair_in("approved").number
    colleague = UserFactory(username="office-2", office=True)

    outcomes = run_at_once(
        lambda: services.repair_execute(actor=office, number=number),
        lambda: services.repair_execute(actor=colleague, number=number),
    )

    application = RepairApplication.objects.select_related("record").get(number=number)
    assert outcome_names(outcomes) == ["RepairApplication", "TransitionNotAllowed"]
    assert application.state == RepairState.PUBLISHED
    assert (application.record.state, application.record.version) == (RecordState.ENDED, 2)
    assert Transition.objects.filter(action="execute").count() == 1
    assert CreditRecord.history.filter(id=application.record_id).count() == 2


def test_two_office_users_revoking_at_once_ban_once(repair_in, office):
    number = repair_in("published").number
    colleague = UserFactory(username="office-2", office=True)

    outcomes = run_at_once(
        lambda: services.repair_revoke(actor=office, number=number, reason="凭证伪造"),
        lambda: services.repair_revoke(actor=colleague, number=number, reason="承诺不实"),
    )

    assert outcome_names(outcomes) == ["RepairApplication", "TransitionNotAllowed"]
    assert RepairBan.objects.count() == 1
    assert RepairApplication.objects.get(number=number).record.state == RecordState.PUBLISHED
