import pytest

from backend.core.errors import Conflict, PermissionDenied
from backend.curriculum.models import Werkproces
from backend.offers.models import OfferKind, OfferStatus, WerkprocesMapping
from backend.offers.selectors import coverage_summary, covering_challenges
from backend.offers.services import offer_map_werkproces, offer_unmap_werkproces
from backend.offers.services.coverage import coverage_sync_offer
from tests.factories import kwalificatie_with_werkprocessen

S = OfferStatus


def _wp(kwalificatie, code):
    return kwalificatie.werkprocessen().get(code=code)


def test_a_teacher_maps_an_offer_onto_werkprocessen_of_several_dossiers(cast, make_offer):
    offer = make_offer(S.PUBLISHED)
    first = offer_map_werkproces(
        actor=cast.devries,
        offer=offer,
        werkproces=_wp(cast.ict_niveau2, "B1-K1-W1"),
        coverage="full",
        note="Hele klantvraag",
    )
    offer_map_werkproces(
        actor=cast.devries,
        offer=offer,
        werkproces=_wp(cast.ict_niveau4, "P1-K1-W1"),
        coverage="partial",
    )
    assert (first.coverage, first.note, first.mapped_by) == (
        "full",
        "Hele klantvraag",
        cast.devries,
    )
    assert offer.werkproces_mappings.count() == 2


def test_mapping_the_same_werkproces_again_updates_it(cast, make_offer):
    offer = make_offer(S.PUBLISHED)
    werkproces = _wp(cast.ict_niveau2, "B1-K1-W1")
    offer_map_werkproces(actor=cast.devries, offer=offer, werkproces=werkproces, coverage="partial")
    offer_map_werkproces(
        actor=cast.bos, offer=offer, werkproces=werkproces, coverage="full", note="Toch volledig"
    )
    mapping = WerkprocesMapping.objects.get()
    assert (mapping.coverage, mapping.note, mapping.mapped_by) == (
        "full",
        "Toch volledig",
        cast.bos,
    )


@pytest.mark.parametrize("who", ["jan", "eva", "sanne", "peters"])
def test_only_school_staff_of_the_offer_map_werkprocessen(cast, make_offer, who):
    offer = make_offer(S.PUBLISHED)
    with pytest.raises(PermissionDenied):
        offer_map_werkproces(
            actor=getattr(cast, who),
            offer=offer,
            werkproces=_wp(cast.ict_niveau2, "B1-K1-W1"),
            coverage="full",
        )
    assert not WerkprocesMapping.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.ARCHIVED, S.REJECTED])
def test_drafts_and_closed_offers_are_not_mapped(cast, make_offer, status):
    offer = make_offer(status)
    with pytest.raises(Conflict):
        offer_map_werkproces(
            actor=cast.devries,
            offer=offer,
            werkproces=_wp(cast.ict_niveau2, "B1-K1-W1"),
            coverage="full",
        )


def test_unmapping_removes_the_mapping_and_is_for_school_staff_only(cast, make_offer):
    offer = make_offer(S.PUBLISHED)
    mapping = offer_map_werkproces(
        actor=cast.devries,
        offer=offer,
        werkproces=_wp(cast.ict_niveau2, "B1-K1-W1"),
        coverage="full",
    )
    with pytest.raises(PermissionDenied):
        offer_unmap_werkproces(actor=cast.jan, mapping=mapping)
    assert WerkprocesMapping.objects.count() == 1
    offer_unmap_werkproces(actor=cast.devries, mapping=mapping)
    assert not WerkprocesMapping.objects.exists()


def _map(offer, werkproces, coverage, by):
    """A mapping made past the service (any status), then counted as the services do."""
    mapping = WerkprocesMapping.objects.create(
        offer=offer, werkproces=werkproces, coverage=coverage, mapped_by=by
    )
    coverage_sync_offer(offer.pk)
    return mapping


