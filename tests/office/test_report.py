"""The monthly report for October 2026 (the cases and records of tests/office/conftest.py,
`october`, read on Monday 2 November): a workbook whose summary equals the month's statistics and
whose late sheet lists every missed deadline with its working days late, worked out by hand; a PDF
in the embedded font; the command; refused to anyone but the office and the auditor."""

from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from repairflow.objections.models import Outcome
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db

URL = "/api/v1/office/reports/2026-10"


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(BytesIO(content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_the_workbooks_summary_is_the_months_statistics(api, october, office):
    statistics = api.as_user(office).get("/api/v1/office/statistics/", {"from": "2026-10-01", "to": "2026-10-31"})
    figures = statistics.json()

    response = api.as_user(office).get(f"{URL}.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="repairflow-2026-10.xlsx"'
    book = sheets(response.content)
    summary = dict(book["汇总"][2:])
    assert summary["收到的异议"] == figures["received"]["objection"] == 2
    assert summary["办结的异议"] == figures["closed"]["objection"] == 2
    assert summary[f"异议处理结果：{in_chinese(Outcome.CORRECT.label)}"] == figures["outcomes"]["correct"] == 1
    assert not any(str(label).endswith(("correct", "maintain")) for label in summary)
    assert summary["应公示的新许可和处罚"] == figures["publication"]["new_records"] == 2
    assert summary["逾期或尚未公示"] == figures["publication"]["late"] == 1
    departments = {row[0]: row[1:] for row in book["部门"][1:]}
    assert departments == {"生态环境局": (0, 1, 0, None, None), "市场监督管理局": (1, 1, 0.5, 3.5, 4.7)}


def test_the_late_sheet_lists_every_missed_deadline_with_its_working_days_late(api, october, office):
    late = sheets(api.as_user(office).get(f"{URL}.xlsx").content)["逾期期限"][1:]

    by_step = {(row[1], row[2]): row for row in late}
    # environment never verified C: due 10/15, late on 10/16, 10/19–10/23, 10/26–10/30 and 11/2: 12
    c = by_step["核查异议并答复", "生态环境局"]
    assert (c[3], c[4], c[5]) == ("2026-10-15", "尚未办结", 12)
    # market regulation replied to A on 10/12, due 10/9: late by Sat 10/10 and 10/12: 2
    a = by_step["核查异议并答复", "市场监督管理局"]
    assert (a[3], a[4], a[5]) == ("2026-10-09", "2026-10-12", 2)
    # the licence due 10/21 was published on 10/22: 1
    licence = by_step["在平台公示新作出的决定", "市场监督管理局"]
    assert (licence[0], licence[5]) == ("许〔2026〕2号 未按规定公示年度报告", 1)
    assert [row[5] for row in late] == sorted((row[5] for row in late), reverse=True)


def test_the_pdf_embeds_its_font_and_states_the_month(api, october, office):
    response = api.as_user(office).get(f"{URL}.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    used = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    fonts = {(str(font["/BaseFont"]).split("+")[-1], "/FontFile2" in font.get("/FontDescriptor", {})) for font in used}
    assert fonts == {("WenQuanYiMicroHei", True)}
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2026-10" in text and "生态环境局" in text and "济南市社会信用体系建设工作领导小组办公室" in text


def test_the_command_writes_both_files(october, tmp_path):
    call_command("monthly_report", "2026-10", output=str(tmp_path), stdout=None)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["repairflow-2026-10.pdf", "repairflow-2026-10.xlsx"]
    assert "逾期期限" in sheets((tmp_path / "repairflow-2026-10.xlsx").read_bytes())


def test_the_command_refuses_a_month_that_is_not_one(travel, tmp_path):
    with pytest.raises(CommandError):
        call_command("monthly_report", "2026-13", output=str(tmp_path), stdout=None)
    assert not list(tmp_path.iterdir())


def test_a_month_that_is_not_one_is_refused(api, travel, office):
    response = api.as_user(office).get("/api/v1/office/reports/2026-13.xlsx")

    assert (response.status_code, list(response.json()["fields"])) == (400, ["month"])


@pytest.mark.parametrize("who", ["officer_scj", "company_user"])
def test_the_report_is_the_offices(api, travel, request, who):
    assert api.as_user(request.getfixturevalue(who)).get(f"{URL}.pdf").status_code == 404


def test_the_desk_links_last_months_and_this_months_report(client, travel, office):
    client.force_login(office)

    page = client.get("/office/").content.decode()

    assert 'href="/api/v1/office/reports/2026-08.xlsx"' in page and 'href="/api/v1/office/reports/2026-09.pdf"' in page


@pytest.mark.parametrize("accept", ["application/pdf", "text/csv", "*/*"])
def test_a_file_is_answered_whatever_the_accept_header_asks(api, travel, office, accept):
    response = api.as_user(office).get(f"{URL}.pdf", HTTP_ACCEPT=accept)

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
