"""Curriculum fit: which werkprocessen of a kwalificatie the live challenges cover."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from backend.curriculum.models import Kerntaak, Kwalificatie, Werkproces
from backend.offers.models import PUBLIC_STATUSES, Coverage, Offer, OfferKind, WerkprocesMapping
from backend.offers.selectors.visibility import open_to_kwalificatie, submitted_to_schools
from backend.organisations.models import Organisation


@dataclass(frozen=True)
class CoveringOffer:
    offer_id: int
    title: str
    owner_name: str
    coverage: str
    note: str


@dataclass
class CoverageRow:
    werkproces: Werkproces
    offers: list[CoveringOffer] = field(default_factory=list)

    @property
    def coverage(self) -> str | None:
        """The best coverage any live challenge gives: full, partial, or None (a gap)."""
        kinds = {offer.coverage for offer in self.offers}
        if Coverage.FULL in kinds:
            return Coverage.FULL
        return Coverage.PARTIAL if kinds else None


class _CoverageBuckets:
    """The werkprocessen of a report by how well they are covered (`rows` from the report)."""

    rows: Any  # a field of CoverageReport, a property of CoverageSummary

    @property
    def uncovered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage is None]

    @property
    def partially_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.PARTIAL]

    @property
    def fully_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.FULL]


@dataclass
class CoverageReport(_CoverageBuckets):
    kwalificatie: Kwalificatie
    rows: list[CoverageRow]


def _ids(schools: Iterable[int | Organisation]) -> set[int]:
    return {school if isinstance(school, int) else school.pk for school in schools}


def coverage_for_kwalificatie(
    kwalificatie: Kwalificatie, *, schools: Iterable[int | Organisation]
) -> CoverageReport:
    """Werkprocessen of `kwalificatie` (basis + its profiel) × the published or running
    challenges at `schools` (or their consortia) open to its programme and level.

    Three queries whatever the number of werkprocessen or challenges."""
    werkprocessen = list(
        kwalificatie.werkprocessen().select_related("kerntaak").order_by("code").distinct()
    )
    rows = {wp.pk: CoverageRow(werkproces=wp) for wp in werkprocessen}
    mappings = (
        WerkprocesMapping.objects.filter(
            werkproces_id__in=rows,
            offer__kind=OfferKind.CHALLENGE,
            offer__status__in=PUBLIC_STATUSES,
            offer__niveau_min__lte=kwalificatie.niveau,
            offer__niveau_max__gte=kwalificatie.niveau,
            offer__in=_live_offers(kwalificatie, _ids(schools)).values("pk"),
        )
        .select_related("offer__owner")
        .order_by("offer__title", "pk")
    )
    for mapping in mappings:
        rows[mapping.werkproces_id].offers.append(
            CoveringOffer(
                offer_id=mapping.offer_id,
                title=mapping.offer.title,
                owner_name=mapping.offer.owner.name,
                coverage=mapping.coverage,
                note=mapping.note,
            )
        )
    return CoverageReport(kwalificatie=kwalificatie, rows=list(rows.values()))


def _live_offers(kwalificatie: Kwalificatie, school_ids: set[int]) -> QuerySet[Offer]:
    return Offer.objects.filter(submitted_to_schools(school_ids)).filter(
        open_to_kwalificatie(kwalificatie.pk)
    )


# How many covering challenges the coverage page names per werkproces; the rest on demand.
COVERAGE_TOP = 5


@dataclass(frozen=True)
class WerkprocesCoverage:
    werkproces: Werkproces
    count: int
    fully: int
    top: list[CoveringOffer]

    @property
    def coverage(self) -> str | None:
        if self.fully:
            return Coverage.FULL
        return Coverage.PARTIAL if self.count else None

    @property
    def more(self) -> int:
        return max(self.count - len(self.top), 0)


@dataclass
class KerntaakCoverage:
    kerntaak: Kerntaak
    rows: list[WerkprocesCoverage] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(1 for row in self.rows if not row.count)


@dataclass
class CoverageSummary(_CoverageBuckets):
    """Per kerntaak and werkproces: how many live challenges cover it and the first
    COVERAGE_TOP of them by title. Its size depends on the dossier, not on the challenges."""

    kwalificatie: Kwalificatie
    kerntaken: list[KerntaakCoverage]

    @property
    def rows(self) -> list[WerkprocesCoverage]:
        return [row for kerntaak in self.kerntaken for row in kerntaak.rows]


def _covering_mappings(
    kwalificatie: Kwalificatie, school_ids: set[int]
) -> QuerySet[WerkprocesMapping]:
    """Mappings of the published or running challenges at these schools (or their consortia)
    open to the kwalificatie's programme and level."""
    return WerkprocesMapping.objects.filter(
        offer__kind=OfferKind.CHALLENGE,
        offer__status__in=PUBLIC_STATUSES,
        offer__niveau_min__lte=kwalificatie.niveau,
        offer__niveau_max__gte=kwalificatie.niveau,
        offer__in=_live_offers(kwalificatie, school_ids).values("pk"),
    )


