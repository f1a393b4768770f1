"""The demo's students have challenges to choose from in the round that is open for choices."""

import pytest
from django.utils import timezone

from backend.allocations.models import AllocationRound, Phase
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.student import eligible_entries, student_record


@pytest.mark.django_db
def test_demo_students_see_a_few_challenges_in_the_choosing_round(monkeypatch):
    from backend.demo import loader as demo

    monkeypatch.setattr(demo, "AREA_DEMOS", (demo.rounds,))
    now = timezone.now()
    demo.load(now=now)
    choosing = list(AllocationRound.objects.filter(phase=Phase.CHOOSING))
    assert choosing
    for allocation_round in choosing:
        assert allocation_round.choosing_is_open(now)
        for enrolment in round_enrolments(allocation_round).order_by("pk")[:5]:
            me = student_record(allocation_round, enrolment, today=now.date())
            open_to_them = eligible_entries([allocation_round], me).count()
            assert open_to_them >= allocation_round.min_choices, enrolment.student
