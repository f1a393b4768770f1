"""Writes to the curriculum: importing kwalificatiedossiers (from any parsed format)."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.db import models, transaction

from backend.curriculum.importers.types import ParsedDossier, ParsedKerntaak, ParsedKeuzedeel
from backend.curriculum.models import (
    Kerntaak,
    KerntaakKind,
    Keuzedeel,
    Kwalificatie,
    Kwalificatiedossier,
    Werkproces,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

_ModelT = TypeVar("_ModelT", bound=models.Model)


@dataclass
class ImportReport:
    """What an import did, per model: {"werkproces": Counter({"created": 18})}.

    `missing` lists rows of an imported edition that are no longer in the file: they are kept
    (evidence and offer mappings may point at them) and reported so a person can decide."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    dossiers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def count(self, model: str, outcome: str) -> None:
        self.counts.setdefault(model, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))

    @property
    def status(self) -> str:
        if self.total(CREATED):
            return CREATED
        return UPDATED if self.total(UPDATED) else UNCHANGED

    def lines(self) -> list[str]:
        lines = [f"{dossier}: {self.status}" for dossier in self.dossiers]
        for model, counter in sorted(self.counts.items()):
            parts = ", ".join(
                f"{counter[o]} {o}" for o in (CREATED, UPDATED, UNCHANGED) if counter[o]
            )
            lines.append(f"  {model}: {parts}")
        lines.extend(f"  niet meer in het bestand (bewaard): {item}" for item in self.missing)
        return lines


@transaction.atomic
def kwalificatiedossier_import(*, parsed: Iterable[ParsedDossier]) -> ImportReport:
    """Create or update dossiers, kwalificaties, kerntaken, werkprocessen and keuzedelen.

    A dossier edition is identified by (dossier crebo, edition), the rest by their crebo or code
    within it. Rows whose values did not change are not written (their updated_at stays), so a
    second import of the same file reports everything "unchanged". All or nothing: any error
    rolls back every dossier of the call."""
    report = ImportReport()
    for dossier in parsed:
        _import_dossier(dossier, report)
    return report


def _import_dossier(parsed: ParsedDossier, report: ImportReport) -> None:
    dossier = _upsert(
        report,
        "kwalificatiedossier",
        Kwalificatiedossier.objects.filter(crebo=parsed.crebo, edition=parsed.edition).first(),
        lambda: Kwalificatiedossier(crebo=parsed.crebo, edition=parsed.edition),
        title=parsed.title,
        valid_from=parsed.valid_from,
        valid_until=parsed.valid_until,
        source=parsed.source,
        source_note=parsed.source_note,
    )
    report.dossiers.append(f"{parsed.title} ({parsed.crebo or 'zonder crebo'}, {parsed.edition})")
    existing_kwalificaties = {k.crebo: k for k in dossier.kwalificaties.all()}
    kwalificaties = {
        item.crebo: _upsert(
            report,
            "kwalificatie",
            existing_kwalificaties.get(item.crebo),
            partial(Kwalificatie, dossier=dossier, crebo=item.crebo),
            title=item.title,
            niveau=item.niveau,
        )
        for item in parsed.kwalificaties
    }
    existing_kerntaken = {
        k.code: k for k in dossier.kerntaken.prefetch_related("kwalificaties", "werkprocessen")
    }
    for item in parsed.kerntaken:
        _import_kerntaak(item, dossier, existing_kerntaken.get(item.code), kwalificaties, report)
    for code in sorted(set(existing_kerntaken) - {k.code for k in parsed.kerntaken}):
        report.missing.append(f"kerntaak {code}")
    for crebo in sorted(set(existing_kwalificaties) - set(kwalificaties)):
        report.missing.append(f"kwalificatie {crebo}")
    for keuzedeel in parsed.keuzedelen:
        _import_keuzedeel(keuzedeel, kwalificaties, report)


def _import_kerntaak(
    item: ParsedKerntaak,
    dossier: Kwalificatiedossier,
    current: Kerntaak | None,
    kwalificaties: dict[str, Kwalificatie],
    report: ImportReport,
) -> None:
    """One kerntaak with its kwalificaties and werkprocessen; werkprocessen of an imported
    kerntaak that are no longer in the file are reported missing."""
    kerntaak = _upsert(
        report,
        "kerntaak",
        current,
        lambda: Kerntaak(dossier=dossier, code=item.code),
        title=item.title,
        kind=KerntaakKind.BASIS if item.kind == "basis" else KerntaakKind.PROFIEL,
    )
    _set_kwalificaties(
        report, "kerntaak", kerntaak, {kwalificaties[c] for c in item.kwalificatie_crebos}
    )
    existing_werkprocessen = {w.code: w for w in kerntaak.werkprocessen.all()} if current else {}
    for werkproces in item.werkprocessen:
        _upsert(
            report,
            "werkproces",
            existing_werkprocessen.pop(werkproces.code, None),
            partial(Werkproces, kerntaak=kerntaak, code=werkproces.code),
            title=werkproces.title,
            description=werkproces.description,
        )
    report.missing.extend(f"werkproces {code}" for code in sorted(existing_werkprocessen))


def _import_keuzedeel(
    item: ParsedKeuzedeel, kwalificaties: dict[str, Kwalificatie], report: ImportReport
) -> None:
    keuzedeel = _upsert(
        report,
        "keuzedeel",
        Keuzedeel.objects.filter(code=item.code).first(),
        lambda: Keuzedeel(code=item.code),
        title=item.title,
        sbu=item.sbu,
        niveau=item.niveau,
    )
    # Keuzedelen are shared across dossiers: add this dossier's links, keep the others.
    wanted = {kwalificaties[c] for c in item.kwalificatie_crebos}
    linked = set(keuzedeel.kwalificaties.filter(pk__in=[k.pk for k in wanted]))
    if wanted - linked:
        keuzedeel.kwalificaties.add(*(wanted - linked))
        report.count("keuzedeel-kwalificatie", CREATED)


def _upsert(
    report: ImportReport,
    model: str,
    instance: _ModelT | None,
    make: Callable[[], _ModelT],
    **values: Any,
) -> _ModelT:
    """Create `make()` with `values`, or update only the fields of `instance` that differ."""
    if instance is None:
        instance = make()
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        report.count(model, CREATED)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, "updated_at"])
        report.count(model, UPDATED)
    else:
        report.count(model, UNCHANGED)
    return instance


def _set_kwalificaties(
    report: ImportReport, model: str, kerntaak: Kerntaak, wanted: set[Kwalificatie]
) -> None:
    current = set(kerntaak.kwalificaties.all())
    if current != wanted:
        kerntaak.kwalificaties.set(wanted)
        report.count(f"{model}-kwalificatie", UPDATED)
