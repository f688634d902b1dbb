"""Importing records from a file (repairflow/records/importing.py, the
`records_import` and `records_import_file` services, `POST /api/v1/records/import/` and the kept
reports under `/api/v1/records/imports/`): CSV in UTF-8 or GBK and XLSX, judged by content; every
valid row imported with history, every invalid one reported by its line in the file; a decision
imported again updates its record; a file that is not CSV or XLSX or has no header refused whole."""

import csv
import hashlib
import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from openpyxl import Workbook

from repairflow.core.errors import INVALID_INPUT, Invalid, TooLarge
from repairflow.core.history import history_entries
from repairflow.core.identifiers import INVALID_USCC
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.core.services import FILE_TOO_LARGE
from repairflow.records.corrections import DECISION_DATE_IN_FUTURE
from repairflow.records.importing import (
    CONFLICTING_COLUMNS,
    HEADER_ALIASES,
    IMPORT_FIELDS,
    MISSING_COLUMNS,
    NO_HEADER,
    NOT_CSV_OR_XLSX,
    OLD_EXCEL,
    REQUIRED_COLUMNS,
    TOO_MANY_ROWS,
    UNDECODABLE,
    UNPACKED_TOO_LARGE,
    UNREADABLE_XLSX,
    ImportRow,
    import_file_read,
)
from repairflow.records.models import CreditRecord, CreditSubject, ImportFormat, RecordImport, RecordState
from repairflow.records.serializers import OTHER_DEPARTMENT
from repairflow.records.services import (
    DUPLICATE_DECISION_IN_BATCH,
    IMPORT_OTHER_SUBJECT,
    IMPORT_REVOKED,
    IMPORT_UNDER_OBJECTION,
    IMPORTED_FROM_LINE,
    UPDATED_BY_IMPORT,
    records_import,
    records_import_file,
)
from tests.factories import CreditRecordFactory, UserFactory, make_resident_id, make_uscc
from tests.i18n import in_chinese

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 2, 10, 9, 0, tzinfo=SHANGHAI)
NOW_TEXT = "2026-02-10T09:00:00+08:00"
URL = "/api/v1/records/import/"
REPORTS_URL = "/api/v1/records/imports/"

COMPANY_ID = make_uscc(910001)
OTHER_COMPANY_ID = make_uscc(910002)
PERSON_ID = make_resident_id(910003)
WRONG_CHECK_DIGIT_ID = COMPANY_ID[:-1] + ("0" if COMPANY_ID[-1] != "0" else "1")
REQUIRED = "该字段是必填项。"

HEADER = list(IMPORT_FIELDS)
CHINESE_HEADER = [
    "统一社会信用代码/身份证号",
    "主体名称",
    "主体类型",
    "信息类别",
    "严重程度",
    "部门代码",
    "决定文书号",
    "决定日期",
    "标题",
    "内容",
    "是否公示",
]

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
XLS_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 50_000


