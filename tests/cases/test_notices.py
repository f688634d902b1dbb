"""Written notices as PDF (core/pdf.py, cases/notices.py): Chinese text in the built-in CID font STSong-Light,
the same bytes for the same notice whenever it is rendered, kept with the case with its SHA-256."""

import base64
import hashlib
import re
import zlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from repairflow.cases.models import Notice, NoticeKind
from repairflow.cases.notices import notice_issue
from repairflow.core.errors import INVALID_INPUT
from repairflow.core.history import Writes
from repairflow.core.pdf import FONT, NoticeText, notice_pdf
from tests.factories import CreditRecordFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUER = "示范市社会信用体系建设工作办公室"
TEXT = NoticeText(
    "异议受理回执",
    [("案号", "YY2026000001"), ("信用主体", "济南泉城示范科技有限公司")],
    ["您的异议已收到。", "第一行\n第二行"],
)

STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj", re.S)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def shown_text(pdf: bytes) -> list[str]:
    """The strings the PDF's pages show, in order: the content streams (ASCII85, then Flate) hold
    them as literal strings of 2-byte codes (UCS-2 big-endian, the font's UniGB-UCS2-H encoding)."""
    strings = []
    for stream in STREAM.findall(pdf):
        content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for literal in SHOWN.findall(content):
            codes = ESCAPE.sub(lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1], literal)
            if codes:  # a line break shows an empty string
                strings.append(codes.decode("utf-16-be"))
    return strings


def render(issued_on: date = date(2026, 9, 28)) -> bytes:
    with translation.override("zh-hans"):
        return notice_pdf(TEXT, issuer=ISSUER, issued_on=issued_on)


def test_a_notice_is_a_pdf_in_the_chinese_font():
    pdf = render()

    assert pdf.startswith(b"%PDF-1.4")
    assert f"/BaseFont /{FONT}".encode() in pdf
    assert FONT == "STSong-Light"


def test_a_notice_shows_its_title_facts_paragraphs_issuer_and_date_in_chinese():
    assert shown_text(render()) == [
        "异议受理回执",
        "案号",
        "YY2026000001",
        "信用主体",
        "济南泉城示范科技有限公司",
        "您的异议已收到。",
        "第一行",
        "第二行",
        ISSUER,
        "2026年9月28日",
    ]


def test_the_same_notice_has_the_same_bytes_whenever_it_is_rendered():
    with time_machine.travel(datetime(2026, 9, 28, 10, tzinfo=SHANGHAI), tick=False):
        first = render()
    with time_machine.travel(datetime(2027, 3, 1, 16, tzinfo=SHANGHAI), tick=False):
        later = render()

    assert later == first
    assert render(date(2026, 9, 29)) != first


@pytest.mark.django_db
def test_a_notice_is_issued_in_the_sites_language_and_kept_with_its_digest(office, django_capture_on_commit_callbacks):
    # given a case (any model will do) and a notice with a message of the system's own
    case = CreditRecordFactory()
    text = NoticeText("处理结果告知", [("案号", "YY2026000001")], [INVALID_INPUT])

    # when it is issued on 2026-10-09 while the user reads the site in English
    writes = Writes()
    with time_machine.travel(datetime(2026, 10, 9, 10, tzinfo=SHANGHAI), tick=False):
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            notice = notice_issue(case=case, kind=NoticeKind.RESULT, text=text, actor=office, writes=writes)
            writes.flush()

    # then its text is kept, and it is rendered after the commit in Chinese, the site's language,
    # and kept with its size and SHA-256
    notice = Notice.objects.get(pk=notice.pk)
    assert notice.text == {
        "title": "处理结果告知",
        "facts": [["案号", "YY2026000001"]],
        "paragraphs": ["输入有误，请查看所列字段。"],
    }
    content = bytes(notice.content)
    with translation.override("zh-hans"):
        assert content == notice_pdf(text, issuer=ISSUER, issued_on=date(2026, 10, 9))
    assert shown_text(content)[3:] == ["输入有误，请查看所列字段。", ISSUER, "2026年10月9日"]
    assert (notice.case, notice.kind, notice.issued_by) == (case, "result", office)
    assert (notice.size, notice.sha256) == (len(content), hashlib.sha256(content).hexdigest())
