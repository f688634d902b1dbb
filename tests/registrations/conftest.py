"""What the registration tests share: SMS and e-mail kept to be read, the code a phone received,
a valid application, and a proof to upload."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.notifications import tasks
from tests.factories import make_resident_id, make_uscc
from tests.files import PDF_BYTES

PHONE = "13800138000"
PASSWORD = "Lvse-Jinan-88!"
USCC = make_uscc(4242)
TEXTS: list[tuple[str, str]] = []


class RecordingSmsBackend:
    """An SMS gateway that keeps what it is asked to send."""

    def send(self, number: str, text: str) -> None:
        TEXTS.append((number, text))


@pytest.fixture(autouse=True)
def channels(settings, monkeypatch, tmp_path, throttle_history_empty):
    """SMS to `TEXTS`, e-mail to the test outbox, both sent at once when handed to Celery; the
    proofs under a temporary MEDIA_ROOT; the throttles' history empty."""
    settings.REPAIRFLOW_SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks.text_contact, "delay", tasks.text_contact)
    monkeypatch.setattr(tasks.mail_contact, "delay", tasks.mail_contact)
    TEXTS.clear()
    yield
    TEXTS.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...`: what is sent after commit is sent when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def texts_to(phone: str) -> list[str]:
    return [text for number, text in TEXTS if number == phone]


def last_code(phone: str = PHONE) -> str:
    """The code in the last SMS to `phone`."""
    return re.search(r"\b(\d{6})\b", texts_to(phone)[-1]).group(1)


def proof(name: str = "营业执照.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def application(code: str, **overrides) -> dict:
    """A company's registration as the API takes it (multipart)."""
    return {
        "subject_id": USCC,
        "subject_name": "济南泉城新材料有限公司",
        "subject_type": "legal_person",
        "contact_name": "李华",
        "phone": PHONE,
        "phone_code": code,
        "username": "quancheng",
        "password": PASSWORD,
        "email": "lihua@example.cn",
        "proof": proof(),
        **overrides,
    }


PERSON_ID = make_resident_id(77)
