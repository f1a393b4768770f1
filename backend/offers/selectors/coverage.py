"""Curriculum fit: which werkprocessen of a kwalificatie the live challenges cover."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from backend.curriculum.models import Kwalificatie, Werkproces
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


@dataclass
class CoverageReport:
    kwalificatie: Kwalificatie
    rows: list[CoverageRow]

    @property
    def uncovered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage is None]

    @property
    def partially_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.PARTIAL]

    @property
    def fully_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.FULL]


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
