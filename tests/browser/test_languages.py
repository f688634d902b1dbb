"""The whole interface in Chinese (the default) and in English, switched from any page; the public
side and a subject's forms on a 390 px phone, by keyboard alone, and without JavaScript."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, sign_in
from tests.files import PDF_BYTES

CJK = re.compile(r"[\u4e00-\u9fff]")
PUBLIC_PAGES = ["/public/records/", "/query/", "/calendar/", "/accounts/login/", "/register/"]
OFFICE_PAGES = ["/office/", "/office/queue/", "/objections/", "/repairs/", "/records/", "/office/calendar/", "/inbox/"]
PHONE = {"width": 390, "height": 844}


def headings_in(page: Page, paths: list[str]) -> dict[str, str]:
    headings = {}
    for path in paths:
        page.goto(path)
        headings[path] = page.get_by_role("heading", level=1).first.inner_text()
    return headings


def switch_language(page: Page, to: str) -> None:
    page.get_by_role("button", name=to).click()
    page.wait_for_load_state()


def test_the_whole_interface_speaks_chinese_by_default_and_english_on_request(site, new_person):
    office = new_person()
    sign_in(office, "office")
    expect(office.locator("html")).to_have_attribute("lang", "zh-hans")
    chinese = headings_in(office, PUBLIC_PAGES + OFFICE_PAGES)
    assert all(CJK.search(heading) for heading in chinese.values()), chinese

    switch_language(office, "English")  # from the last page: it stays on it
    expect(office.locator("html")).to_have_attribute("lang", "en")
    assert office.url.endswith("/inbox/")
    english = headings_in(office, PUBLIC_PAGES + OFFICE_PAGES)
    assert not [heading for heading in english.values() if CJK.search(heading)], english
    office.goto("/office/")
    expect(office.get_by_role("navigation")).to_contain_text("Published records")
    check_page(office, "english-desk")

    switch_language(office, "简体中文")
    expect(office.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(office.get_by_role("heading", level=1).first).to_have_text(chinese["/office/"])


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_the_portal_works_on_a_390_px_phone(site, new_person):
    phone = new_person(**PHONE)
    for path, name in [("/public/records/?name=泉城示范", "phone-public-records"), ("/query/", "phone-query")]:
        phone.goto(path)
        no_sideways_scroll(phone)
        check_page(phone, name)
    phone.goto("/public/records/?name=泉城示范")
    phone.locator("tbody tr").first.get_by_role("link").click()
    no_sideways_scroll(phone)
    check_page(phone, "phone-public-record")
    phone.goto("/register/")
    no_sideways_scroll(phone)
    check_page(phone, "phone-register")

    sign_in(phone, "subject-a")
    phone.goto("/objections/new/")
    no_sideways_scroll(phone)
    check_page(phone, "phone-objection-form")


def test_the_public_search_is_used_by_keyboard_alone_with_the_focus_always_visible(site, new_person):
    page = new_person()
    page.goto("/public/records/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    name = page.get_by_label("名称")
    expect(name).to_be_focused()
    outline = name.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline not in ("none", ""), outline
    page.keyboard.type("明湖环保")
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr").first).to_contain_text("济南明湖环保工程有限公司")


def test_the_public_pages_and_a_subject_s_objection_work_without_javascript(site, browser, tmp_path):
    context = browser.new_context(base_url=site.url, java_script_enabled=False, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/public/records/")
        page.get_by_label("名称").fill("泉城示范")
        page.get_by_role("button", name="搜索").click()
        expect(page.locator("tbody tr").first).to_contain_text("济南泉城示范科技有限公司")

        sign_in(page, "subject-a")
        page.goto("/records/")
        page.get_by_role("link", name="济SW罚〔2026〕0064号").click()
        page.get_by_role("link", name="提出异议").click()
        page.get_by_label("信息内容有误").check()
        page.get_by_label("记录有何错误").fill("处罚决定书记载的罚款金额与实际缴纳金额不符。")
        evidence = tmp_path / "缴款凭证.pdf"
        evidence.write_bytes(PDF_BYTES)
        page.get_by_label(re.compile("证明材料")).set_input_files(evidence)
        page.get_by_role("button", name="提交异议").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"YY\d{10}"))
        expect(page.locator("main")).to_contain_text("缴款凭证.pdf")
    finally:
        context.close()
