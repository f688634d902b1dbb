"""Reading a file of records sent by a department (docs/api.md "Records"): CSV or XLSX, judged by its
bytes and never by its name, whose first line names the columns with the record fields of
docs/api.md or the Chinese titles in HEADER_ALIASES. Every later line that is not blank becomes
a row of field values as the API takes them, with its own line number in the file (the header is
line 1); `records_import` (services.py) then validates and imports the rows.

- XLSX: a ZIP package whose `[Content_Types].xml` declares an OOXML workbook, read by openpyxl in
  read-only mode, streaming (the first sheet, cached values of formulas). Date cells give dates.
  Before openpyxl opens it, the package is judged by what its directory declares
  (core/archives.py): members, size unpacked, compression ratio.
- CSV: text that is not a known binary type and has no NUL byte. UTF-8 (with or without BOM) when
  the bytes are valid UTF-8, else GB18030, the superset of GBK and GB2312 that Chinese office
  software writes; bytes that are neither are refused, saying which encodings are read. Valid
  GBK text is almost never also valid UTF-8, so trying UTF-8 first does not misread it. The
  file is read twice in chunks, never whole: once for its hash and encoding, once for its lines.

A file that is neither, has no header naming the required columns, or is over one of the limits
of settings.py (`REPAIRFLOW_IMPORT_MAX_*`: bytes; lines after the header, blank ones included;
cells of a line; characters of a CSV line; an XLSX workbook unpacked; seconds spent reading) is
refused whole. Reading stops at the first limit it reaches.

What the cells say is taken as it is here; text a spreadsheet would run as a formula is made
safe where a record's fields are validated (`RecordInputSerializer`, core/spreadsheets.py).
"""

import codecs
import csv
import hashlib
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from repairflow.core.archives import ARCHIVE_ERRORS, ArchiveError, archive_open
from repairflow.core.attachments import SIGNATURES, ZIP_SIGNATURE
from repairflow.core.errors import Invalid, TooLarge
from repairflow.core.services import FILE_TOO_LARGE
from repairflow.records.models import ImportFormat
from repairflow.records.serializers import RecordInputSerializer

NOT_CSV_OR_XLSX = _("Only CSV and XLSX files can be imported; this file is neither.")
OLD_EXCEL = _(
    "This is an old Excel (.xls) workbook or a password-protected one; save it as XLSX or CSV and import that."
)
UNREADABLE_XLSX = _("This XLSX workbook could not be read; open it and save it again, or save it as CSV.")
UNDECODABLE = _(
    "This CSV file is neither UTF-8 nor GB18030 (GBK) text; save it as CSV in UTF-8 (“CSV UTF-8”) and import that."
)
NO_HEADER = _("The first line must be a header naming the columns: %(columns)s.")
MISSING_COLUMNS = _("The header lacks the required columns: %(columns)s.")
TOO_MANY_ROWS = _(
    "The file has more than %(limit)s lines after the header (blank lines count too); "
    "delete the blank lines or split it into smaller files."
)
TOO_MANY_COLUMNS = _("Line %(line)s has more than %(limit)s columns; delete the columns that are not records' fields.")
LINE_TOO_LONG = _("Line %(line)s is longer than %(limit)s characters.")
UNREADABLE_CSV = _(
    "Line %(line)s cannot be read: a cell is longer than %(limit)s characters, or a quote is not closed."
)
UNPACKED_TOO_LARGE = _("Unpacked, this workbook is larger than %(limit)s; split it into smaller files.")
TOO_MANY_PARTS = _("This workbook has more than %(limit)s parts; save it again as XLSX or CSV and import that.")
TOO_COMPRESSED = _(
    "This workbook is compressed more than %(limit)s times, as no real workbook is; "
    "save it again as XLSX or CSV and import that."
)
TOO_SLOW = _("Reading this file took longer than %(limit)s seconds; split it into smaller files.")
CONFLICTING_COLUMNS = _("The columns %(columns)s give different values.")