def cells(**overrides) -> list:
    """A line of a department's file, in HEADER's order; "" is an empty cell."""
    values = {
        "subject_id": COMPANY_ID,
        "subject_name": "济南历下示范商贸有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "department": "SCJ",
        "decision_no": "济历市监罚〔2026〕1号",
        "decision_date": "2026-01-05",
        "title": "未按规定公示年度报告",
        "content": "责令改正，罚款一千元。",
        "publish": "",
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


def csv_lines(*lines: list, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue().encode(encoding)


def csv_bytes(*lines: list, header: list = HEADER, encoding: str = "utf-8") -> bytes:
    return csv_lines(header, *lines, encoding=encoding)


def xlsx_bytes(*lines: list, header: list = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<xml/>")
    return buffer.getvalue()


def read(content: bytes, **kwargs):
    return import_file_read(io.BytesIO(content), **kwargs)


def refusal(content: bytes, **kwargs) -> list[str]:
    with pytest.raises(Invalid) as refused:
        read(content, **kwargs)
    return [str(message) for message in refused.value.fields["file"]]


def post(api, user, content: bytes, name: str = "行政处罚.csv", **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return api.as_user(user).post(URL, {"file": upload}, format="multipart", **extra)


def invalid_file(message) -> dict:
    return {"error": "invalid", "detail": in_chinese(INVALID_INPUT), "fields": {"file": [in_chinese(message)]}}


def registry() -> dict:
    """Everything an import may write."""
    return {
        "records": CreditRecord.objects.count(),
        "record_history": CreditRecord.history.count(),
        "subjects": CreditSubject.objects.count(),
        "subject_history": CreditSubject.history.count(),
        "imports": RecordImport.objects.count(),
    }


def import_reason(kept: RecordImport, line: int) -> str:
    return in_chinese(IMPORTED_FROM_LINE) % {"number": kept.pk, "line": line}


# --- Reading: encodings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_csv_text_is_read_in_utf_8_with_or_without_bom_and_in_gbk(encoding, read_as):
    content = csv_bytes(cells(), header=CHINESE_HEADER, encoding=encoding)

    upload = read(content)

    assert (upload.file_format, upload.encoding, upload.unknown_columns) == (ImportFormat.CSV, read_as, [])
    assert upload.rows == [
        ImportRow(line=2, values={name: value for name, value in zip(HEADER, cells(), strict=True) if value})
    ]
    assert (upload.size, upload.sha256) == (len(content), hashlib.sha256(content).hexdigest())


def test_text_neither_utf_8_nor_gb18030_is_refused_saying_so():
    content = csv_bytes(cells()) + "Ærøskøbing".encode("cp1252") + b"\x80\xff\r\n"

    assert refusal(content) == [str(UNDECODABLE)]


def test_utf_16_text_is_refused_as_undecodable():
    assert refusal(csv_bytes(cells(), encoding="utf-16")) == [str(UNDECODABLE)]


# --- Reading: the header ------------------------------------------------------------------------


def test_chinese_column_titles_and_unknown_columns():
    header = [
        "序号",
        "统一社会信用代码",
        "名称",
        "主体类型",
        "类别",
        "严重程度",
        "决定书文号",
        "决定日期",
        "标题",
        "备注",
    ]
    line = [
        "1",
        COMPANY_ID,
        "济南历下示范商贸有限公司",
        "法人",
        "行政处罚",
        "一般",
        "罚1号",
        "2026-01-05",
        "标题",
        "无",
    ]

    upload = read(csv_bytes(line, header=header))

    assert upload.unknown_columns == ["序号", "备注"]
    assert upload.rows[0].values == {
        "subject_id": COMPANY_ID,
        "subject_name": "济南历下示范商贸有限公司",
        "subject_type": "legal_person",
        "category": "administrative_penalty",
        "severity": "general",
        "decision_no": "罚1号",
        "decision_date": "2026-01-05",
        "title": "标题",
    }


def test_column_titles_are_compared_without_spaces_marks_notes_or_case():
    header = [
        " Subject_ID ",
        "*主体名称",
        "主体 类型",
        "CATEGORY",
        "severity",
        "决定文书号（必填）",
        "决定日期(必填)",
        "标题",
    ]

    upload = read(
        csv_bytes([COMPANY_ID, "某公司", "legal_person", "red_list", "", "证1号", "2026-01-05", "许可"], header=header)
    )

    assert upload.unknown_columns == []
    assert set(upload.rows[0].values) == {
        "subject_id",
        "subject_name",
        "subject_type",
        "category",
        "decision_no",
        "decision_date",
        "title",
    }


def test_every_field_has_chinese_titles():
    assert set(HEADER_ALIASES) == set(IMPORT_FIELDS)
    assert REQUIRED_COLUMNS == (
        "subject_id",
        "subject_name",
        "subject_type",
        "category",
        "decision_no",
        "decision_date",
        "title",
    )


@pytest.mark.parametrize("content", [b"", b"\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_has_no_header(content):
    assert refusal(content) == [str(NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)})]


def test_a_first_line_naming_no_known_column_is_no_header():
    content = csv_bytes(cells(), header=["列1", "列2", "列3"])

    assert refusal(content) == [str(NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)})]


def test_data_on_the_first_line_is_no_header():
    content = "\r\n".join(",".join(cells(decision_no=f"罚{n}号")) for n in (1, 2)).encode()

    assert refusal(content) == [str(NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)})]


def test_a_header_lacking_required_columns_names_them():
    header = [name for name in HEADER if name not in ("subject_type", "title")]

    assert refusal(csv_bytes(header=header)) == [str(MISSING_COLUMNS % {"columns": "subject_type, title"})]


def test_the_office_also_needs_the_department_column():
    header = [name for name in HEADER if name != "department"]

    refused = refusal(csv_bytes(header=header), required=(*REQUIRED_COLUMNS, "department"))

    assert refused == [str(MISSING_COLUMNS % {"columns": "department"})]
    assert read(csv_bytes(header=header)).rows == []


