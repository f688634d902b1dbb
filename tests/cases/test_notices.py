"""Written notices as PDF (core/pdf.py, cases/notices.py): Chinese text in an embedded font, the same
bytes for the same notice whenever it is rendered (dated the day it was issued), kept with the case
with its SHA-256."""

import hashlib
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from repairflow.cases.models import Notice, NoticeKind
from repairflow.cases.notices import notice_issue
from repairflow.core.errors import INVALID_INPUT
from repairflow.core.history import Writes
from repairflow.core.pdf import FONT, NoticeText, notice_pdf
from repairflow.deadlines.checks import check_profile
from repairflow.deadlines.policy import office_name
from repairflow.repair import notices as repair_notices
from tests.factories import CreditRecordFactory, RepairApplicationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
ISSUER = "示范市社会信用体系建设工作办公室"
TEXT = NoticeText(
    "异议受理回执",
    [("案号", "YY2026000001"), ("信用主体", "济南泉城示范科技有限公司")],
    ["您的异议已收到。", "第一行\n第二行"],
)


def shown_text(pdf: bytes) -> list[str]:
    """The lines the PDF's pages show, as a reader extracts them (through the font's ToUnicode map)."""
    return [
        line.strip()
        for page in PdfReader(BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """Each font the PDF's pages use: its name and whether its glyphs are embedded in the file."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.append((str(font["/BaseFont"]), embedded))
    return found


def render(issued_on: date = date(2026, 9, 28)) -> bytes:
    with translation.override("zh-hans"):
        return notice_pdf(TEXT, issuer=ISSUER, issued_on=issued_on)


def test_a_notice_embeds_its_only_font_so_any_reader_shows_the_same():
    pdf = render()

    assert pdf.startswith(b"%PDF-1.4")
    # the subset's name is six letters, a plus sign and the font's: only the glyphs used are kept
    assert [(name.split("+")[-1], embedded) for name, embedded in fonts_of(pdf)] == [(FONT, True)]
    assert len(pdf) < 60_000


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
        assert content == notice_pdf(text, issuer=office_name(), issued_on=date(2026, 10, 9))
    assert shown_text(content)[3:] == [
        "输入有误，请查看所列字段。",
        "济南市社会信用体系建设工作领导小组办公室",
        "2026年10月9日",
    ]
    assert (notice.case, notice.kind, notice.issued_by) == (case, "result", office)
    assert (notice.size, notice.sha256) == (len(content), hashlib.sha256(content).hexdigest())


def test_a_notice_is_dated_the_day_it_was_issued():
    metadata = PdfReader(BytesIO(render(date(2026, 10, 12)))).metadata

    assert (metadata["/CreationDate"], metadata["/ModDate"]) == ("D:20261012000000+00'00'",) * 2


@pytest.mark.django_db
def test_the_issuer_is_the_profiles_office_unless_the_setting_names_another(settings):
    settings.REPAIRFLOW_OFFICE_NAME = ""
    settings.REPAIRFLOW_PROFILE = "henan"
    assert office_name() == "舞钢市社会信用体系建设领导小组办公室"

    settings.REPAIRFLOW_OFFICE_NAME = "某市信用办"
    assert office_name() == "某市信用办"


def test_a_profile_naming_no_office_needs_the_setting(settings):
    settings.REPAIRFLOW_PROFILE, settings.REPAIRFLOW_OFFICE_NAME = "national", ""

    assert [error.id for error in check_profile(None)] == ["repairflow.E002"]
    settings.REPAIRFLOW_OFFICE_NAME = "国家信用信息中心"
    assert check_profile(None) == []


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["denied", "repaired"])
def test_a_repair_decision_names_the_department_once(state):
    application = RepairApplicationFactory(state=state, repaired_on=date(2026, 10, 12))
    application.department = application.record.department

    with translation.override("zh-hans"):
        labels = [str(label) for label, _value in repair_notices.decision(application).facts]

    assert labels.count("认定单位") == 1 and len(labels) == len(set(labels))