# The record fields of docs/api.md, as RecordInputSerializer takes them, and those every row
# needs (the office's rows also need `department`; a department's are its own).
IMPORT_FIELDS: tuple[str, ...] = tuple(RecordInputSerializer._declared_fields)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    name for name, serializer_field in RecordInputSerializer._declared_fields.items() if serializer_field.required
)

# Column titles taken for each field besides its own name, as departments' templates and office
# software write them. Compared without spaces, `*` marks or a trailing note in brackets, and
# ignoring case: "决定日期（必填）" and " Decision_Date " are both `decision_date`.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "subject_id": (
        "统一社会信用代码/身份证号",
        "统一社会信用代码或身份证号",
        "统一社会信用代码",
        "身份证号",
        "身份证号码",
        "居民身份证号码",
        "证件号码",
        "主体代码",
        "行政相对人代码",
    ),
    "subject_name": ("主体名称", "行政相对人名称", "当事人名称", "企业名称", "名称", "姓名"),
    "subject_type": ("主体类型", "行政相对人类别", "主体类别"),
    "category": ("信息类别", "信息类型", "类别"),
    "severity": ("严重程度", "失信程度", "失信严重程度"),
    "department": ("部门代码", "认定单位代码", "数据提供单位代码", "单位代码"),
    "decision_no": ("决定文书号", "决定书文号", "行政处罚决定书文号", "决定文号", "文书号"),
    "decision_date": ("决定日期", "作出决定日期", "处罚决定日期", "认定日期"),
    "title": ("标题", "信息标题", "事项名称"),
    "content": ("内容", "信息内容", "详细内容", "处罚内容"),
    "publish": ("是否公示", "公示"),
}

# Values taken for the fields with a fixed set of values besides the API's own (which are also
# taken in any case): the Chinese labels of the choices and the words office software uses.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "subject_type": {
        "法人和非法人组织": "legal_person",
        "法人及非法人组织": "legal_person",
        "法人": "legal_person",
        "非法人组织": "legal_person",
        "自然人": "natural_person",
    },
    "category": {
        "行政处罚": "administrative_penalty",
        "严重失信主体名单": "serious_list",
        "严重失信名单": "serious_list",
        "严重违法失信名单": "serious_list",
        "经营异常名录": "abnormal_list",
        "行政许可": "administrative_license",
        "守信激励（红名单）": "red_list",
        "守信激励": "red_list",
        "红名单": "red_list",
        "失信被执行人": "dishonest_judgment_debtor",
        "失信被执行人名单": "dishonest_judgment_debtor",
        "行政征收": "administrative_levy",
        "行政强制": "administrative_enforcement",
        "行政确认": "administrative_confirmation",
        "行政奖励": "administrative_reward",
        "司法判决": "court_judgment",
        "其他": "other",
    },
    "severity": {"轻微": "minor", "一般": "general", "严重": "serious"},
    "publish": {"是": "true", "否": "false", "公示": "true", "不公示": "false"},
}

_CHOICE_FIELDS = frozenset({"subject_type", "category", "severity"})
_DATE_FIELDS = frozenset({"decision_date"})

