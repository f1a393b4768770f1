import datetime as dt

from django.db.models import Prefetch, Q

from backend.accounts.models import User
from backend.engagement import ical
from backend.engagement.models import (
    BookingStatus,
    EventBooking,
    GuestLessonBooking,
    Meeting,
    MeetingParticipant,
)

HISTORY = dt.timedelta(days=90)


def feed_for_user(user: User, *, now: dt.datetime) -> bytes:
    """The personal calendar: guest lessons (confirmed, and cancelled ones so calendars drop
    them), meetings, and event conversations — as student or as host at a company table —
    from 90 days back. Four queries."""
    since = now - HISTORY
    bookings = (
        GuestLessonBooking.objects.filter(Q(requested_by=user) | Q(expert__user=user))
        .filter(status__in=[BookingStatus.ACCEPTED, BookingStatus.CANCELLED], starts_at__gte=since)
        .select_related("expert__user", "school", "requested_by")
        .order_by("starts_at")
    )
    meetings = (
        Meeting.objects.filter(participants__user=user, starts_at__gte=since)
        .select_related("organiser")
        .prefetch_related(
            Prefetch("participants", MeetingParticipant.objects.select_related("user"))
        )
        .order_by("starts_at")
    )
    event_bookings = (
        EventBooking.objects.filter(
            Q(student=user) | Q(table__host=user), slot__starts_at__gte=since
        )
        .select_related("slot__event__organiser", "table__company", "table__host", "student")
        .order_by("slot__starts_at")
    )
    return ical.feed_ics(
        name=f"Koppel — {user.get_full_name() or user.email}",
        bookings=bookings,
        meetings=meetings,
        event_bookings=event_bookings,
        now=now,
    )
