"""iCalendar (RFC 5545) invitations and the personal subscription feed.

Every booking, meeting and event slot keeps a stable UID, so a calendar app updates the same
entry when the moment changes (SEQUENCE goes up) and removes it on METHOD:CANCEL."""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from backend.accounts.models import User
from backend.core.links import PageLink, page_url
from backend.engagement.models import EventBooking, GuestLessonBooking, Meeting
from backend.engagement.models.bookings import OPEN_BOOKING_STATUSES

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PRODID = "-//Koppel//engagement//NL"
DOMAIN = "koppel.example"


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(AMSTERDAM)


def _address(user: User, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.email)
    if role:
        address.params["role"] = vText(role)
    return address


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    # Adds a VTIMEZONE for Europe/Amsterdam so TZID references resolve in every calendar app.
    calendar.add_missing_timezones()
    content: bytes = calendar.to_ical()
    return content


def _vevent(
    *,
    uid: str,
    sequence: int,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    location: str,
    description: str,
    organiser: User,
    attendees: Iterable[User],
    cancelled: bool,
    stamp: dt.datetime,
    tentative: bool = False,
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("sequence", sequence)
    event.add("dtstart", _local(start))
    event.add("dtend", _local(end))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("organizer", _address(organiser))
    for attendee in attendees:
        event.add("attendee", _address(attendee, "REQ-PARTICIPANT"), encode=False)
    event.add("status", _status(cancelled=cancelled, tentative=tentative))
    return event


def _status(*, cancelled: bool, tentative: bool) -> str:
    """RFC 5545 STATUS: off wins, then a moment that is only asked for (not yet agreed)."""
    if cancelled:
        return "CANCELLED"
    return "TENTATIVE" if tentative else "CONFIRMED"


def booking_uid(booking: GuestLessonBooking) -> str:
    return f"guest-lesson-{booking.uid}@{DOMAIN}"


def booking_vevent(booking: GuestLessonBooking, *, stamp: dt.datetime) -> Event:
    page = page_url(PageLink("engagement-booking-detail", booking.pk))
    return _vevent(
        uid=booking_uid(booking),
        sequence=booking.sequence,
        start=booking.starts_at,
        end=booking.ends_at,
        summary=_("Gastles: %(topic)s (%(expert)s)")
        % {"topic": booking.topic, "expert": booking.expert.user.get_full_name()},
        location=booking.location,
        description=_("Klas %(group)s bij %(school)s. %(url)s")
        % {
            "group": booking.group,
            "school": booking.school.name,
            "url": f"{settings.SITE_URL}{page}",
        },
        organiser=booking.requested_by,
        attendees=[booking.expert.user],
        cancelled=booking.is_off,
        # Requested, or another moment proposed: nobody agreed yet, so the calendar shows it
        # as tentative until the other side accepts.
        tentative=booking.status in OPEN_BOOKING_STATUSES,
        stamp=stamp,
    )


def booking_ics(booking: GuestLessonBooking, *, now: dt.datetime | None = None) -> bytes:
    """An invitation for one booking: METHOD:REQUEST, or METHOD:CANCEL once it is off."""
    calendar = _calendar("CANCEL" if booking.is_off else "REQUEST")
    calendar.add_component(booking_vevent(booking, stamp=now or timezone.now()))
    return _finish(calendar)


def meeting_vevent(meeting: Meeting, *, stamp: dt.datetime) -> Event:
    participants = [p.user for p in meeting.participants.all()]
    return _vevent(
        uid=f"meeting-{meeting.uid}@{DOMAIN}",
        sequence=meeting.sequence,
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        location=meeting.location,
        description=meeting.agenda,
        organiser=meeting.organiser,
        attendees=participants,
        cancelled=meeting.cancelled_at is not None,
        stamp=stamp,
    )


def meeting_ics(meeting: Meeting, *, now: dt.datetime | None = None) -> bytes:
    calendar = _calendar("CANCEL" if meeting.cancelled_at else "REQUEST")
    calendar.add_component(meeting_vevent(meeting, stamp=now or timezone.now()))
    return _finish(calendar)


def event_booking_vevent(booking: EventBooking, *, stamp: dt.datetime) -> Event:
    event = booking.slot.event
    return _vevent(
        uid=f"event-booking-{event.uid}-{booking.pk}@{DOMAIN}",
        sequence=1 if booking.cancelled_at else 0,
        start=booking.slot.starts_at,
        end=booking.slot.ends_at,
        summary=_("%(event)s: gesprek met %(company)s")
        % {"event": event.title, "company": booking.table.company.name},
        location=event.location,
        description=booking.table.topic,
        organiser=event.organiser,
        attendees=[booking.student, booking.table.host],
        cancelled=booking.cancelled_at is not None,
        stamp=stamp,
    )


def event_booking_ics(booking: EventBooking, *, now: dt.datetime | None = None) -> bytes:
    calendar = _calendar("CANCEL" if booking.cancelled_at else "REQUEST")
    calendar.add_component(event_booking_vevent(booking, stamp=now or timezone.now()))
    return _finish(calendar)


def feed_ics(
    *,
    name: str,
    bookings: Iterable[GuestLessonBooking],
    meetings: Iterable[Meeting],
    event_bookings: Iterable[EventBooking],
    now: dt.datetime,
) -> bytes:
    """The subscription feed: no METHOD (it is a published calendar, not an invitation)."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for booking in bookings:
        calendar.add_component(booking_vevent(booking, stamp=now))
    for meeting in meetings:
        calendar.add_component(meeting_vevent(meeting, stamp=now))
    for conversation in event_bookings:
        calendar.add_component(event_booking_vevent(conversation, stamp=now))
    return _finish(calendar)
