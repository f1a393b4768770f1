"""Curriculum fit: which werkprocessen of a kwalificatie the live challenges cover."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from backend.curriculum.models import Kerntaak, Kwalificatie, Werkproces
from backend.offers.models import (
    PUBLIC_STATUSES,
    Coverage,
    CoverageCount,
    CoverageEntry,
    CoverageScope,
    OfferKind,
    WerkprocesMapping,
)
from backend.offers.selectors.visibility import open_to_kwalificatie, submitted_to_schools
from backend.organisations.models import ConsortiumMembership, Organisation


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


def _scope_ids(kwalificatie: Kwalificatie, school_ids: set[int]) -> QuerySet[CoverageScope, int]:
    """The coverage scopes (services/coverage.py) whose challenges these schools see for this
    programme: sent to their consortium or to one of them, open to the programme, at its
    niveau. A handful of scopes, not one per challenge (a subquery, or listed once)."""
    if not school_ids:
        return CoverageScope.objects.none().values_list("pk", flat=True)
    listed = CoverageScope.programmes.through.objects.filter(coveragescope_id=OuterRef("pk"))
    return CoverageScope.objects.filter(
        # Their consortia in the same query (one round trip less than the selector).
        Q(
            consortium_id__in=ConsortiumMembership.objects.filter(
                organisation_id__in=school_ids, left_on__isnull=True
            ).values("consortium_id")
        )
        | Q(
            Exists(
                CoverageScope.schools.through.objects.filter(
                    coveragescope_id=OuterRef("pk"), organisation_id__in=school_ids
                )
            )
        ),
        ~Q(Exists(listed)) | Q(Exists(listed.filter(kwalificatie_id=kwalificatie.pk))),
        niveau_min__lte=kwalificatie.niveau,
        niveau_max__gte=kwalificatie.niveau,
    ).values_list("pk", flat=True)


# Per werkproces the first `top` entries by title: a short walk of coverage_entry_walk for
# each werkproces (LATERAL ... LIMIT), so the page reads `top` rows per werkproces however
# many challenges cover it (docs/performance.md, "Coverage: the last ratios").
_FIRST_ENTRIES_SQL = """
SELECT w.id, e.mapping_id
FROM unnest(%s::bigint[]) AS w(id)
CROSS JOIN LATERAL (
    SELECT mapping_id FROM offers_coverageentry
    WHERE werkproces_id = w.id AND scope_id = ANY(%s::bigint[])
    ORDER BY title, offer_id
    LIMIT %s
) AS e
"""


def _first_entries(werkproces_ids: list[int], scope_ids: list[int], top: int) -> list[int]:
    """The mapping ids of the first `top` live challenges by title per werkproces."""
    if not werkproces_ids or not scope_ids or top < 1:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FIRST_ENTRIES_SQL, [werkproces_ids, scope_ids, top])
            return [mapping_id for _werkproces_id, mapping_id in cursor.fetchall()]
    # Elsewhere (SQLite in the tests) the same rows by a window over the entries.
    return list(
        CoverageEntry.objects.filter(werkproces_id__in=werkproces_ids, scope_id__in=scope_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("werkproces_id")],
                order_by=[F("title").asc(), F("offer_id").asc()],
            )
        )
        .filter(rank__lte=top)
        .values_list("mapping_id", flat=True)
    )


def coverage_summary(
    kwalificatie: Kwalificatie,
    *,
    schools: Iterable[int | Organisation],
    top: int = COVERAGE_TOP,
) -> CoverageSummary:
    """Counts per werkproces of `kwalificatie` (basis + its profiel) and its first `top`
    covering challenges by title.

    Five queries (werkprocessen, the scopes the schools see, the stored counts of those
    scopes, the first entries per werkproces and their mappings) and a result whose
    size and cost do not grow with the number of challenges."""
    werkprocessen = list(
        kwalificatie.werkprocessen()
        .select_related("kerntaak")
        .order_by("kerntaak__code", "code")
        .distinct()
    )
    werkproces_ids = [wp.pk for wp in werkprocessen]
    scope_ids = list(_scope_ids(kwalificatie, _ids(schools)))
    counts: dict[int, tuple[int, int]] = {}
    firsts: dict[int, list[CoveringOffer]] = {}
    if scope_ids:
        counts = {
            werkproces_id: (n, full)
            for werkproces_id, n, full in CoverageCount.objects.filter(
                werkproces_id__in=werkproces_ids, scope_id__in=scope_ids
            )
            .values("werkproces_id")
            .annotate(n=Sum("challenges"), full=Sum("fully"))
            .values_list("werkproces_id", "n", "full")
        }
        first_ids = _first_entries(werkproces_ids, scope_ids, top)
        for mapping in (
            WerkprocesMapping.objects.filter(pk__in=first_ids)
            .select_related("offer__owner")
            .only(*_COVERING_FIELDS, "offer__owner__name")
            .order_by("werkproces_id", "offer__title", "offer_id")
            if first_ids
            else []
        ):
            firsts.setdefault(mapping.werkproces_id, []).append(
                CoveringOffer(
                    offer_id=mapping.offer_id,
                    title=mapping.offer.title,
                    owner_name=mapping.offer.owner.name,
                    coverage=mapping.coverage,
                    note=mapping.note,
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
    the coverage page and of the API). A page is a walk of the stored entries' index
    (werkproces, title, offer, scope), not a sort of every covering challenge."""
    return (
        WerkprocesMapping.objects.filter(
            coverage_entry__werkproces=werkproces,
            coverage_entry__scope_id__in=_scope_ids(kwalificatie, _ids(schools)),
        )
        .select_related("offer__owner")
        .only(*_COVERING_FIELDS, "offer__owner__name")
        .order_by("coverage_entry__title", "coverage_entry__offer_id")
    )
