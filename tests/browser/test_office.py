"""The credit office on its desk: reads the figures and the month's statistics, downloads the
monthly report as a workbook and as a PDF, then enters next year's holiday schedule (2027), checks which
open deadlines it moves and by how much, loads it, and finds a moved deadline moved.

On the journeys' day (Monday 2026-12-21) clocks of ten working days already run into January
2027, counted on weekdays only until the schedule is loaded: 元旦 (Friday 1/1) moves them."""

import re
from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"
# As the State Council's notice names them: 元旦 and 春节 (Saturday 2/6 and Sunday 2/21 worked).
SCHEDULE = [
    "2027-01-01 休 元旦",
    "2027-01-02 休 元旦",
    "2027-01-03 休 元旦",
    "2027-02-06 班 春节",
    "2027-02-07 休 春节",
    "2027-02-08 休 春节",
    "2027-02-09 休 春节",
    "2027-02-10 休 春节",
    "2027-02-11 休 春节",
    "2027-02-12 休 春节",
    "2027-02-13 休 春节",
    "2027-02-14 休 春节",
    "2027-02-20 班 春节",
]
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_the_office_reads_its_figures_downloads_the_report_and_loads_next_year_s_calendar(site, new_person):
    office = new_person()
    sign_in(office, "office")

    # The desk: the figures by owner, and a warning that 2027's schedule is missing.
    office.goto("/office/")
    expect(office.get_by_role("heading", level=1)).to_have_text("信用办工作台")
    warning = office.get_by_role("alert").filter(has_text="2027")
    expect(warning).to_contain_text("尚未载入")
    check_page(office, "office-desk")

    # The statistics: this month's so far, then the last week's, typed in.
    office.get_by_role("link", name="统计", exact=True).click()
    expect(office.get_by_role("heading", name=re.compile(r"2026-12-01 至 2026-12-21"))).to_be_visible()
    received = office.get_by_role("row", name=re.compile("^收件"))
    expect(received.get_by_role("cell").last).not_to_have_text("0")
    # outcomes and rule sets by name, never by code
    expect(office.locator("main dl")).not_to_contain_text(re.compile(r"\b[A-Za-z][A-Za-z0-9_]*: \d"))
    check_page(office, "office-statistics")
    office.get_by_label("自").fill("2026-12-14")
    office.get_by_label("至").fill("2026-12-21")
    office.get_by_role("button", name="查看").click()
    expect(office.get_by_role("heading", name=re.compile(r"2026-12-14 至 2026-12-21"))).to_be_visible()

    # This month's report so far, as a workbook and as a PDF.
    office.goto("/office/")
    with office.expect_download() as workbook:
        office.get_by_role("link", name=re.compile(r"^2026-12\b.*XLSX")).click()
    assert workbook.value.suggested_filename == "repairflow-2026-12.xlsx"
    assert load_workbook(BytesIO(workbook.value.path().read_bytes())).sheetnames  # a workbook that opens
    with office.expect_download() as pdf:
        office.get_by_role("link", name=re.compile(r"^2026-12\b.*PDF")).click()
    assert pdf.value.suggested_filename == "repairflow-2026-12.pdf"
    assert pdf.value.path().read_bytes().startswith(b"%PDF")

    # Next year's schedule, typed in as the notice names its days, checked first.
    warning.get_by_role("link").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("节假日安排")
    check_page(office, "office-calendar")
    expect(office.get_by_label("年份")).to_have_value("2027")
    office.get_by_label("来源").fill(SOURCE)
    expect(office.get_by_label("正式（已公布）安排")).to_be_checked()
    office.get_by_label("放假和调休日期").fill("\n".join(SCHEDULE))
    office.get_by_role("button", name="检查并列出变动的期限").click()

    moves = office.get_by_role("table").filter(has=office.get_by_role("columnheader", name="载入后截止日"))
    rows = moves.get_by_role("row").filter(has=office.get_by_role("link"))
    expect(rows.first).to_be_visible()
    first = rows.first.get_by_role("cell")
    case = first.nth(0).get_by_role("link").get_attribute("href")
    due_now, due_after = first.nth(3).inner_text(), first.nth(4).inner_text()
    assert DAY.match(due_now) and DAY.match(due_after) and due_after > due_now
    expect(first.nth(5)).to_contain_text(re.compile(r"推后 \d+ 天"))
    # the New Year's holiday moves a deadline on 1/1 by a working day at least
    expect(moves).to_contain_text("2027-01-")
    check_page(office, "office-calendar-preview")

    office.get_by_role("button", name="载入此安排").click()
    expect(office.get_by_role("status")).to_contain_text(re.compile(r"2027 年节假日安排已载入；\d+ 个未结期限随之变动"))
    expect(office.get_by_role("row").filter(has_text=SOURCE)).to_contain_text("2027")
    check_page(office, "office-calendar-loaded")

    # The case moved: its deadline now falls on the day the check said, no longer provisional.
    office.goto("/office/")
    expect(office.get_by_role("alert").filter(has_text="2027")).to_have_count(0)
    office.goto(case)
    deadlines = office.get_by_role("table").filter(has=office.get_by_role("columnheader", name="截止日的计算方法"))
    expect(deadlines).to_contain_text(due_after)
    check_page(office, "office-moved-case")