# 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, 20260105, each maybe followed by a time of day.
_TEXT_DATE = re.compile(
    r"^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_TITLE_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any encrypted OOXML file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Files that are surely not text: the attachments' types, programs, other images and archives.
_BINARY_SIGNATURES = (
    *(signature for signature, _type in SIGNATURES),
    *(b"MZ", b"\x7fELF", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!"),
)
_WORKBOOK_CONTENT_TYPE = b"spreadsheetml.sheet.main+xml"
_CHUNK = 64 * 1024
_CONTENT_TYPES_READ = 1024 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")
# Control characters no text file of records has (tab, line feed and carriage return are fine).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ImportRow:
    line: int
    values: dict[str, str]  # field → text, empty cells absent
    errors: dict[str, list[Any]] = field(default_factory=dict)  # what reading the row found wrong


@dataclass(frozen=True)
class ImportFile:
    file_format: ImportFormat
    encoding: str  # of a CSV file: "utf-8", "utf-8-sig" or "gb18030"; "" for XLSX
    size: int
    sha256: str
    unknown_columns: list[str]
    rows: list[ImportRow]


def _refused(message: Any) -> Invalid:
    return Invalid({"file": [message]})


def _title_key(title: str) -> str:
    key = "".join(title.split()).strip("*＊")
    key = _TITLE_NOTE.sub("", key) or key
    return key.strip("*＊").casefold()


# A message with its values, put in words when shown: a row's reasons are kept in the system's
# language (records_import_file), whichever language the file was read in.
_message = lazy(lambda message, values: str(message) % values, str)


_FIELD_BY_TITLE: dict[str, str] = {
    _title_key(title): name for name in IMPORT_FIELDS for title in (name, *HEADER_ALIASES.get(name, ()))
}


def _cell_text(value: Any) -> str:
    """A cell's value as the API takes it: text without surrounding spaces, "" when empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # XLSX date cells; the time of day says nothing of a decision
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _field_value(name: str, text: str) -> str:
    if name in _DATE_FIELDS and (match := _TEXT_DATE.match(text)):
        year, month, day, compact_month, compact_day = match.groups()
        try:
            return date(int(year), int(month or compact_month), int(day or compact_day)).isoformat()
        except ValueError:
            return text  # not a day: the serializer says so
    aliases = VALUE_ALIASES.get(name, {})
    if text in aliases:
        return aliases[text]
    if name in _CHOICE_FIELDS or name == "publish":
        return text.lower() if text.isascii() else text
    return text


def _columns(header: Sequence[Any], required: Iterable[str]) -> tuple[dict[int, str], list[str]]:
    """Which field each column gives (by position), and the titles of the columns that give none."""
    fields: dict[int, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(header):
        title = _cell_text(cell).lstrip("\ufeff")
        if not title:
            continue
        name = _FIELD_BY_TITLE.get(_title_key(title))
        if name is None:
            unknown.append(title)
        else:
            fields[position] = name
    if not fields:
        raise _refused(NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)})
    missing = [name for name in required if name not in fields.values()]
    if missing:
        raise _refused(MISSING_COLUMNS % {"columns": ", ".join(missing)})
    return fields, unknown


def _row(line: int, cells: Sequence[Any], fields: dict[int, str], titles: Sequence[Any]) -> ImportRow | None:
    """The row of one line, or None when the line is blank."""
    values: dict[str, str] = {}
    given_by: dict[str, list[str]] = {}
    errors: dict[str, list[Any]] = {}
    for position, name in fields.items():
        text = _cell_text(cells[position]) if position < len(cells) else ""
        if not text:
            continue
        value = _field_value(name, text)
        given_by.setdefault(name, []).append(_cell_text(titles[position]))
        if name in values and values[name] != value:
            errors[name] = [_message(CONFLICTING_COLUMNS, {"columns": ", ".join(given_by[name])})]
        values.setdefault(name, value)
    if not values and not any(_cell_text(cell) for cell in cells):
        return None
    return ImportRow(line=line, values=values, errors=errors)


def _clock() -> float:
    """Seconds from a fixed point (the tests replace it rather than wait)."""
    return time.monotonic()


class _Deadline:
    """When reading a file must have ended (`REPAIRFLOW_IMPORT_MAX_SECONDS` from now)."""

    def __init__(self) -> None:
        self.limit = settings.REPAIRFLOW_IMPORT_MAX_SECONDS
        self.at = _clock() + self.limit

    def check(self) -> None:
        if _clock() > self.at:
            raise TooLarge(TOO_SLOW % {"limit": f"{self.limit:g}"})


def _width(cells: Sequence[Any]) -> int:
    """How many cells of the line count: up to its last one that is not empty."""
    width = len(cells)
    while width and _cell_text(cells[width - 1]) == "":
        width -= 1
    return width


def _rows(
    lines: Iterator[tuple[int, Sequence[Any]]], required: Iterable[str], deadline: _Deadline
) -> tuple[list[str], list[ImportRow]]:
    """The header's columns and the rows of the lines after it. Every line after the header
    counts against the row limit, blank or not, and reading stops at the first line over it."""
    limit = settings.REPAIRFLOW_IMPORT_MAX_ROWS
    max_columns = settings.REPAIRFLOW_IMPORT_MAX_COLUMNS
    try:
        line, header = next(lines)
    except StopIteration:
        raise _refused(NO_HEADER % {"columns": ", ".join(IMPORT_FIELDS)}) from None
    if _width(header) > max_columns:
        raise TooLarge(TOO_MANY_COLUMNS % {"line": line, "limit": max_columns})
    fields, unknown = _columns(header, required)
    rows: list[ImportRow] = []
    for count, (line, cells) in enumerate(lines, start=1):
        if count > limit:
            raise TooLarge(TOO_MANY_ROWS % {"limit": limit})
        deadline.check()
        if _width(cells) > max_columns:
            raise TooLarge(TOO_MANY_COLUMNS % {"line": line, "limit": max_columns})
        row = _row(line, cells, fields, header)
        if row is not None:
            rows.append(row)
    return unknown, rows


def _text_lines(file: IO[bytes], encoding: str, deadline: _Deadline) -> Iterator[str]:
    """The file's text line by line, each with its line break (`\\r\\n`, `\\n` or `\\r`, as a
    file opened with `newline=""` gives them), decoded in chunks; a line longer than the limit is
    refused before it is read whole."""
    limit = settings.REPAIRFLOW_IMPORT_MAX_LINE_CHARS
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    number = 1
    file.seek(0)
    while True:
        deadline.check()
        chunk = file.read(_CHUNK)
        pending += decoder.decode(chunk, final=not chunk)
        start = 0
        for end in _LINE_END.finditer(pending):
            if chunk and end.end() == len(pending) and end.group() == "\r":
                break  # maybe the first half of "\r\n"
            if end.end() - start > limit:
                raise TooLarge(LINE_TOO_LONG % {"line": number, "limit": limit})
            yield pending[start : end.end()]
            number += 1
            start = end.end()
        pending = pending[start:]
        if len(pending) > limit:
            raise TooLarge(LINE_TOO_LONG % {"line": number, "limit": limit})
        if not chunk:
            break
    if pending:
        yield pending


def _csv_lines(file: IO[bytes], encoding: str, deadline: _Deadline) -> Iterator[tuple[int, list[str]]]:
    """Each record of the CSV file with the line it starts on (a quoted cell may span lines)."""
    text = _text_lines(file, encoding, deadline)
    first_line = next(text, "")
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(_chained(first_line, text), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _refused(UNREADABLE_CSV % {"line": start, "limit": csv.field_size_limit()}) from None
        yield start, cells
        start = reader.line_num + 1


def _chained(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _scanned(file: IO[bytes], limit: int, deadline: _Deadline, *, text: bool) -> tuple[int, str, str]:
    """Read the file once, in chunks: its size (TooLarge over `limit`), its SHA-256 and, when it
    is to be read as `text`, the encoding it is in, UTF-8 ("utf-8-sig") or GB18030. Text with a
    NUL byte or another control character is refused as not CSV, text in neither encoding as
    undecodable."""
    digest = hashlib.sha256()
    size = 0
    decoders = {encoding: codecs.getincrementaldecoder(encoding)() for encoding in ("utf-8-sig", "gb18030")}
    controls = dict.fromkeys(decoders, False)
    has_nul = False
    file.seek(0)
    while chunk := file.read(_CHUNK):
        deadline.check()
        size += len(chunk)
        if size > limit:
            raise TooLarge(FILE_TOO_LARGE % {"limit": filesizeformat(limit)})
        digest.update(chunk)
        if not text:
            continue
        has_nul = has_nul or b"\x00" in chunk
        for encoding, decoder in list(decoders.items()):
            try:
                controls[encoding] = controls[encoding] or bool(_CONTROL_CHARACTERS.search(decoder.decode(chunk)))
            except UnicodeDecodeError:
                del decoders[encoding]
    file.seek(0)
    if not text:
        return size, digest.hexdigest(), ""
    if has_nul:
        raise _refused(NOT_CSV_OR_XLSX)
    for encoding, decoder in list(decoders.items()):
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[encoding]
    encoding = next(iter(decoders), None)
    if encoding is None:
        raise _refused(UNDECODABLE)
    if controls[encoding]:
        raise _refused(NOT_CSV_OR_XLSX)
    return size, digest.hexdigest(), encoding


def _is_workbook(package: Any) -> bool:
    """Whether the package's content types declare a workbook (a real workbook's are a few KiB:
    no more than _CONTENT_TYPES_READ of them is unpacked)."""
    try:
        with package.open("[Content_Types].xml") as member:
            content_types = member.read(_CONTENT_TYPES_READ)
    except KeyError:
        return False
    return _WORKBOOK_CONTENT_TYPE in content_types


def _workbook_checked(file: IO[bytes]) -> None:
    """Refuse the ZIP package in `file` unless it is an XLSX workbook within the limits, judged
    by what its directory declares before anything is unpacked but its content types."""
    try:
        with archive_open(
            file,
            max_members=settings.REPAIRFLOW_ZIP_MAX_MEMBERS,
            max_unpacked=settings.REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES,
            max_ratio=settings.REPAIRFLOW_ZIP_MAX_RATIO,
        ) as package:
            is_workbook = _is_workbook(package)
    except ArchiveError as error:
        if error.reason == "corrupt":
            raise _refused(NOT_CSV_OR_XLSX) from None
        if error.reason == "unpacked":
            raise TooLarge(UNPACKED_TOO_LARGE % {"limit": filesizeformat(error.limit)}) from None
        message = TOO_MANY_PARTS if error.reason == "members" else TOO_COMPRESSED
        raise TooLarge(message % {"limit": error.limit}) from None
    except ARCHIVE_ERRORS:  # the content types themselves are damaged
        raise _refused(UNREADABLE_XLSX) from None
    finally:
        file.seek(0)
    if not is_workbook:
        raise _refused(NOT_CSV_OR_XLSX)


def _xlsx_lines(file: IO[bytes], deadline: _Deadline) -> Iterator[tuple[int, Sequence[Any]]]:
    """Each line of the workbook's first sheet with its row number (blank rows included, so that
    the numbers are the sheet's), streamed."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl fails on bad input with errors of every kind
        raise _refused(UNREADABLE_XLSX) from error
    try:
        deadline.check()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read what the sheet holds, not the size its XML claims
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except (TooLarge, Invalid):
        raise
    except Exception as error:  # raised while reading the sheet, not by whoever consumes the rows
        raise _refused(UNREADABLE_XLSX) from error
    finally:
        workbook.close()


