"""A company repairs its credit, from the application to `published`: 济南明湖环保工程有限公司's
clerk (subject-b) first finds a record it may not repair yet and reads why and from when, then
applies for another; the credit office accepts and forwards it, the environmental department
(dept-hb) denies it; the clerk objects to the denial from the application's page; the office and
the department find the objection for the company, which sends the application back to the
department's review; the department approves, the office executes, and the clerk reads the
application `published` and the record's publication ended.

Every case is found by its number. Due dates are read from the pages, never written here: the
office's journey may have loaded 2027's holidays, which moves them."""

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, sign_in
from tests.files import PDF_BYTES

NOT_YET = "济HB罚〔2026〕0008号"  # a serious penalty decided 2026-04-08: its minimum period runs to 2027-04-08
REPAIRABLE = "济HB罚〔2026〕0007号"  # a general penalty decided 2026-02-10: its minimum period has passed
CASE_NUMBER = re.compile(r"(?:XF|YY)\d{10}")


def number_in_heading(page: Page) -> str:
    return CASE_NUMBER.search(page.get_by_role("heading", level=1).inner_text()).group(0)


def act(page: Page, action: str, button: str, **fields: str) -> None:
    """Fill an action's form on a case's page (its fields by their labels) and send it."""
    form = page.locator(f"#action-{action}")
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def state_of(page: Page):
    return page.locator("main .card").first.locator(".badge").first


def test_a_repair_is_denied_contested_reviewed_again_and_published(site, new_person, tmp_path):
    proof = tmp_path / "罚款缴纳凭证.pdf"
    proof.write_bytes(PDF_BYTES)
    clerk, office, officer = new_person(), new_person(), new_person()
    sign_in(clerk, "subject-b")
    sign_in(office, "office")
    sign_in(officer, "dept-hb")

    # Not yet: the record's minimum period runs on; no way to apply, the reason and the first day instead.
    clerk.goto("/")
    clerk.get_by_role("navigation").get_by_role("link", name="信用修复").click()
    check_page(clerk, "repair-my-applications")
    clerk.locator("#how-to-apply").get_by_role("link").click()
    check_page(clerk, "repair-my-records")
    clerk.get_by_role("link", name=NOT_YET).click()
    ends = clerk.locator("dt", has_text="最短公示期届满").locator("xpath=following-sibling::dd[1]").inner_text()
    first_day = (date.fromisoformat(ends) + timedelta(days=1)).isoformat()
    not_yet = clerk.locator("#repair-not-eligible")
    expect(not_yet).to_contain_text("暂不能申请信用修复")
    expect(not_yet).to_contain_text(f"最短公示期至 {ends}")
    expect(not_yet).to_contain_text(f"自 {first_day} 起可申请")
    expect(clerk.get_by_role("link", name="申请信用修复")).to_have_count(0)
    check_page(clerk, "repair-not-yet-eligible")

    # The application, on a record whose minimum period has passed.
    clerk.goto("/records/")
    clerk.get_by_role("link", name=REPAIRABLE).click()
    clerk.get_by_role("link", name="申请信用修复").click()
    check_page(clerk, "repair-apply")
    clerk.get_by_label("失信行为的纠正情况").fill("已按处罚决定整改虚假宣传内容并缴清罚款。")
    clerk.get_by_label("履行证明材料").set_input_files(proof)
    clerk.get_by_label("本主体作出上述信用承诺（信用承诺书）").check()
    clerk.get_by_role("button", name="提交申请").click()
    expect(clerk.get_by_role("status").first).to_contain_text("已提交")
    number = number_in_heading(clerk)
    check_page(clerk, "repair-filed")

    # The office accepts it and forwards it to the department that made the record.
    office.goto("/repairs/?state=submitted")
    office.get_by_role("link", name=number).click()
    check_page(office, "repair-office-submitted")
    act(office, "accept", "受理")
    act(office, "forward", "转认定单位审核")
    expect(state_of(office)).to_have_text("认定单位审核中")

    # The department finds it in its queue with its due date, and denies it.
    officer.goto("/repairs/")
    row = officer.get_by_role("row").filter(has=officer.get_by_role("link", name=number))
    expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    check_page(officer, "repair-department-queue")
    row.get_by_role("link", name=number).click()
    act(officer, "deny", "不予修复", 理由="提交的缴款凭证与处罚决定书载明的罚款金额不符。")
    check_page(officer, "repair-deny-confirm")
    officer.get_by_role("button", name=re.compile("不予修复")).click()
    expect(state_of(officer)).to_have_text("不予修复")

    # The clerk reads the denial and objects to it from the application's page.
    clerk.goto(f"/repairs/{number}/")
    expect(clerk.locator("main")).to_contain_text("罚款金额不符")
    check_page(clerk, "repair-denied")
    clerk.get_by_role("link", name="对本决定提出异议").click()
    expect(clerk.locator("#contests")).to_contain_text(number)
    clerk.get_by_label("其他").check()
    clerk.get_by_label("记录有何错误").fill("罚款已按决定书足额缴纳，缴款凭证金额与决定书一致，不予修复的理由不成立。")
    clerk.get_by_role("button", name="提交异议").click()
    objection = number_in_heading(clerk)
    check_page(clerk, "repair-objection-filed")

    # The office accepts the objection and sends it to the department, which finds for the company.
    office.goto(f"/objections/{objection}/")
    act(office, "accept", "受理")
    office.locator("#action-forward").get_by_label("济南市生态环境局").check()
    act(office, "forward", "转交部门核查")
    officer.goto(f"/objections/{objection}/")
    reply = officer.locator("#action-reply")
    reply.get_by_label("处理结果").select_option(label="补充")
    reply.get_by_label("内容").fill("当事人已于决定书规定期限内足额缴纳罚款。")
    act(officer, "reply", "答复核查结果", 说明="经核对，缴款凭证金额与决定书一致，原不予修复理由不成立。")
    check_page(officer, "repair-objection-replied")
    office.goto(f"/objections/{objection}/")
    act(office, "confirm", "确认答复并将处理结果应用于记录")
    office.goto(f"/repairs/{number}/")
    expect(state_of(office)).to_have_text("认定单位审核中")

    # Back in the department's review: approved; the office executes it; published.
    officer.goto(f"/repairs/{number}/")
    act(officer, "approve", "同意修复", 理由="经重新审核，当事人已履行处罚决定，同意信用修复。")
    office.goto(f"/repairs/{number}/")
    act(office, "execute", "执行修复：终止公示或移出名单")
    expect(state_of(office)).to_have_text("已公示")

    clerk.goto(f"/repairs/{number}/")
    expect(state_of(clerk)).to_have_text("已公示")
    expect(clerk.locator("main")).to_contain_text(objection)
    check_page(clerk, "repair-published")
    clerk.get_by_role("link", name=re.compile("虚假宣传")).first.click()
    expect(state_of(clerk)).to_have_text("终止公示")
