"""Parser for Koppel's JSON curriculum format (docs/curriculum-format.md).

Errors name the JSON path at fault (`dossiers[0].kerntaken[2].werkprocessen[1].code`) or, for a
file that is not JSON at all, the line and column.
"""

import json
from pathlib import Path

from backend.curriculum.importers import checks
from backend.curriculum.importers.types import (
    CurriculumFormatError,
    ParsedDossier,
    ParsedKerntaak,
    ParsedKeuzedeel,
    ParsedKwalificatie,
    ParsedWerkproces,
)

FORMAT = "koppel-kwalificatiedossier/1"


def parse_json(data: bytes | str, *, name: str = "bestand") -> tuple[ParsedDossier, ...]:
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise CurriculumFormatError(
            f"geen geldige JSON ({error.msg})",
            location=f"{name} regel {error.lineno}, kolom {error.colno}",
        ) from None
    except UnicodeDecodeError:
        raise CurriculumFormatError("het bestand is geen UTF-8", location=name) from None
    root = _object(document, f"{name}: $")
    if root.get("format") != FORMAT:
        raise CurriculumFormatError(
            f"format moet {FORMAT!r} zijn, niet {root.get('format')!r}", location=f"{name}: format"
        )
    dossiers = _list(root.get("dossiers"), f"{name}: dossiers", required=True)
    return tuple(_dossier(item, f"{name}: dossiers[{i}]") for i, item in enumerate(dossiers))


def parse_json_file(path: Path) -> tuple[ParsedDossier, ...]:
    return parse_json(Path(path).read_bytes(), name=Path(path).name)


def _dossier(item: object, path: str) -> ParsedDossier:
    data = _object(item, path)
    parsed = ParsedDossier(
        crebo=checks.crebo(
            data.get("crebo"), where=f"{path}.crebo", what="dossiercrebo", required=False
        ),
        title=checks.text(data.get("title"), where=f"{path}.title", what="titel", max_length=200),
        edition=checks.text(
            data.get("edition"), where=f"{path}.edition", what="editie", max_length=20
        ),
        valid_from=checks.date(data.get("valid_from"), where=f"{path}.valid_from", what="datum"),
        valid_until=checks.date(data.get("valid_until"), where=f"{path}.valid_until", what="datum"),
        source=checks.text(data.get("source"), where=f"{path}.source", what="bron", required=False),
        source_note=checks.text(
            data.get("source_note"),
            where=f"{path}.source_note",
            what="toelichting",
            required=False,
            max_length=5000,
            multiline=True,
        ),
        kwalificaties=tuple(
            _kwalificatie(value, f"{path}.kwalificaties[{i}]")
            for i, value in enumerate(_list(data.get("kwalificaties"), f"{path}.kwalificaties"))
        ),
        kerntaken=tuple(
            _kerntaak(value, f"{path}.kerntaken[{i}]")
            for i, value in enumerate(_list(data.get("kerntaken"), f"{path}.kerntaken"))
        ),
        keuzedelen=tuple(
            _keuzedeel(value, f"{path}.keuzedelen[{i}]")
            for i, value in enumerate(_list(data.get("keuzedelen"), f"{path}.keuzedelen"))
        ),
    )
    return checks.dossier(parsed, where=path)


def _kwalificatie(item: object, path: str) -> ParsedKwalificatie:
    data = _object(item, path)
    return ParsedKwalificatie(
        crebo=checks.crebo(data.get("crebo"), where=f"{path}.crebo"),
        title=checks.text(data.get("title"), where=f"{path}.title", what="titel", max_length=200),
        niveau=checks.integer(
            data.get("niveau"), where=f"{path}.niveau", what="niveau", low=1, high=4
        ),
    )


def _kerntaak(item: object, path: str) -> ParsedKerntaak:
    data = _object(item, path)
    code = checks.kerntaak_code(data.get("code"), where=f"{path}.code")
    werkprocessen: list[ParsedWerkproces] = []
    for i, value in enumerate(_list(data.get("werkprocessen"), f"{path}.werkprocessen")):
        wp_path = f"{path}.werkprocessen[{i}]"
        wp = _object(value, wp_path)
        wp_code = checks.werkproces_code(wp.get("code"), where=f"{wp_path}.code")
        checks.werkproces_belongs(wp_code, code, where=f"{wp_path}.code")
        werkprocessen.append(
            ParsedWerkproces(
                code=wp_code,
                title=checks.text(wp.get("title"), where=f"{wp_path}.title", what="titel"),
                description=checks.text(
                    wp.get("description"),
                    where=f"{wp_path}.description",
                    what="omschrijving",
                    required=False,
                    max_length=10_000,
                    multiline=True,
                ),
            )
        )
    return ParsedKerntaak(
        code=code,
        # Some sources give the werkprocessen but not the kerntaak title: empty, never invented.
        title=checks.text(data.get("title"), where=f"{path}.title", what="titel", required=False),
        kwalificatie_crebos=_crebos(data.get("kwalificaties"), f"{path}.kwalificaties"),
        werkprocessen=tuple(werkprocessen),
    )


def _keuzedeel(item: object, path: str) -> ParsedKeuzedeel:
    data = _object(item, path)
    return ParsedKeuzedeel(
        code=checks.keuzedeel_code(data.get("code"), where=f"{path}.code"),
        title=checks.text(data.get("title"), where=f"{path}.title", what="titel"),
        sbu=checks.integer(
            data.get("sbu"), where=f"{path}.sbu", what="sbu", low=1, high=10_000, required=False
        ),
        niveau=checks.integer(
            data.get("niveau"), where=f"{path}.niveau", what="niveau", low=1, high=4, required=False
        ),
        kwalificatie_crebos=_crebos(data.get("kwalificaties"), f"{path}.kwalificaties"),
    )


def _crebos(value: object, path: str) -> tuple[str, ...]:
    return tuple(
        checks.crebo(item, where=f"{path}[{i}]") for i, item in enumerate(_list(value, path))
    )


def _object(value: object, path: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise CurriculumFormatError(
            f"verwacht een object {{...}}, niet {type(value).__name__}", location=path
        )
    return value


def _list(value: object, path: str, *, required: bool = False) -> list[object]:
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise CurriculumFormatError("verwacht een lijst [...]", location=path)
    return value
