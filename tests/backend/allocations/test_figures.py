"""round_figures counts the round's current assignments, in a fixed number of queries; the list
of the round's challenges is one page at a time, filtered in SQL, with the places taken and the
choices counted for that page only (issue 17)."""

import pytest

from backend.allocations import services
from backend.allocations.models import Assignment, RoundChallenge
from backend.allocations.selectors.access import round_enrolments
from backend.allocations.selectors.figures import (
    ChallengeFilters,
    fill_rates,
    round_challenges_page,
    round_figures,
)
from tests.backend.allocations.conftest import NOW, choose, open_round, published, to_review


def _occupancy(allocation_round, filters=None, *, per_page=25):
    page = round_challenges_page(
        allocation_round, filters or ChallengeFilters(), number=1, per_page=per_page
    )
    return {item.offer_id: (item.taken, item.capacity) for item in page.rows}


def test_the_figures_follow_an_override_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    to_review(world)  # webshop (1 place) and app (2) full, one of the four students waits
    with django_assert_max_num_queries(5):
        figures = round_figures(world.round)
    assert (figures.participants, figures.assigned, figures.unassigned) == (4, 3, 1)
    assert (figures.rank_profile, figures.first_choice) == ({1: 1, 2: 2}, 1)
    with django_assert_max_num_queries(4):
        taken = _occupancy(world.round)
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
    assert _occupancy(world.round)[world.app.pk] == (3, 3)
    # The fullest challenges first, computed in the database.
    assert [(item.title, item.percent) for item in fill_rates(world.round)] == [
        ("App voor Pixelfabriek", 100),
        ("Data-analyse", 0),
        ("Webshop voor Bakkerij Jansen", 0),
        ("Zorgrobot", 0),
    ]


def test_nobody_placed_yet_counts_the_participants_once(world, django_assert_num_queries):
    open_round(world)
    # The programmes of the round, the GROUP BY of the assignments and the participants (the
    # enrolments in scope minus those who left): no count of those without a place.
    with django_assert_num_queries(4):
        figures = round_figures(world.round)
    assert (figures.participants, figures.assigned, figures.unassigned) == (4, 0, 4)


def test_the_challenge_list_filters_and_counts_choices_per_page(world):
    open_round(world)
    lotte, daan, noor = world.students[1:]
    choose(world, lotte, world.webshop, world.app)
    choose(world, daan, world.app)
    choose(world, noor, world.app, world.webshop)
    page = round_challenges_page(world.round, ChallengeFilters(), number=1, per_page=25)
    # By title, with how many chose each.
    assert [(item.title, item.chosen) for item in page.rows] == [
        ("App voor Pixelfabriek", 3),
        ("Data-analyse", 0),
        ("Webshop voor Bakkerij Jansen", 2),
        ("Zorgrobot", 0),
    ]
    assert (page.total, page.pages, page.start, page.end) == (4, 1, 1, 4)
    # Two a page: page 2 holds the third and fourth; a page past the end is the last.
    page = round_challenges_page(world.round, ChallengeFilters(), number=2, per_page=2)
    assert [item.title for item in page.rows] == ["Webshop voor Bakkerij Jansen", "Zorgrobot"]
    assert (page.number, page.pages, page.has_previous, page.has_next) == (2, 2, True, False)
    assert round_challenges_page(world.round, ChallengeFilters(), number=9, per_page=2).number == 2

    def titles(**filters):
        found = round_challenges_page(
            world.round, ChallengeFilters(**filters), number=1, per_page=25
        )
        return [item.title for item in found.rows]

    assert titles(search="pixel") == [
        "App voor Pixelfabriek",
        "Data-analyse",
        "Zorgrobot",
    ]  # the company's name counts too
    assert titles(search="  WEBSHOP ") == ["Webshop voor Bakkerij Jansen"]
    assert titles(host=world.cast.bakkerij.pk) == ["Webshop voor Bakkerij Jansen"]
    assert titles(fill="unchosen") == ["Data-analyse", "Zorgrobot"]
    assert titles(fill="full") == []
    assert len(titles(fill="room")) == 4
    page = round_challenges_page(
        world.round, ChallengeFilters(host=world.cast.pixel.pk), number=1, per_page=25
    )
    assert page.host_name == world.cast.pixel.name


def test_full_and_room_follow_the_assignments(world):
    to_review(world)
    assert set(_occupancy(world.round, ChallengeFilters(fill="full"))) == {
        world.webshop.pk,
        world.app.pk,
    }
    assert set(_occupancy(world.round, ChallengeFilters(fill="room"))) == {
        world.vog.pk,
        world.expert.pk,
    }


@pytest.mark.parametrize(
    "filters",
    [ChallengeFilters(), ChallengeFilters(fill="full"), ChallengeFilters(search="a")],
    ids=["all", "full", "search"],
)
def test_a_page_of_challenges_costs_the_same_queries_at_4_and_64_challenges(
    world, filters, django_assert_num_queries
):
    to_review(world)

    def queries():
        # The count, the page and its companies: the places taken are stored per challenge.
        with django_assert_num_queries(3) as captured:
            page = round_challenges_page(world.round, filters, number=1, per_page=25)
        return len(captured), len(page.rows)

    small = queries()
    for n in range(60):
        offer = published(
            world.cast.pixel,
            world.cast.eva,
            f"Uitdaging {n:02d}",
            schools=[world.cast.vista],
        )
        RoundChallenge.objects.create(round=world.round, offer=offer)
    large = queries()
    assert small[0] == large[0]
    assert large[1] <= 25


def test_a_student_who_left_no_longer_counts_as_a_participant(world):
    # The participant count subtracts those who left from the enrolments in the round's scope
    # (two index-only counts at region size); it must agree with round_enrolments.
    before = round_figures(world.round).participants
    left = world.classmates[0]
    left.left_at = NOW
    left.save(update_fields=["left_at"])

    figures = round_figures(world.round)

    assert figures.participants == before - 1
    assert figures.participants == round_enrolments(world.round).count()
    assert figures.unassigned == figures.participants