def import_file_read(file: IO[bytes], *, required: Iterable[str] = REQUIRED_COLUMNS) -> ImportFile:
    """Read a file of records from its start. Refused whole with Invalid (`file`) when it is
    not CSV or XLSX, cannot be decoded or read, or its first line does not name the `required`
    columns; with TooLarge when it is over one of the limits (module docstring)."""
    deadline = _Deadline()
    file.seek(0)
    head = file.read(8)
    if head.startswith(_OLE2_SIGNATURE):
        raise _refused(OLD_EXCEL)
    if head.startswith(_BINARY_SIGNATURES):
        raise _refused(NOT_CSV_OR_XLSX)
    if head.startswith(_UTF16_BOMS):
        raise _refused(UNDECODABLE)
    is_zip = head.startswith(ZIP_SIGNATURE)
    size, sha256, encoding = _scanned(file, settings.REPAIRFLOW_IMPORT_MAX_BYTES, deadline, text=not is_zip)
    required = tuple(required)
    if is_zip:
        _workbook_checked(file)
        file_format, encoding = ImportFormat.XLSX, ""
        with closing(_xlsx_lines(file, deadline)) as lines:  # the workbook is closed however reading ends
            unknown, rows = _rows(lines, required, deadline)
    else:
        file_format = ImportFormat.CSV
        with closing(_csv_lines(file, encoding, deadline)) as lines:
            unknown, rows = _rows(lines, required, deadline)
        if encoding == "utf-8-sig" and head[:3] != b"\xef\xbb\xbf":
            encoding = "utf-8"
    return ImportFile(
        file_format=file_format,
        encoding=encoding,
        size=size,
        sha256=sha256,
        unknown_columns=unknown,
        rows=rows,
    )
