"""Who may take each action, in which state, with what body (docs/api.md, the objections'
table and "Errors"): the role allowed succeeds; any other role is refused with 403 when it sees
the case and 404 when it does not; a wrong state is 409 naming the state and the actions open to
the caller; a bad body is 400. Every refusal leaves everything as it was."""

import pytest

from repairflow.objections import services
from repairflow.objections.models import Objection
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE, NO_CORRECTED_FIELDS, NOT_CORRECTABLE, UNCHANGED
from repairflow.records.publication import SEVERITY_ON_NON_NEGATIVE
from tests.helpers import NOT_FOUND, conflict, forbidden, invalid, not_allowed, timeline
from tests.i18n import in_chinese
from tests.objections.conftest import DEPARTMENT_REPLY, act, snapshot

# Who is who: the company that objects, another subject, market regulation (whose record it
# is, and the only department ever forwarded to here), environment, the office, an auditor.
USERS = {
    "subject": "company_user",
    "other subject": "other_subject_user",
    "department": "officer_scj",
    "other department": "officer_hb",
    "office": "office",
    "auditor": "auditor",
}

# action: (the state it is taken in, who may take it, a valid body, the state it leads to)
ACTIONS = {
    "accept": ("submitted", "office", {"comment": "材料齐全"}, "accepted"),
    "reject": ("submitted", "office", {"reason": "不属于本平台受理范围"}, "rejected"),
    "request-supplement": ("submitted", "office", {"missing": "处罚决定书复印件"}, "needs_supplement"),
    "supplement": ("needs_supplement", "subject", {"statement": "附补充说明。"}, "submitted"),
    "forward": ("accepted", "office", {"departments": ["SCJ"]}, "verifying"),
    "decide-in-office": ("accepted", "office", {"outcome": "maintain", "explanation": "平台信息无误。"}, "replied"),
    "reply": ("verifying", "department", DEPARTMENT_REPLY, "replied"),
    "extend": ("verifying", "office", {"days": 2, "reason": "需调取执法记录"}, "verifying"),
    "pause": ("verifying", "office", {"reason": "委托检测"}, "verifying"),
    "resume": ("paused", "office", {"reason": "检测完成"}, "verifying"),
    "return": ("replied", "office", {"reason": "请重新核实罚款金额"}, "verifying"),
    "confirm": ("replied", "office", {"comment": "同意"}, "published"),
    "withdraw": ("submitted", "subject", {"reason": "不再异议"}, "withdrawn"),
}

# The states a case is given in: "paused" is `verifying` with the department's clock paused.
STATES = [
    "submitted",
    "needs_supplement",
    "accepted",
    "verifying",
    "paused",
    "replied",
    "published",
    "rejected",
    "lapsed",
    "withdrawn",
]
ROUTED = {"verifying", "paused", "replied", "published"}
OPEN_VERIFICATION = {"verifying", "paused"}

# The states each action leaves (by the flow) and what each role may do in each state.
SOURCES = {
    "accept": {"submitted"},
    "reject": {"submitted"},
    "request-supplement": {"submitted"},
    "supplement": {"needs_supplement"},
    "forward": {"accepted"},
    "decide-in-office": {"accepted"},
    "reply": OPEN_VERIFICATION,
    "extend": OPEN_VERIFICATION,
    "pause": {"verifying"},
    "resume": {"paused"},
    "return": {"replied"},
    "confirm": {"replied"},
    "withdraw": {"submitted", "needs_supplement", "accepted", *OPEN_VERIFICATION},
}
ALLOWED = {
    "office": {
        "submitted": ["accept", "reject", "request-supplement"],
        "accepted": ["decide-in-office", "forward"],
        "verifying": ["extend", "pause"],
        "paused": ["extend", "resume"],
        "replied": ["confirm", "return"],
    },
    "subject": {
        "submitted": ["withdraw"],
        "needs_supplement": ["supplement", "withdraw"],
        "accepted": ["withdraw"],
        "verifying": ["withdraw"],
        "paused": ["withdraw"],
    },
    "department": {"verifying": ["reply"], "paused": ["reply"]},
}


def visible(role: str, state: str) -> bool:
    if role in ("other subject", "other department"):
        return False
    return role != "department" or state in ROUTED


@pytest.fixture
def given(objection_in, office):
    """`given(state)`: the company's objection in one of STATES."""

    def make(state: str) -> Objection:
        objection = objection_in("verifying" if state == "paused" else state)
        if state == "paused":
            services.objection_pause(actor=office, number=objection.number, reason="委托检测")
        return objection

    return make


@pytest.fixture
def user(request):
    """`user(role)`: the user of a role of USERS."""
    return lambda role: request.getfixturevalue(USERS[role])


