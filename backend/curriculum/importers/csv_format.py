"""Parser for Koppel's CSV curriculum format (docs/curriculum-format.md).

One row per thing, typed by the `kind` column: a `dossier` row opens a dossier; the
`kwalificatie`, `kerntaak`, `werkproces` and `keuzedeel` rows after it belong to it. A werkproces
belongs to the kerntaak its code starts with. Errors name the line (and column) at fault.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backend.curriculum.importers import checks
from backend.curriculum.importers.types import (
    CurriculumFormatError,
    ParsedDossier,
    ParsedKerntaak,
    ParsedKeuzedeel,
    ParsedKwalificatie,
    ParsedWerkproces,
)

COLUMNS = (
    "kind",
    "code",
    "title",
    "niveau",
    "kwalificaties",
    "edition",
    "valid_from",
    "valid_until",
    "sbu",
    "description",
)
REQUIRED_COLUMNS = ("kind", "code", "title")
KINDS = ("dossier", "kwalificatie", "kerntaak", "werkproces", "keuzedeel")


@dataclass
class _Open:
    """The dossier being read, plus where it started (for its whole-dossier checks)."""

    dossier: ParsedDossier
    where: str
    kwalificaties: list[ParsedKwalificatie] = field(default_factory=list)
    # code -> (the kerntaak, its werkprocessen so far)
    kerntaken: dict[str, tuple[ParsedKerntaak, list[ParsedWerkproces]]] = field(
        default_factory=dict
    )
    keuzedelen: list[ParsedKeuzedeel] = field(default_factory=list)

    def close(self) -> ParsedDossier:
        kerntaken = tuple(
            replace(kerntaak, werkprocessen=tuple(werkprocessen))
            for kerntaak, werkprocessen in self.kerntaken.values()
        )
        parsed = replace(
            self.dossier,
            kwalificaties=tuple(self.kwalificaties),
            kerntaken=kerntaken,
            keuzedelen=tuple(self.keuzedelen),
        )
        return checks.dossier(parsed, where=self.where)


def parse_csv(data: bytes | str, *, name: str = "bestand") -> tuple[ParsedDossier, ...]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CurriculumFormatError("het bestand is geen UTF-8", location=name) from None
    reader = csv.DictReader(io.StringIO(data, newline=""), dialect=_dialect(data))
    reader.fieldnames = _header(reader, name)
    dossiers: list[ParsedDossier] = []
    current: _Open | None = None
    for raw in reader:
        where = f"{name} regel {reader.line_num}"
        row = _row(raw, where)
        if row is None:
            continue
        if row["kind"] == "dossier":
            if current:
                dossiers.append(current.close())
            current = _Open(dossier=_dossier(row, where), where=where)
            continue
        if current is None:
            raise CurriculumFormatError(
                f"een {row['kind']}-regel staat vóór de eerste dossier-regel", location=where
            )
        _ROW_READERS[row["kind"]](current, row, where)
    if current:
        dossiers.append(current.close())
    if not dossiers:
        raise CurriculumFormatError("het bestand bevat geen dossier-regel", location=name)
    return tuple(dossiers)


def _header(reader: "csv.DictReader[str]", name: str) -> list[str]:
    """The header's column names; every required one must be there and no unknown one."""
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CurriculumFormatError(
            f"kolom {', '.join(missing)} ontbreekt in de kopregel", location=f"{name} regel 1"
        )
    unknown = [column for column in header if column not in COLUMNS]
    if unknown:
        raise CurriculumFormatError(
            f"onbekende kolom {', '.join(unknown)}; toegestaan: {', '.join(COLUMNS)}",
            location=f"{name} regel 1",
        )
    return header


def _row(raw: dict[str | Any, str | Any], where: str) -> dict[str, str] | None:
    """One line's cells, stripped; None for an empty line. Its kind must be known."""
    if None in raw:
        raise CurriculumFormatError("de regel heeft meer velden dan de kopregel", location=where)
    row = {str(key): (value or "").strip() for key, value in raw.items()}
    if not any(row.values()):
        return None
    kind = row["kind"]
    if kind not in KINDS:
        raise CurriculumFormatError(
            f"kind {kind!r} is onbekend; gebruik {', '.join(KINDS)}",
            location=f"{where}, kolom kind",
        )
    return row


def parse_csv_file(path: Path) -> tuple[ParsedDossier, ...]:
    return parse_csv(Path(path).read_bytes(), name=Path(path).name)


