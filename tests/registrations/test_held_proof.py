"""The proof held for a visitor of `/register/details/` whose registration is refused for another
field (registrations/held.py): shown as kept, sent with the next submit that chooses no new file,
bound to the visitor's session, replaced by a new file, and purged a day after it was held. The
pages are read and sent as a browser without JavaScript does: the kept proof is a plain hidden
field of the form."""

import hashlib
import re
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation

from repairflow.registrations import held
from repairflow.registrations.forms import KEPT_GONE
from repairflow.registrations.models import HeldProof, Registration
from repairflow.registrations.services import CODE_WRONG, USERNAME_TAKEN
from repairflow.registrations.tasks import purge_held_proofs
from tests.factories import UserFactory
from tests.files import PDF_BYTES, PNG_BYTES
from tests.helpers import FILED_ON
from tests.i18n import in_chinese
from tests.pages import EXE_BYTES, page, text
from tests.registrations.conftest import PHONE, USCC, application, last_code, proof

pytestmark = pytest.mark.django_db

OTHER_PHONE = "13900139000"
KEPT_INPUT = re.compile(r'<input type="hidden" name="proof_kept" value="([^"]+)">')


def ask_code(client, committed, phone: str) -> str:
    with committed():
        assert client.post("/register/", {"phone": phone}).status_code == 302
    return last_code(phone)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def form_sent_again(response, **fields) -> dict:
    """What the browser sends with the re-rendered form: the fields typed again (a password is
    never shown back), and the hidden field the page holds."""
    hidden = KEPT_INPUT.search(page(response))
    return {**fields, **({held.KEPT_FIELD: hidden.group(1)} if hidden else {})}


def without_proof(code: str, **overrides) -> dict:
    sent = application(code, **overrides)
    del sent["proof"]
    return sent


def kept_line(name: str, size: int) -> str:
    """The line saying which file is kept, as `text` reads it."""
    with translation.override("zh-hans"):
        line = in_chinese("Kept: %(name)s (%(size)s). Choose another file only to replace it.") % {
            "name": name,
            "size": filesizeformat(size),
        }
    return " ".join(line.split())


def held_files() -> list:
    folder = django_settings.MEDIA_ROOT / "registrations" / "held"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("refused_field", "sent_first", "message"),
    [
        ("phone_code", lambda code: application(wrong(code)), CODE_WRONG),
        ("username", lambda code: application(code, username="taken"), USERNAME_TAKEN),
        ("subject_id", lambda code: application(code, subject_id=USCC[:-1] + ("1" if USCC[-1] == "0" else "0")), None),
        ("contact_name", lambda code: application(code, contact_name=""), None),
    ],
    ids=["a wrong code", "a taken user name", "a bad check digit", "an empty field"],
)
def test_the_proof_is_kept_when_another_field_is_refused_and_sent_by_the_next_submit(
    client, committed, travel, refused_field, sent_first, message
):
    UserFactory(username="taken")
    code = ask_code(client, committed, PHONE)

    refused = client.post("/register/details/", sent_first(code))

    assert refused.status_code == 400
    assert f"id_{refused_field}_errors" in page(refused)
    assert "id_proof_errors" not in page(refused)
    if message is not None:
        assert in_chinese(message) in text(refused)
    assert kept_line("营业执照.pdf", len(PDF_BYTES)) in text(refused)
    assert in_chinese("Choose the proof file again.") not in text(refused)
    assert not Registration.objects.exists()
    hold = HeldProof.objects.get()
    assert KEPT_INPUT.search(page(refused)).group(1) == hold.token
    assert len(held_files()) == 1

    again = client.post("/register/details/", form_sent_again(refused, **without_proof(code)))

    assert again["Location"] == "/register/received/"
    registration = Registration.objects.get()
    assert registration.proof_name == "营业执照.pdf"
    assert registration.proof_size == len(PDF_BYTES)
    assert registration.proof_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with registration.proof.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == registration.proof_sha256
    # the hold is gone, its file too: the registration has its own copy
    assert not HeldProof.objects.exists() and held_files() == []
    assert held.SESSION_KEY not in client.session


def test_a_proof_written_to_a_temporary_file_on_arrival_is_kept_too(client, committed, travel, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload on disk, as a large scan is
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))
    assert KEPT_INPUT.search(page(refused))

    again = client.post("/register/details/", form_sent_again(refused, **without_proof(code)))

    assert again["Location"] == "/register/received/"
    assert Registration.objects.get().proof_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_another_sessions_token_is_refused(client, committed, travel):
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))
    token = KEPT_INPUT.search(page(refused)).group(1)
    stranger = Client()
    their_code = ask_code(stranger, committed, OTHER_PHONE)

    response = stranger.post(
        "/register/details/",
        {**without_proof(their_code, phone=OTHER_PHONE, username="stranger"), held.KEPT_FIELD: token},
    )

    assert response.status_code == 400
    assert in_chinese(KEPT_GONE) in text(response)
    assert page(response).index('id="id_proof"') < page(response).index("id_proof_errors")
    assert "营业执照.pdf" not in text(response)
    assert not KEPT_INPUT.search(page(response))
    assert not Registration.objects.exists()
    # the hold is still its visitor's, who sends it
    assert HeldProof.objects.get().token == token and len(held_files()) == 1
    again = client.post("/register/details/", form_sent_again(refused, **without_proof(code)))
    assert again["Location"] == "/register/received/"


