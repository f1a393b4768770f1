"""The stored coverage counts (services/coverage.py) equal a fresh count after every kind of
write, and the coverage report shows the numbers the old live count showed."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from backend.accounts.models import Membership, Role
from backend.accounts.selectors import staff_school_ids
from backend.curriculum.models import Kwalificatie
from backend.offers.models import (
    PUBLIC_STATUSES,
    CoverageCount,
    CoverageEntry,
    Offer,
    OfferKind,
    OfferStatus,
    WerkprocesMapping,
)
from backend.offers.selectors import coverage_summary
from backend.offers.selectors.curation import curation_programmes
from backend.offers.selectors.visibility import open_to_kwalificatie, submitted_to_schools
from backend.offers.services import (
    offer_complete,
    offer_map_werkproces,
    offer_publish,
    offer_reject,
    offer_request_changes,
    offer_start,
    offer_unmap_werkproces,
    offer_withdraw,
)
from backend.offers.services.coverage import coverage_rebuild, coverage_sync_offer
from tests.factories import UserFactory

S = OfferStatus


def _stored() -> tuple[dict[tuple[str, int], tuple[int, int]], set[tuple[int, str, bool]]]:
    counts = {
        (scope_key, werkproces_id): (n, full)
        for scope_key, werkproces_id, n, full in CoverageCount.objects.values_list(
            "scope__key", "werkproces_id", "challenges", "fully"
        )
        if n or full
    }
    entries = set(CoverageEntry.objects.values_list("mapping_id", "title", "full"))
    return counts, entries


def _fresh() -> tuple[dict[tuple[str, int], tuple[int, int]], set[tuple[int, str, bool]]]:
    """What a rebuild from the mappings gives, the stored state left as it was."""
    with transaction.atomic():
        coverage_rebuild()
        fresh = _stored()
        transaction.set_rollback(True)
    return fresh


def _live(kwalificatie: Kwalificatie, schools: set[int]) -> dict[str, tuple[int, int]]:
    """The old coverage count: every mapping of the visible live challenges, counted."""
    rows = (
        WerkprocesMapping.objects.filter(
            submitted_to_schools(schools, via="offer__"),
            open_to_kwalificatie(kwalificatie.pk, via="offer__"),
            werkproces__in=kwalificatie.werkprocessen(),
            offer__kind=OfferKind.CHALLENGE,
            offer__status__in=PUBLIC_STATUSES,
            offer__niveau_min__lte=kwalificatie.niveau,
            offer__niveau_max__gte=kwalificatie.niveau,
        )
        .values("werkproces__code")
        .annotate(n=Count("pk"), full=Count("pk", filter=Q(coverage="full")))
    )
    return {row["werkproces__code"]: (row["n"], row["full"]) for row in rows}


def _reported(kwalificatie: Kwalificatie, schools: set[int]) -> dict[str, tuple[int, int]]:
    report = coverage_summary(kwalificatie, schools=schools)
    return {row.werkproces.code: (row.count, row.fully) for row in report.rows if row.count}


def _check(cast, *programmes: Kwalificatie) -> None:
    assert _stored() == _fresh()
    for kwalificatie in programmes:
        for schools in ({cast.vista.pk}, {cast.gilde.pk}, {cast.vista.pk, cast.gilde.pk}):
            assert _reported(kwalificatie, schools) == _live(kwalificatie, schools)


def _wp(kwalificatie, code):
    return kwalificatie.werkprocessen().get(code=code)


def test_the_counts_follow_every_mapping_and_status_change(cast, make_offer, now):
    k2, k4 = cast.ict_niveau2, cast.ict_niveau4
    offer = make_offer(S.IN_REVIEW, title="Webshop", schools=[cast.vista])
    both = make_offer(
        S.PUBLISHED, title="Kassa", schools=[cast.vista, cast.gilde], consortium=cast.consortium
    )
    both.programmes.set([k2])
    w1, w2, p1 = _wp(k2, "B1-K1-W1"), _wp(k2, "B1-K1-W2"), _wp(k2, "P1-K1-W1")

    # Mapped while in review: not counted yet.
    first = offer_map_werkproces(actor=cast.devries, offer=offer, werkproces=w1, coverage="full")
    offer_map_werkproces(actor=cast.devries, offer=offer, werkproces=w2, coverage="partial")
    assert CoverageEntry.objects.count() == 0
    _check(cast, k2)

    # Into the counted statuses and out again, both ways.
    offer = offer_publish(actor=cast.devries, offer=offer, now=now)
    assert _reported(k2, {cast.vista.pk}) == {"B1-K1-W1": (1, 1), "B1-K1-W2": (1, 0)}
    _check(cast, k2)

    # A mapping of a live challenge: made, changed, removed.
    for werkproces in (w1, w2, p1):
        offer_map_werkproces(
            actor=cast.devries, offer=both, werkproces=werkproces, coverage="partial"
        )
    _check(cast, k2, k4)
    offer_map_werkproces(actor=cast.devries, offer=both, werkproces=w1, coverage="full")
    assert _reported(k2, {cast.vista.pk})["B1-K1-W1"] == (2, 2)
    _check(cast, k2, k4)
    offer_map_werkproces(actor=cast.devries, offer=offer, werkproces=w1, coverage="partial")
    assert _reported(k2, {cast.vista.pk})["B1-K1-W1"] == (2, 1)
    _check(cast, k2)
    offer_unmap_werkproces(actor=cast.devries, mapping=first)
    assert _reported(k2, {cast.vista.pk})["B1-K1-W1"] == (1, 1)
    _check(cast, k2)

    # Running still counts; completed and withdrawn do not.
    both = offer_start(actor=cast.bos, offer=both, now=now)
    assert _reported(k2, {cast.gilde.pk}) == {
        "B1-K1-W1": (1, 1),
        "B1-K1-W2": (1, 0),
        "P1-K1-W1": (1, 0),
    }
    _check(cast, k2)
    offer_complete(actor=cast.bos, offer=both, now=now)
    assert _reported(k2, {cast.gilde.pk}) == {}
    _check(cast, k2)
    offer_withdraw(actor=cast.jan, offer=offer, now=now)
    assert _reported(k2, {cast.vista.pk}) == {}
    assert CoverageEntry.objects.count() == 0
    _check(cast, k2)


def test_changes_requested_rejected_and_deleted_offers_leave_the_counts(cast, make_offer, now):
    k = cast.ict_niveau2
    w1 = _wp(k, "B1-K1-W1")
    asked = make_offer(S.IN_REVIEW, title="Een")
    refused = make_offer(S.IN_REVIEW, title="Twee")
    gone = make_offer(S.PUBLISHED, title="Drie")
    for offer in (asked, refused, gone):
        offer_map_werkproces(actor=cast.devries, offer=offer, werkproces=w1, coverage="full")
    assert _reported(k, {cast.vista.pk}) == {"B1-K1-W1": (1, 1)}

    offer_request_changes(actor=cast.devries, offer=asked, message="Meer uitleg.", now=now)
    offer_reject(actor=cast.devries, offer=refused, reason="Geen leerwaarde.", now=now)
    _check(cast, k)

    # Deleted (the admin): its entries stay behind until its sync counts them down.
    Offer.objects.filter(pk=gone.pk).delete()
    coverage_sync_offer(gone.pk)
    assert _reported(k, {cast.vista.pk}) == {}
    assert CoverageEntry.objects.count() == 0
    _check(cast, k)


@pytest.mark.django_db
def test_the_demo_report_shows_the_numbers_of_the_live_count():
    """On the demo (loaded past the services, counted once at the end) every coordinator's
    every programme shows what counting the mappings shows."""
    call_command("load_demo", verbosity=0)
    assert CoverageEntry.objects.exists()
    assert _stored() == _fresh()
    covered = 0
    for membership in Membership.objects.filter(role=Role.COORDINATOR).select_related("user"):
        schools = staff_school_ids(membership.user)
        for kwalificatie in curation_programmes(membership.user):
            reported = _reported(kwalificatie, schools)
            assert reported == _live(kwalificatie, schools)
            covered += len(reported)
    assert covered


def test_the_admin_keeps_the_counts_when_it_deletes_or_changes(cast, make_offer, client):
    k = cast.ict_niveau2
    w1, w2 = _wp(k, "B1-K1-W1"), _wp(k, "B1-K1-W2")
    kept, gone = make_offer(S.PUBLISHED, title="Blijft"), make_offer(S.PUBLISHED, title="Weg")
    mapping = offer_map_werkproces(actor=cast.devries, offer=kept, werkproces=w1, coverage="full")
    offer_map_werkproces(actor=cast.devries, offer=kept, werkproces=w2, coverage="full")
    offer_map_werkproces(actor=cast.devries, offer=gone, werkproces=w1, coverage="full")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert _reported(k, {cast.vista.pk}) == {"B1-K1-W1": (2, 2), "B1-K1-W2": (1, 1)}

    deleted = client.post(reverse("admin:offers_offer_delete", args=[gone.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert _reported(k, {cast.vista.pk}) == {"B1-K1-W1": (1, 1), "B1-K1-W2": (1, 1)}
    _check(cast, k)

    deleted = client.post(
        reverse("admin:offers_werkprocesmapping_delete", args=[mapping.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert _reported(k, {cast.vista.pk}) == {"B1-K1-W2": (1, 1)}
    _check(cast, k)
