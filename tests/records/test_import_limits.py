"""The limits on a file of records (settings.py `REPAIRFLOW_IMPORT_MAX_*`, `REPAIRFLOW_ZIP_*`;
records/importing.py): lines after the header counted blank or not, and reading stopped at the
limit; cells of a line; characters of a CSV line; an XLSX workbook judged by what its ZIP
directory declares before openpyxl opens it; seconds spent reading (a patched clock, never the
real one); a CSV file read in chunks, never whole. Every refusal imports nothing."""

import io
import tracemalloc
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat

from repairflow.core.errors import Invalid, TooLarge
from repairflow.core.services import FILE_TOO_LARGE
from repairflow.records import importing
from repairflow.records.importing import (
    LINE_TOO_LONG,
    NOT_CSV_OR_XLSX,
    TOO_COMPRESSED,
    TOO_MANY_COLUMNS,
    TOO_MANY_PARTS,
    TOO_MANY_ROWS,
    TOO_SLOW,
    UNPACKED_TOO_LARGE,
    UNREADABLE_CSV,
    UNREADABLE_XLSX,
)
from tests.i18n import in_chinese
from tests.records.test_import import (
    HEADER,
    cells,
    csv_bytes,
    invalid_file,
    post,
    read,
    refusal,
    registry,
    xlsx_bytes,
)

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 50_000
    settings.REPAIRFLOW_IMPORT_MAX_COLUMNS = 100
    settings.REPAIRFLOW_IMPORT_MAX_LINE_CHARS = 1_000_000
    settings.REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
    settings.REPAIRFLOW_IMPORT_MAX_SECONDS = 60.0
    settings.REPAIRFLOW_ZIP_MAX_MEMBERS = 1000
    settings.REPAIRFLOW_ZIP_MAX_RATIO = 100


def with_sheet(sheet_xml: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet is `sheet_xml` (and `extra` members added)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(cells())))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, sheet_xml if member.filename == SHEET else source.read(member))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def sheet_xml(rows: str) -> bytes:
    header = "".join(f'<c t="inlineStr"><is><t>{title}</t></is></c>' for title in HEADER)
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{header}</row>{rows}</sheetData></worksheet>'
    ).encode()


def last_row_at(number: int) -> bytes:
    """A sheet of a header and one cell on row `number`: every row between is blank (the
    finding's 205 KB workbook that took 44 s: openpyxl yields each blank row)."""
    return with_sheet(sheet_xml(f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>'))


class CountingClock:
    """A clock that moves `step` seconds each time it is read, and counts the reads."""

    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step, self.reads = 0.0, step, 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = CountingClock()
    monkeypatch.setattr(importing, "_clock", clock)
    return clock


# --- Lines: blank lines count, reading stops at the limit -----------------------------------------


def test_a_sheet_of_a_million_blank_rows_is_refused_at_the_limit_with_bounded_memory(settings, clock):
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 1000
    content = last_row_at(1_048_576)

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as refused:
            read(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert refused.value.detail == TOO_MANY_ROWS % {"limit": 1000}
    assert clock.reads < 1000 + 20  # one read per line: reading stopped at the limit
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes])
def test_blank_lines_count_against_the_limit(settings, build):
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 3
    blank = [""] * len(HEADER)

    with pytest.raises(TooLarge):
        read(build(cells(), blank, blank, blank))
    assert len(read(build(cells(), blank, blank)).rows) == 1


def test_trailing_csv_line_breaks_are_not_lines(settings):
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 1

    assert len(read(csv_bytes(cells())).rows) == 1


# --- Columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes])
def test_a_line_with_more_cells_than_the_limit_is_refused_naming_it(settings, build):
    settings.REPAIRFLOW_IMPORT_MAX_COLUMNS = len(HEADER)
    content = build(cells(decision_no="罚1号"), [*cells(decision_no="罚2号"), "一列太多"])

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert refused.value.detail == TOO_MANY_COLUMNS % {"line": 3, "limit": len(HEADER)}


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes])
def test_empty_cells_after_the_last_one_do_not_count(settings, build):
    settings.REPAIRFLOW_IMPORT_MAX_COLUMNS = len(HEADER)

    assert len(read(build([*cells(), "", " ", ""], header=[*HEADER, "", ""])).rows) == 1


