"""Dashboard items for the engagement area: booking requests waiting for my answer, my upcoming
lessons, meetings and event conversations, feedback to give, events whose attendance is not
recorded, and (coordinators) partners who have gone quiet. Built on the engagement selectors."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.engagement.selectors.access import may_see_partner_attention
from backend.engagement.selectors.bookings import (
    bookings_awaiting,
    guest_lessons_awaiting_feedback,
    guest_lessons_upcoming,
)
from backend.engagement.selectors.events import (
    event_bookings_upcoming_for_student,
    events_awaiting_attendance,
)
from backend.engagement.selectors.expert_certificates import (
    expert_certificates_to_verify,
    may_verify_expert_certificates,
)
from backend.engagement.selectors.meetings import meetings_upcoming_for
from backend.engagement.selectors.partners import partners_needing_attention
from backend.engagement.services.common import when
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User

AREA = "engagement"
SOON = dt.timedelta(days=14)
MEETINGS_AHEAD = dt.timedelta(days=7)


def _urgency(moment: dt.datetime, now: dt.datetime) -> int:
    return 2 if moment - now <= dt.timedelta(days=2) else 1


def _url(name: str, pk: int | None = None) -> str:
    return reverse(f"frontend:{name}", args=[] if pk is None else [pk])


def _booking_answers(user: "User", now: dt.datetime) -> list[DashboardItem]:
    items = []
    for booking in bookings_awaiting(user)[:20]:
        moment = booking.proposed_starts_at or booking.starts_at
        title = (
            _("Gastlesverzoek beantwoorden: %(topic)s")
            if booking.awaits_expert_answer
            else _("Andere datum voorgesteld: %(topic)s")
        ) % {"topic": booking.topic}
        items.append(
            DashboardItem(
                title=title,
                url=_url("engagement-booking-detail", booking.pk),
                area=AREA,
                detail=f"{booking.school.name} · {when(moment)}",
                due=moment.date(),
                urgency=_urgency(moment, now),
            )
        )
    return items


def _upcoming_lessons(user: "User", now: dt.datetime) -> list[DashboardItem]:
    return [
        DashboardItem(
            title=_("Gastles: %(topic)s") % {"topic": booking.topic},
            url=_url("engagement-booking-detail", booking.pk),
            area=AREA,
            detail=f"{booking.school.name} · {when(booking.starts_at)}",
            due=booking.starts_at.date(),
        )
        for booking in guest_lessons_upcoming(user, now=now, within=SOON)[:10]
    ]


def _feedback_to_give(user: "User", now: dt.datetime) -> list[DashboardItem]:
    return [
        DashboardItem(
            title=_("Geef feedback op de gastles %(topic)s") % {"topic": booking.topic},
            url=_url("engagement-booking-detail", booking.pk),
            area=AREA,
            urgency=1,
        )
        for booking in guest_lessons_awaiting_feedback(user, now=now)
    ]


def _meetings(user: "User", now: dt.datetime) -> list[DashboardItem]:
    return [
        DashboardItem(
            title=meeting.title,
            url=_url("engagement-meeting-detail", meeting.pk),
            area=AREA,
            detail=when(meeting.starts_at),
            due=meeting.starts_at.date(),
            urgency=_urgency(meeting.starts_at, now),
        )
        for meeting in meetings_upcoming_for(user, now=now, within=MEETINGS_AHEAD)
    ]


def _event_conversations(user: "User", now: dt.datetime) -> list[DashboardItem]:
    return [
        DashboardItem(
            title=_("Gesprek met %(company)s") % {"company": booking.table.company.name},
            url=_url("engagement-event-detail", booking.slot.event_id),
            area=AREA,
            detail=f"{booking.slot.event.title} · {when(booking.slot.starts_at)}",
            due=booking.slot.starts_at.date(),
            urgency=_urgency(booking.slot.starts_at, now),
        )
        for booking in event_bookings_upcoming_for_student(user, now=now, within=SOON)
    ]


def _organiser_items(user: "User", now: dt.datetime) -> list[DashboardItem]:
    """Events whose attendance still needs recording, and partners who have gone quiet."""
    items = [
        DashboardItem(
            title=_("Aanwezigheid registreren: %(title)s") % {"title": event.title},
            url=_url("engagement-event-attendance", event.pk),
            area=AREA,
            urgency=1,
        )
        for event in events_awaiting_attendance(user, now=now, within=SOON)
    ]
    quiet = partners_needing_attention(user, now=now)
    if quiet:
        items.append(
            DashboardItem(
                title=ngettext(
                    "%(n)d partner hoorde al weken niets",
                    "%(n)d partners hoorden al weken niets",
                    len(quiet),
                )
                % {"n": len(quiet)},
                url=_url("engagement-attention"),
                area=AREA,
                detail=", ".join(row.company.name for row in quiet[:5]),
                urgency=1,
            )
        )
    return items


def _certificates_to_check(user: "User") -> list[DashboardItem]:
    """Coordinators: experts' VOGs (and other certificates) a company registered for checking."""
    waiting = expert_certificates_to_verify(user)
    count = waiting.count()
    if not count:
        return []
    return [
        DashboardItem(
            title=ngettext(
                "%(n)d certificaat van een expert wacht op controle",
                "%(n)d certificaten van experts wachten op controle",
                count,
            )
            % {"n": count},
            url=_url("engagement-certificates-to-verify"),
            area=AREA,
            detail=", ".join(c.holder.get_full_name() for c in waiting[:5]),
            urgency=1,
        )
    ]


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    if not user.is_authenticated:
        return []
    items = [
        *_booking_answers(user, now),
        *_upcoming_lessons(user, now),
        *_feedback_to_give(user, now),
        *_meetings(user, now),
        *_event_conversations(user, now),
    ]
    if may_see_partner_attention(user):
        items += _organiser_items(user, now)
    if may_verify_expert_certificates(user):
        items += _certificates_to_check(user)
    return items
