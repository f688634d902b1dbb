"""Every category the regulations name (docs/domain.md "Credit records", records/publication.py
CATEGORY_RULES): imported by its Chinese name, each record is negative or not as its category (and,
where the category leaves it to the record, its severity) says, with publication periods only when
negative; an unknown category is refused for its line, never stored as `other`."""

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repairflow.deadlines.policy import PROFILES
from repairflow.records.models import CreditRecord
from tests.factories import MatterFactory, make_uscc

pytestmark = pytest.mark.django_db

URL = "/api/v1/records/import/"
HEADER = ["统一社会信用代码", "主体名称", "主体类型", "信息类别", "严重程度", "决定文书号", "决定日期", "标题"]
COMPANY_ID = make_uscc(920001)

# The category's name in a department's file, the severity given, the category, negative
ROWS = [
    ("行政处罚", "一般", "administrative_penalty", True),
    ("失信被执行人", "严重", "dishonest_judgment_debtor", True),
    ("行政许可", "", "administrative_license", False),
    ("行政征收", "", "administrative_levy", False),
    ("行政强制", "", "administrative_enforcement", False),
    ("行政强制", "一般", "administrative_enforcement", True),
    ("行政确认", "", "administrative_confirmation", False),
    ("行政奖励", "", "administrative_reward", False),
    ("司法判决", "", "court_judgment", False),
    ("司法判决", "严重", "court_judgment", True),
    ("其他", "", "other", False),
]


def upload(api, user, *lines):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *lines])
    file = SimpleUploadedFile("信息.csv", buffer.getvalue().encode(), content_type="text/csv")
    return api.as_user(user).post(URL, {"file": file}, format="multipart")


def line(number: int, category: str, severity: str) -> list[str]:
    return [
        COMPANY_ID,
        "济南示范科技有限公司",
        "法人",
        category,
        severity,
        f"决〔2026〕{number}号",
        "2026-07-06",
        "标题",
    ]


def test_each_category_is_imported_negative_or_not_as_its_rule_says(api, travel, officer_scj):
    body = upload(
        api, officer_scj, *(line(n, name, severity) for n, (name, severity, _c, _n) in enumerate(ROWS))
    ).json()

    assert (body["created"], body["errors"]) == (len(ROWS), [])
    records = {record.decision_no: record for record in CreditRecord.objects.all()}
    found = [(records[f"决〔2026〕{n}号"].category, records[f"决〔2026〕{n}号"].negative) for n in range(len(ROWS))]
    assert found == [(category, negative) for _name, _severity, category, negative in ROWS]
    for n, (_name, _severity, _category, negative) in enumerate(ROWS):
        record = records[f"决〔2026〕{n}号"]
        # negative: periods from the decision (a general one: 3 months / 1 year); else none
        assert (record.max_period_end is not None) is negative, record.category


def test_the_api_shows_whether_a_record_is_negative(api, travel, officer_scj):
    upload(api, officer_scj, line(1, "行政奖励", ""), line(2, "行政处罚", "一般"))

    shown = {row["decision_no"]: row["negative"] for row in api.get("/api/v1/records/").json()["results"]}

    assert shown == {"决〔2026〕1号": False, "决〔2026〕2号": True}


@pytest.mark.parametrize("name", ["行政检查", "表彰", "unknown_category"])
def test_an_unknown_category_is_refused_for_its_line_and_not_stored(api, travel, officer_scj, name):
    body = upload(api, officer_scj, line(1, "行政处罚", "一般"), line(2, name, "")).json()

    assert (body["created"], body["invalid"]) == (1, 1)
    assert body["errors"][0]["line"] == 3 and set(body["errors"][0]["fields"]) == {"category"}
    assert list(CreditRecord.objects.values_list("category", flat=True)) == ["administrative_penalty"]


@pytest.mark.parametrize(("name", "severity"), [("行政奖励", "一般"), ("行政征收", "严重"), ("行政确认", "轻微")])
def test_a_severity_on_a_category_that_is_never_negative_is_refused(api, travel, officer_scj, name, severity):
    body = upload(api, officer_scj, line(1, name, severity)).json()

    assert (body["created"], set(body["errors"][0]["fields"])) == (0, {"severity"})


def test_a_credit_check_counts_only_negative_records(api, travel, officer_scj, scj):
    upload(
        api,
        officer_scj,
        line(1, "行政奖励", ""),
        line(2, "司法判决", ""),
        line(3, "行政强制", ""),
        line(4, "失信被执行人", "严重"),
    )

    MatterFactory(department=scj, code="CG-001", name="政府采购", kind="procurement")

    answer = api.post("/api/v1/credit-checks/", {"subject_id": COMPANY_ID, "matter": "CG-001"}, format="json")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["has_active_negative"] is True
    assert [row["category"] for row in answer.json()["negative_records"]] == ["dishonest_judgment_debtor"]
    assert date(2026, 7, 6) == CreditRecord.objects.get(category="dishonest_judgment_debtor").decision_date


def test_a_profile_that_counts_enforcement_as_negative_needs_its_severity(api, travel, officer_scj, monkeypatch):
    # 行政强制 is negative only when the record says so, unless the jurisdiction's rules count it
    # as negative always (docs/domain.md "Credit records"): then a record without severity is refused.
    counting = replace(PROFILES["shandong"], negative_categories=frozenset({"administrative_enforcement"}))
    monkeypatch.setitem(PROFILES, "shandong", counting)

    body = upload(
        api, officer_scj, line(1, "行政强制", ""), line(2, "行政强制", "一般"), line(3, "行政征收", "")
    ).json()

    assert (body["created"], body["invalid"]) == (2, 1)
    assert body["errors"][0]["line"] == 2 and set(body["errors"][0]["fields"]) == {"severity"}
    negative = dict(CreditRecord.objects.values_list("decision_no", "negative"))
    assert negative == {"决〔2026〕2号": True, "决〔2026〕3号": False}
