"""Attachments (docs/api.md "Attachments"): PDF, JPEG, PNG and OFD only, judged by content and
read whole as the type they begin like; 413 over the limit, 415 for anything else, 400 for a file
that only begins like an allowed type, with nothing stored either way; names made safe."""

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from repairflow.core.attachments import (
    DEFAULT_NAME,
    JPEG,
    NAME_MAX_LENGTH,
    OFD,
    PDF,
    PNG,
    content_type_of,
    file_name_safe,
)
from repairflow.core.models import Attachment
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import (
    FILE_NOT_ALLOWED,
    FILE_TOO_LARGE,
    FILE_UNREADABLE,
    IMAGE_TOO_LARGE,
    PACKAGE_TOO_LARGE,
    PDF_ENCRYPTED,
    PDF_NO_PAGES,
)
from tests.files import JPEG_BYTES, PDF_BYTES, PNG_BYTES, image_bytes
from tests.i18n import in_chinese

URL = "/api/v1/attachments/"
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
        "uploaded_at": response.json()["uploaded_at"],
        "uploaded_by_role": "subject",
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


# --- Read whole as the type the first bytes say ---------------------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` × `height` pixels (a decompression bomb's header: its
    few bytes of data would unpack to gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 8)  # a few rows of zeros, the rest missing
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def pdf_with_passwords(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(PDF_BYTES))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ofd_with_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
        package.writestr("Doc_0/Res.xml", b"\x00" * (8 * 1024 * 1024))  # 8 MiB in about 8 KiB
    return buffer.getvalue()


def ofd_with_a_damaged_entry() -> bytes:
    content = bytearray(zip_bytes("OFD.xml"))
    at = content.index(b"<ofd:OFD/>")
    content[at : at + 4] = b"XXXX"  # its CRC no longer matches
    return bytes(content)


UNREADABLE = {kind: FILE_UNREADABLE % {"type": kind} for kind in ("PDF", "JPEG", "PNG", "OFD")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + b"\x8f\x13garbage that is no PDF at all" * 40, UNREADABLE["PDF"]),
        (PDF_BYTES[: len(PDF_BYTES) // 2], UNREADABLE["PDF"]),
        (pdf_without_pages(), PDF_NO_PAGES),
        (pdf_with_passwords("secret"), PDF_ENCRYPTED),
        (b"\x89PNG\r\n\x1a\n" + b"garbage after the signature" * 8, UNREADABLE["PNG"]),
        (PNG_BYTES[:-20], UNREADABLE["PNG"]),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, UNREADABLE["JPEG"]),
        (JPEG_BYTES[: len(JPEG_BYTES) // 2], UNREADABLE["JPEG"]),
        (ofd_with_a_damaged_entry(), UNREADABLE["OFD"]),
    ],
    ids=[
        "pdf header and garbage",
        "half a pdf",
        "pdf without pages",
        "pdf with a password",
        "png header and garbage",
        "truncated png",
        "jpeg header and zeros",
        "half a jpeg",
        "damaged ofd",
    ],
)
def test_a_file_that_only_begins_like_an_allowed_type_is_400_in_the_users_language(
    api, company_user, media, content, message
):
    upload = SimpleUploadedFile("证据.pdf", content, content_type="application/pdf")

    response = api.as_user(company_user).post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid",
        "detail": in_chinese(message),
        "fields": {"file": [in_chinese(message)]},
    }
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_the_refusal_is_in_english_for_an_english_reader(api, company_user, media):
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"garbage" * 50)

    response = api.as_user(company_user).post(URL, {"file": upload}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == FILE_UNREADABLE % {"type": "PDF"}


def test_a_pdf_with_only_an_owner_password_opens_and_is_accepted(api, company_user, media):
    upload = SimpleUploadedFile("决定书.pdf", pdf_with_passwords(""))

    assert api.as_user(company_user).post(URL, {"file": upload}, format="multipart").status_code == 201


def test_a_decompression_bomb_image_is_413_before_it_is_decoded(api, company_user, media):
    bomb = png_declaring(100_000, 100_000)  # ten billion pixels in a few hundred bytes

    response = api.as_user(company_user).post(URL, {"file": SimpleUploadedFile("b.png", bomb)}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"error": "too_large", "detail": in_chinese(IMAGE_TOO_LARGE) % {"limit": "50,000,000"}}
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_the_pixel_limit_is_a_setting_and_an_image_at_it_is_accepted(api, company_user, media, settings, image_format):
    content = image_bytes(image_format, (40, 25))
    client = api.as_user(company_user)

    settings.REPAIRFLOW_UPLOAD_MAX_PIXELS = 40 * 25 - 1
    refused = client.post(URL, {"file": SimpleUploadedFile("a.img", content)}, format="multipart")
    settings.REPAIRFLOW_UPLOAD_MAX_PIXELS = 40 * 25
    accepted = client.post(URL, {"file": SimpleUploadedFile("a.img", content)}, format="multipart")

    assert (refused.status_code, accepted.status_code) == (413, 201)
    assert Attachment.objects.count() == 1


def test_an_ofd_that_unpacks_like_a_bomb_is_413(api, company_user, media):
    upload = SimpleUploadedFile("证明.ofd", ofd_with_bomb())

    response = api.as_user(company_user).post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 413
    assert response.json()["detail"] == in_chinese(PACKAGE_TOO_LARGE) % {"limit": "100.0\xa0MB"}
    assert not Attachment.objects.exists()


# --- Names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("决定书.pdf", "决定书.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\张三\\罚款 缴纳凭证.jpg", "罚款 缴纳凭证.jpg"),
        ("a\u202etxt.pdf", "atxt.pdf"),  # right-to-left override: "a" "fdp.txt" on screen
        ("\u2066发票\u2069\u200b.png", "发票.png"),
        ("bad\x00name\x07.pdf", "badname.pdf"),
        ("line\nbreak\t.pdf", "line break.pdf"),
        ('a<b>:c"d|e?f*.pdf', "a_b__c_d_e_f_.pdf"),
        ("  ...hidden.pdf. ", "hidden.pdf"),
        ("../", DEFAULT_NAME),
        ("", DEFAULT_NAME),
        (None, DEFAULT_NAME),
        ("\u202e\x00", DEFAULT_NAME),
        ("CON.pdf", "_CON.pdf"),
        ("ｆｕｌｌ　ｗｉｄｔｈ.pdf", "ｆｕｌｌ ｗｉｄｔｈ.pdf"),
    ],
)
def test_a_name_is_made_safe(name, safe):
    assert file_name_safe(name) == safe


