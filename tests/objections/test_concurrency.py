"""The same objection acted on twice at the same moment: the case row's lock lets one through and
the other sees the new state. Real concurrent transactions need a server database; on SQLite
these tests are skipped."""

import pytest

from repairflow.cases.models import Transition
from repairflow.core.errors import Conflict, TransitionNotAllowed
from repairflow.objections import services
from repairflow.objections.models import Objection, ObjectionState
from tests.concurrency import needs_postgresql, run_at_once  # noqa: F401 - an autouse fixture
from tests.factories import UserFactory
from tests.objections.conftest import DEPARTMENT_REPLY

pytestmark = pytest.mark.django_db(transaction=True)


def outcome_names(outcomes: list) -> list[str]:
    return sorted(type(outcome).__name__ for outcome in outcomes)


def test_two_office_users_accepting_at_once_accept_once(objection_in, office):
    # given a submitted objection and a second office user
    number = objection_in("submitted").number
    colleague = UserFactory(username="office-2", office=True)

    # when both accept it at the same moment
    outcomes = run_at_once(
        lambda: services.objection_accept(actor=office, number=number),
        lambda: services.objection_accept(actor=colleague, number=number),
    )

    # then one accepts and the other is told the case is no longer submitted
    assert outcome_names(outcomes) == ["Objection", "TransitionNotAllowed"]
    [refusal] = [outcome for outcome in outcomes if isinstance(outcome, TransitionNotAllowed)]
    assert refusal.body()["state"] == "accepted"
    assert Transition.objects.filter(action="accept").count() == 1
    assert Objection.objects.get(number=number).state == ObjectionState.ACCEPTED


def test_the_same_objection_filed_twice_at_once_is_one_case(travel, record, company_user):
    def file() -> Objection:
        return services.objection_submit(
            actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
        )

    outcomes = run_at_once(file, file)

    assert outcome_names(outcomes) == ["Conflict", "Objection"]
    assert all(isinstance(outcome, (Conflict, Objection)) for outcome in outcomes)
    assert list(Objection.objects.values_list("number", flat=True)) == ["YY2026000001"]
    assert Transition.objects.filter(action="submit").count() == 1


def test_a_reply_and_a_withdrawal_at_once_leave_one_consistent_case(settings, objection_in, company_user, officer_scj):
    # given (Henan: marked on receipt) an objection being verified
    settings.REPAIRFLOW_PROFILE = "henan"
    number = objection_in("verifying").number

    # when the department replies as the subject withdraws
    outcomes = run_at_once(
        lambda: services.objection_reply(actor=officer_scj, number=number, **DEPARTMENT_REPLY),
        lambda: services.objection_withdraw(actor=company_user, number=number),
    )

    # then exactly one happened: a withdrawal after the reply is refused, a reply after the
    # withdrawal finds the case gone from verification
    objection = Objection.objects.select_related("record").get(number=number)
    assert outcome_names(outcomes) == ["Objection", "TransitionNotAllowed"]
    assert objection.state in (ObjectionState.REPLIED, ObjectionState.WITHDRAWN)
    assert objection.record.under_objection is (objection.state == ObjectionState.REPLIED)
    assert Transition.objects.filter(action__in=["reply", "withdraw"]).count() == 1
