"""Reads of guest lesson bookings: who sees which, and what waits for whom."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.models import StudentEnrolment, User
from backend.curriculum.models import Kerntaak
from backend.engagement.models import (
    BookingFeedback,
    BookingStatus,
    BookingTransition,
    CalendarFeed,
    GuestLessonBooking,
)
from backend.engagement.selectors.access import managed_company_ids, teaching_school_ids
from backend.organisations.models import Organisation

# Feedback is asked for lessons of the last month; older ones are left alone.
FEEDBACK_WINDOW = dt.timedelta(days=30)


def bookings_visible_to(user: User) -> QuerySet[GuestLessonBooking]:
    """Teachers see their school's bookings; experts and their company contacts see theirs."""
    if user.is_staff:
        qs = GuestLessonBooking.objects.all()
    else:
        condition = Q(requested_by_id=user.pk) | Q(expert__user_id=user.pk)
        schools = teaching_school_ids(user)
        if schools:
            condition |= Q(school_id__in=schools)
        companies = managed_company_ids(user)
        if companies:
            condition |= Q(expert__organisation_id__in=companies)
        qs = GuestLessonBooking.objects.filter(condition)
    return qs.select_related(
        "expert__user", "expert__organisation", "school", "requested_by", "kerntaak"
    ).order_by("starts_at", "pk")


def bookings_awaiting(user: User) -> QuerySet[GuestLessonBooking]:
    """Bookings waiting for this person's answer."""
    return bookings_visible_to(user).filter(
        Q(status=BookingStatus.REQUESTED)
        & (
            Q(expert__user_id=user.pk)
            | Q(expert__organisation_id__in=managed_company_ids(user) or [])
        )
        | Q(status=BookingStatus.PROPOSED, requested_by_id=user.pk)
    )


def _own_bookings(user: User) -> QuerySet[GuestLessonBooking]:
    """The lessons this person requested or teaches."""
    return bookings_visible_to(user).filter(Q(requested_by=user) | Q(expert__user=user))


def guest_lessons_upcoming(
    user: User, *, now: dt.datetime, within: dt.timedelta
) -> QuerySet[GuestLessonBooking]:
    """My confirmed lessons (as teacher or expert) starting before `now + within`."""
    return _own_bookings(user).filter(
        status=BookingStatus.ACCEPTED, starts_at__gte=now, starts_at__lt=now + within
    )


def guest_lessons_awaiting_feedback(
    user: User, *, now: dt.datetime, limit: int = 10
) -> list[GuestLessonBooking]:
    """My confirmed lessons of the last month that are over and that I gave no feedback on
    (of the `limit` most recent that began)."""
    given = BookingFeedback.objects.filter(booking=OuterRef("pk"), author=user)
    begun = _own_bookings(user).filter(
        status=BookingStatus.ACCEPTED, starts_at__lt=now, starts_at__gte=now - FEEDBACK_WINDOW
    )
    return [booking for booking in begun.filter(~Exists(given))[:limit] if booking.ends_at <= now]


def booking_transitions(booking: GuestLessonBooking) -> QuerySet[BookingTransition]:
    return booking.transitions.select_related("actor")


def booking_feedback(booking: GuestLessonBooking) -> QuerySet[BookingFeedback]:
    return booking.feedback.select_related("author")


def guest_lesson_schools_for(user: User) -> QuerySet[Organisation]:
    """The schools a teacher may request a guest lesson for, by name."""
    return Organisation.objects.filter(pk__in=teaching_school_ids(user)).order_by("name")


def kerntaak_choices(school_ids: Iterable[int] | None = None) -> QuerySet[Kerntaak]:
    """The kerntaken a guest lesson may cover, by dossier and code.

    With `school_ids`: only the dossiers those schools teach (the programmes their students are
    enrolled in), so a teacher does not pick from every dossier in the country; every dossier
    when the schools have no enrolments yet."""
    qs = Kerntaak.objects.select_related("dossier").order_by(
        "dossier__title", "dossier__crebo", "code"
    )
    if school_ids is None:
        return qs
    dossiers = StudentEnrolment.objects.filter(school_id__in=list(school_ids)).values(
        "kwalificatie__dossier_id"
    )
    taught = qs.filter(dossier_id__in=dossiers)
    return taught if taught.exists() else qs


def calendar_feed_for(user: User) -> CalendarFeed:
    """The person's calendar subscription; made on first use, so every person has one."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