# --- Reading: lines and values --------------------------------------------------------------


def test_line_numbers_are_the_files_blank_lines_skipped_and_a_quoted_cell_may_span_lines():
    # 1 header, 2-3 the first row, 4 empty cells, 5 nothing, 6 the second row
    content = (
        csv_bytes(cells(decision_no="罚1号", content="第一行\n第二行"))
        + b",,\r\n\r\n"
        + csv_lines(cells(decision_no="罚2号"))
    )

    upload = read(content)

    assert [(row.line, row.values["decision_no"]) for row in upload.rows] == [(2, "罚1号"), (6, "罚2号")]
    assert upload.rows[0].values["content"] == "第一行\n第二行"


def test_empty_and_blank_cells_are_absent_and_text_is_trimmed():
    upload = read(csv_bytes(cells(severity="", content="  ", title="　标题　")))

    assert "severity" not in upload.rows[0].values
    assert "content" not in upload.rows[0].values
    assert upload.rows[0].values["title"] == "标题"


def test_a_tab_separated_text_file_is_read():
    content = ("\t".join(HEADER) + "\r\n" + "\t".join(cells()) + "\r\n").encode("gb18030")

    assert read(content).rows[0].values["decision_no"] == "济历市监罚〔2026〕1号"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2026-01-05", "2026-01-05"),
        ("2026/1/5", "2026-01-05"),
        ("2026.01.05", "2026-01-05"),
        ("2026年1月5日", "2026-01-05"),
        ("20260105", "2026-01-05"),
        ("2026-01-05 00:00:00", "2026-01-05"),
        ("2026/2/30", "2026/2/30"),  # no such day: left for the serializer to refuse
        ("去年", "去年"),
    ],
)
def test_text_dates_in_the_forms_office_software_writes(text, value):
    assert read(csv_bytes(cells(decision_date=text))).rows[0].values["decision_date"] == value


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("subject_type", "法人和非法人组织", "legal_person"),
        ("subject_type", "自然人", "natural_person"),
        ("subject_type", "Legal_Person", "legal_person"),
        ("category", "严重失信主体名单", "serious_list"),
        ("category", "守信激励（红名单）", "red_list"),
        ("severity", "严重", "serious"),
        ("severity", "GENERAL", "general"),
        ("publish", "否", "false"),
        ("publish", "TRUE", "true"),
        ("title", "行政处罚", "行政处罚"),
    ],
)
def test_values_may_be_the_chinese_labels(field, text, value):
    assert read(csv_bytes(cells(**{field: text}))).rows[0].values[field] == value


def test_two_columns_for_one_field_give_one_value_or_an_error_for_the_row():
    header = ["统一社会信用代码", "身份证号", *HEADER[1:]]
    content = csv_bytes(
        [COMPANY_ID, "", *cells()[1:]],
        ["", PERSON_ID, *cells(subject_type="natural_person")[1:]],
        [COMPANY_ID, COMPANY_ID, *cells()[1:]],
        [COMPANY_ID, PERSON_ID, *cells()[1:]],
        header=header,
    )

    rows = read(content).rows

    assert [row.values["subject_id"] for row in rows] == [COMPANY_ID, PERSON_ID, COMPANY_ID, COMPANY_ID]
    assert [row.errors for row in rows] == [
        {},
        {},
        {},
        {"subject_id": [str(CONFLICTING_COLUMNS % {"columns": "统一社会信用代码, 身份证号"})]},
    ]


def test_xlsx_cells_of_every_type_and_the_sheets_row_numbers():
    content = xlsx_bytes(
        cells(decision_no="罚1号", decision_date=date(2026, 1, 5), publish=True),
        [],
        # a workbook's date and time has no time zone; only the day counts
        cells(decision_no=12345, decision_date=datetime(2026, 1, 6, 15, 30), publish=False, content=None),  # noqa: DTZ001
        cells(decision_no="罚3号", decision_date="2026年1月7日", severity=None),
        header=CHINESE_HEADER,
    )

    upload = read(content)

    assert (upload.file_format, upload.encoding, upload.unknown_columns) == (ImportFormat.XLSX, "", [])
    assert [(row.line, row.values["decision_no"], row.values["decision_date"]) for row in upload.rows] == [
        (2, "罚1号", "2026-01-05"),
        (4, "12345", "2026-01-06"),
        (5, "罚3号", "2026-01-07"),
    ]
    assert [row.values.get("publish") for row in upload.rows] == ["true", "false", None]
    assert "content" not in upload.rows[1].values
    assert "severity" not in upload.rows[2].values


