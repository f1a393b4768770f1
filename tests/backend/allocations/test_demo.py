import pytest
from django.utils import timezone

from backend.allocations.models import AllocationRound, Assignment, ChoiceList, Objection, Phase


@pytest.mark.django_db
def test_the_demo_has_rounds_in_realistic_phases_per_scenario(monkeypatch):
    from backend.demo import loader as demo

    # Only the foundation and this area: other areas have their own tests.
    monkeypatch.setattr(demo, "AREA_DEMOS", (demo.rounds,))
    result = demo.load(now=timezone.now())
    assert "backend.demo.rounds" in result.areas
    phases = {}
    for allocation_round in AllocationRound.objects.all():
        phases.setdefault(allocation_round.school_id, set()).add(allocation_round.phase)
    assert len(phases) >= 3
    assert all(p == {Phase.PUBLISHED, Phase.REVIEW, Phase.CHOOSING} for p in phases.values())
    for allocation_round in AllocationRound.objects.filter(phase=Phase.CHOOSING):
        from backend.allocations.selectors.access import round_enrolments

        participants = round_enrolments(allocation_round).count()
        assert ChoiceList.objects.filter(round=allocation_round).count() > participants / 2
    for allocation_round in AllocationRound.objects.filter(phase=Phase.REVIEW):
        assert allocation_round.applied_run.status == "succeeded"
        assert Assignment.objects.filter(round=allocation_round).exists()
    statuses = sorted(
        Objection.objects.filter(round__phase=Phase.PUBLISHED).values_list("status", flat=True)
    )
    assert {"declined", "open"} <= set(statuses)


@pytest.mark.django_db
def test_the_demo_never_puts_another_schools_challenges_in_a_round(cast):
    """A school with no challenges of its own gets no round: the demo used to fall back to any
    published challenges, which belong to other schools (and the round service refuses)."""
    from backend.demo import rounds as demo
    from backend.offers.models import OfferStatus
    from tests.factories import OfferFactory, SchoolFactory

    elsewhere = SchoolFactory(name="Rijn IJssel")
    for title in ("Elders 1", "Elders 2", "Elders 3"):
        OfferFactory(
            owner=cast.pixel, title=title, status=OfferStatus.PUBLISHED, schools=[elsewhere]
        )
    demo.load(now=timezone.now())
    assert not AllocationRound.objects.exists()


@pytest.mark.django_db
def test_demo_rounds_give_each_challenge_the_places_its_offer_states(monkeypatch):
    """Issue 12: every round challenge had `max: 84`, so an offer of "tot 5 studenten" got 71
    students and teams of 27-100. Now a round challenge takes at most what its offer states
    (teams × team size), teams are two to six strong, and most students are still placed."""
    from collections import Counter
    from math import ceil

    from backend.allocations.models import RoundChallenge
    from backend.allocations.selectors.access import round_enrolments
    from backend.demo import loader as demo

    monkeypatch.setattr(demo, "AREA_DEMOS", (demo.rounds,))
    demo.load(now=timezone.now())

    entries = list(RoundChallenge.objects.select_related("round", "offer"))
    assert entries
    offers_per_school: dict[int, set[int]] = {}
    for entry in entries:
        offer = entry.offer
        places = entry.capacity if entry.capacity is not None else offer.max_students
        assert places <= offer.max_students, (entry.round.name, offer.title, places)
        assert offer.team_size is not None, offer.title
        assert 2 <= offer.team_size <= 6, offer.title
        assert offer.max_students % offer.team_size == 0, offer.title  # whole teams
        assert offer.min_students >= 2, offer.title
        offers_per_school.setdefault(offer.pk, set()).add(entry.round.school_id)
    # No offer's places are handed out in the rounds of two schools.
    assert all(len(schools) == 1 for schools in offers_per_school.values())

    for allocation_round in AllocationRound.objects.exclude(phase=Phase.CHOOSING):
        counts = Counter(
            Assignment.objects.filter(round=allocation_round).values_list("offer_id", flat=True)
        )
        for entry in allocation_round.entries.select_related("offer"):
            offer, placed = entry.offer, counts[entry.offer_id]
            places = entry.capacity if entry.capacity is not None else offer.max_students
            assert placed <= places, (allocation_round.name, offer.title, placed, places)
            # The students on a challenge split into teams of two up to the team size.
            teams = ceil(placed / offer.team_size)
            assert placed == 0 or 2 * teams <= placed <= teams * offer.team_size, (
                allocation_round.name,
                offer.title,
                placed,
            )
        participants = round_enrolments(allocation_round).count()
        assert 20 <= participants <= 80  # one year group, not the whole school
        assert sum(counts.values()) >= 0.8 * participants, allocation_round.name
    assert Objection.objects.filter(status="accepted").exists()
