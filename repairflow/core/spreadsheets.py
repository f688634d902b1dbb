"""Text a spreadsheet would run as a formula (CSV or formula injection, OWASP "CSV Injection"):
a cell whose text begins with `=`, `+`, `-` or `@`, or with a tab or a carriage return (which
some programs drop before looking at the next character), is a formula to Excel, WPS and
LibreOffice when the file is opened, and a formula can reach the network or run a program.

`formula_safe` is the one rule: such text gets a leading apostrophe, which a spreadsheet shows
as text and does not keep as part of the value. Everything that is not text (numbers, dates,
None) is left as it is, and so is text that is a plain number (`-12.5`, `+86`): a spreadsheet
reads it as that number, never as a formula. The rule is applied

- to the records' own text on the way in (`records.serializers.RecordInputSerializer`, which
  the API and the imports of CSV and XLSX files share, and `records.corrections`), so that what
  is stored, shown and sent to other platforms is never a formula;
- to every cell of every CSV or XLSX file the app writes (`formula_safe_row`).
"""

import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def formula_safe(value: Any) -> Any:
    """`value` as a spreadsheet may safely be given it: text beginning with a formula prefix is
    quoted with a leading apostrophe (once: quoted text begins with the apostrophe); anything
    else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def formula_safe_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells for a CSV or XLSX file, each `formula_safe`."""
    return [formula_safe(value) for value in values]