def test_a_header_wider_than_the_limit_is_refused(settings):
    settings.REPAIRFLOW_IMPORT_MAX_COLUMNS = len(HEADER)

    with pytest.raises(TooLarge) as refused:
        read(csv_bytes(cells(), header=[*HEADER, "备注"]))

    assert refused.value.detail == TOO_MANY_COLUMNS % {"line": 1, "limit": len(HEADER)}


def test_a_cell_in_the_sheets_last_column_is_refused():
    content = with_sheet(sheet_xml('<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'))

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert refused.value.detail == TOO_MANY_COLUMNS % {"line": 2, "limit": 100}


# --- CSV: lines and cells -------------------------------------------------------------------------


def test_a_csv_line_longer_than_the_limit_is_refused_before_it_is_read_whole(settings):
    settings.REPAIRFLOW_IMPORT_MAX_LINE_CHARS = 500
    content = csv_bytes(cells(content="长" * 200), cells(content="长" * 600))

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert refused.value.detail == LINE_TOO_LONG % {"line": 3, "limit": 500}


def test_a_csv_of_one_endless_line_of_commas_is_refused(settings):
    settings.REPAIRFLOW_IMPORT_MAX_LINE_CHARS = 100_000

    with pytest.raises(TooLarge) as refused:
        read(csv_bytes() + b"," * 1_000_000)

    assert refused.value.detail == LINE_TOO_LONG % {"line": 2, "limit": 100_000}


def test_a_csv_cell_longer_than_the_csv_modules_limit_or_an_open_quote_is_400_not_500():
    content = csv_bytes(cells(decision_no="罚1号")) + b'"never closed,' + b"x" * 140_000

    assert refusal(content) == [str(UNREADABLE_CSV % {"line": 3, "limit": 131072})]


class ChunkRecorder(io.BytesIO):
    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def test_a_csv_file_is_read_in_chunks_never_whole():
    content = csv_bytes(*(cells(decision_no=f"罚{n}号", content="内容" * 100) for n in range(500)))
    file = ChunkRecorder(content)

    upload = importing.import_file_read(file)

    assert len(content) > 200_000 and len(upload.rows) == 500
    assert all(0 < size <= 64 * 1024 for size in file.sizes)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read_past_it(settings):
    settings.REPAIRFLOW_IMPORT_MAX_BYTES = 100_000
    file = ChunkRecorder(b"subject_id\r\n" + b"x" * 1_000_000)

    with pytest.raises(TooLarge) as refused:
        importing.import_file_read(file)

    assert refused.value.detail == FILE_TOO_LARGE % {"limit": filesizeformat(100_000)}
    assert sum(file.sizes) <= 100_000 + 2 * 64 * 1024 + 8


# --- XLSX: judged by its ZIP directory before openpyxl opens it --------------------------------------


