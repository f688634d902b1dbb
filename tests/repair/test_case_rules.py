"""Issue 15, part 3: the repair's decision clock of a market regulation department (SAMR Order 107),
the office's extend, pause and resume of it, and the subject's bankruptcy flagged by the office.
Dates are hand-counted on the official 2026 calendar (国庆 10/1–10/7, working Saturday 10/10)."""

from dataclasses import replace
from datetime import date

import pytest

from repairflow.deadlines.policy import PROFILES, SupplementRule
from repairflow.records.bankruptcy import NOT_IN_BANKRUPTCY, SOURCE_REQUIRED
from repairflow.records.models import CreditSubject
from tests.helpers import NOT_FOUND, conflict, in_chinese, not_allowed
from tests.repair.conftest import act, apply, read, snapshot

SAMR_WHY = (
    "7 working days because the department is a market regulation department: it decides on a repair "
    "within 7 working days (SAMR Order 107), not 3 (国办发〔2025〕22号)."
)


def decision_clock(body: dict) -> dict:
    return next(clock for clock in body["deadlines"] if clock["step"] == "repair_decision")


def test_a_market_regulation_department_decides_in_7_working_days_and_the_explanation_says_why(api, repair_in, office):
    # given an application forwarded to SCJ (market regulation) on 9/28
    application = repair_in("reviewing")
    # then 7 working days from 9/28: 9/29, 9/30, (10/1–10/7 holidays), 10/8, 10/9, Sat 10/10, 10/12, 10/13
    body = api.as_user(office).get(f"/api/v1/repairs/{application.number}/", HTTP_ACCEPT_LANGUAGE="en").json()
    clock = decision_clock(body)
    assert (clock["department"], clock["started_on"], clock["due_on"]) == ("SCJ", "2026-09-28", "2026-10-13")
    assert SAMR_WHY in clock["explanation"]


def test_another_department_keeps_22号s_3_working_days(api, repair_in, office, settings):
    settings.REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS = ["HB"]
    application = repair_in("reviewing")
    # 3 working days from 9/28: 9/29, 9/30, (10/1–10/7 holidays), 10/8
    clock = decision_clock(read(api, office, application.number).json())
    assert (clock["started_on"], clock["due_on"]) == ("2026-09-28", "2026-10-08")
    assert not any("SAMR" in line for line in clock["explanation"])


def test_the_office_extends_pauses_and_resumes_the_department_s_decision(api, repair_in, office, travel):
    application = repair_in("reviewing")  # due 10/13 (above)
    number = application.number
    # extended by 2 on 9/28: 10/14, 10/15
    response = act(api, office, number, "extend", days=2, reason="需调取执法记录")
    assert response.status_code == 200, response.json()
    assert decision_clock(response.json())["due_on"] == "2026-10-15"
    assert response.json()["timeline"][-1]["action"] == "extend"
    # paused on 9/29, resumed on 10/9: 9/30, 10/8 and 10/9 not counted: 10/16, 10/17 is Saturday, 10/19, 10/20
    travel(date(2026, 9, 29))
    response = act(api, office, number, "pause", reason="委托检测")
    assert decision_clock(response.json())["status"] == "paused"
    assert response.json()["allowed_actions"] == ["extend", "resume"]
    travel(date(2026, 10, 9))
    response = act(api, office, number, "resume", reason="检测完成")
    clock = decision_clock(response.json())
    assert (clock["status"], clock["due_on"]) == ("running", "2026-10-20")
    assert [step["action"] for step in response.json()["timeline"]][-3:] == ["extend", "pause", "resume"]


def test_clock_actions_are_refused_to_others_in_other_states_and_with_bad_input(
    api, repair_in, office, officer_scj, company_user, settings
):
    reviewing = repair_in("reviewing")
    before = snapshot(reviewing.number)
    # wrong role
    assert act(api, officer_scj, reviewing.number, "extend", days=2, reason="x").status_code == 403
    assert act(api, company_user, reviewing.number, "pause", reason="x").status_code == 403
    # bad input
    response = act(api, office, reviewing.number, "extend", reason="需调取执法记录")
    assert response.status_code == 400 and "days" in response.json()["fields"]
    response = act(api, office, reviewing.number, "pause", reason=" ")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    # nothing paused to resume
    response = act(api, office, reviewing.number, "resume", reason="x")
    assert (response.status_code, response.json()) == (409, not_allowed("reviewing", ["extend", "pause"]))
    assert snapshot(reviewing.number) == before
    # wrong state: once the department has decided, its clock is no longer the office's to change
    assert act(api, officer_scj, reviewing.number, "approve", reason="已履行").status_code == 200
    before = snapshot(reviewing.number)
    response = act(api, office, reviewing.number, "extend", days=2, reason="x")
    assert response.status_code == 409 and response.json()["state"] == "approved"
    assert snapshot(reviewing.number) == before


