"""Subjects registering themselves through the API (docs/api.md "Subjects registering
themselves"): a code by SMS confirms the phone, the registration waits with its proof, the office
approves (a `subject` account bound to exactly that subject) or rejects with a reason, and the
person is told either way. Every refusal leaves nothing behind."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from repairflow.core.services import FILE_NOT_ALLOWED
from repairflow.records.models import CreditSubject, User
from repairflow.registrations.models import PhoneCode, Registration, RegistrationState
from repairflow.registrations.phones import NOT_A_MOBILE
from repairflow.registrations.services import CODE_EXPIRED, CODE_TRIED_OUT, CODE_WRONG, USERNAME_TAKEN
from tests.factories import CreditRecordFactory, CreditSubjectFactory, UserFactory
from tests.helpers import NOT_FOUND, forbidden, invalid
from tests.i18n import in_chinese
from tests.pages import EXE_BYTES
from tests.registrations.conftest import (
    PASSWORD,
    PHONE,
    USCC,
    application,
    last_code,
    proof,
    texts_to,
)

pytestmark = pytest.mark.django_db

CODE_URL = "/api/v1/registrations/phone-code/"
URL = "/api/v1/registrations/"


def ask_code(api, committed, phone: str = PHONE):
    with committed():
        return api.post(CODE_URL, {"phone": phone}, format="json")


def register(api, committed, **overrides):
    """Ask for a code, then register with it (and `overrides`)."""
    phone = overrides.get("phone", PHONE)
    assert ask_code(api, committed, phone).status_code == 202
    return api.post(URL, application(last_code(phone), **overrides), format="multipart")


@pytest.fixture
def pending(api, committed, travel) -> Registration:
    response = register(api, committed)
    assert response.status_code == 201, response.json()
    return Registration.objects.get(pk=response.json()["id"])


def token_status(api, username: str, password: str) -> int:
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json").status_code


# --- The whole way ------------------------------------------------------------------------------


def test_a_company_registers_is_approved_and_sees_exactly_its_own_records(
    api, committed, travel, office, scj, company, mailoutbox
):
    # Given records of the registering company (already in the registry) and of another one
    subject = CreditSubjectFactory(identifier=USCC, name="济南泉城新材料有限公司")
    own = CreditRecordFactory(subject=subject, department=scj, decision_no="济市监罚〔2026〕7号")
    CreditRecordFactory(subject=company, department=scj, decision_no="济市监罚〔2026〕8号")

    # When the company asks for a code: an SMS carries 6 digits, and only their digest is kept
    assert ask_code(api, committed).status_code == 202
    code = last_code()
    assert len(code) == 6 and code not in PhoneCode.objects.get().digest

    # And registers with it
    response = api.post(URL, application(code), format="multipart")

    # Then it is pending, and nobody can sign in with it yet
    assert response.status_code == 201, response.json()
    registration = Registration.objects.get()
    assert response.json() == {"id": registration.pk, "state": "pending"}
    assert (registration.identifier, registration.username, registration.proof_name) == (
        USCC,
        "quancheng",
        "营业执照.pdf",
    )
    assert PASSWORD not in registration.password
    assert not User.objects.filter(username="quancheng").exists()
    assert token_status(api, "quancheng", PASSWORD) == 401

    # When the office lists the pending registrations and approves it
    listed = api.as_user(office).get(URL, {"state": "pending"}).json()
    assert [(row["id"], row["subject_id"], row["proof"]["name"]) for row in listed["results"]] == [
        (registration.pk, USCC, "营业执照.pdf")
    ]
    with committed():
        approved = api.as_user(office).post(f"{URL}{registration.pk}/approve/")

    # Then a subject account bound to that subject signs in with the password chosen
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["account"], approved.json()["decided_by"]) == (
        "approved",
        "quancheng",
        "office",
    )
    account = User.objects.get(username="quancheng")
    assert (account.role, account.credit_subject, account.mobile, account.is_active) == (
        "subject",
        subject,
        PHONE,
        True,
    )
    api.credentials()
    assert api.post("/api/v1/auth/token/", {"username": "quancheng", "password": PASSWORD}).status_code == 200
    # And it sees its own records and nobody else's
    records = api.as_user(account).get("/api/v1/records/").json()["results"]
    assert [record["id"] for record in records] == [own.pk]
    # And it was told by SMS and e-mail
    assert "quancheng" in texts_to(PHONE)[-1]
    assert [mail.to for mail in mailoutbox] == [["lihua@example.cn"]]
    # And the history keeps who decided, never the password
    history = api.as_user(office).get("/api/v1/registrations/?state=approved").json()["results"]
    assert [row["id"] for row in history] == [registration.pk]
    assert [(row.history_user, row.state) for row in registration.history.order_by("history_id")] == [
        (None, "pending"),
        (office, "approved"),
    ]
    assert not hasattr(registration.history.first(), "password")
    assert Registration.objects.get().password == ""


def test_an_approved_registration_adds_its_subject_to_the_registry_when_it_is_not_there(
    api, committed, pending, office
):
    api.as_user(office).post(f"{URL}{pending.pk}/approve/")

    subject = CreditSubject.objects.get(identifier=USCC)
    assert (subject.name, subject.subject_type) == ("济南泉城新材料有限公司", "legal_person")
    assert User.objects.get(username="quancheng").credit_subject == subject
    assert subject.history.get().history_user == office


def test_a_rejected_registration_makes_no_account_and_tells_the_reason(api, committed, pending, office, mailoutbox):
    with committed():
        response = api.as_user(office).post(f"{URL}{pending.pk}/reject/", {"reason": "营业执照模糊不清。"})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["rejection_reason"]) == ("rejected", "营业执照模糊不清。")
    assert not User.objects.filter(username="quancheng").exists()
    assert token_status(api, "quancheng", PASSWORD) == 401
    assert "营业执照模糊不清。" in texts_to(PHONE)[-1]
    assert "营业执照模糊不清。" in mailoutbox[0].body
    assert pending.history.order_by("-history_id").first().history_change_reason == "营业执照模糊不清。"


def test_a_rejection_needs_a_reason(api, pending, office):
    response = api.as_user(office).post(f"{URL}{pending.pk}/reject/", {"reason": " "})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["reason"]
    assert Registration.objects.get().state == RegistrationState.PENDING


@pytest.mark.parametrize("first, second", [("approve", "approve"), ("approve", "reject"), ("reject", "approve")])
def test_a_registration_is_decided_once(api, pending, office, first, second):
    api.as_user(office).post(f"{URL}{pending.pk}/{first}/", {"reason": "证明材料不符。"})
    before = (User.objects.count(), pending.history.count(), Registration.objects.get().state)

    response = api.as_user(office).post(f"{URL}{pending.pk}/{second}/", {"reason": "证明材料不符。"})

    assert response.status_code == 409
    assert response.json()["error"] == "transition_not_allowed"
    assert response.json()["state"] == before[2]
    assert (User.objects.count(), pending.history.count(), Registration.objects.get().state) == before


def test_a_user_name_taken_since_by_an_account_stops_the_approval(api, pending, office):
    UserFactory(username="QuanCheng", office=True)

    response = api.as_user(office).post(f"{URL}{pending.pk}/approve/")

    assert (response.status_code, response.json()["error"]) == (409, "conflict")
    assert Registration.objects.get().state == RegistrationState.PENDING


# --- Who may see and decide ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["company_user", "officer_scj"])
def test_anyone_but_the_office_and_the_auditor_is_told_there_is_nothing(api, pending, request, who):
    caller = api.as_user(request.getfixturevalue(who))

    assert caller.get(URL).status_code == 404
    assert caller.get(f"{URL}{pending.pk}/").json() == NOT_FOUND
    assert caller.post(f"{URL}{pending.pk}/approve/").json() == NOT_FOUND
    assert caller.post(f"{URL}{pending.pk}/reject/", {"reason": "x"}).json() == NOT_FOUND
    assert Registration.objects.get().state == RegistrationState.PENDING


def test_the_auditor_reads_but_may_not_decide(api, pending, auditor):
    reader = api.as_user(auditor)

    assert reader.get(URL).json()["count"] == 1
    assert reader.get(f"{URL}{pending.pk}/").json()["username"] == "quancheng"
    assert reader.post(f"{URL}{pending.pk}/approve/").json() == forbidden()
    assert reader.post(f"{URL}{pending.pk}/reject/", {"reason": "x"}).json() == forbidden()
    assert Registration.objects.get().state == RegistrationState.PENDING


def test_nobody_signed_in_may_list(api, pending):
    assert api.get(URL).status_code == 401


def test_an_unknown_state_is_refused(api, office):
    assert api.as_user(office).get(URL, {"state": "lost"}).status_code == 400


# --- Refusals when registering ------------------------------------------------------------------


def test_an_identifier_failing_its_check_digit_is_refused(api, committed, travel):
    wrong = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")

    response = register(api, committed, subject_id=wrong)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["subject_id"]
    assert not Registration.objects.exists()


def test_a_resident_id_registers_a_natural_person(api, committed, travel):
    from tests.registrations.conftest import PERSON_ID

    response = register(api, committed, subject_id=PERSON_ID, subject_type="natural_person", subject_name="王芳")

    assert response.status_code == 201
    assert Registration.objects.get().identifier == PERSON_ID


@pytest.mark.parametrize("holder", ["account", "pending registration"])
def test_a_user_name_taken_is_refused(api, committed, travel, holder):
    if holder == "account":
        UserFactory(username="QuanCheng", office=True)
    else:
        assert register(api, committed, phone="13900139000", username="QuanCheng").status_code == 201
    count = Registration.objects.count()

    response = register(api, committed)

    assert response.status_code == 400
    assert response.json() == invalid({"username": [in_chinese(USERNAME_TAKEN)]})
    assert Registration.objects.count() == count


def test_a_weak_password_is_refused_by_djangos_validators(api, committed, travel):
    response = register(api, committed, password="12345678")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
    assert not Registration.objects.exists()


def test_a_wrong_code_is_refused_and_counted(api, committed, travel):
    assert ask_code(api, committed).status_code == 202
    wrong = f"{(int(last_code()) + 1) % 1_000_000:06d}"

    response = api.post(URL, application(wrong), format="multipart")

    assert response.json() == invalid({"phone_code": [in_chinese(CODE_WRONG)]})
    assert PhoneCode.objects.get().tries == 1
    assert not Registration.objects.exists()


def test_an_expired_code_is_refused(api, committed, travel):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert ask_code(api, committed).status_code == 202
        clock.shift(timedelta(minutes=10, seconds=1))

        response = api.post(URL, application(last_code()), format="multipart")

    assert response.json() == invalid({"phone_code": [in_chinese(CODE_EXPIRED)]})
    assert not Registration.objects.exists()


def test_a_code_is_good_until_its_tenth_minute(api, committed, travel):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert ask_code(api, committed).status_code == 202
        clock.shift(timedelta(minutes=9, seconds=59))

        assert api.post(URL, application(last_code()), format="multipart").status_code == 201


def test_the_sixth_try_is_refused_even_with_the_right_code(api, committed, travel):
    assert ask_code(api, committed).status_code == 202
    code = last_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert api.post(URL, application(wrong), format="multipart").status_code == 400

    response = api.post(URL, application(code), format="multipart")

    assert response.json() == invalid({"phone_code": [in_chinese(CODE_TRIED_OUT)]})
    assert not Registration.objects.exists()


def test_a_right_code_sent_with_another_mistake_is_not_used_up(api, committed, travel):
    assert ask_code(api, committed).status_code == 202
    code = last_code()
    for _ in range(6):
        assert api.post(URL, application(code, password="123"), format="multipart").status_code == 400

    assert api.post(URL, application(code), format="multipart").status_code == 201


def test_a_code_registers_once(api, committed, travel):
    assert register(api, committed).status_code == 201
    code = last_code()

    response = api.post(URL, application(code, username="other-name"), format="multipart")

    assert response.json() == invalid({"phone_code": [in_chinese(CODE_EXPIRED)]})
    assert Registration.objects.count() == 1


def test_a_proof_that_is_not_a_pdf_or_an_image_is_refused(api, committed, travel):
    assert ask_code(api, committed).status_code == 202
    code = last_code()

    response = api.post(URL, application(code, proof=proof("营业执照.pdf", EXE_BYTES)), format="multipart")

    assert response.status_code == 415
    assert response.json() == {"error": "unsupported_type", "detail": in_chinese(FILE_NOT_ALLOWED)}
    assert not Registration.objects.exists()
    # the code is still good for the same registration with its real proof
    assert api.post(URL, application(code), format="multipart").status_code == 201


def test_a_proof_that_only_begins_like_a_pdf_is_refused_on_its_field(api, committed, travel):
    response = register(api, committed, proof=proof("营业执照.pdf", b"%PDF-1.7 nothing else"))

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["proof"]
    assert not Registration.objects.exists()


# --- The code's limits --------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800a", ""])
def test_a_code_is_sent_only_to_a_mainland_mobile_number(api, committed, phone):
    response = ask_code(api, committed, phone)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["phone"]
    assert not PhoneCode.objects.exists()


def test_a_number_written_with_the_country_code_and_spaces_is_the_same_number(api, committed):
    assert ask_code(api, committed, "+86 138 0013 8000").status_code == 202

    assert PhoneCode.objects.get().phone == PHONE
    assert ask_code(api, committed, "138-0013-8000").status_code == 429


def test_one_code_per_number_a_minute(api, committed, travel):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert ask_code(api, committed).status_code == 202
        clock.shift(timedelta(seconds=59))
        refused = ask_code(api, committed)
        clock.shift(timedelta(seconds=2))
        again = ask_code(api, committed)

    assert (refused.status_code, refused.json()["error"]) == (429, "throttled")
    assert again.status_code == 202
    assert PhoneCode.objects.count() == 2 and len(texts_to(PHONE)) == 2


def test_a_newer_code_replaces_the_older_one(api, committed, travel):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert ask_code(api, committed).status_code == 202
        first = last_code()
        clock.shift(timedelta(minutes=1, seconds=1))
        assert ask_code(api, committed).status_code == 202
        if last_code() == first:
            pytest.skip("the same six digits drawn twice")

        assert api.post(URL, application(first), format="multipart").status_code == 400
        assert api.post(URL, application(last_code()), format="multipart").status_code == 201


def test_twenty_codes_an_hour_from_one_client_address(api, committed):
    for serial in range(20):
        assert ask_code(api, committed, f"1390000{serial:04d}").status_code == 202

    response = ask_code(api, committed, "13712345678")

    assert response.status_code == 429
    assert not PhoneCode.objects.filter(phone="13712345678").exists()


def test_the_code_is_not_sent_with_an_invalid_message_for_another_field(api, committed):
    response = ask_code(api, committed, "13800138000x")

    assert response.json() == invalid({"phone": [in_chinese(NOT_A_MOBILE)]})


def test_the_demo_has_a_registration_waiting_for_the_office(api, travel, office):
    from django.core.management import call_command

    call_command("seed_registrations", stdout=None)
    call_command("seed_registrations", stdout=None)

    listed = api.as_user(office).get(URL, {"state": "pending"}).json()["results"]
    assert [(row["username"], row["proof"]["content_type"]) for row in listed] == [("lixia-canyin", "application/pdf")]