@pytest.fixture
def never_opened(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook that should have been refused before")

    monkeypatch.setattr(importing, "load_workbook", refuse)


def test_a_workbook_compressed_like_a_bomb_is_refused_before_it_is_opened(never_opened):
    rows = "<row/>" * 1_000_000  # 6 MB of blank rows
    content = with_sheet(sheet_xml(rows))

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert len(content) < 200_000
    assert refused.value.detail == TOO_COMPRESSED % {"limit": 100}


def test_a_workbook_declaring_more_unpacked_than_the_limit_is_refused_before_it_is_opened(settings, never_opened):
    settings.REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES = 50_000
    content = with_sheet(sheet_xml(""), extra={"xl/media/image1.bin": bytes(range(256)) * 200})

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert refused.value.detail == UNPACKED_TOO_LARGE % {"limit": filesizeformat(50_000)}


def test_a_workbook_of_too_many_parts_is_refused_before_it_is_opened(settings, never_opened):
    settings.REPAIRFLOW_ZIP_MAX_MEMBERS = 5

    with pytest.raises(TooLarge) as refused:
        read(xlsx_bytes(cells()))

    assert refused.value.detail == TOO_MANY_PARTS % {"limit": 5}


def damaged(content: bytes, member: str) -> bytes:
    """`content` with the compressed data of `member` overwritten (its directory intact)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        info = package.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(content)
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


@pytest.mark.parametrize(
    ("member", "message"),
    [("[Content_Types].xml", UNREADABLE_XLSX), (SHEET, UNREADABLE_XLSX)],
    ids=["content types", "sheet"],
)
def test_a_workbook_with_a_damaged_part_is_refused_as_unreadable(member, message):
    content = damaged(xlsx_bytes(cells()), member)

    assert refusal(content) == [str(message)]


def test_a_workbook_cut_short_is_not_xlsx():
    content = xlsx_bytes(cells())

    assert refusal(content[: len(content) // 2]) == [str(NOT_CSV_OR_XLSX)]


# --- Time ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [csv_bytes, xlsx_bytes])
def test_reading_stops_at_the_deadline_naming_it(settings, clock, build):
    settings.REPAIRFLOW_IMPORT_MAX_SECONDS = 5
    clock.step = 1.0  # every look at the clock is a second later
    content = build(*(cells(decision_no=f"罚{n}号") for n in range(20)))

    with pytest.raises(TooLarge) as refused:
        read(content)

    assert refused.value.detail == TOO_SLOW % {"limit": "5"}
    assert clock.reads == 7  # the start, five looks within the five seconds, and the first past them


def test_a_file_read_in_time_is_not_refused(settings, clock):
    settings.REPAIRFLOW_IMPORT_MAX_SECONDS = 5
    clock.step = 0.001

    assert len(read(xlsx_bytes(*(cells(decision_no=f"罚{n}号") for n in range(20)))).rows) == 20


# --- Through the API: the status, the body, and nothing imported ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("records.xlsx", b"\x13\x37not a zip at all\x00\x01\x02" * 50),
        ("records.xlsx", b"PK\x03\x04" + b"\x00\x17 damaged" * 50),
        ("records.xlsx", xlsx_bytes(cells())[:3000]),
    ],
    ids=["binary named xlsx", "zip signature and garbage", "workbook cut short"],
)
def test_a_file_named_xlsx_that_is_no_workbook_is_400_and_nothing_is_imported(api, officer_scj, name, content):
    before = registry()

    response = post(api, officer_scj, content, name=name)

    assert response.status_code == 400
    assert response.json() == invalid_file(NOT_CSV_OR_XLSX)
    assert registry() == before


@pytest.mark.django_db
def test_a_damaged_workbook_is_400_and_nothing_is_imported(api, officer_scj):
    before = registry()

    response = post(api, officer_scj, damaged(xlsx_bytes(cells()), "[Content_Types].xml"), name="a.xlsx")

    assert response.status_code == 400
    assert response.json() == invalid_file(UNREADABLE_XLSX)
    assert registry() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (last_row_at(1_048_576), TOO_MANY_ROWS % {"limit": 1000}),
        (with_sheet(sheet_xml("<row/>" * 1_000_000)), TOO_COMPRESSED % {"limit": 100}),
        (csv_bytes(cells(), [*cells(), *["x"] * 100]), TOO_MANY_COLUMNS % {"line": 3, "limit": 100}),
    ],
    ids=["blank rows", "bomb", "columns"],
)
def test_a_file_over_a_limit_is_413_naming_it_and_nothing_is_imported(api, officer_scj, settings, content, message):
    settings.REPAIRFLOW_IMPORT_MAX_ROWS = 1000
    before = registry()

    response = post(api, officer_scj, content, name="records.xlsx")

    assert response.status_code == 413
    assert response.json() == {"error": "too_large", "detail": in_chinese(message)}
    assert registry() == before


@pytest.mark.django_db
def test_a_file_read_past_the_deadline_is_413_and_nothing_is_imported(api, officer_scj, settings, clock):
    settings.REPAIRFLOW_IMPORT_MAX_SECONDS = 3
    clock.step = 1.0
    before = registry()

    response = post(api, officer_scj, csv_bytes(*(cells(decision_no=f"罚{n}号") for n in range(10))))

    assert response.status_code == 413
    assert response.json() == {"error": "too_large", "detail": in_chinese(TOO_SLOW % {"limit": "3"})}
    assert registry() == before


def test_invalid_is_the_refusal_of_a_file_that_is_not_a_workbook():
    with pytest.raises(Invalid):
        read(b"PK\x03\x04 not really a zip")


def test_a_sheet_that_is_an_entity_bomb_is_refused():
    """Billion laughs: nine levels of ten entities each, three billion characters once expanded;
    Python's XML parser (expat 2.4 and later) refuses the amplification."""
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    header = "".join(f'<c t="inlineStr"><is><t>{title}</t></is></c>' for title in HEADER)
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">{laughs}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{header}</row><row r="2"><c t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    ).encode()

    assert refusal(with_sheet(bomb)) == [str(UNREADABLE_XLSX)]
