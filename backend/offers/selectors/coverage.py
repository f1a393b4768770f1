"""Curriculum fit: which werkprocessen of a kwalificatie the live challenges cover."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from backend.curriculum.models import Kerntaak, Kwalificatie, Werkproces
from backend.offers.models import PUBLIC_STATUSES, Coverage, OfferKind, WerkprocesMapping
from backend.offers.selectors.visibility import open_to_kwalificatie, submitted_to_schools
from backend.organisations.models import Organisation


@dataclass(frozen=True)
class CoveringOffer:
    offer_id: int
    title: str
    owner_name: str
    coverage: str
    note: str


def _ids(schools: Iterable[int | Organisation]) -> set[int]:
    return {school if isinstance(school, int) else school.pk for school in schools}


# How many covering challenges the coverage page names per werkproces; the rest on demand.
COVERAGE_TOP = 5
# The most an API client may ask for per werkproces (the rest: the paged detail endpoint).
COVERAGE_TOP_MAX = 20


@dataclass(frozen=True)
class WerkprocesCoverage:
    werkproces: Werkproces
    count: int
    fully: int
    top: list[CoveringOffer]

    @property
    def coverage(self) -> str | None:
        """The best coverage any live challenge gives: full, partial, or None (a gap)."""
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
class CoverageSummary:
    """Per kerntaak and werkproces: how many live challenges cover it and the first few of
    them by title. Its size depends on the dossier, not on the challenges."""

    kwalificatie: Kwalificatie
    kerntaken: list[KerntaakCoverage]

    @property
    def rows(self) -> list[WerkprocesCoverage]:
        return [row for kerntaak in self.kerntaken for row in kerntaak.rows]

    @property
    def uncovered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage is None]

    @property
    def partially_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.PARTIAL]

    @property
    def fully_covered(self) -> list[Werkproces]:
        return [row.werkproces for row in self.rows if row.coverage == Coverage.FULL]


# The columns a covering challenge shows: a sort of narrow rows, not of whole offers.
_COVERING_FIELDS = ("offer_id", "werkproces_id", "coverage", "note", "offer__title")


def _covering_mappings(
    kwalificatie: Kwalificatie, school_ids: set[int]
) -> QuerySet[WerkprocesMapping]:
    """Mappings of the published or running challenges at these schools (or their consortia)
    open to the kwalificatie's programme and level: one join of mapping and offer, the
    schools' direct submissions read once (see docs/performance.md, coverage)."""
    return WerkprocesMapping.objects.filter(
        submitted_to_schools(school_ids, via="offer__"),
        open_to_kwalificatie(kwalificatie.pk, via="offer__"),
        offer__kind=OfferKind.CHALLENGE,
        offer__status__in=PUBLIC_STATUSES,
        offer__niveau_min__lte=kwalificatie.niveau,
        offer__niveau_max__gte=kwalificatie.niveau,
    )


def coverage_summary(
    kwalificatie: Kwalificatie,
    *,
    schools: Iterable[int | Organisation],
    top: int = COVERAGE_TOP,
) -> CoverageSummary:
    """Counts per werkproces of `kwalificatie` (basis + its profiel) and its first `top`
    covering challenges by title.

    Three queries (werkprocessen, the schools' consortia, and one windowed query that counts
    per werkproces and ranks by title) and a result whose size does not grow with the number
    of challenges."""
    werkprocessen = list(
        kwalificatie.werkprocessen()
        .select_related("kerntaak")
        .order_by("kerntaak__code", "code")
        .distinct()
    )
    per_werkproces = [F("werkproces_id")]
    ranked = (
        _covering_mappings(kwalificatie, _ids(schools))
        .filter(werkproces_id__in=[wp.pk for wp in werkprocessen])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=per_werkproces,
                order_by=[F("offer__title").asc(), F("offer_id").asc()],
            ),
            n=Window(Count("pk"), partition_by=per_werkproces),
            full=Window(Count("pk", filter=Q(coverage=Coverage.FULL)), partition_by=per_werkproces),
        )
        # Every covered werkproces keeps its first row, which carries the counts.
        .filter(rank__lte=max(top, 1))
        .order_by("werkproces_id", "rank")
        # Plain tuples: the page shows five per werkproces, no model instances needed.
        .values_list(
            "werkproces_id",
            "rank",
            "n",
            "full",
            "offer_id",
            "offer__title",
            "offer__owner__name",
            "coverage",
            "note",
        )
    )
    counts: dict[int, tuple[int, int]] = {}
    firsts: dict[int, list[CoveringOffer]] = {}
    for werkproces_id, rank, n, full, offer_id, title, owner, coverage, note in ranked:
        counts[werkproces_id] = (n, full)
        if rank <= top:
            firsts.setdefault(werkproces_id, []).append(
                CoveringOffer(
                    offer_id=offer_id, title=title, owner_name=owner, coverage=coverage, note=note
                )
            )
    kerntaken: dict[int, KerntaakCoverage] = {}
    for wp in werkprocessen:
        n, full = counts.get(wp.pk, (0, 0))
        group = kerntaken.setdefault(wp.kerntaak_id, KerntaakCoverage(kerntaak=wp.kerntaak))
        group.rows.append(
            WerkprocesCoverage(werkproces=wp, count=n, fully=full, top=firsts.get(wp.pk, []))
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
    """Every live challenge covering one werkproces, by title: page it (the on-demand list of
    the coverage page and of the API)."""
    return (
        _covering_mappings(kwalificatie, _ids(schools))
        .filter(werkproces=werkproces)
        .select_related("offer__owner")
        .only(*_COVERING_FIELDS, "offer__owner__name")
        .order_by("offer__title", "offer_id")
    )
