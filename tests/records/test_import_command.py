"""`manage.py import_records FILE --user USERNAME`: the same import as the API's, its report
printed, exit status 1 when the file is refused (and nothing imported)."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from repairflow.core.identifiers import INVALID_USCC
from repairflow.core.permissions import ROLE_NOT_ALLOWED
from repairflow.records.importing import NOT_CSV_OR_XLSX
from repairflow.records.management.commands.import_records import (
    COLUMNS_IGNORED,
    IMPORT_SUMMARY,
    LINE_REFUSED,
    NO_SUCH_USER,
)
from repairflow.records.models import CreditRecord, RecordImport
from repairflow.records.services import IMPORTED_FROM_LINE
from tests.i18n import in_chinese
from tests.records.test_import import EXE_BYTES, HEADER, WRONG_CHECK_DIGIT_ID, cells, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("import_records", *arguments, stdout=out)
    return out.getvalue()


def summary(kept: RecordImport, name: str, file_format: str, encoding: str, **counts: int) -> str:
    return in_chinese(IMPORT_SUMMARY) % {
        "number": kept.pk,
        "name": name,
        "format": file_format,
        "encoding": encoding,
        "rows": counts["rows"],
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "unchanged": counts.get("unchanged", 0),
        "invalid": counts.get("invalid", 0),
    }


def test_a_file_is_imported_and_its_report_printed(tmp_path, officer_scj):
    path = tmp_path / "处罚信息.csv"
    path.write_bytes(
        csv_bytes(
            [*cells(decision_no="罚1号"), "甲"],
            [*cells(decision_no="罚2号", subject_id=WRONG_CHECK_DIGIT_ID), "乙"],
            [*cells(decision_no="罚3号", subject_type="", title=""), ""],
            header=[*HEADER, "备注"],
            encoding="gbk",
        )
    )

    output = run(str(path), "--user", "dept-scj")

    kept = RecordImport.objects.get()
    assert output.splitlines() == [
        summary(kept, "处罚信息.csv", "CSV", " gb18030", rows=3, created=1, invalid=2),
        in_chinese(COLUMNS_IGNORED) % {"columns": "备注"},
        in_chinese(LINE_REFUSED) % {"line": 3, "reasons": f"subject_id: {in_chinese(INVALID_USCC)}"},
        in_chinese(LINE_REFUSED) % {"line": 4, "reasons": "subject_type: 该字段是必填项。; title: 该字段是必填项。"},
    ]
    record = CreditRecord.objects.get()
    assert (record.decision_no, record.department.code) == ("罚1号", "SCJ")
    assert record.history.get().history_change_reason == in_chinese(IMPORTED_FROM_LINE) % {
        "number": kept.pk,
        "line": 2,
    }
    assert (kept.imported_by, kept.file_name) == (officer_scj, "处罚信息.csv")


def test_an_xlsx_file_imported_again_reports_the_update(tmp_path, office, scj):
    path = tmp_path / "records.xlsx"
    path.write_bytes(xlsx_bytes(cells(decision_no="罚1号"), cells(decision_no="罚2号")))
    run(str(path), "--user", "office")
    path.write_bytes(xlsx_bytes(cells(decision_no="罚1号"), cells(decision_no="罚2号", title="新标题")))

    output = run(str(path), "--user", "office")

    kept = RecordImport.objects.order_by("pk").last()
    assert output.splitlines() == [summary(kept, "records.xlsx", "XLSX", "", rows=2, updated=1, unchanged=1)]
    assert CreditRecord.objects.get(decision_no="罚2号").title == "新标题"


# `manage.py` exits with a CommandError's `returncode` (printing it to stderr), and with 0 when
# the command returns; run_from_argv itself would close the test's database connection.


def test_a_refused_file_exits_with_status_1_and_imports_nothing(tmp_path, officer_scj):
    path = tmp_path / "records.csv"
    path.write_bytes(EXE_BYTES)

    with pytest.raises(CommandError) as refused:
        run(str(path), "--user", "dept-scj")

    assert refused.value.returncode == 1
    assert str(refused.value) == f"{path}: {in_chinese(NOT_CSV_OR_XLSX)}"
    assert (RecordImport.objects.count(), CreditRecord.objects.count()) == (0, 0)


def test_a_file_with_only_invalid_rows_is_not_refused(tmp_path, officer_scj):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(cells(subject_id=WRONG_CHECK_DIGIT_ID)))

    output = run(str(path), "--user", "dept-scj")  # no CommandError: exit status 0

    kept = RecordImport.objects.get()
    assert output.splitlines() == [
        summary(kept, "records.csv", "CSV", " utf-8", rows=1, invalid=1),
        in_chinese(LINE_REFUSED) % {"line": 2, "reasons": f"subject_id: {in_chinese(INVALID_USCC)}"},
    ]


@pytest.mark.parametrize(
    ("username", "message"),
    [("nobody", NO_SUCH_USER % {"username": "nobody"}), ("auditor", ROLE_NOT_ALLOWED), ("subject-a", ROLE_NOT_ALLOWED)],
)
def test_only_a_department_or_office_user_imports(tmp_path, auditor, company_user, username, message):
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(cells()))

    with pytest.raises(CommandError) as refused:
        run(str(path), "--user", username)

    assert refused.value.returncode == 1
    assert str(refused.value).endswith(in_chinese(message))
    assert RecordImport.objects.count() == 0


def test_a_missing_file_is_refused(tmp_path, officer_scj):
    with pytest.raises(CommandError) as refused:
        run(str(tmp_path / "nowhere.csv"), "--user", "dept-scj")

    assert str(refused.value) == f"{tmp_path / 'nowhere.csv'}: No such file or directory"


def test_the_user_is_required(tmp_path):
    with pytest.raises(CommandError) as refused:
        run(str(tmp_path / "records.csv"))

    assert str(refused.value) == "Error: the following arguments are required: --user"
