"""`suspend_record_when_overdue` (deadlines/policy.py; the setting REPAIRFLOW_SUSPEND_WHEN_OVERDUE
overrides the profile): a record whose department misses its verification deadline is suspended
until the last reply, or the end of the case, through the record's state machine, in the case's
timeline and with the record's event. Filed, accepted and forwarded to SCJ on Monday 9/28 under
shandong: 3 working days, 9/29, 9/30, (10/1–10/7 国庆), 10/8: due 10/8; overdue from 10/9, and
again on Saturday 10/10, a make-up working day."""

from datetime import date

import pytest

from repairflow.cases import services as cases
from repairflow.cases.selectors import case_timeline
from repairflow.objections import services
from repairflow.objections.models import Objection
from repairflow.records.models import CreditRecord, RecordEvent
from repairflow.records.services import record_act


@pytest.fixture
def verifying(travel, record, company_user, office):
    objection = services.objection_submit(
        actor=company_user, record=record, grounds=["content_error"], statement="罚款金额有误。"
    )
    services.objection_accept(actor=office, number=objection.number)
    services.objection_forward(actor=office, number=objection.number)
    return objection


def sweep_on(travel, *days: date) -> None:
    for day in days:
        travel(day)
        cases.case_deadlines_sweep(today=day)


def state_of(objection) -> tuple:
    objection = Objection.objects.select_related("record").get(pk=objection.pk)
    events = list(RecordEvent.objects.filter(record=objection.record).order_by("id").values_list("type", flat=True))
    actions = [step.action for step in case_timeline(objection)]
    return objection.record.state, objection.record_suspended_when_overdue, events, actions


def test_the_record_is_suspended_the_first_overdue_day_and_resumed_by_the_reply(
    settings, travel, verifying, officer_scj
):
    settings.REPAIRFLOW_SUSPEND_WHEN_OVERDUE = True
    sweep_on(travel, date(2026, 10, 8))  # the last day: a 督办 notice, nothing else
    assert state_of(verifying)[:2] == ("published", False)

    sweep_on(travel, date(2026, 10, 9), date(2026, 10, 10))  # overdue on 10/9, and again on Saturday 10/10
    record_state, flagged, events, actions = state_of(verifying)
    assert (record_state, flagged) == ("suspended", True)
    assert events.count("record.suspended") == 1
    assert actions[-1] == "suspend-record" and actions.count("suspend-record") == 1
    record = CreditRecord.objects.get(pk=verifying.record_id)
    assert "SCJ" in record.history.latest("history_id").history_change_reason or "市场监督管理局" in (
        record.history.latest("history_id").history_change_reason
    )

    travel(date(2026, 10, 12))
    services.objection_reply(
        actor=officer_scj, number=verifying.number, outcome="maintain", explanation="经核实，记录无误。"
    )
    record_state, flagged, events, actions = state_of(verifying)
    assert (record_state, flagged) == ("published", False)
    assert events[-1] == "record.resumed"
    assert actions[-2:] == ["reply", "resume-record"]


def test_the_withdrawal_resumes_the_record(settings, travel, verifying, company_user):
    settings.REPAIRFLOW_SUSPEND_WHEN_OVERDUE = True
    sweep_on(travel, date(2026, 10, 8), date(2026, 10, 9))
    services.objection_withdraw(actor=company_user, number=verifying.number, reason="已沟通")
    record_state, flagged, events, _actions = state_of(verifying)
    assert (record_state, flagged, events[-1]) == ("published", False, "record.resumed")


def test_without_the_rule_nothing_is_suspended(settings, travel, verifying):
    settings.REPAIRFLOW_SUSPEND_WHEN_OVERDUE = None  # the shandong profile does not suspend
    sweep_on(travel, date(2026, 10, 8), date(2026, 10, 9))
    record_state, flagged, events, actions = state_of(verifying)
    assert (record_state, flagged, "record.suspended" in events, "suspend-record" in actions) == (
        "published",
        False,
        False,
        False,
    )


def test_a_record_the_office_suspended_itself_is_left_suspended(settings, travel, verifying, office, officer_scj):
    settings.REPAIRFLOW_SUSPEND_WHEN_OVERDUE = True
    record_act(actor=office, record_id=verifying.record_id, action="suspend", reason="核查中")
    sweep_on(travel, date(2026, 10, 8), date(2026, 10, 9))
    assert state_of(verifying)[:2] == ("suspended", False)
    travel(date(2026, 10, 12))
    services.objection_reply(
        actor=officer_scj, number=verifying.number, outcome="maintain", explanation="经核实，记录无误。"
    )
    record_state, flagged, events, actions = state_of(verifying)
    assert (record_state, flagged, events.count("record.resumed"), "resume-record" in actions) == (
        "suspended",
        False,
        0,
        False,
    )
