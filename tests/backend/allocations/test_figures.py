"""round_figures counts the round's current assignments, in a fixed number of queries."""

from backend.allocations import services
from backend.allocations.models import Assignment, RoundChallenge
from backend.allocations.selectors.figures import round_figures
from tests.backend.allocations.conftest import to_review


def test_the_figures_follow_an_override_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    to_review(world)  # webshop (1 place) and app (2) full, one of the four students waits
    with django_assert_max_num_queries(6):
        figures = round_figures(world.round)
    assert (figures.participants, figures.assigned, figures.unassigned) == (4, 3, 1)
    assert (figures.rank_profile, figures.first_choice) == ({1: 1, 2: 2}, 1)
    taken = {item.offer_id: (item.taken, item.capacity) for item in figures.occupancy}
    assert taken == {
        world.webshop.pk: (1, 1),
        world.app.pk: (2, 2),
        world.vog.pk: (0, 2),
        world.expert.pk: (0, 2),
    }

    RoundChallenge.objects.filter(round=world.round, offer=world.app).update(capacity=3)
    first = Assignment.objects.get(round=world.round, offer=world.webshop).student
    services.assignment_override(
        allocation_round=world.round, student=first, offer=world.app, actor=world.cast.bos
    )
    figures = round_figures(world.round)
    assert (figures.assigned, figures.unassigned, figures.first_choice) == (3, 1, 0)
    assert figures.rank_profile == {2: 3}
    assert {item.offer_id: item.taken for item in figures.occupancy}[world.app.pk] == 3