def test_an_extension_over_the_profiles_cap_is_refused(api, repair_in, office, settings):
    settings.REPAIRFLOW_PROFILE = "zhejiang"  # at most 15 working days of extension in total
    application = repair_in("reviewing")
    assert act(api, office, application.number, "extend", days=10, reason="复杂").status_code == 200
    before = snapshot(application.number)
    response = act(api, office, application.number, "extend", days=6, reason="仍需时间")
    assert response.status_code == 400 and "days" in response.json()["fields"]
    assert snapshot(application.number) == before


# --- Bankruptcy --------------------------------------------------------------------------------


def bankruptcy_url(subject) -> str:
    return f"/api/v1/subjects/{subject.identifier}/bankruptcy/"


def test_the_office_flags_and_clears_a_bankruptcy_with_history(api, travel, office, company):
    response = api.as_user(office).post(
        bankruptcy_url(company), {"started_on": "2026-09-01", "source": "（2026）鲁01破申12号"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "subject_id": company.identifier,
        "name": company.name,
        "in_bankruptcy": True,
        "started_on": "2026-09-01",
        "source": "（2026）鲁01破申12号",
        "ended_on": None,
    }
    response = api.as_user(office).delete(
        bankruptcy_url(company), {"ended_on": "2026-09-25", "reason": "法院裁定终结破产程序"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["in_bankruptcy"], response.json()["ended_on"]) == (False, "2026-09-25")
    history = list(CreditSubject.objects.get(pk=company.pk).history.order_by("history_id"))
    assert [entry.history_user for entry in history[-2:]] == [office, office]
    assert "法院裁定终结破产程序" in history[-1].history_change_reason


def test_bankruptcy_is_the_offices_only_and_refuses_bad_input(
    api, travel, office, auditor, company, company_user, officer_scj
):
    body = {"started_on": "2026-09-01", "source": "（2026）鲁01破申12号"}
    for user in (auditor, company_user, officer_scj):
        response = api.as_user(user).post(bankruptcy_url(company), body, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert api.as_user(office).post("/api/v1/subjects/123/bankruptcy/", body, format="json").status_code == 404
    response = api.as_user(office).post(bankruptcy_url(company), {"started_on": "2026-09-01", "source": " "})
    assert response.status_code == 400 and "source" in response.json()["fields"]
    response = api.as_user(office).post(bankruptcy_url(company), {**body, "started_on": "2026-10-01"})
    assert response.status_code == 400 and "started_on" in response.json()["fields"]  # in the future
    response = api.as_user(office).delete(bankruptcy_url(company), {"reason": "x"}, format="json")
    assert (response.status_code, response.json()) == (409, conflict(NOT_IN_BANKRUPTCY))
    subject = CreditSubject.objects.get(pk=company.pk)
    assert (subject.bankruptcy_started_on, subject.bankruptcy_source, subject.history.count()) == (None, "", 1)
    assert response_source_message(api, office, company) == [in_chinese(SOURCE_REQUIRED)]


def response_source_message(api, office, company) -> list:
    response = api.as_user(office).post(bankruptcy_url(company), {"started_on": "2026-09-01", "source": "  "})
    return response.json()["fields"]["source"]


def test_an_application_of_a_subject_in_bankruptcy_fails_the_rule(
    api, travel, office, company, company_user, record, proof
):
    api.as_user(office).post(
        bankruptcy_url(company), {"started_on": "2026-09-01", "source": "（2026）鲁01破申12号"}, format="json"
    )
    response = apply(api, company_user, record, proof)
    assert response.status_code == 201, response.json()
    failed = [rule for rule in response.json()["eligibility"] if not rule["passed"]]
    assert [rule["rule"] for rule in failed] == ["not_in_bankruptcy"]
    assert response.json()["eligible"] is False


# --- A supplement restarts or pauses the repair's clocks, as the profile says --------------------


@pytest.mark.parametrize(
    ("rule", "started_on", "status_while_waiting"),
    [
        # restart: 10 working days afresh from 10/8: 10/9, Sat 10/10, 10/12 … 10/21
        (SupplementRule.RESTART, "2026-10-08", "paused"),
        # pause: 9/29, 9/30 and 10/8 not counted: 13 working days from 9/28, the last 10/21
        (SupplementRule.PAUSE, "2026-09-28", "paused"),
    ],
)
def test_a_supplement_restarts_or_resumes_the_answer_clock(
    api, travel, monkeypatch, office, company_user, record, proof, rule, started_on, status_while_waiting
):
    monkeypatch.setitem(PROFILES, "shandong", replace(PROFILES["shandong"], supplement=rule))
    number = apply(api, company_user, record, proof).json()["number"]
    act(api, office, number, "request-supplement", missing="罚款缴纳凭证原件")
    answer = next(c for c in read(api, office, number).json()["deadlines"] if c["step"] == "repair_answer")
    assert answer["status"] == status_while_waiting
    travel(date(2026, 10, 8))
    response = act(api, company_user, number, "supplement", statement="已补充缴款凭证。")
    assert response.status_code == 200, response.json()
    answer = next(c for c in response.json()["deadlines"] if c["step"] == "repair_answer")
    assert (answer["status"], answer["started_on"], answer["due_on"]) == ("running", started_on, "2026-10-21")
