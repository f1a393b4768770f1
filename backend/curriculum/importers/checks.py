"""Checks every parser applies, so all three formats accept and refuse the same things.

Each check gets a `where` string (XML element and line, JSON path, CSV line) for its error.
"""

import datetime as dt
import re
from typing import Literal, overload

from backend.curriculum.importers.types import (
    CREBO_RE,
    KERNTAAK_RE,
    KEUZEDEEL_RE,
    WERKPROCES_RE,
    CurriculumFormatError,
    ParsedDossier,
)

EDITION_MAX = 20
TITLE_MAX = {"dossier": 200, "kwalificatie": 200, "kerntaak": 300, "werkproces": 300}


def text(
    value: object,
    *,
    where: str,
    what: str,
    required: bool = True,
    max_length: int = 300,
    multiline: bool = False,
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CurriculumFormatError(f"{what} moet tekst zijn, niet {value!r}", location=where)
    # Titles in SBB exports carry trailing and double spaces; descriptions keep their lines.
    value = value.strip() if multiline else " ".join(value.split())
    if required and not value:
        raise CurriculumFormatError(f"{what} ontbreekt", location=where)
    if len(value) > max_length:
        raise CurriculumFormatError(
            f"{what} is te lang: {len(value)} tekens, maximaal {max_length}", location=where
        )
    return value


def matches(value: object, pattern: re.Pattern[str], *, where: str, what: str, example: str) -> str:
    value = text(value, where=where, what=what, max_length=20)
    if not pattern.match(value):
        raise CurriculumFormatError(
            f"{what} {value!r} is ongeldig; verwacht iets als {example}", location=where
        )
    return value


def crebo(value: object, *, where: str, what: str = "crebo", required: bool = True) -> str:
    if not required and (value is None or value == ""):
        return ""
    if isinstance(value, int):
        value = str(value)
    return matches(value, CREBO_RE, where=where, what=what, example="25604 (5 cijfers)")


def kerntaak_code(value: object, *, where: str) -> str:
    return matches(value, KERNTAAK_RE, where=where, what="kerntaakcode", example="B1-K1 of P2-K1")


def werkproces_code(value: object, *, where: str) -> str:
    return matches(
        value, WERKPROCES_RE, where=where, what="werkprocescode", example="B1-K1-W3 of P2-K1-W1"
    )


def keuzedeel_code(value: object, *, where: str) -> str:
    return matches(value, KEUZEDEEL_RE, where=where, what="keuzedeelcode", example="K0071")


@overload
def integer(
    value: object, *, where: str, what: str, low: int, high: int, required: Literal[True] = True
) -> int: ...
@overload
def integer(
    value: object, *, where: str, what: str, low: int, high: int, required: bool
) -> int | None: ...
def integer(
    value: object, *, where: str, what: str, low: int, high: int, required: bool = True
) -> int | None:
    if value is None or value == "":
        if required:
            raise CurriculumFormatError(f"{what} ontbreekt", location=where)
        return None
    if isinstance(value, bool):
        raise CurriculumFormatError(f"{what} moet een getal zijn", location=where)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CurriculumFormatError(
            f"{what} moet een getal zijn, niet {value!r}", location=where
        ) from None
    if not low <= number <= high:
        raise CurriculumFormatError(
            f"{what} {number} ligt niet tussen {low} en {high}", location=where
        )
    return number


def date(value: object, *, where: str, what: str) -> dt.date | None:
    """ISO dates (2015-08-01) and SBB's Dutch notation (01-08-2015); empty means unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = value.strip()
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                # A calendar date: the time of day (and so its zone) never matters.
                return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
    raise CurriculumFormatError(
        f"{what} {value!r} is geen datum; gebruik 2015-08-01", location=where
    )


def werkproces_belongs(code: str, kerntaak: str, *, where: str) -> None:
    if not code.startswith(f"{kerntaak}-W"):
        raise CurriculumFormatError(
            f"werkproces {code} hoort niet bij kerntaak {kerntaak}", location=where
        )


def dossier(parsed: ParsedDossier, *, where: str) -> ParsedDossier:
    """Whole-dossier rules: unique codes, profiel kerntaken linked to a kwalificatie of the file."""
    if parsed.valid_from and parsed.valid_until and parsed.valid_until < parsed.valid_from:
        raise CurriculumFormatError("geldig tot ligt vóór geldig vanaf", location=where)
    crebos = [kwalificatie.crebo for kwalificatie in parsed.kwalificaties]
    _unique(crebos, what="kwalificatie", where=where)
    if not crebos:
        raise CurriculumFormatError("het dossier heeft geen kwalificaties", location=where)
    _unique([k.code for k in parsed.kerntaken], what="kerntaak", where=where)
    _unique(
        [w.code for k in parsed.kerntaken for w in k.werkprocessen], what="werkproces", where=where
    )
    _unique([k.code for k in parsed.keuzedelen], what="keuzedeel", where=where)
    for kerntaak in parsed.kerntaken:
        unknown = set(kerntaak.kwalificatie_crebos) - set(crebos)
        if unknown:
            raise CurriculumFormatError(
                f"kerntaak {kerntaak.code} verwijst naar onbekende kwalificatie "
                f"{', '.join(sorted(unknown))}",
                location=where,
            )
        if kerntaak.kind == "profiel" and not kerntaak.kwalificatie_crebos:
            raise CurriculumFormatError(
                f"profielkerntaak {kerntaak.code} hoort bij geen enkele kwalificatie",
                location=where,
            )
        if kerntaak.kind == "basis" and kerntaak.kwalificatie_crebos:
            raise CurriculumFormatError(
                f"basiskerntaak {kerntaak.code} geldt voor alle kwalificaties; noem er geen bij",
                location=where,
            )
    for keuzedeel in parsed.keuzedelen:
        unknown = set(keuzedeel.kwalificatie_crebos) - set(crebos)
        if unknown:
            raise CurriculumFormatError(
                f"keuzedeel {keuzedeel.code} verwijst naar onbekende kwalificatie "
                f"{', '.join(sorted(unknown))}",
                location=where,
            )
    return parsed


def _unique(values: list[str], *, what: str, where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise CurriculumFormatError(f"{what} {value} komt twee keer voor", location=where)
        seen.add(value)