def test_coverage_shows_which_werkprocessen_no_published_challenge_covers(cast, make_offer):
    k = cast.ict_niveau2
    live = make_offer(S.PUBLISHED, title="Webshop")
    running = make_offer(S.RUNNING, title="Kassasysteem", schools=[], consortium=cast.consortium)
    _map(live, _wp(k, "B1-K1-W1"), "partial", cast.devries)
    _map(running, _wp(k, "B1-K1-W1"), "full", cast.devries)
    # These do not count: not published, not a challenge, another school, another level.
    _map(make_offer(S.SUBMITTED), _wp(k, "B1-K1-W2"), "full", cast.devries)
    _map(
        make_offer(S.PUBLISHED, kind=OfferKind.GUEST_LESSON),
        _wp(k, "B1-K1-W2"),
        "full",
        cast.devries,
    )
    _map(make_offer(S.PUBLISHED, schools=[cast.gilde]), _wp(k, "P1-K1-W1"), "full", cast.peters)
    _map(make_offer(S.PUBLISHED, niveau_min=3), _wp(k, "P1-K1-W1"), "full", cast.devries)
    closed = make_offer(S.PUBLISHED)
    closed.programmes.set([cast.ict_niveau4])
    _map(closed, _wp(k, "P1-K1-W1"), "full", cast.devries)

    report = coverage_summary(k, schools=[cast.vista])

    assert [(row.werkproces.code, row.coverage, row.count) for row in report.rows] == [
        ("B1-K1-W1", "full", 2),
        ("B1-K1-W2", None, 0),
        ("P1-K1-W1", None, 0),
    ]
    assert [o.title for o in report.rows[0].top] == ["Kassasysteem", "Webshop"]
    listed = covering_challenges(k, _wp(k, "B1-K1-W1"), schools=[cast.vista])
    assert [m.offer.title for m in listed] == ["Kassasysteem", "Webshop"]
    assert [wp.code for wp in report.uncovered] == ["B1-K1-W2", "P1-K1-W1"]
    assert [wp.code for wp in report.fully_covered] == ["B1-K1-W1"]


def test_coverage_counts_challenges_listing_the_programme_or_sent_to_the_school_directly(
    cast, make_offer
):
    k = cast.ict_niveau2
    listed = make_offer(S.PUBLISHED, title="Alleen ICT 2")
    listed.programmes.set([k, cast.ict_niveau4])
    direct = make_offer(S.PUBLISHED, title="Rechtstreeks", schools=[cast.vista, cast.gilde])
    for offer in (listed, direct):
        _map(offer, _wp(k, "B1-K1-W2"), "partial", cast.devries)

    report = coverage_summary(k, schools=[cast.vista])
    at_gilde = coverage_summary(k, schools=[cast.gilde])

    assert [(row.werkproces.code, row.count) for row in report.rows][1] == ("B1-K1-W2", 2)
    assert [o.title for o in report.rows[1].top] == ["Alleen ICT 2", "Rechtstreeks"]
    assert [o.title for o in at_gilde.rows[1].top] == ["Rechtstreeks"]


def test_coverage_leaves_out_werkprocessen_of_other_profiles(cast):
    k = kwalificatie_with_werkprocessen(codes=("B1-K1-W1", "P1-K1-W1"))
    other_profile = Werkproces.objects.get(kerntaak__dossier=k.dossier, code="P1-K1-W1")
    other_profile.kerntaak.kwalificaties.clear()
    report = coverage_summary(k, schools=[cast.vista])
    assert [row.werkproces.code for row in report.rows] == ["B1-K1-W1"]


@pytest.mark.parametrize("challenges", [1, 10])
def test_coverage_costs_a_fixed_number_of_queries(
    cast, make_offer, django_assert_num_queries, challenges
):
    k = cast.ict_niveau2
    for number in range(challenges):
        offer = make_offer(S.PUBLISHED, title=f"Uitdaging {number}")
        for werkproces in k.werkprocessen():
            _map(offer, werkproces, "partial", cast.devries)
    # Werkprocessen, scopes, stored counts, first entries, their mappings.
    with django_assert_num_queries(5):
        report = coverage_summary(k, schools=[cast.vista.pk], top=3)
        [wp.kerntaak.code for wp in report.uncovered]
    assert all(row.count == challenges for row in report.rows)
    assert all(len(row.top) == min(challenges, 3) for row in report.rows)
