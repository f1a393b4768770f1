"""What the company (and the schools the offer went to) read of the students' feedback: nothing
but the count below five answers; then averages and comments without names, released per batch
of five so no change on the page follows one student's answer."""

from decimal import Decimal

import pytest

from backend.learning.models import MIN_ANSWERS_FOR_COMPANY
from backend.learning.selectors.activity_feedback import FeedbackSummary, offer_feedback_summary
from backend.learning.services.activity_feedback import may_see_offer_feedback
from tests.backend.learning.activity_factories import answer, classmates, ended_placement

pytestmark = pytest.mark.django_db


def _answered(cast, values):
    """An ended offer with one answer per (learned, supported, comment) in `values`."""
    team = classmates(cast, len(values))
    offer = ended_placement(cast, students=team).offer
    for person, (learned, supported, comment) in zip(team, values, strict=True):
        answer(offer, person, learned=learned, supported=supported, comment=comment)
    return offer


def test_the_threshold_is_five():
    assert MIN_ANSWERS_FOR_COMPANY == 5


def test_four_answers_show_only_the_count(cast):
    offer = _answered(cast, [(5, 5, "Geweldig"), (1, 1, "Slecht"), (3, 3, ""), (4, 2, "Oké")])

    summary = offer_feedback_summary(offer)

    assert summary == FeedbackSummary(count=4, needed=5, shown=0)
    assert not summary.is_shown
    assert summary.learned_average is None
    assert summary.supported_average is None
    assert summary.comments == ()


def test_five_answers_show_averages_and_comments_sorted_by_text(cast):
    offer = _answered(
        cast,
        [
            (5, 4, "Zeker aanraden"),
            (4, 4, ""),
            (3, 2, "  alles was nieuw  "),
            (4, 5, "Bakken is leuk"),
            (5, 5, "   "),
        ],
    )

    summary = offer_feedback_summary(offer)

    assert summary.is_shown
    assert (summary.count, summary.shown, summary.waiting) == (5, 5, 0)
    assert summary.learned_average == Decimal("4.2")
    assert summary.supported_average == Decimal("4.0")
    # Not in the order given (nor reversed): alphabetical, so nobody can match a comment to the
    # moment a student answered.
    assert summary.comments == ("alles was nieuw", "Bakken is leuk", "Zeker aanraden")


def test_the_summary_does_not_change_with_answers_six_to_nine(cast):
    team = classmates(cast, 10)
    offer = ended_placement(cast, students=team).offer
    for person in team[:5]:
        answer(offer, person, learned=4, supported=4, comment=f"Opmerking van {person.pk % 7}")
    at_five = offer_feedback_summary(offer)

    for i, person in enumerate(team[5:9], start=6):
        answer(offer, person, learned=1, supported=1, comment="Het was niks")
        later = offer_feedback_summary(offer)
        assert later.count == i
        assert later.waiting == i - 5
        assert (later.shown, later.learned_average, later.supported_average, later.comments) == (
            at_five.shown,
            at_five.learned_average,
            at_five.supported_average,
            at_five.comments,
        )

    answer(offer, team[9], learned=1, supported=1, comment="")
    at_ten = offer_feedback_summary(offer)
    assert (at_ten.count, at_ten.shown) == (10, 10)
    assert at_ten.learned_average == Decimal("2.5")
    assert at_ten.comments.count("Het was niks") == 4


def test_averages_are_rounded_half_up_to_one_decimal(cast):
    offer = _answered(cast, [(5, 1, ""), (5, 1, ""), (5, 1, ""), (4, 2, ""), (4, 2, "")])

    summary = offer_feedback_summary(offer)

    assert summary.learned_average == Decimal("4.6")
    assert summary.supported_average == Decimal("1.4")


def test_answers_on_another_offer_do_not_count(cast):
    other = _answered(cast, [(5, 5, "")] * 5)
    offer = _answered(cast, [(2, 2, "")] * 4)

    assert offer_feedback_summary(offer).count == 4
    assert offer_feedback_summary(other).count == 5


def test_the_summary_takes_two_queries_whatever_the_number_of_answers(
    cast, django_assert_num_queries
):
    small = _answered(cast, [(4, 4, "a")] * 5)
    large = _answered(cast, [(3, 3, "b")] * 15)
    below = _answered(cast, [(3, 3, "c")] * 3)

    with django_assert_num_queries(2):
        offer_feedback_summary(small)
    with django_assert_num_queries(2):
        offer_feedback_summary(large)
    with django_assert_num_queries(1):
        offer_feedback_summary(below)


# --- who reads it --------------------------------------------------------------------------------


def test_the_company_and_the_schools_it_went_to_may_read_it_nobody_else(cast):
    offer = ended_placement(cast).offer

    readers = {
        name: may_see_offer_feedback(getattr(cast, name), offer)
        for name in ("jan", "devries", "bos", "eva", "peters", "sanne", "ahmed", "fenna")
    }

    assert readers == {
        "jan": True,
        "devries": True,
        "bos": True,
        "eva": False,  # Pixelfabriek: another company
        "peters": False,  # Gilde: the offer was not submitted there
        "sanne": False,
        "ahmed": False,
        "fenna": False,  # privacy officer, not school staff
    }


def test_staff_of_a_consortium_school_may_read_it_when_the_offer_went_to_the_consortium(cast):
    offer = ended_placement(cast).offer
    assert not may_see_offer_feedback(cast.peters, offer)

    offer.consortium = cast.consortium
    offer.save(update_fields=["consortium"])

    assert may_see_offer_feedback(cast.peters, offer)
    assert not may_see_offer_feedback(cast.eva, offer)
