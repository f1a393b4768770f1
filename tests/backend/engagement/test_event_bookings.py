"""No double booking at a meet & match day: per student per slot, and per table capacity."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connections, transaction

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.engagement.models import EventBooking, EventTable
from backend.engagement.services import (
    event_attendance_record,
    event_book_slot,
    event_booking_cancel,
    event_table_register,
)
from tests.backend.engagement.conftest import AMS
from tests.factories import student


def _tables(cast, event, now, *, capacity=1):
    pixel = event_table_register(
        actor=cast.eva,
        event=event,
        company=cast.pixel,
        capacity=capacity,
        offers_portfolio_review=True,
        now=now,
    )
    bakkerij = event_table_register(
        actor=cast.jan, event=event, company=cast.bakkerij, capacity=1, now=now
    )
    return pixel, bakkerij


def test_it_cuts_the_event_into_ten_minute_slots(meet_and_match):
    slots = list(meet_and_match.slots.all())
    assert len(slots) == 6
    assert slots[0].starts_at == dt.datetime(2026, 3, 10, 13, 0, tzinfo=AMS)
    assert slots[-1].ends_at == dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMS)


def test_a_student_cannot_hold_two_conversations_in_the_same_slot(cast, meet_and_match, now):
    pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    event_book_slot(actor=cast.sanne, slot=slot, table=pixel, now=now)

    with pytest.raises(Conflict) as error:
        event_book_slot(actor=cast.sanne, slot=slot, table=bakkerij, now=now)

    assert error.value.message == "Je hebt om 13:00 al een gesprek."
    assert EventBooking.objects.filter(student=cast.sanne).count() == 1


def test_a_full_table_refuses_the_next_student_with_the_count(cast, meet_and_match, now):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    event_book_slot(actor=cast.sanne, slot=slot, table=bakkerij, now=now)

    with pytest.raises(Conflict) as error:
        event_book_slot(actor=cast.ahmed, slot=slot, table=bakkerij, now=now)

    assert error.value.message == (
        "De tafel van Bakkerij Jansen is om 13:00 vol: 1 van 1 plaatsen bezet."
    )
    assert not EventBooking.objects.filter(student=cast.ahmed).exists()


def test_a_table_for_two_takes_two_students_per_slot_on_different_seats(cast, meet_and_match, now):
    pixel, _bakkerij = _tables(cast, meet_and_match, now, capacity=2)
    slot = meet_and_match.slots.first()
    first = event_book_slot(actor=cast.sanne, slot=slot, table=pixel, now=now)
    second = event_book_slot(
        actor=cast.ahmed, slot=slot, table=pixel, now=now, kind="portfolio_review"
    )
    assert (first.seat, second.seat) == (1, 2)
    assert second.kind == "portfolio_review"


def test_a_cancelled_booking_frees_its_seat(cast, meet_and_match, now):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    booking = event_book_slot(actor=cast.sanne, slot=slot, table=bakkerij, now=now)
    event_booking_cancel(actor=cast.sanne, booking=booking, now=now)

    again = event_book_slot(actor=cast.ahmed, slot=slot, table=bakkerij, now=now)
    assert again.seat == 1


def test_portfolio_review_only_at_tables_that_offer_it(cast, meet_and_match, now):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)
    with pytest.raises(ApplicationError) as error:
        event_book_slot(
            actor=cast.sanne,
            slot=meet_and_match.slots.first(),
            table=bakkerij,
            kind="portfolio_review",
            now=now,
        )
    assert error.value.extra["fields"]["kind"] == ["Bakkerij Jansen doet geen portfolioreviews."]


def test_only_students_book_and_only_for_themselves(cast, meet_and_match, now):
    pixel, _ = _tables(cast, meet_and_match, now)
    with pytest.raises(PermissionDenied):
        event_book_slot(actor=cast.devries, slot=meet_and_match.slots.first(), table=pixel, now=now)
    booking = event_book_slot(
        actor=cast.sanne, slot=meet_and_match.slots.first(), table=pixel, now=now
    )
    with pytest.raises(PermissionDenied):
        event_booking_cancel(actor=cast.ahmed, booking=booking, now=now)
    assert EventBooking.objects.get(pk=booking.pk).cancelled_at is None


def test_a_company_cannot_register_a_table_for_another_company(cast, meet_and_match, now):
    with pytest.raises(PermissionDenied):
        event_table_register(
            actor=cast.jan, event=meet_and_match, company=cast.pixel, capacity=2, now=now
        )
    assert not meet_and_match.tables.exists()


def test_the_organiser_records_no_shows(cast, meet_and_match, now):
    pixel, _ = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    booking = event_book_slot(actor=cast.sanne, slot=slot, table=pixel, now=now)
    during = slot.starts_at + dt.timedelta(minutes=5)
    with pytest.raises(PermissionDenied):
        event_attendance_record(
            actor=cast.peters, booking=booking, attendance="no_show", now=during
        )

    event_attendance_record(actor=cast.bos, booking=booking, attendance="no_show", now=during)

    assert EventBooking.objects.get(pk=booking.pk).attendance == "no_show"


def _directly_booked(table, slot, *, seat, student_):
    """A booking written straight through the ORM, past every check of the booking service."""
    return EventBooking.objects.create(slot=slot, table=table, student=student_, seat=seat)


def _database_refuses(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_the_database_refuses_two_active_bookings_on_one_seat(cast, meet_and_match, now):
    pixel, _bakkerij = _tables(cast, meet_and_match, now, capacity=2)
    slot = meet_and_match.slots.first()
    _directly_booked(pixel, slot, seat=1, student_=cast.sanne)

    _database_refuses(lambda: _directly_booked(pixel, slot, seat=1, student_=cast.ahmed))

    assert list(EventBooking.objects.values_list("student", "seat")) == [(cast.sanne.pk, 1)]


def test_the_database_refuses_a_booking_beyond_the_tables_capacity(cast, meet_and_match, now):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)  # Bakkerij Jansen: room for one
    slot = meet_and_match.slots.first()
    _directly_booked(bakkerij, slot, seat=1, student_=cast.sanne)

    _database_refuses(lambda: _directly_booked(bakkerij, slot, seat=2, student_=cast.ahmed))

    assert EventBooking.objects.filter(slot=slot, table=bakkerij).count() == 1


def test_the_database_refuses_to_reopen_a_cancelled_booking_beyond_capacity(
    cast, meet_and_match, now
):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    _directly_booked(bakkerij, slot, seat=1, student_=cast.sanne)
    cancelled = EventBooking.objects.create(
        slot=slot, table=bakkerij, student=cast.ahmed, seat=1, cancelled_at=now
    )

    _database_refuses(
        lambda: EventBooking.objects.filter(pk=cancelled.pk).update(seat=2, cancelled_at=None)
    )

    assert EventBooking.objects.get(pk=cancelled.pk).cancelled_at == now


def test_the_database_refuses_to_shrink_a_table_below_a_booked_seat(cast, meet_and_match, now):
    pixel, _bakkerij = _tables(cast, meet_and_match, now, capacity=2)
    _directly_booked(pixel, meet_and_match.slots.first(), seat=2, student_=cast.sanne)

    _database_refuses(lambda: EventTable.objects.filter(pk=pixel.pk).update(capacity=1))

    assert EventTable.objects.get(pk=pixel.pk).capacity == 2


def test_shrinking_a_table_moves_bookings_onto_the_seats_it_keeps(cast, meet_and_match, now):
    pixel, _bakkerij = _tables(cast, meet_and_match, now, capacity=3)
    slot = meet_and_match.slots.first()
    third = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    fourth = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Noah")
    first = event_book_slot(actor=cast.sanne, slot=slot, table=pixel, now=now)
    middle = event_book_slot(actor=cast.ahmed, slot=slot, table=pixel, now=now)
    last = event_book_slot(actor=third, slot=slot, table=pixel, now=now)
    event_booking_cancel(actor=cast.ahmed, booking=middle, now=now)

    event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=2, now=now
    )

    seats = dict(EventBooking.objects.filter(cancelled_at__isnull=True).values_list("pk", "seat"))
    assert seats == {first.pk: 1, last.pk: 2}
    with pytest.raises(Conflict) as error:
        event_book_slot(actor=fourth, slot=slot, table=pixel, now=now)
    assert (
        error.value.message == "De tafel van Pixelfabriek is om 13:00 vol: 2 van 2 plaatsen bezet."
    )
    assert not EventBooking.objects.filter(student=fourth).exists()


def _race(work):
    """Run `work(i)` in two threads that start together; each thread uses its own connection."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as error:  # the loser's Conflict is the expected outcome
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


