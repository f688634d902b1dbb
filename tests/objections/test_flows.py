"""The objection's state machine on its own (objections/flows.py): which actions leave each state,
whose they are, what a reply and a return set on the case, and when a result may be published."""

import pytest

from repairflow.cases.models import NoticeKind
from repairflow.cases.notices import notice_issue
from repairflow.cases.services import case_publish_if_ready, case_system_step
from repairflow.core.flows import action_name, available_actions
from repairflow.core.pdf import NoticeText
from repairflow.core.permissions import Role
from repairflow.deadlines.models import Deadline, DeadlineStatus
from repairflow.deadlines.policy import Step
from repairflow.deadlines.services import CaseClocks
from repairflow.objections import api, services
from repairflow.objections.flows import ObjectionFlow
from repairflow.objections.models import Objection, ObjectionState, Verification
from repairflow.records.models import User
from tests.helpers import FILED_ON

SUBJECT_ID, SCJ_ID, HB_ID = 1, 7, 8
OFFICE = User(role=Role.OFFICE)
AUDITOR = User(role=Role.AUDITOR)
SUBJECT = User(role=Role.SUBJECT, credit_subject_id=SUBJECT_ID)
OTHER_SUBJECT = User(role=Role.SUBJECT, credit_subject_id=2)
SCJ = User(role=Role.DEPARTMENT, department_id=SCJ_ID)
HB = User(role=Role.DEPARTMENT, department_id=HB_ID)


def flow_in(
    state: str,
    *,
    actor=None,
    replied: tuple[int, ...] = (),
    routed: tuple[int, ...] = (),
    paused: tuple[int, ...] = (),
) -> ObjectionFlow:
    """A flow on an objection in `state` (not saved), routed to the departments `routed`, of which
    those in `replied` have replied; the others' verification clocks run, or are paused for
    those in `paused`."""
    flow = ObjectionFlow(Objection(state=state, subject_id=SUBJECT_ID), actor=actor)
    flow._verifications = [
        Verification(department_id=department, leads=index == 0, replied_at=FILED_ON if department in replied else None)
        for index, department in enumerate(routed)
    ]
    flow.clocks = CaseClocks.known(
        flow.case,
        [
            Deadline(
                step=Step.OBJECTION_VERIFICATION,
                department_id=department,
                status=DeadlineStatus.PAUSED if department in paused else "running",
            )
            for department in routed
            if department not in replied
        ],
    )
    return flow


def test_every_api_action_is_a_transition_and_only_lapse_and_publish_are_the_systems_own():
    declared = {action_name(method.slug) for method in ObjectionFlow.state.get_transitions()}

    assert declared == {*api.ACTIONS, "lapse", "publish"}


@pytest.mark.parametrize(
    ("state", "routed", "actions"),
    [
        ("submitted", (), ["accept", "reject", "request-supplement", "withdraw"]),
        ("needs_supplement", (), ["lapse", "supplement", "withdraw"]),
        ("accepted", (), ["decide-in-office", "forward", "withdraw"]),
        ("verifying", (SCJ_ID,), ["extend", "pause", "withdraw"]),
        ("replied", (SCJ_ID,), ["confirm", "return"]),
        ("replied", (), ["confirm"]),
        ("published", (SCJ_ID,), []),
        ("rejected", (), []),
        ("lapsed", (), []),
        ("withdrawn", (), []),
    ],
)
def test_each_state_is_left_by_these_actions(state, routed, actions):
    # a reply needs a department whose reply is awaited; a return a department to return to
    assert available_actions(flow_in(state, routed=routed)) == actions


@pytest.mark.parametrize(
    ("routed", "paused", "replied", "actions"),
    [
        ((SCJ_ID,), (), (), ["extend", "pause", "withdraw"]),
        ((SCJ_ID,), (SCJ_ID,), (), ["extend", "resume", "withdraw"]),
        ((SCJ_ID, HB_ID), (SCJ_ID,), (), ["extend", "pause", "resume", "withdraw"]),
        ((SCJ_ID, HB_ID), (), (SCJ_ID,), ["extend", "pause", "withdraw"]),
    ],
)
def test_the_departments_clocks_decide_whether_they_may_be_paused_resumed_or_extended(routed, paused, replied, actions):
    flow = flow_in("verifying", routed=routed, paused=paused, replied=replied)

    assert available_actions(flow) == actions


