"""Plain, framework-free results of parsing a curriculum file.

Every parser (SBB XML, JSON, CSV) produces a tuple of `ParsedDossier`; the import service turns
them into rows. Parsers raise `CurriculumFormatError` naming where the file is wrong.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

CREBO_RE = re.compile(r"^\d{5}$")
KERNTAAK_RE = re.compile(r"^[BP]\d+-K\d+$")
WERKPROCES_RE = re.compile(r"^[BP]\d+-K\d+-W\d+$")
KEUZEDEEL_RE = re.compile(r"^K\d{4}$")


class CurriculumFormatError(Exception):
    """The file is malformed. `location` names the element, JSON path or line at fault."""

    def __init__(self, message: str, *, location: str = ""):
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


@dataclass(frozen=True)
class ParsedWerkproces:
    code: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class ParsedKerntaak:
    code: str
    title: str
    # Crebos of the kwalificaties a profiel kerntaak belongs to; empty for basis kerntaken.
    kwalificatie_crebos: tuple[str, ...] = ()
    werkprocessen: tuple[ParsedWerkproces, ...] = ()

    @property
    def kind(self) -> str:
        return "basis" if self.code.startswith("B") else "profiel"


@dataclass(frozen=True)
class ParsedKwalificatie:
    crebo: str
    title: str
    niveau: int


@dataclass(frozen=True)
class ParsedKeuzedeel:
    code: str
    title: str
    sbu: int | None = None
    niveau: int | None = None
    kwalificatie_crebos: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDossier:
    crebo: str  # "" when the source does not give the dossier crebo
    title: str
    edition: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    source: str = ""
    source_note: str = ""
    kwalificaties: tuple[ParsedKwalificatie, ...] = ()
    kerntaken: tuple[ParsedKerntaak, ...] = ()
    keuzedelen: tuple[ParsedKeuzedeel, ...] = field(default=())

    @property
    def werkproces_count(self) -> int:
        return sum(len(kerntaak.werkprocessen) for kerntaak in self.kerntaken)
