"""Real files to upload, made here rather than kept as bytes: a PDF of one page (reportlab), a
PNG and a JPEG (Pillow), each read back whole by what judges uploads (core/attachments.py)."""

import io
from functools import cache

from PIL import Image
from reportlab.pdfgen.canvas import Canvas


@cache
def pdf_bytes(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(pages):
        canvas.drawString(72, 720, f"Page {number + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@cache
def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")
