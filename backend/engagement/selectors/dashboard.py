import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from frontend.dashboard.items import DashboardItem
from backend.engagement.models import (
    BookingFeedback,
    BookingStatus,
    Event,
    EventAttendance,
    EventBooking,
    MeetingParticipant,
)
from backend.engagement.selectors.access import organiser_school_ids
from backend.engagement.selectors.bookings import bookings_awaiting, bookings_visible_to
from backend.engagement.selectors.partners import partners_needing_attention
from backend.engagement.services.common import page_url, when

SOON = dt.timedelta(days=14)


def _urgency(moment, now) -> int:
    return 2 if moment - now <= dt.timedelta(days=2) else 1


def dashboard_items_for(user, *, now) -> list[DashboardItem]:
    """Booking requests waiting for me, my upcoming lessons, meetings and event slots, feedback
    to give, events whose attendance is not recorded, and (coordinators) quiet partners."""
    if not user.is_authenticated:
        return []
    items: list[DashboardItem] = []
    for booking in bookings_awaiting(user)[:20]:
        moment = booking.proposed_starts_at or booking.starts_at
        title = (
            _("Gastlesverzoek beantwoorden: %(topic)s")
            if booking.status == BookingStatus.REQUESTED
            else _("Andere datum voorgesteld: %(topic)s")
        ) % {"topic": booking.topic}
        items.append(
            DashboardItem(
                title=title,
                url=page_url("engagement-booking-detail", pk=booking.pk),
                area="engagement",
                detail=f"{booking.school.name} · {when(moment)}",
                due=moment.date(),
                urgency=_urgency(moment, now),
            )
        )
    mine = bookings_visible_to(user).filter(Q(requested_by=user) | Q(expert__user=user))
    for booking in mine.filter(
        status=BookingStatus.ACCEPTED, starts_at__gte=now, starts_at__lt=now + SOON
    )[:10]:
        items.append(
            DashboardItem(
                title=_("Gastles: %(topic)s") % {"topic": booking.topic},
                url=page_url("engagement-booking-detail", pk=booking.pk),
                area="engagement",
                detail=f"{booking.school.name} · {when(booking.starts_at)}",
                due=booking.starts_at.date(),
            )
        )
    given = BookingFeedback.objects.filter(booking=OuterRef("pk"), author=user)
    for booking in mine.filter(
        status=BookingStatus.ACCEPTED, starts_at__lt=now, starts_at__gte=now - dt.timedelta(days=30)
    ).filter(~Exists(given))[:10]:
        if booking.ends_at <= now:
            items.append(
                DashboardItem(
                    title=_("Geef feedback op de gastles %(topic)s") % {"topic": booking.topic},
                    url=page_url("engagement-booking-detail", pk=booking.pk),
                    area="engagement",
                    urgency=1,
                )
            )
    for participant in MeetingParticipant.objects.filter(
        user=user,
        signed_off_at__isnull=True,
        meeting__cancelled_at__isnull=True,
        meeting__starts_at__gte=now,
        meeting__starts_at__lt=now + dt.timedelta(days=7),
    ).select_related("meeting")[:10]:
        meeting = participant.meeting
        items.append(
            DashboardItem(
                title=meeting.title,
                url=page_url("engagement-meeting-detail", pk=meeting.pk),
                area="engagement",
                detail=when(meeting.starts_at),
                due=meeting.starts_at.date(),
                urgency=_urgency(meeting.starts_at, now),
            )
        )
    for booking in EventBooking.objects.filter(
        student=user,
        cancelled_at__isnull=True,
        slot__starts_at__gte=now,
        slot__starts_at__lt=now + SOON,
    ).select_related("slot__event", "table__company")[:10]:
        items.append(
            DashboardItem(
                title=_("Gesprek met %(company)s") % {"company": booking.table.company.name},
                url=page_url("engagement-event-detail", pk=booking.slot.event_id),
                area="engagement",
                detail=f"{booking.slot.event.title} · {when(booking.slot.starts_at)}",
                due=booking.slot.starts_at.date(),
                urgency=_urgency(booking.slot.starts_at, now),
            )
        )
    schools = organiser_school_ids(user)
    if schools:
        unrecorded = EventBooking.objects.filter(
            slot__event=OuterRef("pk"),
            cancelled_at__isnull=True,
            attendance=EventAttendance.UNKNOWN,
        )
        for event in Event.objects.filter(
            Q(organiser=user) | Q(school_id__in=schools),
            ends_at__lte=now,
            ends_at__gte=now - SOON,
        ).filter(Exists(unrecorded))[:5]:
            items.append(
                DashboardItem(
                    title=_("Aanwezigheid registreren: %(title)s") % {"title": event.title},
                    url=page_url("engagement-event-attendance", pk=event.pk),
                    area="engagement",
                    urgency=1,
                )
            )
        quiet = partners_needing_attention(user, now=now)
        if quiet:
            items.append(
                DashboardItem(
                    title=_("%(n)d partner(s) hoorden al weken niets") % {"n": len(quiet)},
                    url=page_url("engagement-attention"),
                    area="engagement",
                    detail=", ".join(row.company.name for row in quiet[:5]),
                    urgency=1,
                )
            )
    return items
