"""The stored coverage numbers: per werkproces and scope how many live challenges cover it.

Every write that changes what the coverage page counts (a mapping made, changed or removed,
an offer moving into or out of the published and running statuses) calls
`coverage_sync_offer` in its own transaction. It compares the offer's stored entries with
what they should be and moves the counts by the difference with F() updates, so two writers
at once never lose a count. `coverage_rebuild` recomputes everything from the mappings (after
bulk loads that bypass the services: the demo, the region benchmark)."""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import F

from backend.offers.models import (
    PUBLIC_STATUSES,
    Coverage,
    CoverageCount,
    CoverageEntry,
    CoverageScope,
    Offer,
    OfferKind,
    WerkprocesMapping,
)


class _Reach(NamedTuple):
    consortium_id: int | None
    schools: tuple[int, ...]
    programmes: tuple[int, ...]
    niveau_min: int
    niveau_max: int

    @property
    def key(self) -> str:
        return (
            f"c{self.consortium_id or ''}|s{','.join(map(str, self.schools))}"
            f"|p{','.join(map(str, self.programmes))}|n{self.niveau_min}-{self.niveau_max}"
        )


class _Entry(NamedTuple):
    mapping_id: int
    werkproces_id: int
    scope_id: int
    title: str
    full: bool


def _scope(reach: _Reach) -> int:
    """The scope of this reach, made on first use (a unique key: two writers making the same
    scope at once both end up with the one row)."""
    scope, created = CoverageScope.objects.get_or_create(
        key=reach.key,
        defaults={
            "consortium_id": reach.consortium_id,
            "niveau_min": reach.niveau_min,
            "niveau_max": reach.niveau_max,
        },
    )
    if created:
        scope.schools.set(reach.schools)
        scope.programmes.set(reach.programmes)
    return scope.pk


def _counted(offer: Mapping[str, Any]) -> bool:
    return offer["kind"] == OfferKind.CHALLENGE and offer["status"] in PUBLIC_STATUSES


def _move_counts(deltas: Counter[tuple[int, int, str]]) -> None:
    """Add `deltas` ((scope, werkproces, "n" or "full") → change) to the stored counts."""
    keys = {(scope_id, werkproces_id) for scope_id, werkproces_id, _ in deltas}
    CoverageCount.objects.bulk_create(
        [CoverageCount(scope_id=s, werkproces_id=w) for s, w in sorted(keys)],
        ignore_conflicts=True,
    )
    for scope_id, werkproces_id in sorted(keys):
        n, full = deltas[scope_id, werkproces_id, "n"], deltas[scope_id, werkproces_id, "full"]
        if n or full:
            CoverageCount.objects.filter(scope_id=scope_id, werkproces_id=werkproces_id).update(
                challenges=F("challenges") + n, fully=F("fully") + full
            )


@transaction.atomic
def coverage_sync_offer(offer_id: int) -> None:
    """Bring the stored coverage of one offer in line with its status and mappings. Locks the
    offer row, so writes to one offer are counted one after the other."""
    offer = (
        Offer.objects.select_for_update()
        .filter(pk=offer_id)
        .values("kind", "status", "title", "consortium_id", "niveau_min", "niveau_max")
        .first()
    )
    stored = {
        _Entry(*row)
        for row in CoverageEntry.objects.filter(offer_id=offer_id).values_list(
            "mapping_id", "werkproces_id", "scope_id", "title", "full"
        )
    }
    wanted: set[_Entry] = set()
    if offer is not None and _counted(offer):
        mappings = list(
            WerkprocesMapping.objects.filter(offer_id=offer_id).values_list(
                "pk", "werkproces_id", "coverage"
            )
        )
        if mappings:
            scope_id = _scope(
                _Reach(
                    offer["consortium_id"],
                    tuple(sorted(_schools_of([offer_id]).get(offer_id, ()))),
                    tuple(sorted(_programmes_of([offer_id]).get(offer_id, ()))),
                    offer["niveau_min"],
                    offer["niveau_max"],
                )
            )
            wanted = {
                _Entry(pk, werkproces_id, scope_id, offer["title"], coverage == Coverage.FULL)
                for pk, werkproces_id, coverage in mappings
            }
    if stored == wanted:
        return
    deltas: Counter[tuple[int, int, str]] = Counter()
    for entry, sign in [*((e, -1) for e in stored - wanted), *((e, 1) for e in wanted - stored)]:
        deltas[entry.scope_id, entry.werkproces_id, "n"] += sign
        deltas[entry.scope_id, entry.werkproces_id, "full"] += sign * entry.full
    CoverageEntry.objects.filter(
        offer_id=offer_id, mapping_id__in=[e.mapping_id for e in stored - wanted]
    ).delete()
    CoverageEntry.objects.bulk_create(
        CoverageEntry(offer_id=offer_id, **entry._asdict()) for entry in wanted - stored
    )
    _move_counts(deltas)


