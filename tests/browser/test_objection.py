"""A company with records but no account objects to one of them, and sees it corrected: it
registers and confirms its phone, the office approves it; it objects with a PDF, is asked for a
supplement and gives it; the office accepts and forwards to the department, whose officer finds
the case on top of its queue, reads the subject's PDF and replies `correct` with the corrected
content; the office confirms from its desk. The record then shows the corrected content with no
objection mark, its history says who changed what, and the company downloads the result letter.

Four people, each in a window of their own: the company's clerk, the office's clerk, the
department's officer, and a member of the public."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, sign_in
from tests.files import PDF_BYTES

COMPANY = "济南大明湖食品有限公司"
COMPANY_USCC = "913701001630405176"
PHONE = "13953100176"
USERNAME = "daminghu"
PASSWORD = "Mingshui#Food2026"
RECORD_TITLE = "列入严重违法失信名单"  # SCJ's, published: subject d's
ORIGINAL = "济南大明湖食品有限公司：列入严重违法失信名单。"
CORRECTED = "经核查，原记录所列违法事实有误，已于2024年8月整改完毕并经复查合格。"


def download(page: Page, link) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def test_a_company_objects_and_the_department_corrects_its_record(site, new_person, tmp_path):
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF_BYTES)
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(PDF_BYTES)
    review = tmp_path / "复查合格意见书.pdf"
    review.write_bytes(PDF_BYTES)

    # --- The company registers and confirms its phone -------------------------------------------
    company = new_person()
    company.goto("/register/")
    check_page(company, "objection-register-phone")
    company.get_by_label("手机号码").fill(PHONE)
    company.get_by_role("button", name="发送验证码").click()
    expect(company.get_by_role("status")).to_contain_text(PHONE)
    code = site.sms_code(PHONE)  # read on the phone
    company.get_by_label("主体类型").select_option(label="法人和非法人组织")
    company.get_by_label("名称").fill(COMPANY)
    company.get_by_label("证件号码").fill(COMPANY_USCC)
    company.get_by_label("联系人").fill("王丽")
    expect(company.get_by_label("手机号码")).to_have_value(PHONE)
    company.get_by_label("短信验证码").fill(code)
    company.get_by_label("用户名").fill(USERNAME)
    company.get_by_label("密码").fill(PASSWORD)
    company.get_by_label("证明材料").set_input_files(licence)
    check_page(company, "objection-register-details")
    company.get_by_role("button", name="提交注册").click()
    expect(company.get_by_role("heading", level=1)).to_have_text("注册申请已收到")
    check_page(company, "objection-register-received")

    # --- The office approves it -----------------------------------------------------------------
    office = new_person()
    sign_in(office, "office")
    office.goto("/office/")
    office.get_by_role("link", name="注册申请").click()
    row = office.locator("tbody tr").filter(has_text=COMPANY)
    expect(row).to_contain_text(USERNAME)
    check_page(office, "objection-office-registrations")
    row.get_by_role("link", name="同意").click()
    expect(office.locator("main")).to_contain_text(COMPANY_USCC)
    check_page(office, "objection-office-registration-approve")
    office.get_by_role("button", name="同意").click()
    expect(office.get_by_role("status")).to_contain_text(USERNAME)

    # --- The company signs in, finds its record and objects -------------------------------------
    sign_in(company, USERNAME, PASSWORD)
    check_page(company, "objection-company-home")
    company.get_by_role("link", name="查看信用记录").click()
    row = company.locator("tbody tr").filter(has_text=RECORD_TITLE)
    expect(row).to_have_count(1)
    check_page(company, "objection-company-records")
    row.get_by_role("link").first.click()
    expect(company.get_by_role("heading", level=1)).to_have_text(RECORD_TITLE)
    record_url = company.url
    check_page(company, "objection-company-record")
    company.get_by_role("link", name="提出异议").click()
    company.get_by_label("信息内容有误").check()
    company.get_by_label("记录有何错误").fill("记录所列违法事实已于2024年8月整改完毕，复查合格，记录未反映。")
    company.get_by_label("请求如何更正").fill("更正记录内容，写明已整改完毕。")
    company.get_by_label("证明材料（PDF、JPEG、PNG 或 OFD）").set_input_files(evidence)
    check_page(company, "objection-company-file")
    company.get_by_role("button", name="提交异议").click()
    heading = company.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^异议 YY\d{10}$"))
    number = heading.inner_text().split()[-1]
    expect(company.get_by_role("status")).to_contain_text(number)
    check_page(company, "objection-company-filed")

    # --- The office asks for a supplement; the company gives it ----------------------------------
    office.get_by_role("link", name="异议", exact=True).click()
    office.get_by_role("link", name=number).click()
    supplement_request = office.locator("#action-request-supplement")
    supplement_request.get_by_label("需补正的内容").fill("请补充市场监管部门出具的复查合格意见书。")
    check_page(office, "objection-office-case-received")
    supplement_request.get_by_role("button", name="要求信用主体补正").click()
    expect(office.get_by_role("status")).to_contain_text("要求信用主体补正")

    company.reload()
    expect(company.locator("main")).to_contain_text("请补充市场监管部门出具的复查合格意见书")
    supplement = company.locator("#action-supplement")
    supplement.get_by_label("补正说明").fill("附上复查合格意见书。")
    supplement.get_by_label("证明材料（PDF、JPEG、PNG 或 OFD）").set_input_files(review)
    check_page(company, "objection-company-supplement")
    supplement.get_by_role("button", name="补正异议").click()
    expect(company.get_by_role("status")).to_contain_text("补正异议")

    # --- The office accepts and forwards to the department --------------------------------------
    office.reload()
    office.locator("#action-accept").get_by_role("button", name="受理").click()
    expect(office.get_by_role("status")).to_contain_text("受理")
    forward = office.locator("#action-forward")
    expect(forward.get_by_role("checkbox", name=re.compile("^SCJ "))).to_be_checked()
    check_page(office, "objection-office-case-accepted")
    forward.get_by_role("button", name="转交部门核查").click()
    expect(office.get_by_role("status")).to_contain_text("转交部门核查")

    # --- The department's officer: on top of its queue, the subject's PDF, the reply -------------
    officer = new_person()
    sign_in(officer, "dept-scj")
    officer.get_by_role("link", name="异议", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("待核查的异议")
    top = officer.locator("tbody tr").first
    expect(top).to_contain_text(number)
    expect(top).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    check_page(officer, "objection-department-queue")
    top.get_by_role("link", name=number).click()
    name, content = download(officer, officer.get_by_role("link", name=review.name))
    assert name == review.name
    assert content.startswith(b"%PDF")
    reply = officer.locator("#action-reply")
    expect(reply).to_contain_text(ORIGINAL)  # what the record says now, beside the field to correct
    reply.get_by_label("处理结果").select_option(label="更正")
    reply.get_by_label("说明", exact=True).fill("经核查，异议成立，更正记录内容。")
    reply.get_by_label("内容", exact=True).fill(CORRECTED)
    check_page(officer, "objection-department-case")
    reply.get_by_role("button", name="答复核查结果").click()
    expect(officer.get_by_role("status")).to_contain_text("答复核查结果")

    # --- The office confirms from its desk ------------------------------------------------------
    office.goto("/office/")
    check_page(office, "objection-office-desk")
    office.get_by_role("link", name="已答复", exact=True).click()
    check_page(office, "objection-office-replied")
    office.get_by_role("link", name=number).click()
    confirm = office.locator("#action-confirm")
    check_page(office, "objection-office-case-replied")
    confirm.get_by_role("button", name="确认答复并将处理结果应用于记录").click()
    expect(office.get_by_role("status")).to_contain_text("确认答复")

    # --- The record shows the corrected content, no objection mark, and who changed what --------
    visitor = new_person()
    visitor.goto("/public/records/")
    visitor.get_by_label("名称").fill(COMPANY)
    visitor.get_by_role("button", name="搜索").click()
    visitor.locator("tbody tr").filter(has_text=RECORD_TITLE).get_by_role("link").click()
    expect(visitor.locator("main")).to_contain_text(CORRECTED)
    expect(visitor.get_by_text("异议中", exact=True)).to_have_count(0)
    check_page(visitor, "objection-public-record-corrected")

    company.goto(record_url)
    expect(company.locator("main")).to_contain_text(CORRECTED)
    expect(company.get_by_text("异议中", exact=True)).to_have_count(0)
    # who applied the correction, why (the case and its outcome), and the content before and after
    change = company.locator("tbody tr").filter(has_text=CORRECTED)
    expect(change).to_have_count(1)
    expect(change.get_by_role("cell").nth(1)).to_have_text("office")
    expect(change).to_contain_text(f"异议 {number}：更正")
    expect(change).to_contain_text(f"内容：{ORIGINAL} → {CORRECTED}")
    check_page(company, "objection-company-record-corrected")

    # --- The company reads the result and downloads the result letter ---------------------------
    company.get_by_role("link", name="异议", exact=True).click()
    company.get_by_role("link", name=number).click()
    summary = company.locator(".card").first
    expect(summary).to_contain_text("经核查，异议成立，更正记录内容。")
    expect(summary).to_contain_text(CORRECTED)
    check_page(company, "objection-company-result")
    name, content = download(company, company.get_by_role("link", name=re.compile("处理结果告知")))
    assert name.endswith(".pdf")
    assert content.startswith(b"%PDF")
