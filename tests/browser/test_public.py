"""A member of the public, with no account: searches the published records (双公示), opens one,
and looks up where a case stands with the number on its receipt."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_page, sign_in

COMPANY = "济南泉城示范科技有限公司"
COMPANY_USCC = "91370102MA3C4K7R18"
PERSON_ID = "370102198503152013"  # 张明's: never shown whole to the public


def test_the_public_searches_published_records_and_queries_a_case_s_progress(site, new_person):
    # The number on the receipt: the company's clerk reads it on its own list of objections.
    clerk = new_person()
    sign_in(clerk, "subject-a")
    clerk.goto("/objections/")
    number = clerk.get_by_role("link", name=re.compile(r"^YY\d{10}$")).first.inner_text()

    visitor = new_person()
    visitor.goto("/public/records/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("信用信息公示")
    check_page(visitor, "public-records")

    visitor.get_by_label("名称").fill("泉城示范")
    visitor.get_by_role("button", name="搜索").click()
    rows = visitor.locator("tbody tr")
    expect(rows.first).to_contain_text(COMPANY)
    expect(rows.filter(has_not_text=COMPANY)).to_have_count(0)
    check_page(visitor, "public-records-search")
    assert PERSON_ID not in visitor.content()

    rows.first.get_by_role("link").click()
    expect(visitor.get_by_role("heading", level=1)).to_be_visible()
    expect(visitor.locator("main")).to_contain_text(COMPANY_USCC)
    check_page(visitor, "public-record")

    visitor.goto("/query/")
    visitor.get_by_label("案件编号").fill(number)
    visitor.get_by_label("统一社会信用代码或身份证号码").fill(COMPANY_USCC)
    visitor.get_by_role("button", name="查询").click()
    status = visitor.get_by_role("status")
    expect(status).to_contain_text(number)
    check_page(visitor, "public-progress-query")

    # A number that is not the subject's: told so, beside the form, and nothing about the case.
    visitor.get_by_label("统一社会信用代码或身份证号码").fill("91370103MA3D2Q8E5L")
    visitor.get_by_role("button", name="查询").click()
    expect(visitor.get_by_role("alert")).to_be_visible()
    expect(visitor.get_by_role("status")).to_have_count(0)