def test_a_long_name_is_shortened_keeping_its_extension():
    safe = file_name_safe("处" * 300 + ".pdf")

    assert len(safe) == NAME_MAX_LENGTH
    assert safe == "处" * (NAME_MAX_LENGTH - 4) + ".pdf"


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("决定书.pdf", PDF, "决定书.pdf"),
        ("决定书.PDF", PDF, "决定书.PDF"),
        ("照片.jpeg", JPEG, "照片.jpeg"),
        ("page.html", PDF, "page.html.pdf"),
        ("截图", PNG, "截图.png"),
        ("截图.pdf", PNG, "截图.pdf.png"),
        ("", OFD, f"{DEFAULT_NAME}.ofd"),
    ],
)
def test_a_name_ends_with_an_extension_of_the_type_its_content_is(name, content_type, safe):
    assert file_name_safe(name, content_type) == safe


def test_an_upload_is_kept_under_its_safe_name_with_the_type_of_its_content(api, company_user, media):
    client = api.as_user(company_user)

    def upload(name: str, content: bytes, declared: str) -> dict:
        file = SimpleUploadedFile(name, content, content_type=declared)
        response = client.post(URL, {"file": file}, format="multipart")
        assert response.status_code == 201
        return response.json()

    traversal = upload("../../etc/决定书", PDF_BYTES, "application/pdf")
    spoofed = upload("截图\u202egnp.pdf", PNG_BYTES, "application/pdf")

    assert (traversal["name"], traversal["content_type"]) == ("决定书.pdf", PDF)
    assert (spoofed["name"], spoofed["content_type"]) == ("截图gnp.pdf.png", PNG)
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["决定书.pdf", "截图gnp.pdf.png"]


def test_an_ofd_of_more_members_than_the_limit_is_413_before_its_directory_is_read(
    api, company_user, media, settings, monkeypatch
):
    settings.REPAIRFLOW_ZIP_MAX_MEMBERS = 3
    read_directories = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: read_directories.append(self))
    upload = SimpleUploadedFile("证明.ofd", zip_bytes("OFD.xml", *(f"Doc_0/Page_{n}.xml" for n in range(4))))

    response = api.as_user(company_user).post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert read_directories == []
    assert not Attachment.objects.exists()
