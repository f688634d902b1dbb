"""Written notices as PDF: what a notice says (`NoticeText`) set on an A4 page.

The text is Chinese (the site's language) set in ReportLab's built-in CID font STSong-Light, so
no font file ships with repairflow and every PDF reader can show it. The PDF is invariant (no
creation time or random id inside): the same notice always has the same bytes, so its SHA-256
verifies the copy its reader holds.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK", firstLineIndent=24)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")
_SIGNATURE = ParagraphStyle("signature", fontName=FONT, fontSize=12, leading=20, alignment=2)


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
    )
    facts = Table(
        [[Paragraph(escape(str(label)), _CELL), Paragraph(escape(str(value)), _CELL)] for label, value in text.facts],
        colWidths=[40 * mm, None],
    )
    facts.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), "#eeeeee"),
            ]
        )
    )
    story = [Paragraph(escape(str(text.title)), _TITLE), facts, Spacer(0, 6 * mm)]
    for paragraph in text.paragraphs:
        story += [Paragraph(escape(str(paragraph)).replace("\n", "<br/>"), _BODY), Spacer(0, 2 * mm)]
    story += [
        Spacer(0, 10 * mm),
        Paragraph(escape(issuer), _SIGNATURE),
        Paragraph(formats.date_format(issued_on, "DATE_FORMAT"), _SIGNATURE),
    ]
    document.build(story)
    return buffer.getvalue()
