"""Parsers for curriculum files: SBB XML export, Koppel JSON and Koppel CSV.

`parse_file(path)` picks the parser by file extension and returns plain `ParsedDossier`s;
`backend.curriculum.services.kwalificatiedossier_import` writes them.
"""

from pathlib import Path

from backend.curriculum.importers.csv_format import parse_csv
from backend.curriculum.importers.json_format import parse_json
from backend.curriculum.importers.sbb_xml import parse_sbb_xml
from backend.curriculum.importers.types import CurriculumFormatError, ParsedDossier

PARSERS = {".xml": parse_sbb_xml, ".json": parse_json, ".csv": parse_csv}


def parse_file(path: Path | str) -> tuple[ParsedDossier, ...]:
    path = Path(path)
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise CurriculumFormatError(
            f"onbekend bestandstype {path.suffix!r}; gebruik .xml (SBB), .json of .csv",
            location=path.name,
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CurriculumFormatError(
            f"kan het bestand niet lezen ({error.strerror})", location=str(path)
        ) from None
    return parser(data, name=path.name)


__all__ = ["CurriculumFormatError", "ParsedDossier", "parse_file"]
