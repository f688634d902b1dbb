"""What the page tests share: a response read as HTML and as a person reads it, and files to
upload through a form (a PDF, and a program renamed to look like one)."""

import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files import PDF_BYTES

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def page(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a person reads it: tags gone, entities as characters, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page(response))).split())


def pdf(name="decision.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