def test_only_the_first_sheet_is_read():
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(cells(decision_no="罚1号"))
    other = workbook.create_sheet("说明")
    other.append(HEADER)
    other.append(cells(decision_no="罚2号"))
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert [row.values["decision_no"] for row in read(buffer.getvalue()).rows] == ["罚1号"]


# --- Reading: what is refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDF_BYTES, NOT_CSV_OR_XLSX),
        (EXE_BYTES, NOT_CSV_OR_XLSX),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, NOT_CSV_OR_XLSX),
        (zip_bytes("word/document.xml", "[Content_Types].xml"), NOT_CSV_OR_XLSX),
        (zip_bytes("OFD.xml"), NOT_CSV_OR_XLSX),
        (b"PK\x03\x04 not really a zip", NOT_CSV_OR_XLSX),
        (XLS_BYTES, OLD_EXCEL),
        ("subject_id,title\r\n\x07\x08,标题\r\n".encode(), NOT_CSV_OR_XLSX),
        (csv_bytes(cells()) + b"\x00", NOT_CSV_OR_XLSX),
    ],
    ids=["pdf", "exe", "png", "docx-like zip", "ofd", "broken zip", "xls", "control characters", "nul byte"],
)
def test_what_is_not_csv_or_xlsx_is_refused_whatever_its_name(content, message):
    assert refusal(content) == [str(message)]


def test_a_workbook_that_cannot_be_read_is_refused():
    content = xlsx_bytes(cells())
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, b"<not xml" if info.filename.startswith("xl/worksheets/") else data)

    assert refusal(broken.getvalue()) == [str(UNREADABLE_XLSX)]


def test_a_file_over_the_size_limit_is_too_large(settings):
    content = csv_bytes(cells())
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = len(content) - 1

    with pytest.raises(TooLarge) as refused:
        read(content)

    with translation.override("zh-hans"):
        assert refused.value.detail == str(FILE_TOO_LARGE) % {"limit": filesizeformat(len(content) - 1)}
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = len(content)
    assert len(read(content).rows) == 1


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes])
def test_more_lines_than_the_limit_is_too_large_blank_lines_counted(settings, build):
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 2
    three = build(*(cells(decision_no=f"罚{n}号") for n in range(3)))
    two_and_a_blank = build(cells(decision_no="罚1号"), [""] * len(HEADER), cells(decision_no="罚2号"))
    one_and_a_blank = build(cells(decision_no="罚1号"), [""] * len(HEADER))

    for content in (three, two_and_a_blank):
        with pytest.raises(TooLarge) as refused:
            read(content)
        assert refused.value.detail == TOO_MANY_ROWS % {"limit": 2}
    assert len(read(one_and_a_blank).rows) == 1


def test_a_workbook_that_unpacks_larger_than_the_limit_is_too_large(settings):
    content = xlsx_bytes(cells(content="罚" * 30_000))
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        unpacked = sum(member.file_size for member in package.infolist())
    settings.REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES = unpacked - 1

    with pytest.raises(TooLarge) as refused:
        read(content)

    with translation.override("zh-hans"):
        assert refused.value.detail == str(UNPACKED_TOO_LARGE) % {"limit": filesizeformat(unpacked - 1)}
    settings.REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES = unpacked
    assert len(read(content).rows) == 1


# --- records_import: a decision imported again ----------------------------------------------------


def entry(**overrides) -> dict:
    return dict(zip(HEADER, cells(**overrides), strict=True)) | {"publish": overrides.get("publish")}