def test_a_new_file_replaces_the_held_one(client, committed, travel):
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))
    first = HeldProof.objects.get()

    replaced = client.post(
        "/register/details/", form_sent_again(refused, **application(wrong(code), proof=proof("身份证.png", PNG_BYTES)))
    )

    assert replaced.status_code == 400
    assert kept_line("身份证.png", len(PNG_BYTES)) in text(replaced)
    assert "营业执照.pdf" not in text(replaced)
    second = HeldProof.objects.get()
    assert second.token != first.token
    assert held_files() == [django_settings.MEDIA_ROOT / second.file.name]

    again = client.post("/register/details/", form_sent_again(replaced, **without_proof(code)))

    assert again["Location"] == "/register/received/"
    assert Registration.objects.get().proof_sha256 == hashlib.sha256(PNG_BYTES).hexdigest()
    assert not HeldProof.objects.exists() and held_files() == []


def test_a_new_file_sent_with_the_kept_one_is_the_proof_and_the_hold_is_removed(client, committed, travel):
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))

    sent = client.post(
        "/register/details/", form_sent_again(refused, **application(code, proof=proof("身份证.png", PNG_BYTES)))
    )

    assert sent["Location"] == "/register/received/"
    assert Registration.objects.get().proof_name == "身份证.png"
    assert not HeldProof.objects.exists() and held_files() == []


@pytest.mark.parametrize(
    ("content", "empty_field", "status"),
    [(EXE_BYTES, False, 415), (PDF_BYTES[: len(PDF_BYTES) // 2], False, 400), (EXE_BYTES, True, 400)],
    ids=["a program", "half a PDF", "a program with a field the form refuses"],
)
def test_an_invalid_proof_is_never_held(client, committed, travel, content, empty_field, status):
    code = ask_code(client, committed, PHONE)
    overrides = {"contact_name": ""} if empty_field else {}

    response = client.post(
        "/register/details/", application(wrong(code), proof=proof("营业执照.pdf", content), **overrides)
    )

    assert response.status_code == status
    # refused by the service, the proof is marked; by the form, it was not judged yet
    assert ("id_proof_errors" in page(response)) is not empty_field
    assert in_chinese("Choose the proof file again.") in text(response)
    assert not KEPT_INPUT.search(page(response))
    assert not HeldProof.objects.exists() and held_files() == []
    assert held.SESSION_KEY not in client.session


def test_an_invalid_new_file_lets_go_of_the_held_one(client, committed, travel):
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))

    response = client.post(
        "/register/details/", form_sent_again(refused, **application(code, proof=proof("营业执照.pdf", EXE_BYTES)))
    )

    assert response.status_code == 415
    assert not KEPT_INPUT.search(page(response))
    assert not HeldProof.objects.exists() and held_files() == []
    assert not Registration.objects.exists()


def test_a_hold_a_day_old_is_no_longer_sent_even_before_the_purge(client, committed, travel, settings):
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600  # the session outlives its hold
    code = ask_code(client, committed, PHONE)
    refused = client.post("/register/details/", application(wrong(code)))
    travel(FILED_ON + timedelta(days=1), hour=10)
    code = ask_code(client, committed, PHONE)

    response = client.post("/register/details/", form_sent_again(refused, **without_proof(code)))

    assert response.status_code == 400
    assert in_chinese(KEPT_GONE) in text(response)
    assert not Registration.objects.exists()


def test_a_submit_beyond_the_limit_holds_nothing(client, committed, travel):
    """Every submit is counted, as the API counts it (10 an hour from one client address by
    default): an incomplete form too, so that no one holds file after file."""
    code = ask_code(client, committed, PHONE)
    for _ in range(10):
        assert client.post("/register/details/", without_proof(code, contact_name="")).status_code == 400

    response = client.post("/register/details/", application(wrong(code)))

    assert response.status_code == 429
    assert not KEPT_INPUT.search(page(response))
    assert not HeldProof.objects.exists() and held_files() == []


def test_the_purge_deletes_the_holds_a_day_old_and_their_files_and_leaves_the_fresh(travel):
    old = held.proof_hold({}, proof("旧执照.pdf"))
    travel(FILED_ON + timedelta(days=1), hour=9)
    fresh = held.proof_hold({}, proof("新执照.pdf"))
    assert purge_held_proofs() == 0  # an hour short of a day: kept yet

    travel(FILED_ON + timedelta(days=1), hour=10)
    assert purge_held_proofs() == 1

    assert list(HeldProof.objects.all()) == [fresh]
    assert held_files() == [django_settings.MEDIA_ROOT / fresh.file.name]
    assert not (django_settings.MEDIA_ROOT / old.file.name).exists()

    travel(date(2030, 1, 1))
    assert purge_held_proofs() == 1
    assert not HeldProof.objects.exists() and held_files() == []


def test_beat_purges_every_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-held-proofs"]

    assert (entry["task"], entry["schedule"]) == (purge_held_proofs.name, 3600.0)
    assert purge_held_proofs.name == "repairflow.registrations.tasks.purge_held_proofs"


def test_the_page_keeps_the_proof_without_javascript(client, committed, travel):
    """The kept proof is a hidden field inside the form, which a plain submit sends; the page
    loads no script of its own for it (pages.js is the site's, and does not touch forms)."""
    code = ask_code(client, committed, PHONE)

    refused = page(client.post("/register/details/", application(wrong(code))))

    form = re.search(r'<form method="post" enctype="multipart/form-data".*?</form>', refused, re.S).group(0)
    assert KEPT_INPUT.search(form)
    assert form.index('class="kept"') < form.index('id="id_proof"')
    assert "<script" not in form and not re.search(r"<[^>]*\son\w+=", form)
