"""Written notices to the subject (受理回执, 补正通知, 不予受理通知, 处理结果告知) as PDF.

The text is Chinese (the site's language) set in ReportLab's built-in CID font STSong-Light, so
no font file ships with repairflow and every PDF reader can show it. The PDF is invariant (no
creation time or random id inside): the same notice always has the same bytes, and its SHA-256,
kept with the case, verifies the copy the subject holds.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from repairflow.core.models import Notice, NoticeKind

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


def notice_issue(
    *, case: models.Model, kind: NoticeKind, text: NoticeText, issued_on: date, actor: Any = None
) -> Notice:
    """Render the notice in the site's language and keep it with the case, in the caller's
    transaction."""
    with translation.override(settings.LANGUAGE_CODE):
        content = notice_pdf(text, issuer=settings.REPAIRFLOW_OFFICE_NAME, issued_on=issued_on)
    return Notice.objects.create(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        kind=kind,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by=actor,
    )


def case_facts(case: Any) -> list[tuple[Any, Any]]:
    """What every notice about a case states first: the case, the subject, the record, who produced
    it and when the case was received."""
    record = case.record
    return [
        (_("Case number"), case.number),
        (_("Credit subject"), case.subject.name),
        (_("Credit record"), f"{record.title}（{record.decision_no}）"),
        (_("Source department"), record.department.name),
        (_("Received on"), formats.date_format(case.received_on, "DATE_FORMAT")),
    ]
