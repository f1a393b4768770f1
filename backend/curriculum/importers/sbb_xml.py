"""Parser for SBB's kwalificatiedossier XML export (see ../shared/data/sbb/README.md).

Shape: `sbb/dossiers/dossier` with `dossiercrebos/dossiercrebo` (the dossier crebo, with
`Geldig_vanaf`), `basis/basistaken/basiskerntaken/kerntaak[@hoofdstuk]/basiswerkprocessen/
werkproces[@hoofdstuk]` and `profielen/profiel[@hoofdstuk,@niveau]` with `creboinformatie/crebo`
and `profielkerntaken/kerntaak/profielwerkprocessen/werkproces`. Codes are not stored: they follow
from the hoofdstuk numbers (basis kerntaak 1, werkproces 3 → B1-K1-W3; profiel 2, kerntaak 1,
werkproces 1 → P2-K1-W1). `profiel` elsewhere in the file is a reference, not a profile.

The SBB export has no keuzedelen. Expat does not load external entities or DTDs.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from backend.curriculum.importers import checks
from backend.curriculum.importers.types import (
    CurriculumFormatError,
    ParsedDossier,
    ParsedKerntaak,
    ParsedKwalificatie,
    ParsedWerkproces,
)


class _Located:
    """The parsed tree plus the line each element starts on, for error messages."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        self.lines: dict[ET.Element, int] = {}
        builder = ET.TreeBuilder()
        # Expat directly (not ET.XMLParser) because only expat tells the line of each element.
        parser = expat.ParserCreate()
        parser.buffer_text = True

        def start(tag: str, attrs: dict[str, str]) -> None:
            self.lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

        parser.StartElementHandler = start
        parser.EndElementHandler = builder.end
        parser.CharacterDataHandler = builder.data
        try:
            parser.Parse(data, True)
        except expat.ExpatError as error:
            raise CurriculumFormatError(
                f"geen geldige XML ({expat.ErrorString(error.code)})",
                location=f"{name} regel {error.lineno}, kolom {error.offset + 1}",
            ) from None
        self.root = builder.close()

    def where(self, element: ET.Element, path: str) -> str:
        return f"{self.name} regel {self.lines.get(element, '?')}: <{path}>"


def parse_sbb_xml(data: bytes, *, name: str = "bestand") -> tuple[ParsedDossier, ...]:
    tree = _Located(data, name)
    if tree.root.tag != "sbb":
        raise CurriculumFormatError(
            f"het hoofdelement is <{tree.root.tag}>, verwacht <sbb>",
            location=tree.where(tree.root, tree.root.tag),
        )
    dossiers = tree.root.findall("dossiers/dossier")
    if not dossiers:
        raise CurriculumFormatError(
            "geen <dossier> gevonden in <sbb><dossiers>", location=tree.where(tree.root, "sbb")
        )
    return tuple(_dossier(tree, element) for element in dossiers)


def parse_sbb_xml_file(path: Path) -> tuple[ParsedDossier, ...]:
    return parse_sbb_xml(Path(path).read_bytes(), name=Path(path).name)


def _dossier(tree: _Located, element: ET.Element) -> ParsedDossier:
    here = "sbb/dossiers/dossier"
    where = tree.where(element, here)
    crebo_element = _required(tree, element, "dossiercrebos/dossiercrebo", here)
    crebo_where = tree.where(crebo_element, f"{here}/dossiercrebos/dossiercrebo")
    title = checks.text(element.get("titel"), where=where, what="attribuut titel", max_length=200)
    valid_from = checks.date(
        crebo_element.get("Geldig_vanaf"), where=crebo_where, what="Geldig_vanaf"
    )
    valid_until = checks.date(
        crebo_element.get("Datum_einde_opleiding"), where=crebo_where, what="Datum_einde_opleiding"
    )
    kwalificaties, kerntaken = _profielen(tree, element, here)
    parsed = ParsedDossier(
        crebo=checks.crebo(crebo_element.text, where=crebo_where, what="dossiercrebo"),
        title=title,
        edition=_edition(element, valid_from, where),
        valid_from=valid_from,
        valid_until=valid_until,
        source=_source(element, title),
        kwalificaties=kwalificaties,
        kerntaken=_basis(tree, element, here) + kerntaken,
    )
    return checks.dossier(parsed, where=where)


def _edition(element: ET.Element, valid_from: dt.date | None, where: str) -> str:
    """The `versie` attribute ("Gewijzigd 2016"), else the year the dossier became valid."""
    versie = (element.get("versie") or "").strip()
    if versie:
        return checks.text(versie, where=where, what="attribuut versie", max_length=20)
    if valid_from:
        return str(valid_from.year)
    return checks.text(element.get("nr"), where=where, what="attribuut nr", max_length=20)


