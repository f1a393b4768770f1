import pytest
from django.utils import timezone

from backend.allocations.models import AllocationRound, Assignment, ChoiceList, Objection, Phase


@pytest.mark.django_db
def test_the_demo_has_rounds_in_realistic_phases_per_scenario(monkeypatch):
    from backend.core import demo

    # Only the foundation and this area: other areas have their own tests.
    monkeypatch.setattr(demo, "AREA_DEMOS", ("backend.allocations.demo",))
    result = demo.load(now=timezone.now())
    assert "backend.allocations.demo" in result.areas
    phases = {}
    for round in AllocationRound.objects.all():
        phases.setdefault(round.school_id, set()).add(round.phase)
    assert len(phases) >= 3
    assert all(p == {Phase.PUBLISHED, Phase.REVIEW, Phase.CHOOSING} for p in phases.values())
    for round in AllocationRound.objects.filter(phase=Phase.CHOOSING):
        from backend.allocations.selectors.access import round_enrolments

        participants = round_enrolments(round).count()
        assert ChoiceList.objects.filter(round=round).count() > participants / 2
    for round in AllocationRound.objects.filter(phase=Phase.REVIEW):
        assert round.applied_run.status == "succeeded"
        assert Assignment.objects.filter(round=round).exists()
    statuses = sorted(
        Objection.objects.filter(round__phase=Phase.PUBLISHED).values_list("status", flat=True)
    )
    assert {"declined", "open"} <= set(statuses)
