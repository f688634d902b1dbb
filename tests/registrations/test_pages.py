"""The registration pages, without JavaScript: `/register/` in two steps, the page saying it was
received, and the office's queue with the proof, approval and rejection after a confirmation."""

import re

import pytest

from repairflow.records.models import User
from repairflow.registrations.models import Registration, RegistrationState
from repairflow.registrations.services import CODE_WRONG
from tests.factories import UserFactory
from tests.i18n import in_chinese
from tests.pages import EXE_BYTES, page, text
from tests.registrations.conftest import PASSWORD, PHONE, USCC, application, last_code, proof, texts_to

pytestmark = pytest.mark.django_db


def ask_code(client, committed, phone: str = PHONE):
    with committed():
        return client.post("/register/", {"phone": phone})


def register(client, committed, **overrides):
    assert ask_code(client, committed).status_code == 302
    return client.post("/register/details/", application(last_code(), **overrides))


@pytest.fixture
def pending(client, committed, travel) -> Registration:
    assert register(client, committed)["Location"] == "/register/received/"
    return Registration.objects.get()


def test_a_company_registers_through_the_pages_and_signs_in_once_approved(client, committed, travel, office):
    # Step 1: the phone number, which receives a code
    assert client.get("/register/").status_code == 200
    response = ask_code(client, committed, "138 0013 8000")
    assert response["Location"] == f"/register/details/?phone={PHONE}"
    assert len(texts_to(PHONE)) == 1
    # Step 2: the form, the number already in it
    form = client.get(response["Location"])
    assert f'value="{PHONE}"' in page(form)
    response = client.post("/register/details/", application(last_code()))
    assert response["Location"] == "/register/received/"
    assert client.get("/register/received/").status_code == 200
    registration = Registration.objects.get()
    # Nobody signs in with it yet
    refused = client.post("/accounts/login/", {"username": "quancheng", "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session

    # The office sees it in its queue, opens the proof and approves after confirming
    client.force_login(office)
    queue = client.get("/office/registrations/")
    assert "济南泉城新材料有限公司" in text(queue) and "营业执照.pdf" in text(queue)
    download = client.get(f"/office/registrations/{registration.pk}/proof/")
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert download["Content-Disposition"].startswith("attachment;")
    confirm = client.get(f"/office/registrations/{registration.pk}/approve/")
    assert confirm.status_code == 200 and Registration.objects.get().state == RegistrationState.PENDING
    response = client.post(f"/office/registrations/{registration.pk}/approve/")
    assert response["Location"] == "/office/registrations/"
    assert Registration.objects.get().state == RegistrationState.APPROVED
    assert f"/office/registrations/{registration.pk}/approve/" not in page(client.get("/office/registrations/"))

    # The new account signs in on the page
    client.logout()
    response = client.post("/accounts/login/", {"username": "quancheng", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="quancheng").credit_subject.identifier == USCC


def test_the_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(client, committed, travel):
    assert ask_code(client, committed).status_code == 302
    wrong = f"{(int(last_code()) + 1) % 1_000_000:06d}"

    response = client.post("/register/details/", application(wrong, subject_id=USCC[:-1] + "Z"))

    assert response.status_code == 400
    html = page(response)
    assert in_chinese(CODE_WRONG) in text(response)
    assert html.index('id="id_subject_id"') < html.index("id_subject_id_errors")
    assert html.index('id="id_phone_code"') < html.index("id_phone_code_errors")
    for typed in ("济南泉城新材料有限公司", "李华", "lihua@example.cn", "quancheng", PHONE):
        assert f'value="{typed}"' in html
    assert PASSWORD not in html
    assert 'class="required-mark"' in html
    assert not Registration.objects.exists()


def test_a_proof_that_is_not_a_pdf_or_an_image_is_refused_beside_it(client, committed, travel):
    response = register(client, committed, proof=proof("营业执照.pdf", EXE_BYTES))

    assert response.status_code == 415
    assert page(response).index('id="id_proof"') < page(response).index("id_proof_errors")
    assert not Registration.objects.exists()


def test_a_second_code_within_a_minute_is_refused_on_the_page(client, committed, travel):
    assert ask_code(client, committed).status_code == 302

    response = ask_code(client, committed)

    assert response.status_code == 429
    assert "id_phone_errors" in page(response)
    assert len(texts_to(PHONE)) == 1


def test_a_number_that_is_not_a_mobile_is_refused_on_the_page(client, committed):
    response = ask_code(client, committed, "010-12345678")

    assert response.status_code == 400
    assert "id_phone_errors" in page(response)
    assert texts_to("01012345678") == []


def test_the_office_rejects_with_a_reason_after_confirming(client, pending, office, committed):
    client.force_login(office)
    assert client.get(f"/office/registrations/{pending.pk}/reject/").status_code == 200

    without = client.post(f"/office/registrations/{pending.pk}/reject/", {"reason": ""})
    assert without.status_code == 400 and "id_reason_errors" in page(without)
    assert Registration.objects.get().state == RegistrationState.PENDING

    with committed():
        response = client.post(f"/office/registrations/{pending.pk}/reject/", {"reason": "执照已过期。"})
    assert response["Location"] == "/office/registrations/"
    assert Registration.objects.get().state == RegistrationState.REJECTED
    assert "执照已过期。" in texts_to(PHONE)[-1]
    assert "执照已过期。" in text(client.get("/office/registrations/?state=rejected"))


def test_deciding_again_on_the_page_changes_nothing(client, pending, office):
    client.force_login(office)
    client.post(f"/office/registrations/{pending.pk}/reject/", {"reason": "执照已过期。"})

    response = client.post(f"/office/registrations/{pending.pk}/approve/")

    assert response.status_code == 409
    assert Registration.objects.get().state == RegistrationState.REJECTED
    assert not User.objects.filter(username="quancheng").exists()


def test_the_auditor_reads_the_queue_but_may_not_decide(client, pending, auditor):
    client.force_login(auditor)

    queue = client.get("/office/registrations/")
    assert queue.status_code == 200 and "济南泉城新材料有限公司" in text(queue)
    assert f"/office/registrations/{pending.pk}/approve/" not in page(queue)
    assert client.get(f"/office/registrations/{pending.pk}/proof/").status_code == 200
    assert client.post(f"/office/registrations/{pending.pk}/approve/").status_code == 403
    assert Registration.objects.get().state == RegistrationState.PENDING


@pytest.mark.parametrize("who", ["company_user", "officer_scj"])
def test_the_queue_is_not_there_for_anyone_else(client, pending, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/office/registrations/").status_code == 404
    assert client.get(f"/office/registrations/{pending.pk}/proof/").status_code == 404
    assert client.post(f"/office/registrations/{pending.pk}/approve/").status_code == 404
    assert Registration.objects.get().state == RegistrationState.PENDING


def test_the_desk_links_to_the_queue_and_the_sign_in_page_to_registering(client, db):
    assert 'href="/register/"' in page(client.get("/accounts/login/"))
    client.force_login(UserFactory(username="office", office=True))
    assert 'href="/office/registrations/"' in page(client.get("/office/"))


def test_each_field_is_named_by_its_label_alone_and_described_by_its_help(client, db):
    """A screen reader reads "Name", not "Name star": the mark is for the eye (the field itself
    is required), and the help text is the one the field says describes it."""
    ask = page(client.get("/register/"))
    details = page(client.get("/register/details/"))

    for html in (ask, details):
        marks = re.findall(r'<span class="required-mark"[^>]*>\*</span>', html)
        assert marks and all('aria-hidden="true"' in mark for mark in marks)
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            assert f'id="{described}"' in html
    assert 'aria-describedby="id_subject_name_helptext"' in details
    # the legend says what the mark means, in the words of every other form
    assert in_chinese("Fields marked * are required.") in ask
    # the mark's title is a form's "required", not a platform's acknowledgement (须确认)
    assert 'title="须确认"' not in details
