"""Guest lesson bookings: each transition, who may do it, notifications and the agreement."""

import datetime as dt

import pytest

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.engagement.models import BookingFeedback, BookingStatus, BookingTransition
from backend.engagement.services import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_feedback_give,
    booking_proposal_accept,
    booking_proposal_decline,
    booking_propose,
    booking_request,
)
from backend.notifications.models import Notification
from tests.backend.engagement.conftest import AMS

LESSON = dt.datetime(2026, 3, 12, 10, 0, tzinfo=AMS)


@pytest.fixture
def booking(cast, expert, now):
    return booking_request(
        actor=cast.peters,
        expert=expert,
        school=cast.gilde,
        starts_at=LESSON,
        duration_minutes=60,
        group="ICT4B",
        topic="Usability testen",
        location="Gilde, lokaal 3",
        now=now,
        kerntaak=cast.ict_niveau4.dossier.kerntaken.first(),
    )


def test_a_request_notifies_the_expert_once(cast, booking):
    [note] = Notification.objects.filter(recipient=cast.eva)
    assert note.title == "Gastlesverzoek van Gilde Opleidingen: Usability testen"
    assert note.url == f"/engagement/bookings/{booking.pk}/"
    assert not Notification.objects.filter(recipient=cast.peters).exists()


def test_accepting_records_who_and_when_and_puts_it_on_paper(cast, booking, now):
    booking = booking_accept(actor=cast.eva, booking=booking, note="Graag!", now=now)

    assert booking.status == BookingStatus.ACCEPTED
    last = BookingTransition.objects.filter(booking=booking).last()
    assert (last.from_status, last.to_status, last.actor, last.at) == (
        "requested",
        "accepted",
        cast.eva,
        now,
    )
    from backend.agreements.models import Agreement

    agreement = Agreement.objects.get(pk=booking.agreement_id)
    assert agreement.title == "Gastles: Usability testen"
    assert sorted(p.organisation.name for p in agreement.parties.all()) == [
        "Gilde Opleidingen",
        "Pixelfabriek",
    ]
    assert (
        Notification.objects.filter(
            recipient=cast.peters, title__startswith="Gastles bevestigd"
        ).count()
        == 1
    )


def test_a_counter_proposal_moves_the_lesson_when_the_teacher_accepts(cast, booking, now):
    later = LESSON + dt.timedelta(days=7)
    booking = booking_propose(
        actor=cast.eva, booking=booking, starts_at=later, note="Die week kan ik niet", now=now
    )
    assert (booking.status, booking.proposed_starts_at) == (BookingStatus.PROPOSED, later)
    with pytest.raises(PermissionDenied):
        booking_proposal_accept(actor=cast.eva, booking=booking, now=now)

    booking = booking_proposal_accept(actor=cast.peters, booking=booking, now=now)

    assert (booking.status, booking.starts_at, booking.proposed_starts_at, booking.sequence) == (
        BookingStatus.ACCEPTED,
        later,
        None,
        1,
    )


def test_the_teacher_can_decline_a_counter_proposal(cast, booking, now):
    booking_propose(
        actor=cast.eva, booking=booking, starts_at=LESSON + dt.timedelta(days=1), now=now
    )
    booking = booking_proposal_decline(
        actor=cast.peters, booking=booking, note="Dan zijn er toetsen", now=now
    )
    assert booking.status == BookingStatus.DECLINED
    assert booking.agreement_id is None


def test_declining_needs_a_reason_and_only_the_expert_side_may(cast, booking, now):
    with pytest.raises(ApplicationError) as error:
        booking_decline(actor=cast.eva, booking=booking, note=" ", now=now)
    assert error.value.extra["fields"]["note"] == ["Laat de docent weten waarom je afwijst."]
    with pytest.raises(PermissionDenied):
        booking_decline(actor=cast.jan, booking=booking, note="nee", now=now)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_a_decided_booking_cannot_be_answered_again(cast, booking, now):
    booking_decline(actor=cast.eva, booking=booking, note="Geen tijd", now=now)
    with pytest.raises(Conflict) as error:
        booking_accept(actor=cast.eva, booking=booking, now=now)
    assert error.value.message == "Deze gastles is afgewezen; dat kan nu niet meer."


def test_a_teacher_cannot_book_for_another_school(cast, expert, now):
    with pytest.raises(PermissionDenied):
        booking_request(
            actor=cast.devries,
            expert=expert,
            school=cast.gilde,
            starts_at=LESSON,
            duration_minutes=60,
            group="X",
            topic="Y",
            location="Z",
            now=now,
        )


def test_cancelling_raises_the_sequence_and_tells_the_other_side(cast, booking, now):
    booking_accept(actor=cast.eva, booking=booking, now=now)
    booking = booking_cancel(actor=cast.eva, booking=booking, note="Ziek", now=now)
    assert (booking.status, booking.sequence) == (BookingStatus.CANCELLED, 1)
    assert Notification.objects.filter(
        recipient=cast.peters, title__startswith="Gastles geannuleerd"
    ).exists()


def test_feedback_comes_after_the_lesson_once_per_side(cast, booking, now):
    booking_accept(actor=cast.eva, booking=booking, now=now)
    with pytest.raises(Conflict):
        booking_feedback_give(actor=cast.peters, booking=booking, rating=5, now=now)
    after = LESSON + dt.timedelta(hours=2)
    booking_feedback_give(actor=cast.peters, booking=booking, rating=5, text="Top", now=after)
    booking_feedback_give(actor=cast.eva, booking=booking, rating=4, text="Leuke klas", now=after)
    with pytest.raises(Conflict):
        booking_feedback_give(actor=cast.eva, booking=booking, rating=1, now=after)
    with pytest.raises(PermissionDenied):
        booking_feedback_give(actor=cast.jan, booking=booking, rating=1, now=after)
    assert sorted(BookingFeedback.objects.values_list("rating", flat=True)) == [4, 5]