def _dialect(data: str) -> str | type[csv.Dialect]:
    """Comma or semicolon (what Dutch Excel writes), decided from the header line."""
    first_line = data.split("\n", 1)[0]
    return "excel" if first_line.count(",") >= first_line.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _col(where: str, column: str) -> str:
    return f"{where}, kolom {column}"


def _dossier(row: dict[str, str], where: str) -> ParsedDossier:
    return ParsedDossier(
        crebo=checks.crebo(
            row.get("code"), where=_col(where, "code"), what="dossiercrebo", required=False
        ),
        title=checks.text(
            row.get("title"), where=_col(where, "title"), what="titel", max_length=200
        ),
        edition=checks.text(
            row.get("edition"), where=_col(where, "edition"), what="editie", max_length=20
        ),
        valid_from=checks.date(
            row.get("valid_from"), where=_col(where, "valid_from"), what="datum"
        ),
        valid_until=checks.date(
            row.get("valid_until"), where=_col(where, "valid_until"), what="datum"
        ),
        source=checks.text(
            row.get("description"), where=_col(where, "description"), what="bron", required=False
        ),
    )


def _kwalificatie(current: _Open, row: dict[str, str], where: str) -> None:
    current.kwalificaties.append(
        ParsedKwalificatie(
            crebo=checks.crebo(row.get("code"), where=_col(where, "code")),
            title=checks.text(
                row.get("title"), where=_col(where, "title"), what="titel", max_length=200
            ),
            niveau=checks.integer(
                row.get("niveau"), where=_col(where, "niveau"), what="niveau", low=1, high=4
            ),
        )
    )


def _kerntaak(current: _Open, row: dict[str, str], where: str) -> None:
    code = checks.kerntaak_code(row.get("code"), where=_col(where, "code"))
    if code in current.kerntaken:
        raise CurriculumFormatError(f"kerntaak {code} komt twee keer voor", location=where)
    kerntaak = ParsedKerntaak(
        code=code,
        title=checks.text(
            row.get("title"), where=_col(where, "title"), what="titel", required=False
        ),
        kwalificatie_crebos=_crebos(row.get("kwalificaties"), _col(where, "kwalificaties")),
    )
    current.kerntaken[code] = (kerntaak, [])


def _werkproces(current: _Open, row: dict[str, str], where: str) -> None:
    code = checks.werkproces_code(row.get("code"), where=_col(where, "code"))
    kerntaak_code = code.rsplit("-", 1)[0]
    if kerntaak_code not in current.kerntaken:
        raise CurriculumFormatError(
            f"werkproces {code} staat vóór (of zonder) een regel voor kerntaak {kerntaak_code}",
            location=_col(where, "code"),
        )
    current.kerntaken[kerntaak_code][1].append(
        ParsedWerkproces(
            code=code,
            title=checks.text(row.get("title"), where=_col(where, "title"), what="titel"),
            description=checks.text(
                row.get("description"),
                where=_col(where, "description"),
                what="omschrijving",
                required=False,
                max_length=10_000,
                multiline=True,
            ),
        )
    )


def _keuzedeel(current: _Open, row: dict[str, str], where: str) -> None:
    current.keuzedelen.append(
        ParsedKeuzedeel(
            code=checks.keuzedeel_code(row.get("code"), where=_col(where, "code")),
            title=checks.text(row.get("title"), where=_col(where, "title"), what="titel"),
            sbu=checks.integer(
                row.get("sbu"),
                where=_col(where, "sbu"),
                what="sbu",
                low=1,
                high=10_000,
                required=False,
            ),
            niveau=checks.integer(
                row.get("niveau"),
                where=_col(where, "niveau"),
                what="niveau",
                low=1,
                high=4,
                required=False,
            ),
            kwalificatie_crebos=_crebos(row.get("kwalificaties"), _col(where, "kwalificaties")),
        )
    )


def _crebos(value: str | None, where: str) -> tuple[str, ...]:
    parts = (value or "").replace(",", " ").replace(";", " ").split()
    return tuple(checks.crebo(part, where=where) for part in parts)


_ROW_READERS: dict[str, Callable[[_Open, dict[str, str], str], None]] = {
    "kwalificatie": _kwalificatie,
    "kerntaak": _kerntaak,
    "werkproces": _werkproces,
    "keuzedeel": _keuzedeel,
}