def _source(element: ET.Element, title: str) -> str:
    vastgesteld = element.find("voorblad/omschrijving/verantwoording/vaststellingsinformatie")
    detail = ""
    if vastgesteld is not None:
        on = (vastgesteld.findtext("vastgesteldop") or "").strip()
        by = (vastgesteld.findtext("vastgestelddoor") or "").strip()
        detail = f", vastgesteld {on} door {by}" if on and by else ""
    nr = element.get("nr", "")
    return f"SBB XML-export kwalificatiedossier {nr} {title}{detail}. © SBB"[:300]


def _basis(tree: _Located, dossier: ET.Element, here: str) -> tuple[ParsedKerntaak, ...]:
    path = "basis/basistaken/basiskerntaken/kerntaak"
    elements = dossier.findall(path)
    if not elements:
        raise CurriculumFormatError(
            f"geen basiskerntaken gevonden (verwacht <{here}/{path}>)",
            location=tree.where(dossier, here),
        )
    return tuple(
        _kerntaak(
            tree,
            element,
            prefix="B1",
            here=f"{here}/{path}",
            werkprocessen_path="basiswerkprocessen/werkproces",
            crebos=(),
        )
        for element in elements
    )


def _profielen(
    tree: _Located, dossier: ET.Element, here: str
) -> tuple[tuple[ParsedKwalificatie, ...], tuple[ParsedKerntaak, ...]]:
    kwalificaties: list[ParsedKwalificatie] = []
    kerntaken: list[ParsedKerntaak] = []
    path = f"{here}/profielen/profiel"
    for profiel in dossier.findall("profielen/profiel"):
        where = tree.where(profiel, path)
        number = checks.integer(
            profiel.get("hoofdstuk"), where=where, what="attribuut hoofdstuk", low=1, high=99
        )
        niveau = checks.integer(
            profiel.get("niveau"), where=where, what="attribuut niveau", low=1, high=4
        )
        title = checks.text(
            profiel.get("titel"), where=where, what="attribuut titel", max_length=200
        )
        crebo_elements = profiel.findall("creboinformatie/crebo")
        if not crebo_elements:
            raise CurriculumFormatError("profiel zonder <creboinformatie><crebo>", location=where)
        crebos = tuple(
            checks.crebo(element.text, where=tree.where(element, f"{path}/creboinformatie/crebo"))
            for element in crebo_elements
        )
        kwalificaties.extend(
            ParsedKwalificatie(crebo=c, title=title, niveau=niveau) for c in crebos
        )
        kerntaken.extend(
            _kerntaak(
                tree,
                element,
                prefix=f"P{number}",
                here=f"{path}/profielkerntaken/kerntaak",
                werkprocessen_path="profielwerkprocessen/werkproces",
                crebos=crebos,
            )
            for element in profiel.findall("profielkerntaken/kerntaak")
        )
    return tuple(kwalificaties), tuple(kerntaken)


def _kerntaak(
    tree: _Located,
    element: ET.Element,
    *,
    prefix: str,
    here: str,
    werkprocessen_path: str,
    crebos: tuple[str, ...],
) -> ParsedKerntaak:
    where = tree.where(element, here)
    number = checks.integer(
        element.get("hoofdstuk"), where=where, what="attribuut hoofdstuk", low=1, high=99
    )
    code = f"{prefix}-K{number}"
    werkprocessen: list[ParsedWerkproces] = []
    for werkproces in element.findall(werkprocessen_path):
        wp_where = tree.where(werkproces, f"{here}/{werkprocessen_path}")
        wp_number = checks.integer(
            werkproces.get("hoofdstuk"), where=wp_where, what="attribuut hoofdstuk", low=1, high=99
        )
        werkprocessen.append(
            ParsedWerkproces(
                code=f"{code}-W{wp_number}",
                title=checks.text(werkproces.get("titel"), where=wp_where, what="attribuut titel"),
                description=checks.text(
                    werkproces.findtext("werkprocesomschrijving"),
                    where=wp_where,
                    what="werkprocesomschrijving",
                    required=False,
                    max_length=10_000,
                    multiline=True,
                ),
            )
        )
    if not werkprocessen:
        raise CurriculumFormatError(
            f"kerntaak {code} heeft geen werkprocessen (<{werkprocessen_path}>)", location=where
        )
    return ParsedKerntaak(
        code=code,
        title=checks.text(element.get("titel"), where=where, what="attribuut titel"),
        kwalificatie_crebos=crebos,
        werkprocessen=tuple(werkprocessen),
    )


def _required(tree: _Located, element: ET.Element, path: str, here: str) -> ET.Element:
    found = element.find(path)
    if found is None:
        raise CurriculumFormatError(f"<{path}> ontbreekt", location=tree.where(element, here))
    return found