def _schools_of(offer_ids: Iterable[int] | None) -> dict[int, list[int]]:
    return _grouped(Offer.schools.through.objects, "organisation_id", offer_ids)


def _programmes_of(offer_ids: Iterable[int] | None) -> dict[int, list[int]]:
    return _grouped(Offer.programmes.through.objects, "kwalificatie_id", offer_ids)


def _grouped(manager: Any, column: str, offer_ids: Iterable[int] | None) -> dict[int, list[int]]:
    rows = manager.all() if offer_ids is None else manager.filter(offer_id__in=list(offer_ids))
    grouped: dict[int, list[int]] = {}
    for offer_id, value in rows.values_list("offer_id", column).iterator(chunk_size=10000):
        grouped.setdefault(offer_id, []).append(value)
    return grouped


@transaction.atomic
def coverage_rebuild() -> int:
    """Recompute every stored coverage entry and count from the mappings of the live
    challenges (after bulk inserts that bypassed the services). Returns the number of entries."""
    CoverageCount.objects.all().delete()
    CoverageEntry.objects.all().delete()
    CoverageScope.objects.all().delete()
    live = Offer.objects.filter(kind=OfferKind.CHALLENGE, status__in=PUBLIC_STATUSES)
    offers: dict[int, tuple[str, int | None, int, int]] = {
        pk: (title, consortium_id, niveau_min, niveau_max)
        for pk, title, consortium_id, niveau_min, niveau_max in live.filter(
            werkproces_mappings__isnull=False
        )
        .distinct()
        .values_list("pk", "title", "consortium_id", "niveau_min", "niveau_max")
    }
    schools, programmes = _schools_of(None), _programmes_of(None)
    scopes: dict[_Reach, int] = {}
    scope_of: dict[int, int] = {}
    for pk, (_title, consortium_id, niveau_min, niveau_max) in offers.items():
        reach = _Reach(
            consortium_id,
            tuple(sorted(schools.get(pk, ()))),
            tuple(sorted(programmes.get(pk, ()))),
            niveau_min,
            niveau_max,
        )
        if reach not in scopes:
            scopes[reach] = _scope(reach)
        scope_of[pk] = scopes[reach]
    entries: list[CoverageEntry] = []
    counts: Counter[tuple[int, int, str]] = Counter()
    for pk, offer_id, werkproces_id, coverage in (
        WerkprocesMapping.objects.filter(offer_id__in=live)
        .values_list("pk", "offer_id", "werkproces_id", "coverage")
        .iterator(chunk_size=10000)
    ):
        full = coverage == Coverage.FULL
        scope_id = scope_of[offer_id]
        entries.append(
            CoverageEntry(
                mapping_id=pk,
                offer_id=offer_id,
                werkproces_id=werkproces_id,
                scope_id=scope_id,
                title=offers[offer_id][0],
                full=full,
            )
        )
        counts[scope_id, werkproces_id, "n"] += 1
        counts[scope_id, werkproces_id, "full"] += full
    CoverageEntry.objects.bulk_create(entries, batch_size=5000)
    CoverageCount.objects.bulk_create(
        [
            CoverageCount(
                scope_id=scope_id,
                werkproces_id=werkproces_id,
                challenges=n,
                fully=counts[scope_id, werkproces_id, "full"],
            )
            for (scope_id, werkproces_id, kind), n in counts.items()
            if kind == "n"
        ],
        batch_size=5000,
    )
    return len(entries)
