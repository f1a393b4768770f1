"""Reading the CSV export: encoding, delimiter, header names, one row into typed values."""

import csv
import datetime as dt
import io
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from backend.accounts.models import Leerweg
from backend.accounts.services.student_import.types import ParsedRow, RowError, StudentImportError

if TYPE_CHECKING:
    import _csv

# Column name in the file -> our name. Headers are matched case-insensitively, ignoring spaces,
# underscores and hyphens, so "E-mail", "email" and "E_MAIL" are the same column.
COLUMNS = {
    "studentnummer": "student_number",
    "voornaam": "first_name",
    "tussenvoegsel": "prefix",
    "achternaam": "last_name",
    "e-mail": "email",
    "crebo": "crebo",
    "cohort": "cohort",
    "leerweg": "leerweg",
    "klas": "class_code",
    "coach e-mail": "coach_email",
    "geboortedatum": "date_of_birth",
}
REQUIRED = ("studentnummer", "voornaam", "achternaam", "e-mail", "crebo", "cohort", "leerweg")
OPTIONAL = ("tussenvoegsel", "klas", "coach e-mail", "geboortedatum")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y")
# A real export has about 150 bytes a row: 5 MB is far more than any school's students, and
# bounds the memory one upload can take. No real cell is longer than MAX_CELL characters.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_CELL = 1000


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Excel versions save "CSV" in Windows-1252.
        return content.decode("cp1252", errors="replace")


def _header_key(name: str) -> str:
    compact = re.sub(r"[\s_\-]", "", name.strip().lower())
    for column in COLUMNS:
        if compact == re.sub(r"[\s_\-]", "", column):
            return column
    return name.strip().lower()


def _cell_errors(line: int, names: list[str], values: list[str]) -> list[RowError]:
    """A NUL byte or an absurdly long cell is a broken or hostile file, never a student."""
    errors = []
    for i, value in enumerate(values):
        column = names[i].replace("\x00", "") if i < len(names) else str(i + 1)
        if "\x00" in value:
            errors.append(RowError(line, column, _("de cel bevat een ongeldig teken (NUL)")))
        elif len(value) > MAX_CELL:
            errors.append(_too_long(line, column))
    return errors


def _too_long(line: int, column: str) -> RowError:
    return RowError(line, column, _("de cel is langer dan %(max)s tekens") % {"max": MAX_CELL})


