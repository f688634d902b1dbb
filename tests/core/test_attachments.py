"""Attachments (docs/api.md "Attachments"): PDF, JPEG, PNG and OFD only, judged by content;
413 over the limit and 415 for anything else, with nothing stored either way."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.core.attachments import JPEG, OFD, PDF, PNG, content_type_of
from repairflow.core.models import Attachment
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import FILE_NOT_ALLOWED, FILE_TOO_LARGE

URL = "/api/v1/attachments/"
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<ofd:OFD/>")
    return buffer.getvalue()


OFD_BYTES = zip_bytes("OFD.xml", "Doc_0/Document.xml")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, PDF),
        (JPEG_BYTES, JPEG),
        (PNG_BYTES, PNG),
        (OFD_BYTES, OFD),
        (zip_bytes("word/document.xml"), None),
        (b"PK\x03\x04 not really a zip", None),
        (EXE_BYTES, None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_the_type_is_judged_by_the_bytes(content, expected):
    file = io.BytesIO(content)

    assert content_type_of(file) == expected
    assert file.tell() == 0


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("决定书.pdf", PDF_BYTES, PDF),
        ("缴款凭证.jpg", JPEG_BYTES, JPEG),
        ("截图.png", PNG_BYTES, PNG),
        ("证明.ofd", OFD_BYTES, OFD),
    ],
)
def test_an_allowed_file_is_kept_with_its_hash(api, company_user, media, name, content, content_type):
    response = api.as_user(company_user).post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart")

    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "name": name,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_type": content_type,
    }
    assert attachment.uploaded_by == company_user
    assert attachment.file.read() == content
    assert name not in attachment.file.name


def test_an_exe_renamed_pdf_is_415_and_nothing_is_stored(api, company_user, media):
    upload = SimpleUploadedFile("决定书.pdf", EXE_BYTES, content_type="application/pdf")

    response = api.as_user(company_user).post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 415
    assert response.json() == {"error": "unsupported_type", "detail": str(FILE_NOT_ALLOWED)}
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(api, officer_scj, media, settings):
    settings.REPAIRFLOW_UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1

    response = api.as_user(officer_scj).post(URL, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_exactly_at_the_limit_is_accepted(api, office, media, settings):
    settings.REPAIRFLOW_UPLOAD_MAX_BYTES = len(PDF_BYTES)

    response = api.as_user(office).post(URL, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")

    assert response.status_code == 201


def test_the_limit_is_said_in_the_users_language(api, office, media, settings):
    settings.REPAIRFLOW_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024))

    response = api.as_user(office).post(URL, {"file": big}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == FILE_TOO_LARGE % {"limit": "20.0\xa0MB"}


@pytest.mark.parametrize(
    "body",
    [{}, {"file": "not a file"}, {"file": SimpleUploadedFile("empty.pdf", b"")}],
)
def test_no_file_or_an_empty_one_is_400_naming_the_field(api, company_user, media, body):
    response = api.as_user(company_user).post(URL, body, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert not Attachment.objects.exists()


def test_a_json_body_is_415(api, company_user, media):
    response = api.as_user(company_user).post(URL, {"file": "x"}, format="json")

    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_type"


def test_the_auditor_may_not_upload(api, auditor, media):
    response = api.as_user(auditor).post(URL, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")

    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "detail": str(ROLE_NOT_ALLOWED)}
    assert stored_files(media) == []


def test_uploading_needs_credentials(api, db, media):
    response = api.post(URL, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")

    assert response.status_code == 401


def test_a_repeated_upload_with_the_same_key_keeps_one_file(api, company_user, media):
    client = api.as_user(company_user)

    def send():
        upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
        return client.post(URL, {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="k1")

    first, second = send(), send()

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Attachment.objects.count() == 1
    assert len(stored_files(media)) == 1