@pytest.mark.django_db
def test_a_decision_imported_again_with_changes_is_corrected_through_the_state_machine(officer_scj, time_machine):
    records_import(actor=officer_scj, rows=[entry()])
    record = CreditRecord.objects.get()
    time_machine.move_to(datetime(2026, 2, 11, 9, 0, tzinfo=SHANGHAI), tick=False)

    report = records_import(
        actor=officer_scj, rows=[entry(title="未按规定报送年度报告", decision_date="2026-01-04")], first_line=7
    )

    assert (report.created, report.unchanged, report.errors) == ([], [], [])
    assert report.updated == [record]
    record.refresh_from_db()
    assert (record.title, record.decision_date, record.version, record.state) == (
        "未按规定报送年度报告",
        date(2026, 1, 4),
        2,
        RecordState.PUBLISHED,
    )
    assert (record.publication_start, record.min_period_end, record.max_period_end) == (
        date(2026, 1, 4),
        date(2026, 4, 4),
        date(2027, 1, 4),
    )
    last = history_entries(record)[-1]
    assert (last["actor"], last["reason"]) == ("dept-scj", in_chinese(UPDATED_BY_IMPORT) % {"line": 7})
    assert {change["field"]: (change["old"], change["new"]) for change in last["changes"]} == {
        "title": ("未按规定公示年度报告", "未按规定报送年度报告"),
        "decision_date": ("2026-01-05", "2026-01-04"),
        "publication_start": ("2026-01-05", "2026-01-04"),
        "min_period_end": ("2026-04-05", "2026-04-04"),
        "max_period_end": ("2027-01-05", "2027-01-04"),
        "version": (1, 2),
    }
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_decision_imported_again_unchanged_writes_nothing(officer_scj):
    records_import(actor=officer_scj, rows=[entry(decision_no="罚1号"), entry(decision_no="罚2号")])
    before = registry()

    # the subject's name and `publish` are not the record's to change
    report = records_import(
        actor=officer_scj,
        rows=[entry(decision_no="罚1号", subject_name="改名后的公司", publish="false"), entry(decision_no="罚2号")],
    )

    assert (report.created, report.updated, report.errors) == ([], [], [])
    assert sorted(record.decision_no for record in report.unchanged) == ["罚1号", "罚2号"]
    assert registry() == before
    assert set(CreditRecord.objects.values_list("version", "state")) == {(1, RecordState.PUBLISHED)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "message"),
    [
        ({"state": RecordState.REVOKED}, IMPORT_REVOKED),
        ({"under_objection": True}, IMPORT_UNDER_OBJECTION),
    ],
)
def test_a_revoked_record_or_one_under_objection_is_not_changed_by_an_import(officer_scj, scj, existing, message):
    subject = CreditSubject.objects.create(identifier=COMPANY_ID, subject_type="legal_person", name="公司")
    record = CreditRecordFactory(subject=subject, department=scj, decision_no="罚1号", **existing)
    before = registry()

    report = records_import(actor=officer_scj, rows=[entry(decision_no="罚1号", title="新标题")])

    assert report.errors == [(1, {"non_field_errors": [str(message)]})]
    assert registry() == before
    record.refresh_from_db()
    assert (record.title, record.version) == ("未按规定公示年度报告", 1)


@pytest.mark.django_db
def test_the_same_decision_of_another_department_is_another_record(office, scj, hb):
    hb_record = CreditRecordFactory(department=hb, decision_no="罚1号")

    report = records_import(actor=office, rows=[entry(decision_no="罚1号", department="SCJ")])

    assert [(r.department.code, r.decision_no) for r in report.created] == [("SCJ", "罚1号")]
    hb_record.refresh_from_db()
    assert hb_record.version == 1


# --- The API: importing a file ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_file_is_imported_and_its_report_kept_and_returned(api, officer_scj):
    content = csv_bytes(
        cells(decision_no="罚1号", department=""),
        cells(decision_no="罚2号", subject_id=WRONG_CHECK_DIGIT_ID),
        cells(decision_no="罚3号", subject_id=PERSON_ID, subject_type="natural_person", subject_name="李华"),
        cells(decision_no="罚4号", title=""),
        cells(decision_no="罚1号"),
    )

    response = post(api, officer_scj, content)

    assert response.status_code == 201
    kept = RecordImport.objects.get()
    assert response.json() == {
        "id": kept.pk,
        "file_name": "行政处罚.csv",
        "format": "csv",
        "encoding": "utf-8",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "imported_by": "dept-scj",
        "department": "SCJ",
        "imported_at": NOW_TEXT,
        "rows": 5,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "invalid": 3,
        "unknown_columns": [],
        "errors": [
            {"line": 3, "fields": {"subject_id": [in_chinese(INVALID_USCC)]}},
            {"line": 5, "fields": {"title": [REQUIRED]}},
            {"line": 6, "fields": {"decision_no": [in_chinese(DUPLICATE_DECISION_IN_BATCH)]}},
        ],
    }
    assert sorted(
        (row.decision_no, row.history_type, row.history_user, row.history_change_reason)
        for row in CreditRecord.history.all()
    ) == [
        ("罚1号", "+", officer_scj, import_reason(kept, 2)),
        ("罚3号", "+", officer_scj, import_reason(kept, 4)),
    ]
    assert (kept.imported_by, kept.department.code, kept.file_format) == (officer_scj, "SCJ", ImportFormat.CSV)