def read_rows(content: bytes | str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-empty rows as (line number, {column: value}). Raises
    StudentImportError for a file that is too large, empty, lacks a required column, or has a
    cell with a NUL byte or more than MAX_CELL characters (every such cell is listed)."""
    if len(content) > MAX_FILE_BYTES:
        raise StudentImportError(
            [
                RowError(
                    1,
                    "-",
                    _("het bestand is groter dan %(size)s MB; splits het op")
                    % {"size": MAX_FILE_BYTES // (1024 * 1024)},
                )
            ]
        )
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = _read_header(reader)
    return header, _read_body(reader, header)


def _read_header(reader: "_csv.Reader") -> list[str]:
    try:
        raw_header = next(reader)
    except StopIteration:
        raise StudentImportError([RowError(1, "-", _("het bestand is leeg"))]) from None
    except csv.Error:
        # The csv module refuses a field over its own limit (128 KiB) with an exception.
        raise StudentImportError([_too_long(1, "-")]) from None
    header = [_header_key(name) for name in raw_header]
    header_errors = _cell_errors(1, header, raw_header)
    if header_errors:
        raise StudentImportError(header_errors)
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise StudentImportError(
            [RowError(1, column, _("deze kolom ontbreekt in de kopregel")) for column in missing]
        )
    return header


def _read_body(reader: "_csv.Reader", header: list[str]) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    cell_errors: list[RowError] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # A field over the csv module's own limit (128 KiB), e.g. a run-away quote.
            cell_errors.append(_too_long(reader.line_num, "-"))
            break
        cell_errors += _cell_errors(reader.line_num, header, values)
        if not any(value.strip() for value in values):
            continue
        cells = {
            name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)
        }
        rows.append((reader.line_num, cells))
    if cell_errors:
        raise StudentImportError(cell_errors)
    return rows


def _parse_date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            # A calendar date: the time of day (and so its zone) never matters.
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def parse_row(number: int, cells: dict[str, str], *, today: dt.date) -> ParsedRow:
    """One row's cells as typed values; every problem is recorded on the row (`row.errors`), in
    the order of the columns."""
    row = ParsedRow(row=number)
    _parse_student_number(row, cells["studentnummer"])
    _parse_names(row, cells)
    _parse_email(row, cells["e-mail"])
    _parse_crebo(row, cells["crebo"])
    _parse_cohort(row, cells["cohort"])
    _parse_leerweg(row, cells["leerweg"])
    row.class_code = cells.get("klas", "")
    if len(row.class_code) > 30:
        row.error("klas", _("klas is langer dan 30 tekens"))
    row.coach_email = cells.get("coach e-mail", "").lower()
    _parse_date_of_birth(row, cells.get("geboortedatum", ""), today=today)
    return row


def _parse_student_number(row: ParsedRow, value: str) -> None:
    row.student_number = value
    if not value:
        row.error("studentnummer", _("studentnummer ontbreekt"))
    elif len(value) > 30:
        row.error("studentnummer", _("studentnummer is langer dan 30 tekens"))


def _parse_names(row: ParsedRow, cells: dict[str, str]) -> None:
    row.first_name = cells["voornaam"]
    if not row.first_name:
        row.error("voornaam", _("voornaam ontbreekt"))
    achternaam = cells["achternaam"]
    if not achternaam:
        row.error("achternaam", _("achternaam ontbreekt"))
    row.last_name = f"{cells.get('tussenvoegsel', '')} {achternaam}".strip()
    if len(row.first_name) > 150 or len(row.last_name) > 150:
        row.error("achternaam", _("naam is langer dan 150 tekens"))


def _parse_email(row: ParsedRow, value: str) -> None:
    row.email = value.lower()
    try:
        validate_email(row.email)
    except ValidationError:
        row.error("e-mail", _("'%(value)s' is geen geldig e-mailadres") % {"value": row.email})


def _parse_crebo(row: ParsedRow, value: str) -> None:
    row.crebo = value
    if not re.fullmatch(r"\d{5}", value):
        row.error(
            "crebo",
            _("een crebonummer bestaat uit 5 cijfers, niet '%(value)s'") % {"value": value},
        )


def _parse_cohort(row: ParsedRow, value: str) -> None:
    cohort = re.fullmatch(r"(\d{4})(?:\s*[-/]\s*\d{2,4})?", value)
    if cohort and 2000 <= int(cohort.group(1)) <= 2100:
        row.cohort = int(cohort.group(1))
    else:
        row.error(
            "cohort",
            _("'%(value)s' is geen cohort; gebruik een jaartal zoals 2025") % {"value": value},
        )


def _parse_leerweg(row: ParsedRow, value: str) -> None:
    row.leerweg = value.upper()
    if row.leerweg not in Leerweg.values:
        row.error("leerweg", _("leerweg moet BOL of BBL zijn, niet '%(value)s'") % {"value": value})


def _parse_date_of_birth(row: ParsedRow, value: str, *, today: dt.date) -> None:
    if not value:
        return
    row.date_of_birth = _parse_date(value)
    if row.date_of_birth is None:
        row.error(
            "geboortedatum",
            _("'%(value)s' is geen geldige datum; gebruik dd-mm-jjjj") % {"value": value},
        )
    elif not (dt.date(1900, 1, 1) <= row.date_of_birth <= today):
        row.error(
            "geboortedatum",
            _("geboortedatum %(value)s ligt in de toekomst of is onmogelijk") % {"value": value},
        )