@pytest.mark.parametrize(
    ("state", "user", "actions"),
    [
        ("submitted", OFFICE, ["accept", "reject", "request-supplement"]),
        ("submitted", SUBJECT, ["withdraw"]),
        ("submitted", OTHER_SUBJECT, []),
        ("submitted", AUDITOR, []),
        ("needs_supplement", SUBJECT, ["supplement", "withdraw"]),
        ("needs_supplement", OFFICE, []),
        ("accepted", OFFICE, ["decide-in-office", "forward"]),
        ("verifying", OFFICE, ["extend", "pause"]),
        ("verifying", SUBJECT, ["withdraw"]),
        ("verifying", SCJ, ["reply"]),
        ("verifying", HB, []),
        ("replied", OFFICE, ["confirm", "return"]),
        ("replied", SUBJECT, []),
        ("replied", SCJ, []),
    ],
)
def test_each_role_may_take_these_actions(state, user, actions):
    # given a case routed to market regulation only
    flow = flow_in(state, actor=user, routed=(SCJ_ID,))

    assert available_actions(flow, user) == actions


def test_a_department_that_has_replied_waits_for_the_others():
    routed = (SCJ_ID, HB_ID)

    assert available_actions(flow_in("verifying", actor=HB, routed=routed, replied=(HB_ID,)), HB) == []
    assert available_actions(flow_in("verifying", actor=SCJ, routed=routed, replied=(HB_ID,)), SCJ) == ["reply"]


@pytest.mark.parametrize("user", [OFFICE, AUDITOR, SUBJECT, SCJ])
def test_no_user_may_lapse_or_publish_a_case(user):
    for action in (ObjectionFlow.lapse, ObjectionFlow.publish):
        assert not any(transition.has_perm(flow_in("corrected"), user) for transition in action.get_transitions())


# --- What the transitions set (saved, as the services run them) -----------------------------------


@pytest.fixture
def forwarded_to_both(objection_in, office, scj, hb):
    """An objection to market regulation's record, forwarded to environment and market regulation."""
    number = objection_in("accepted").number
    services.objection_forward(actor=office, number=number, departments=[hb, scj])
    return Objection.objects.get(number=number)


def test_a_reply_that_is_not_the_last_leaves_the_case_verifying_and_the_last_gives_the_leads_outcome(
    forwarded_to_both, officer_scj, officer_hb
):
    objection = forwarded_to_both

    # when environment replies first
    flow = ObjectionFlow(objection, actor=officer_hb, reason="reply")
    flow.reply(outcome="revoke", explanation="应予撤销。", corrected_fields={})

    # then the case still verifies, with no outcome, and environment's reply is kept on its verification
    assert (objection.state, objection.outcome) == (ObjectionState.VERIFYING, "")
    [hb_verification] = [v for v in flow.verifications() if v.department_id == officer_hb.department_id]
    assert (hb_verification.outcome, hb_verification.explanation, hb_verification.replied_by) == (
        "revoke",
        "应予撤销。",
        officer_hb,
    )
    hb_verification.save()

    # when market regulation, whose record it is, replies last
    flow = ObjectionFlow(objection, actor=officer_scj, reason="reply")
    flow.reply(outcome="correct", explanation="金额有误。", corrected_fields={"content": "罚款五百元。"})

    # then the case is replied with market regulation's outcome
    objection.refresh_from_db()
    assert (objection.state, objection.outcome, objection.explanation, objection.corrected_fields) == (
        ObjectionState.REPLIED,
        "correct",
        "金额有误。",
        {"content": "罚款五百元。"},
    )


@pytest.mark.parametrize(
    ("forwarded", "lead"),
    [(["SCJ"], "SCJ"), (["HB", "SCJ"], "SCJ"), (["HB"], "HB")],
)
def test_the_records_department_leads_or_else_the_first_forwarded(objection_in, office, scj, hb, forwarded, lead):
    departments = {"SCJ": scj, "HB": hb}
    number = objection_in("accepted").number

    services.objection_forward(actor=office, number=number, departments=[departments[code] for code in forwarded])

    leads = Verification.objects.filter(objection__number=number, leads=True)
    assert [verification.department.code for verification in leads] == [lead]


def test_a_return_clears_the_reply(objection_in):
    objection = objection_in("replied")
    assert (objection.outcome, objection.explanation) == ("maintain", "经核实，记录无误。")

    ObjectionFlow(objection, actor=None, reason="return").return_()

    objection.refresh_from_db()
    assert (objection.state, objection.outcome, objection.explanation, objection.corrected_fields) == (
        ObjectionState.VERIFYING,
        "",
        "",
        {},
    )


def test_a_corrected_case_is_published_once_its_result_notice_exists(objection_in):
    # given a case whose outcome has been applied but whose result notice is not yet issued
    objection = objection_in("replied")
    objection.state = ObjectionState.CORRECTED
    assert available_actions(ObjectionFlow(objection, actor=None)) == []
    with case_system_step(objection, "publish") as step:
        assert case_publish_if_ready(step) is False

    # when the result notice is issued
    with case_system_step(objection, "publish") as step:
        text = NoticeText("处理结果告知", [("案号", objection.number)], [])
        notice_issue(case=objection, kind=NoticeKind.RESULT, text=text, actor=None, writes=step.writes)
        published = case_publish_if_ready(step)

    # then it is published
    assert published is True
    assert objection.state == ObjectionState.PUBLISHED