@pytest.mark.django_db
def test_a_gbk_csv_with_chinese_titles_and_values_is_imported(api, officer_scj):
    content = csv_bytes(
        cells(subject_type="法人和非法人组织", category="行政处罚", severity="一般", publish="是"),
        header=CHINESE_HEADER,
        encoding="gbk",
    )

    response = post(api, officer_scj, content, name="处罚信息（WPS导出）.csv")

    assert response.status_code == 201
    assert (response.json()["encoding"], response.json()["created"], response.json()["errors"]) == ("gb18030", 1, [])
    record = CreditRecord.objects.get()
    assert (record.subject.identifier, record.category, record.severity, record.state) == (
        COMPANY_ID,
        "administrative_penalty",
        "general",
        RecordState.PUBLISHED,
    )


@pytest.mark.django_db
def test_an_xlsx_file_is_imported_with_its_date_cells(api, office, scj, hb):
    content = xlsx_bytes(
        cells(decision_no="罚1号", decision_date=date(2026, 1, 5)),
        cells(decision_no="罚2号", decision_date=date(2026, 3, 1)),
        cells(decision_no="罚3号", department="HB", decision_date="2026/1/20", publish=False),
    )

    response = post(api, office, content, name="records.xlsx")

    assert response.status_code == 201
    body = response.json()
    assert (body["format"], body["encoding"], body["created"], body["invalid"]) == ("xlsx", "", 2, 1)
    assert body["errors"] == [{"line": 3, "fields": {"decision_date": [in_chinese(DECISION_DATE_IN_FUTURE)]}}]
    assert sorted(CreditRecord.objects.values_list("department__code", "decision_no", "decision_date", "state")) == [
        ("HB", "罚3号", date(2026, 1, 20), RecordState.UNPUBLISHED),
        ("SCJ", "罚1号", date(2026, 1, 5), RecordState.PUBLISHED),
    ]


@pytest.mark.django_db
def test_unknown_columns_are_reported_and_ignored(api, officer_scj):
    content = csv_bytes([*cells(), "1", "备注"], header=[*HEADER, "序号", "备注"])

    body = post(api, officer_scj, content).json()

    assert (body["created"], body["unknown_columns"]) == (1, ["序号", "备注"])


@pytest.mark.django_db
def test_a_file_imported_again_with_a_change_updates_the_record_and_says_so_in_its_history(api, officer_scj):
    first = post(api, officer_scj, csv_bytes(cells(decision_no="罚1号"), cells(decision_no="罚2号"))).json()
    record = CreditRecord.objects.get(decision_no="罚2号")

    response = post(
        api,
        officer_scj,
        csv_bytes(cells(decision_no="罚1号"), cells(decision_no="罚2号", content="责令改正，罚款五百元。")),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["invalid"]) == (0, 1, 1, 0)
    assert body["id"] != first["id"]
    record.refresh_from_db()
    assert (record.content, record.version) == ("责令改正，罚款五百元。", 2)
    last = history_entries(record)[-1]
    assert (last["actor"], last["reason"]) == ("dept-scj", import_reason(RecordImport.objects.get(pk=body["id"]), 3))
    assert [change["field"] for change in last["changes"]] == ["content", "version"]
    assert CreditRecord.objects.count() == 2
    assert CreditRecord.objects.get(decision_no="罚1号").version == 1


@pytest.mark.django_db
def test_the_same_file_imported_twice_changes_nothing_the_second_time(api, officer_scj):
    content = csv_bytes(cells(decision_no="罚1号"), cells(decision_no="罚2号"))
    post(api, officer_scj, content)
    before = registry()

    body = post(api, officer_scj, content).json()

    assert (body["created"], body["updated"], body["unchanged"], body["invalid"]) == (0, 0, 2, 0)
    assert registry() == {**before, "imports": before["imports"] + 1}


@pytest.mark.django_db
def test_a_department_importing_another_departments_rows_has_each_refused(api, officer_scj, hb):
    hb_record = CreditRecordFactory(department=hb, decision_no="罚9号")
    content = csv_bytes(
        cells(decision_no="罚1号"),
        cells(decision_no="罚9号", department="HB", title="改了别人的记录"),
        cells(decision_no="罚3号", department="HB"),
    )

    body = post(api, officer_scj, content).json()

    assert (body["created"], body["updated"], body["invalid"]) == (1, 0, 2)
    assert body["errors"] == [
        {"line": 3, "fields": {"department": [in_chinese(OTHER_DEPARTMENT)]}},
        {"line": 4, "fields": {"department": [in_chinese(OTHER_DEPARTMENT)]}},
    ]
    hb_record.refresh_from_db()
    assert (hb_record.title, hb_record.version) == ("未按规定公示年度报告", 1)
    assert list(CreditRecord.objects.filter(department__code="SCJ").values_list("decision_no", flat=True)) == ["罚1号"]


