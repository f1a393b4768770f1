from django.db.models import Q, QuerySet

from backend.engagement.models import BookingStatus, CalendarFeed, GuestLessonBooking
from backend.engagement.selectors.access import managed_company_ids, teaching_school_ids


def bookings_visible_to(user) -> QuerySet[GuestLessonBooking]:
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


def booking_side(user, booking: GuestLessonBooking) -> str:
    """'expert' when the user answers for the expert, 'school' when for the school, else ''."""
    if booking.expert.user_id == user.pk or booking.expert.organisation_id in managed_company_ids(
        user
    ):
        return "expert"
    if booking.requested_by_id == user.pk or booking.school_id in teaching_school_ids(user):
        return "school"
    return ""


def bookings_awaiting(user) -> QuerySet[GuestLessonBooking]:
    """Bookings waiting for this person's answer."""
    return bookings_visible_to(user).filter(
        Q(status=BookingStatus.REQUESTED)
        & (
            Q(expert__user_id=user.pk)
            | Q(expert__organisation_id__in=managed_company_ids(user) or [])
        )
        | Q(status=BookingStatus.PROPOSED, requested_by_id=user.pk)
    )


def calendar_feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