# --- Who -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_succeeds_for_the_role_allowed_to_take_it(api, given, user, action):
    state, role, body, target = ACTIONS[action]
    # given an objection in the state the action is taken in
    objection = given(state)
    steps = len(timeline(api.as_user(user("office")).get(f"/api/v1/objections/{objection.number}/").json()))

    # when the role allowed takes it
    response = act(api, user(role), objection.number, action, **body)

    # then it is taken and joins the timeline (confirm publishes at once, a step of its own)
    assert response.status_code == 200
    assert response.json()["state"] == target
    added = timeline(response.json())[steps:]
    assert added[0][0] == action
    assert [step[0] for step in added[1:]] == (["publish"] if action == "confirm" else [])


@pytest.mark.parametrize(
    ("action", "role"),
    [
        (action, role)
        for action, (_state, allowed, _body, _target) in ACTIONS.items()
        for role in USERS
        if role != allowed
    ],
)
def test_every_other_role_is_refused_and_nothing_changes(api, given, user, action, role):
    state, _allowed, body, _target = ACTIONS[action]
    # given an objection in the state the action is taken in
    number = given(state).number
    before = snapshot(number)

    # when a role that may not take the action tries it
    response = act(api, user(role), number, action, **body)

    # then it is 403 when the role sees the case and 404 when it does not, and nothing changed
    expected = (403, forbidden()) if visible(role, state) else (404, NOT_FOUND)
    assert (response.status_code, response.json()) == expected
    assert snapshot(number) == before


# --- When ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "state"),
    [(action, state) for action in ACTIONS for state in STATES if state not in SOURCES[action]],
)
def test_an_action_in_a_state_that_does_not_allow_it_is_409_and_nothing_changes(api, given, user, action, state):
    _state, role, body, _target = ACTIONS[action]
    # given an objection in a state the action does not leave
    number = given(state).number
    before = snapshot(number)

    # when the role allowed tries it
    response = act(api, user(role), number, action, **body)

    # then it is refused, naming the state and what the role may do in it (404 for a department
    # the case has not reached), and nothing changed
    if visible(role, state):
        expected = not_allowed("verifying" if state == "paused" else state, ALLOWED[role].get(state, []))
        assert (response.status_code, response.json()) == (409, expected)
    else:
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(number) == before


@pytest.mark.parametrize(
    ("state", "role", "action", "body", "expected"),
    [
        ("published", "department", "reply", {"outcome": "keep", "explanation": 7}, 409),
        ("submitted", "office", "reply", {"outcome": ["correct"]}, 403),
    ],
)
def test_a_refused_action_is_refused_for_what_it_is_whatever_its_body(
    api, given, user, state, role, action, body, expected
):
    number = given(state).number
    before = snapshot(number)

    response = act(api, user(role), number, action, **body)

    assert (response.status_code, response.json()["error"]) == (
        expected,
        {409: "transition_not_allowed", 403: "forbidden"}[expected],
    )
    assert snapshot(number) == before


def test_a_department_that_has_replied_cannot_reply_again_while_another_verifies(
    api, given, office, officer_scj, officer_hb
):
    # given an objection forwarded to two departments, one of which has replied
    number = given("accepted").number
    act(api, office, number, "forward", departments=["SCJ", "HB"])
    act(api, officer_hb, number, "reply", **DEPARTMENT_REPLY)
    before = snapshot(number)

    # when it replies again
    response = act(api, officer_hb, number, "reply", outcome="revoke", explanation="改为撤销。")

    # then it is refused: nothing is open to it while the case verifies
    assert (response.status_code, response.json()) == (409, not_allowed("verifying", []))
    assert snapshot(number) == before


@pytest.mark.parametrize(
    ("action", "department", "message"),
    [
        ("pause", "SCJ", services.NO_RUNNING_VERIFICATION),
        ("resume", "HB", services.NO_PAUSED_VERIFICATION),
    ],
)
def test_one_departments_clock_cannot_be_paused_twice_nor_resumed_when_running(
    api, given, office, hb, action, department, message
):
    # given a case with two departments, market regulation's clock paused, environment's running
    number = given("accepted").number
    act(api, office, number, "forward", departments=["SCJ", "HB"])
    act(api, office, number, "pause", reason="委托检测", department="SCJ")
    before = snapshot(number)

    # when the office pauses the paused one, or resumes the running one
    response = act(api, office, number, action, reason="专家评审", department=department)

    # then it is a conflict naming why, and nothing changed
    assert (response.status_code, response.json()) == (409, conflict(message))
    assert snapshot(number) == before


# --- What ----------------------------------------------------------------------------------------

TOO_SMALL = "请确保该值大于或者等于 1。"
REQUIRED = "该字段是必填项。"


