"""Guest lesson bookings: one service per transition, each checking who may do it and when.

requested → accepted | declined | proposed;  proposed → accepted | declined;
requested | proposed | accepted → cancelled. This module: the request and the shared steps;
the answers are in booking_answers.py, feedback afterwards in feedback.py."""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.core.links import PageLink
from backend.curriculum.models import Kerntaak
from backend.engagement.models import (
    BookingStatus,
    BookingTransition,
    ExpertFormat,
    ExpertProfile,
    GuestLessonBooking,
    NotificationCategory,
)
from backend.engagement.selectors.access import booking_side, may_request_guest_lesson_at
from backend.engagement.selectors.experts import experts_visible_to, guest_teacher_problems_at
from backend.engagement.services.common import when
from backend.notifications.services import message_for, notify_many
from backend.organisations.models import Organisation

STATUS_LABELS = dict(BookingStatus.choices)


def lock_booking(booking: GuestLessonBooking) -> GuestLessonBooking:
    return (
        GuestLessonBooking.objects.select_for_update(of=("self",))
        .select_related("expert__user", "expert__organisation", "school", "requested_by")
        .get(pk=booking.pk)
    )


def move_booking(
    booking: GuestLessonBooking,
    *,
    to: str,
    actor: User,
    now: dt.datetime,
    note: str = "",
    allowed: tuple[str, ...],
) -> None:
    if booking.status not in allowed:
        raise Conflict(
            _("Deze gastles is %(status)s; dat kan nu niet meer.")
            % {"status": STATUS_LABELS[booking.status]}
        )
    BookingTransition.objects.create(
        booking=booking, from_status=booking.status, to_status=to, actor=actor, at=now, note=note
    )
    booking.status = to
    booking.status_changed_at = now


def is_expert_side(actor: User, booking: GuestLessonBooking) -> bool:
    return booking_side(actor, booking) == "expert"


def is_school_side(actor: User, booking: GuestLessonBooking) -> bool:
    return booking_side(actor, booking) == "school"


def require_expert_side(actor: User, booking: GuestLessonBooking) -> None:
    if not is_expert_side(actor, booking):
        raise PermissionDenied(_("Alleen de expert of het bedrijf beantwoordt dit verzoek."))


def require_school_side(actor: User, booking: GuestLessonBooking) -> None:
    if not is_school_side(actor, booking):
        raise PermissionDenied(_("Alleen de aanvragende school beantwoordt dit voorstel."))


def check_policies(*, expert: ExpertProfile, school: Organisation, starts_at: dt.datetime) -> None:
    problems = guest_teacher_problems_at(
        person=expert.user, school=school, on=timezone.localtime(starts_at).date()
    )
    if problems:
        raise field_error("expert", problems[0])


def notify_side(
    booking: GuestLessonBooking,
    *,
    to_expert: bool,
    title: Callable[[], str],
    body: Callable[[], str],
    key: str,
    now: dt.datetime,
) -> None:
    """Tell the other side, in their language, with a link to the booking page."""
    recipient = booking.expert.user if to_expert else booking.requested_by
    message = message_for(
        recipient,
        category=NotificationCategory.BOOKING,
        title=title,
        body=body,
        link=PageLink("engagement-booking-detail", booking.pk),
        dedupe_key=f"booking:{booking.pk}:{key}",
    )
    notify_many(messages=[message], now=now)


def _check_request(
    *,
    actor: User,
    expert: ExpertProfile,
    school: Organisation,
    starts_at: dt.datetime,
    duration_minutes: int,
    lesson_format: str,
    now: dt.datetime,
) -> None:
    """Refuse a request for another school, an expert out of sight, a moment in the past, a
    length out of range, a form the expert does not offer, or an unmet certificate policy."""
    if not may_request_guest_lesson_at(actor, school.pk):
        raise PermissionDenied(_("Je kunt alleen gastlessen aanvragen voor je eigen school."))
    if not experts_visible_to(actor).filter(pk=expert.pk, is_active=True).exists():
        raise field_error("expert", _("Deze expert is niet (meer) zichtbaar voor jouw school."))
    if starts_at <= now:
        raise field_error("starts_at", _("Kies een moment in de toekomst."))
    if not 15 <= duration_minutes <= 480:
        raise field_error("duration_minutes", _("Een gastles duurt 15 minuten tot 8 uur."))
    if lesson_format not in expert.format_list and expert.format_list:
        raise field_error(
            "format",
            _("%(name)s biedt deze vorm niet aan.") % {"name": expert.user.get_full_name()},
        )
    check_policies(expert=expert, school=school, starts_at=starts_at)


def _tell_expert_of_request(booking: GuestLessonBooking, *, actor: User, now: dt.datetime) -> None:
    notify_side(
        booking,
        to_expert=True,
        title=lambda: (
            _("Gastlesverzoek van %(school)s: %(topic)s")
            % {"school": booking.school.name, "topic": booking.topic}
        ),
        body=lambda: (
            _(
                "%(teacher)s vraagt je voor een gastles op %(when)s voor klas %(group)s. "
                "Accepteer, stel een andere datum voor of wijs af."
            )
            % {
                "teacher": actor.get_full_name(),
                "when": when(booking.starts_at),
                "group": booking.group,
            }
        ),
        key="requested",
        now=now,
    )


@transaction.atomic
def booking_request(
    *,
    actor: User,
    expert: ExpertProfile,
    school: Organisation,
    starts_at: dt.datetime,
    duration_minutes: int,
    group: str,
    topic: str,
    location: str,
    kerntaak: Kerntaak | None = None,
    lesson_format: str = ExpertFormat.GUEST_LESSON,
    message: str = "",
    now: dt.datetime,
) -> GuestLessonBooking:
    """A teacher asks an expert for a guest lesson at their school. Refused when the school's
    certificate policy (e.g. a VOG) is not met on the day, with what to do about it."""
    _check_request(
        actor=actor,
        expert=expert,
        school=school,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        lesson_format=lesson_format,
        now=now,
    )
    booking = GuestLessonBooking.objects.create(
        expert=expert,
        school=school,
        requested_by=actor,
        format=lesson_format,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        group=group,
        topic=topic,
        kerntaak=kerntaak,
        location=location,
        message=message,
        status_changed_at=now,
    )
    BookingTransition.objects.create(
        booking=booking, from_status="", to_status=BookingStatus.REQUESTED, actor=actor, at=now
    )
    _tell_expert_of_request(booking, actor=actor, now=now)
    return booking
