"""Written notices as PDF: what a notice says (`NoticeText`) set on an A4 page.

The text is Chinese (the site's language) set in WenQuanYi Micro Hei, embedded in every PDF (only
the glyphs it uses), so that it reads the same in any PDF reader, with or without Chinese fonts of
its own (fonts/README.md says where the font comes from). The PDF is invariant (no random id
inside, its creation date the day it was issued): the same notice always has the same bytes, so
its SHA-256 verifies the copy its reader holds.
"""

import calendar
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "WenQuanYiMicroHei"
FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei-gbk.ttf"
pdfmetrics.registerFont(TTFont(FONT, FONT_FILE))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")
SIGNATURE = ParagraphStyle("signature", fontName=FONT, fontSize=12, leading=20, alignment=2)


@dataclass(frozen=True)
class NoticeText:
    """What a notice says: its title, the facts as label and value, and its paragraphs."""

    title: str
    facts: Sequence[tuple[Any, Any]]
    paragraphs: Sequence[Any]


def notice_pdf(text: NoticeText, *, issuer: str, issued_on: date) -> bytes:
    """The notice as an A4 PDF."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=str(text.title),
        author=issuer,
        creator="repairflow",
        invariant=True,
        initialFontName=FONT,  # no other font in the file, not even an unused Helvetica
    )
    facts = Table(
        [[Paragraph(escape(str(label)), CELL), Paragraph(escape(str(value)), CELL)] for label, value in text.facts],
        colWidths=[40 * mm, None],
    )
    facts.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cells' own font, though each holds a paragraph
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), "#eeeeee"),
            ]
        )
    )
    story = [Paragraph(escape(str(text.title)), TITLE), facts, Spacer(0, 6 * mm)]
    for paragraph in text.paragraphs:
        story += [Paragraph(escape(str(paragraph)).replace("\n", "<br/>"), BODY), Spacer(0, 2 * mm)]
    story += [
        Spacer(0, 10 * mm),
        Paragraph(escape(issuer), SIGNATURE),
        Paragraph(formats.date_format(issued_on, "DATE_FORMAT"), SIGNATURE),
    ]
    document.build(story, onFirstPage=lambda canvas, _document: dated(canvas, issued_on))
    return buffer.getvalue()


def dated(canvas: Any, day: date) -> None:
    """The PDF's creation and modification date: the day it was issued (midnight UTC, no clock
    read), not the fixed date of ReportLab's invariant mode."""
    stamp = TimeStamp(invariant=True)
    stamp.t = calendar.timegm(day.timetuple())
    stamp.lt = time.gmtime(stamp.t)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    canvas._doc._timeStamp = stamp