@pytest.mark.django_db
def test_a_decision_of_another_subject_is_refused_for_its_line(api, officer_scj):
    post(api, officer_scj, csv_bytes(cells(decision_no="罚1号")))

    body = post(api, officer_scj, csv_bytes(cells(decision_no="罚1号", subject_id=OTHER_COMPANY_ID))).json()

    assert body["errors"] == [{"line": 2, "fields": {"subject_id": [in_chinese(IMPORT_OTHER_SUBJECT)]}}]
    assert CreditRecord.objects.get().subject.identifier == COMPANY_ID


@pytest.mark.django_db
def test_a_row_whose_columns_disagree_is_reported_in_line_order_with_the_others(api, officer_scj):
    header = ["统一社会信用代码", "身份证号", *HEADER[1:]]
    content = csv_bytes(
        ["", WRONG_CHECK_DIGIT_ID, *cells(decision_no="罚1号")[1:]],
        [COMPANY_ID, PERSON_ID, *cells(decision_no="罚2号")[1:]],
        ["", PERSON_ID, *cells(decision_no="罚3号", subject_type="natural_person", subject_name="李华")[1:]],
        header=header,
    )

    body = post(api, officer_scj, content).json()

    assert (body["rows"], body["created"], body["invalid"]) == (3, 1, 2)
    assert body["errors"] == [
        {"line": 2, "fields": {"subject_id": [in_chinese(INVALID_USCC)]}},
        {
            "line": 3,
            "fields": {"subject_id": [in_chinese(CONFLICTING_COLUMNS) % {"columns": "统一社会信用代码, 身份证号"}]},
        },
    ]
    assert CreditRecord.objects.get().subject.identifier == PERSON_ID


@pytest.mark.django_db
def test_the_kept_errors_are_in_the_systems_language_whoever_asks(api, officer_scj):
    response = post(api, officer_scj, csv_bytes(cells(title="")), HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["errors"] == [{"line": 2, "fields": {"title": [REQUIRED]}}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("决定书.pdf", PDF_BYTES, NOT_CSV_OR_XLSX),
        ("records.csv", EXE_BYTES, NOT_CSV_OR_XLSX),
        ("records.xlsx", zip_bytes("word/document.xml", "[Content_Types].xml"), NOT_CSV_OR_XLSX),
        ("records.xls", XLS_BYTES, OLD_EXCEL),
        ("records.csv", csv_bytes(cells(), header=["列1", "列2"]), NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)}),
        (
            "records.csv",
            csv_bytes(header=HEADER[:3]),
            MISSING_COLUMNS % {"columns": "category, decision_no, decision_date, title"},
        ),
    ],
    ids=["pdf", "exe named csv", "zip not xlsx", "xls", "no header", "header lacking columns"],
)
def test_a_file_that_is_not_csv_or_xlsx_or_has_no_header_is_400_and_nothing_is_imported(
    api, officer_scj, name, content, message
):
    before = registry()

    response = post(api, officer_scj, content, name=name)

    assert response.status_code == 400
    assert response.json() == invalid_file(message)
    assert registry() == before


@pytest.mark.django_db
def test_the_offices_file_needs_the_department_column(api, office):
    content = csv_bytes(
        [value for name, value in zip(HEADER, cells(), strict=True) if name != "department"],
        header=[n for n in HEADER if n != "department"],
    )

    response = post(api, office, content)

    assert response.status_code == 400
    assert response.json() == invalid_file(MISSING_COLUMNS % {"columns": "department"})


@pytest.mark.django_db
def test_a_file_over_the_limit_is_413_and_nothing_is_imported(api, officer_scj, settings):
    content = csv_bytes(cells())
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = len(content) - 1
    before = registry()

    response = post(api, officer_scj, content)

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert registry() == before


@pytest.mark.django_db
def test_no_file_is_400_naming_the_field(api, officer_scj):
    response = api.as_user(officer_scj).post(URL, {}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["company_user", "auditor"])
