"""Vista requires a VOG from guest teachers, Gilde does not (Digiwise, DOMAIN.md §3)."""

import datetime as dt

import pytest

from backend.core.errors import ApplicationError
from backend.engagement.models import BookingTransition, GuestLessonBooking
from backend.engagement.selectors.experts import expert_search, policy_badges_for
from backend.engagement.services import booking_request
from tests.backend.engagement.conftest import AMS, vista_requires_vog, vog

LESSON = dt.datetime(2026, 3, 12, 10, 0, tzinfo=AMS)


def _request(cast, expert, teacher, school, now, starts_at=LESSON):
    return booking_request(
        actor=teacher,
        expert=expert,
        school=school,
        starts_at=starts_at,
        duration_minutes=90,
        group="ICT2A",
        topic="Toegankelijke websites",
        location="Lokaal 2.14",
        now=now,
    )


def test_it_refuses_a_guest_lesson_at_vista_without_a_vog_and_says_what_to_do(cast, expert, now):
    vista_requires_vog(cast)

    with pytest.raises(ApplicationError) as error:
        _request(cast, expert, cast.devries, cast.vista, now)

    assert error.value.extra["fields"]["expert"] == [
        "Vista college vereist een geldige VOG voor gastdocenten; Eva Smit heeft geen VOG in "
        "Koppel. Vraag een nieuwe VOG aan via Justis."
    ]
    assert GuestLessonBooking.objects.count() == 0
    assert BookingTransition.objects.count() == 0


def test_the_same_expert_can_be_booked_at_gilde_which_requires_no_vog(cast, expert, now):
    vista_requires_vog(cast)

    booking = _request(cast, expert, cast.peters, cast.gilde, now)

    assert booking.status == "requested"
    assert booking.school == cast.gilde


def test_a_valid_vog_lets_the_expert_teach_at_vista(cast, expert, now):
    vista_requires_vog(cast)
    vog(cast.eva, valid_until=dt.date(2026, 12, 31))

    booking = _request(cast, expert, cast.devries, cast.vista, now)

    assert booking.status == "requested"


def test_a_vog_that_expires_before_the_lesson_day_is_refused_with_its_dates(cast, expert, now):
    vista_requires_vog(cast)
    vog(cast.eva, valid_until=dt.date(2026, 3, 11))

    with pytest.raises(ApplicationError) as error:
        _request(cast, expert, cast.devries, cast.vista, now)

    assert error.value.message == (
        "Vista college vereist een geldige VOG voor gastdocenten; de VOG van Eva Smit is verlopen "
        "op 11 maart 2026. Vraag een nieuwe VOG aan via Justis."
    )


def test_search_results_show_the_vog_badge_only_for_the_school_that_requires_it(cast, expert, now):
    vista_requires_vog(cast)
    results = list(expert_search(user=cast.devries, words="toegankelijk"))
    assert results == [expert]

    at_vista = policy_badges_for(experts=results, school_ids={cast.vista.pk}, on=now.date())
    at_gilde = policy_badges_for(experts=results, school_ids={cast.gilde.pk}, on=now.date())

    assert [p.badge for p in at_vista[expert.pk]] == ["VOG nodig voor Vista college"]
    assert "Eva Smit heeft geen VOG geregistreerd" in at_vista[expert.pk][0].message
    assert at_gilde[expert.pk] == []