# serialized_rollback: the flush after this test then restores the migrations' data (content
# types, agreement templates) instead of leaving it to post_migrate, as the browser tests expect.
# SQLite serialises all writers, so a real race needs PostgreSQL.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_requests_for_the_last_seat_cannot_both_win(cast, meet_and_match, now):
    _pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    students = [cast.sanne, cast.ahmed]

    results = _race(
        lambda i: event_book_slot(actor=students[i], slot=slot, table=bakkerij, now=now)
    )

    winners = [r for r in results if isinstance(r, EventBooking)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert (
        EventBooking.objects.filter(slot=slot, table=bakkerij, cancelled_at__isnull=True).count()
        == 1
    )


# serialized_rollback: the flush after this test then restores the migrations' data (content
# types, agreement templates) instead of leaving it to post_migrate, as the browser tests expect.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_student_clicking_two_tables_at_once_gets_one_booking(cast, meet_and_match, now):
    pixel, bakkerij = _tables(cast, meet_and_match, now)
    slot = meet_and_match.slots.first()
    tables = [pixel, bakkerij]

    results = _race(
        lambda i: event_book_slot(actor=cast.sanne, slot=slot, table=tables[i], now=now)
    )

    assert sum(isinstance(r, EventBooking) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert EventBooking.objects.filter(slot=slot, student=cast.sanne).count() == 1


def test_students_of_a_school_outside_the_consortium_cannot_book(cast, meet_and_match, now):
    from tests.factories import SchoolFactory

    other = student(school=SchoolFactory(name="ROC Elders"), kwalificatie=cast.ict_niveau2)
    pixel, _ = _tables(cast, meet_and_match, now)
    with pytest.raises(PermissionDenied):
        event_book_slot(actor=other, slot=meet_and_match.slots.first(), table=pixel, now=now)


# SQLite serialises all writers, so a real race needs PostgreSQL.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_direct_booking_and_a_direct_shrink_at_once_cannot_overbook(cast, meet_and_match, now):
    pixel, _bakkerij = _tables(cast, meet_and_match, now, capacity=2)
    slot = meet_and_match.slots.first()
    booked = threading.Event()

    def book_seat_two_and_hold():
        with transaction.atomic():
            _directly_booked(pixel, slot, seat=2, student_=cast.sanne)
            booked.set()
            # Keep the transaction open while the other one tries to shrink the table.
            threading.Event().wait(1)
        return "booked"

    def shrink():
        booked.wait(10)
        EventTable.objects.filter(pk=pixel.pk).update(capacity=1)
        return "shrunk"

    results = _race(lambda i: [book_seat_two_and_hold, shrink][i]())

    assert results[0] == "booked"
    assert isinstance(results[1], IntegrityError), results
    assert EventTable.objects.get(pk=pixel.pk).capacity == 2
    assert EventBooking.objects.get(student=cast.sanne).seat == 2