@pytest.mark.parametrize(
    ("state", "role", "action", "body", "fields"),
    [
        ("submitted", "office", "reject", {"reason": ""}, {"reason": [services.REASON_REQUIRED]}),
        ("submitted", "office", "request-supplement", {"missing": " "}, {"missing": [services.MISSING_REQUIRED]}),
        ("needs_supplement", "subject", "supplement", {"statement": " "}, {"statement": [services.SUPPLEMENT_EMPTY]}),
        ("verifying", "office", "extend", {"days": 0, "reason": "需调取执法记录"}, {"days": [TOO_SMALL]}),
        ("verifying", "office", "extend", {"reason": "需调取执法记录"}, {"days": [REQUIRED]}),
        ("verifying", "office", "extend", {"days": 2, "reason": ""}, {"reason": [services.REASON_REQUIRED]}),
        ("verifying", "office", "pause", {"reason": ""}, {"reason": [services.REASON_REQUIRED]}),
        ("replied", "office", "return", {"reason": ""}, {"reason": [services.REASON_REQUIRED]}),
        (
            "verifying",
            "office",
            "extend",
            {"days": 2, "reason": "需调取执法记录", "department": "HB"},
            {"department": [services.NOT_ROUTED]},
        ),
        (
            "verifying",
            "office",
            "pause",
            {"reason": "委托检测", "department": "ZZ"},
            {"department": [services.NOT_ROUTED]},
        ),
        (
            "verifying",
            "department",
            "reply",
            {"outcome": "maintain", "explanation": ""},
            {"explanation": [services.EXPLANATION_REQUIRED]},
        ),
        (
            "verifying",
            "department",
            "reply",
            {"outcome": "revoke", "explanation": "撤销。", "corrected_fields": {"content": "罚款五百元。"}},
            {"corrected_fields": [services.CORRECTED_FIELDS_NOT_EXPECTED]},
        ),
        (
            "verifying",
            "department",
            "reply",
            {"outcome": "correct", "explanation": "更正。"},
            {"corrected_fields": [services.CORRECTED_FIELDS_REQUIRED]},
        ),
        (
            "verifying",
            "department",
            "reply",
            {"outcome": "remove_from_list", "explanation": "移出名单。"},
            {"outcome": [services.NOT_A_LIST]},
        ),
        (
            "accepted",
            "office",
            "decide-in-office",
            {"outcome": "maintain", "explanation": " "},
            {"explanation": [services.EXPLANATION_REQUIRED]},
        ),
        (
            "accepted",
            "office",
            "decide-in-office",
            {"outcome": "stop_publication", "explanation": "已过公示期。", "corrected_fields": {"title": "新标题"}},
            {"corrected_fields": [services.CORRECTED_FIELDS_NOT_EXPECTED]},
        ),
    ],
)
def test_a_bad_body_is_400_naming_the_field_and_nothing_changes(api, given, user, state, role, action, body, fields):
    number = given(state).number
    before = snapshot(number)

    response = act(api, user(role), number, action, **body)

    expected = {name: [in_chinese(message) for message in messages] for name, messages in fields.items()}
    assert (response.status_code, response.json()) == (400, invalid(expected))
    assert snapshot(number) == before


def test_a_reply_with_no_outcome_names_the_outcome_and_the_explanation(api, given, officer_scj):
    number = given("verifying").number
    before = snapshot(number)

    response = act(api, officer_scj, number, "reply", outcome="keep", explanation="")

    assert (response.status_code, response.json()) == (
        400,
        invalid(
            {
                "outcome": [in_chinese(services.UNKNOWN_OUTCOME) % {"value": "keep"}],
                "explanation": [in_chinese(services.EXPLANATION_REQUIRED)],
            }
        ),
    )
    assert snapshot(number) == before


@pytest.mark.parametrize("action", ["reply", "decide-in-office"])
@pytest.mark.parametrize(
    ("corrected_fields", "messages"),
    [
        ({"fine": "500", "amount": "1"}, [in_chinese(NOT_CORRECTABLE) % {"fields": "amount, fine"}]),
        ({"decision_date": "2027-01-05"}, [f"decision_date: {in_chinese(DECISION_DATE_IN_FUTURE)}"]),
        ({"category": "red_list"}, [f"severity: {in_chinese(SEVERITY_ON_NON_NEGATIVE)}"]),
        ({"content": "责令改正，罚款一千元。"}, [in_chinese(UNCHANGED)]),
        ("罚款五百元", [in_chinese(NO_CORRECTED_FIELDS)]),
    ],
    ids=["unknown fields", "future decision date", "severity on a non-negative category", "unchanged", "not an object"],
)
def test_invalid_corrected_fields_are_400_naming_corrected_fields(
    api, given, officer_scj, office, action, corrected_fields, messages
):
    # given a case the department (or the office, within its own scope) may answer
    number = given("verifying" if action == "reply" else "accepted").number
    before = snapshot(number)

    # when it corrects the record with fields a record may not have
    actor = officer_scj if action == "reply" else office
    body = {"outcome": "correct", "explanation": "更正。", "corrected_fields": corrected_fields}
    response = act(api, actor, number, action, **body)

    # then it is 400 on `corrected_fields`, each message naming the record's field it is about
    assert (response.status_code, response.json()) == (400, invalid({"corrected_fields": messages}))
    assert snapshot(number) == before