def test_subjects_and_auditors_may_not_import(api, request, scj, user):
    user = request.getfixturevalue(user)
    before = registry()

    response = post(api, user, csv_bytes(cells()))

    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "detail": in_chinese(ROLE_NOT_ALLOWED)}
    assert registry() == before


@pytest.mark.django_db
def test_importing_needs_credentials(api, scj):
    upload = SimpleUploadedFile("a.csv", csv_bytes(cells()))

    assert api.post(URL, {"file": upload}, format="multipart").status_code == 401


@pytest.mark.django_db
def test_a_repeated_import_with_the_same_idempotency_key_imports_once(api, officer_scj):
    content = csv_bytes(cells(decision_no="罚1号"))

    first = post(api, officer_scj, content, HTTP_IDEMPOTENCY_KEY="import-1")
    second = post(api, officer_scj, content, HTTP_IDEMPOTENCY_KEY="import-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert (RecordImport.objects.count(), CreditRecord.objects.count()) == (1, 1)


# --- The API: the kept reports ----------------------------------------------------------------------


@pytest.fixture
def reports(officer_scj, officer_hb, office):
    """One import each by SCJ, HB and the office, oldest first."""
    return [
        records_import_file(
            actor=actor, file=io.BytesIO(csv_bytes(cells(decision_no=number, department=code))), name=f"{code}.csv"
        )
        for actor, number, code in (
            (officer_scj, "罚1号", "SCJ"),
            (officer_hb, "罚2号", "HB"),
            (office, "罚3号", "SCJ"),
        )
    ]


def report_ids(response) -> list[int]:
    return [report["id"] for report in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "visible"),
    [("officer_scj", [0]), ("officer_hb", [1]), ("office", [2, 1, 0]), ("auditor", [2, 1, 0])],
)
def test_a_report_is_listed_for_its_importers_department_the_office_and_auditors(api, reports, request, user, visible):
    response = api.as_user(request.getfixturevalue(user)).get(REPORTS_URL)

    assert response.status_code == 200
    assert report_ids(response) == [reports[index].pk for index in visible]


@pytest.mark.django_db
def test_a_colleague_in_the_same_department_reads_the_report(api, reports, scj):
    colleague = UserFactory(username="dept-scj-2", officer=True, department=scj)

    response = api.as_user(colleague).get(f"{REPORTS_URL}{reports[0].pk}/")

    assert response.status_code == 200
    assert response.json()["errors"] == []
    assert response.json()["imported_by"] == "dept-scj"


@pytest.mark.django_db
def test_the_list_leaves_the_errors_out_and_the_detail_has_them(api, office, scj):
    kept = records_import_file(
        actor=office, file=io.BytesIO(csv_bytes(cells(subject_id=WRONG_CHECK_DIGIT_ID))), name="a.csv"
    )
    client = api.as_user(office)

    listed = client.get(REPORTS_URL).json()["results"][0]
    detail = client.get(f"{REPORTS_URL}{kept.pk}/").json()

    assert "errors" not in listed
    assert detail == {**listed, "errors": [{"line": 2, "fields": {"subject_id": [in_chinese(INVALID_USCC)]}}]}
    assert (detail["department"], detail["invalid"]) == (None, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("user", "report"), [("officer_hb", 0), ("officer_scj", 1), ("officer_scj", 2)])
def test_a_report_of_another_department_or_the_office_is_not_found(api, reports, request, user, report):
    response = api.as_user(request.getfixturevalue(user)).get(f"{REPORTS_URL}{reports[report].pk}/")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "未找到。"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "1/"])
def test_subjects_may_not_read_reports(api, reports, company_user, path):
    response = api.as_user(company_user).get(f"{REPORTS_URL}{path}")

    assert response.status_code == 403
    assert response.json() == {"error": "forbidden", "detail": in_chinese(ROLE_NOT_ALLOWED)}


@pytest.mark.django_db
def test_reports_are_read_only(api, reports, office):
    client = api.as_user(office)

    assert client.post(REPORTS_URL, {}).status_code == 405
    assert client.delete(f"{REPORTS_URL}{reports[0].pk}/").status_code == 405
    assert RecordImport.objects.count() == 3


def test_the_openapi_schema_describes_the_import_endpoints(api, db):
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert set(paths["/api/v1/records/import/"]) == {"post"}
    assert "multipart/form-data" in paths["/api/v1/records/import/"]["post"]["requestBody"]["content"]
    assert set(paths["/api/v1/records/imports/"]) == {"get"}
    assert set(paths["/api/v1/records/imports/{id}/"]) == {"get"}
