"""The fields an objection's outcome may correct on a record (records/serializers.py
RecordCorrectionSerializer, record_correction_validate): validated as a new record's are,
together with the record's other fields; only what changes is returned."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from repairflow.core.errors import Invalid
from repairflow.records.corrections import (
    DECISION_DATE_IN_FUTURE,
    DUPLICATE_DECISION,
    EMPTY,
    NO_CORRECTED_FIELDS,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_CORRECTABLE,
    NOT_TEXT,
    NULL,
    TOO_LONG,
    UNCHANGED,
    record_correction_validate,
)
from repairflow.records.publication import (
    SERIOUS_LIST_IS_SERIOUS,
    SEVERITY_ON_NON_NEGATIVE,
    SEVERITY_REQUIRED,
    Category,
    Severity,
)
from tests.factories import CreditRecordFactory, DepartmentFactory
from tests.i18n import in_chinese

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(datetime(2026, 9, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def record(scj):
    """A general administrative penalty by market regulation, decided 2026-01-05."""
    return CreditRecordFactory(department=scj, decision_no="济市监罚〔2026〕1号")


def errors(record, fields) -> dict:
    with pytest.raises(Invalid) as refused, translation.override("zh-hans"):
        record_correction_validate(record, fields)
    return refused.value.fields


def test_the_changes_are_returned_as_field_values(record):
    changes = record_correction_validate(
        record, {"content": "责令改正，罚款五百元。", "decision_date": "2026-01-04", "title": record.title}
    )

    # the title is the record's already: it is no change
    assert changes == {"content": "责令改正，罚款五百元。", "decision_date": date(2026, 1, 4)}


def test_a_decision_of_today_may_be_corrected_to(record):
    assert record_correction_validate(record, {"decision_date": "2026-09-28"}) == {"decision_date": date(2026, 9, 28)}


def test_a_negative_record_becomes_a_positive_one_only_without_severity(record):
    assert record_correction_validate(record, {"category": "red_list", "severity": None}) == {
        "category": "red_list",
        "severity": None,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"non_field_errors": [NO_CORRECTED_FIELDS]}),
        ([], {"non_field_errors": [NO_CORRECTED_FIELDS]}),
        ("罚款五百元", {"non_field_errors": [NO_CORRECTED_FIELDS]}),
        ({"content": "责令改正，罚款一千元。"}, {"non_field_errors": [UNCHANGED]}),
        ({"decision_date": "2026-09-29"}, {"decision_date": [DECISION_DATE_IN_FUTURE]}),
        ({"category": "red_list"}, {"severity": [SEVERITY_ON_NON_NEGATIVE]}),
        ({"category": "serious_list"}, {"severity": [SERIOUS_LIST_IS_SERIOUS]}),
        ({"severity": None}, {"severity": [SEVERITY_REQUIRED]}),
    ],
    ids=[
        "nothing",
        "a list",
        "a string",
        "unchanged",
        "future decision",
        "severity on positive",
        "serious list",
        "no severity",
    ],
)
def test_a_correction_the_record_could_not_have_is_refused(record, fields, expected):
    assert errors(record, fields) == {
        name: [in_chinese(message) for message in messages] for name, messages in expected.items()
    }


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"fine": "500"}, "fine"),
        ({"state": "revoked", "content": "x"}, "state"),
        ({"under_objection": False, "subject": 2, "department": "HB"}, "department, subject, under_objection"),
    ],
)
def test_only_the_decisions_own_fields_can_be_corrected(record, fields, named):
    assert errors(record, fields) == {"non_field_errors": [in_chinese(NOT_CORRECTABLE) % {"fields": named}]}


def test_a_field_of_the_wrong_type_is_refused_by_its_own_rule_in_the_api_s_words(record):
    assert errors(record, {"category": "fine", "decision_date": "yesterday", "title": "x" * 201, "content": []}) == {
        "category": [in_chinese(NOT_A_CHOICE).format(input="fine")],
        "decision_date": [in_chinese(NOT_A_DATE).format(format="YYYY-MM-DD")],
        "title": [in_chinese(TOO_LONG).format(max_length=200)],
        "content": [in_chinese(NOT_TEXT)],
    }
    assert errors(record, {"decision_no": None, "title": "  "}) == {
        "decision_no": [in_chinese(NULL)],
        "title": [in_chinese(EMPTY)],
    }


def test_a_field_is_read_as_a_new_record_s_is(record):
    """Numbers are taken as text, text trimmed, and a date in any ISO 8601 form."""
    assert record_correction_validate(
        record, {"title": 2026, "decision_no": " 济市监罚〔2026〕9号 ", "decision_date": "2026-1-4"}
    ) == {"title": "2026", "decision_no": "济市监罚〔2026〕9号", "decision_date": date(2026, 1, 4)}
    assert record_correction_validate(record, {"decision_date": "20260104"}) == {"decision_date": date(2026, 1, 4)}


def test_a_list_entry_stays_serious():
    entry = CreditRecordFactory(category=Category.SERIOUS_LIST, severity=Severity.SERIOUS)

    assert errors(entry, {"severity": "general"}) == {"severity": [in_chinese(SERIOUS_LIST_IS_SERIOUS)]}
    assert record_correction_validate(entry, {"category": "abnormal_list", "severity": "general"}) == {
        "category": "abnormal_list",
        "severity": "general",
    }


def test_a_decision_number_the_department_has_given_another_record_is_refused(record, scj):
    CreditRecordFactory(department=scj, decision_no="济市监罚〔2026〕2号")
    CreditRecordFactory(department=DepartmentFactory(code="HB"), decision_no="济环罚〔2026〕1号")

    assert errors(record, {"decision_no": "济市监罚〔2026〕2号"}) == {"decision_no": [in_chinese(DUPLICATE_DECISION)]}
    # another department's number is no clash
    assert record_correction_validate(record, {"decision_no": "济环罚〔2026〕1号"}) == {
        "decision_no": "济环罚〔2026〕1号"
    }