def _covering(mapping: WerkprocesMapping) -> CoveringOffer:
    return CoveringOffer(
        offer_id=mapping.offer_id,
        title=mapping.offer.title,
        owner_name=mapping.offer.owner.name,
        coverage=mapping.coverage,
        note=mapping.note,
    )


def coverage_summary(
    kwalificatie: Kwalificatie, *, schools: Iterable[int | Organisation]
) -> CoverageSummary:
    """Counts per werkproces of `kwalificatie` and the top COVERAGE_TOP challenges by title.

    Three queries (werkprocessen, one GROUP BY for the counts, one windowed query for the top
    challenges) and a result whose size does not grow with the number of challenges."""
    school_ids = _ids(schools)
    werkprocessen = list(
        kwalificatie.werkprocessen()
        .select_related("kerntaak")
        .order_by("kerntaak__code", "code")
        .distinct()
    )
    ids = [wp.pk for wp in werkprocessen]
    mappings = _covering_mappings(kwalificatie, school_ids).filter(werkproces_id__in=ids)
    counts = {
        row["werkproces_id"]: (row["n"], row["full"])
        for row in mappings.order_by()
        .values("werkproces_id")
        .annotate(n=Count("pk"), full=Count("pk", filter=Q(coverage=Coverage.FULL)))
    }
    top: dict[int, list[CoveringOffer]] = {}
    ranked = (
        mappings.select_related("offer__owner")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("werkproces_id")],
                order_by=[F("offer__title").asc(), F("offer_id").asc()],
            )
        )
        .filter(rank__lte=COVERAGE_TOP)
        .order_by("werkproces_id", "rank")
    )
    for mapping in ranked:
        top.setdefault(mapping.werkproces_id, []).append(_covering(mapping))
    kerntaken: dict[int, KerntaakCoverage] = {}
    for wp in werkprocessen:
        n, full = counts.get(wp.pk, (0, 0))
        group = kerntaken.setdefault(wp.kerntaak_id, KerntaakCoverage(kerntaak=wp.kerntaak))
        group.rows.append(
            WerkprocesCoverage(werkproces=wp, count=n, fully=full, top=top.get(wp.pk, []))
        )
    return CoverageSummary(kwalificatie=kwalificatie, kerntaken=list(kerntaken.values()))


def coverage_werkproces(kwalificatie: Kwalificatie, werkproces_id: int | None) -> Werkproces | None:
    """One werkproces of `kwalificatie` (basis or its profiel), or None."""
    if werkproces_id is None:
        return None
    return kwalificatie.werkprocessen().select_related("kerntaak").filter(pk=werkproces_id).first()


def covering_challenges(
    kwalificatie: Kwalificatie, werkproces: Werkproces, *, schools: Iterable[int | Organisation]
) -> QuerySet[WerkprocesMapping]:
    """Every live challenge covering one werkproces, by title: page it (the on-demand list)."""
    return (
        _covering_mappings(kwalificatie, _ids(schools))
        .filter(werkproces=werkproces)
        .select_related("offer__owner")
        .order_by("offer__title", "offer_id")
    )
