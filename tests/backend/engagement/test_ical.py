"""Calendar invitations and the personal feed, parsed back with the icalendar library."""

import datetime as dt

import time_machine
from icalendar import Calendar

from backend.engagement.ical import booking_ics
from backend.engagement.services import (
    booking_accept,
    booking_cancel,
    booking_proposal_accept,
    booking_propose,
    booking_request,
    calendar_feed_regenerate,
)
from tests.backend.engagement.conftest import AMS

LESSON = dt.datetime(2026, 3, 12, 10, 0, tzinfo=AMS)


def _booking(cast, expert, now):
    return booking_request(
        actor=cast.devries,
        expert=expert,
        school=cast.vista,
        starts_at=LESSON,
        duration_minutes=90,
        group="ICT2A",
        topic="Toegankelijke websites",
        location="Vista college, lokaal 2.14",
        now=now,
    )


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_an_accepted_booking_is_a_request_invitation_in_amsterdam_time(cast, expert, now):
    booking = booking_accept(actor=cast.eva, booking=_booking(cast, expert, now), now=now)

    calendar, event = _event(booking_ics(booking, now=now))

    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"guest-lesson-{booking.uid}@koppel.example"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART") == LESSON
    assert event.decoded("DTEND") == LESSON + dt.timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Gastles: Toegankelijke websites (Eva Smit)"
    assert str(event["LOCATION"]) == "Vista college, lokaal 2.14"
    assert str(event["ORGANIZER"]) == "mailto:devries@vista.test"
    assert str(event["ATTENDEE"]) == "mailto:eva@pixelfabriek.test"
    assert event["SEQUENCE"] == 0
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"


def test_a_new_date_keeps_the_uid_and_raises_the_sequence(cast, expert, now):
    booking = _booking(cast, expert, now)
    first_uid = _event(booking_ics(booking, now=now))[1]["UID"]
    booking_propose(
        actor=cast.eva, booking=booking, starts_at=LESSON + dt.timedelta(days=1), now=now
    )
    booking = booking_proposal_accept(actor=cast.devries, booking=booking, now=now)

    _calendar, event = _event(booking_ics(booking, now=now))

    assert event["UID"] == first_uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == LESSON + dt.timedelta(days=1)


def test_a_cancelled_booking_is_a_cancel_message(cast, expert, now):
    booking = booking_accept(actor=cast.eva, booking=_booking(cast, expert, now), now=now)
    booking = booking_cancel(actor=cast.devries, booking=booking, note="Klas op excursie", now=now)

    calendar, event = _event(booking_ics(booking, now=now))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_the_personal_feed_needs_no_login_and_lists_the_users_lessons(cast, expert, now, client):
    booking_accept(actor=cast.eva, booking=_booking(cast, expert, now), now=now)
    feed = calendar_feed_regenerate(user=cast.eva)

    with time_machine.travel(now, tick=False):
        response = client.get(f"/api/engagement/calendar/{feed.token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert "METHOD" not in calendar
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
        "Gastles: Toegankelijke websites (Eva Smit)"
    ]


def test_regenerating_the_feed_token_revokes_the_old_url(cast, client):
    old = calendar_feed_regenerate(user=cast.eva).token
    new = calendar_feed_regenerate(user=cast.eva).token

    assert new != old
    assert client.get(f"/api/engagement/calendar/{old}.ics").status_code == 404
    assert client.get(f"/api/engagement/calendar/{new}.ics").status_code == 200


def test_the_feed_shows_nothing_of_other_people(cast, expert, now, client):
    booking_accept(actor=cast.eva, booking=_booking(cast, expert, now), now=now)
    feed = calendar_feed_regenerate(user=cast.ahmed)

    calendar = Calendar.from_ical(client.get(f"/api/engagement/calendar/{feed.token}.ics").content)

    assert calendar.walk("VEVENT") == []


def test_the_feed_also_holds_meetings_and_event_conversations(cast, meet_and_match, now, client):
    from backend.engagement.services import event_book_slot, event_table_register, meeting_schedule

    table = event_table_register(
        actor=cast.eva, event=meet_and_match, company=cast.pixel, capacity=1, now=now
    )
    event_book_slot(actor=cast.sanne, slot=meet_and_match.slots.first(), table=table, now=now)
    meeting_schedule(
        actor=cast.devries,
        kind="three_way",
        title="Driegesprek Sanne",
        starts_at=LESSON,
        ends_at=LESSON + dt.timedelta(hours=1),
        participants=[cast.sanne, cast.eva],
        now=now,
    )
    feed = calendar_feed_regenerate(user=cast.sanne)

    with time_machine.travel(now, tick=False):
        calendar = Calendar.from_ical(
            client.get(f"/api/engagement/calendar/{feed.token}.ics").content
        )

    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Driegesprek Sanne", "Meet & match ICT: gesprek met Pixelfabriek"]
    for event in calendar.walk("VEVENT"):
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"


def test_a_requested_booking_is_tentative_until_the_expert_accepts(cast, expert, now):
    booking = _booking(cast, expert, now)

    assert str(_event(booking_ics(booking, now=now))[1]["STATUS"]) == "TENTATIVE"

    booking = booking_accept(actor=cast.eva, booking=booking, now=now)

    assert str(_event(booking_ics(booking, now=now))[1]["STATUS"]) == "CONFIRMED"


def test_a_proposed_new_date_is_still_tentative(cast, expert, now):
    booking = booking_propose(
        actor=cast.eva,
        booking=_booking(cast, expert, now),
        starts_at=LESSON + dt.timedelta(days=1),
        now=now,
    )

    assert str(_event(booking_ics(booking, now=now))[1]["STATUS"]) == "TENTATIVE"


def test_a_cancelled_request_says_cancelled_not_tentative(cast, expert, now):
    booking = booking_cancel(
        actor=cast.devries, booking=_booking(cast, expert, now), note="Klas op excursie", now=now
    )

    calendar, event = _event(booking_ics(booking, now=now))

    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
