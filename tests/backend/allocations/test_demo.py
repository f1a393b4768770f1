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
