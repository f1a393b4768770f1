"""Guest lesson bookings: one service per transition, each checking who may do it and when.

requested → accepted | declined | proposed;  proposed → accepted | declined;
requested | proposed | accepted → cancelled. Feedback after the lesson, once per side."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.engagement import agreements_link
from backend.engagement.models import (
    BookingFeedback,
    BookingStatus,
    BookingTransition,
    CalendarFeed,
    ExpertProfile,
    GuestLessonBooking,
)
from backend.engagement.models.bookings import new_feed_token
from backend.engagement.selectors.access import managed_company_ids, teaching_school_ids
from backend.engagement.selectors.experts import experts_visible_to, guest_teacher_problems_at
from backend.engagement.services.common import Category, message_for, page_url, send, when
from backend.organisations.models import Organisation

STATUS_LABELS = dict(BookingStatus.choices)


def _lock(booking: GuestLessonBooking) -> GuestLessonBooking:
    return (
        GuestLessonBooking.objects.select_for_update(of=("self",))
        .select_related("expert__user", "expert__organisation", "school", "requested_by")
        .get(pk=booking.pk)
    )


def _move(booking, *, to: str, actor, now, note: str = "", allowed: tuple) -> None:
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


def _is_expert_side(actor, booking) -> bool:
    return (
        booking.expert.user_id == actor.pk
        or booking.expert.organisation_id in managed_company_ids(actor)
    )


def _is_school_side(actor, booking) -> bool:
    return booking.requested_by_id == actor.pk or booking.school_id in teaching_school_ids(actor)


def _require_expert(actor, booking):
    if not _is_expert_side(actor, booking):
        raise PermissionDenied(_("Alleen de expert of het bedrijf beantwoordt dit verzoek."))


def _require_school(actor, booking):
    if not _is_school_side(actor, booking):
        raise PermissionDenied(_("Alleen de aanvragende school beantwoordt dit voorstel."))


def _check_policies(*, expert: ExpertProfile, school: Organisation, starts_at) -> None:
    problems = guest_teacher_problems_at(
        person=expert.user, school=school, on=timezone.localtime(starts_at).date()
    )
    if problems:
        raise field_error("expert", problems[0])


def _notify(booking, *, to_expert: bool, title, body, key: str, now) -> None:
    recipient = booking.expert.user if to_expert else booking.requested_by
    send(
        [
            message_for(
                recipient,
                category=Category.BOOKING,
                title=title,
                body=body,
                url=page_url("engagement-booking-detail", pk=booking.pk),
                dedupe_key=f"booking:{booking.pk}:{key}",
            )
        ],
        now=now,
    )


@transaction.atomic
def booking_request(
    *,
    actor,
    expert: ExpertProfile,
    school: Organisation,
    starts_at: dt.datetime,
    duration_minutes: int,
    group: str,
    topic: str,
    location: str,
    kerntaak=None,
    format: str = "guest_lesson",
    message: str = "",
    now: dt.datetime,
) -> GuestLessonBooking:
    """A teacher asks an expert for a guest lesson at their school. Refused when the school's
    certificate policy (e.g. a VOG) is not met on the day, with what to do about it."""
    if school.pk not in teaching_school_ids(actor):
        raise PermissionDenied(
            _("Je kunt alleen gastlessen aanvragen voor je eigen school.")
        )
    if not experts_visible_to(actor).filter(pk=expert.pk, is_active=True).exists():
        raise field_error("expert", _("Deze expert is niet (meer) zichtbaar voor jouw school."))
    if starts_at <= now:
        raise field_error("starts_at", _("Kies een moment in de toekomst."))
    if not 15 <= duration_minutes <= 480:
        raise field_error("duration_minutes", _("Een gastles duurt 15 minuten tot 8 uur."))
    if format not in expert.format_list and expert.format_list:
        raise field_error(
            "format",
            _("%(name)s biedt deze vorm niet aan.") % {"name": expert.user.get_full_name()},
        )
    _check_policies(expert=expert, school=school, starts_at=starts_at)
    booking = GuestLessonBooking.objects.create(
        expert=expert,
        school=school,
        requested_by=actor,
        format=format,
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
    _notify(
        booking,
        to_expert=True,
        title=lambda: _("Gastlesverzoek van %(school)s: %(topic)s")
        % {"school": school.name, "topic": topic},
        body=lambda: _("%(teacher)s vraagt je voor een gastles op %(when)s voor klas %(group)s. "
                       "Accepteer, stel een andere datum voor of wijs af.")
        % {"teacher": actor.get_full_name(), "when": when(starts_at), "group": group},
        key="requested",
        now=now,
    )
    return booking


@transaction.atomic
def booking_accept(*, actor, booking: GuestLessonBooking, note: str = "", now) -> GuestLessonBooking:
    booking = _lock(booking)
    _require_expert(actor, booking)
    _move(booking, to=BookingStatus.ACCEPTED, actor=actor, now=now, note=note,
          allowed=(BookingStatus.REQUESTED,))
    _confirm(booking, actor=actor, note=note, now=now)
    _notify(
        booking,
        to_expert=False,
        title=lambda: _("Gastles bevestigd: %(topic)s op %(when)s")
        % {"topic": booking.topic, "when": when(booking.starts_at)},
        body=lambda: _("%(expert)s komt. Zet de les in je agenda met de agenda-uitnodiging.")
        % {"expert": booking.expert.user.get_full_name()},
        key=f"accepted:{booking.sequence}",
        now=now,
    )
    return booking


def _confirm(booking, *, actor, note: str, now) -> None:
    booking.answer_note = note
    booking.agreement_id = agreements_link.agreement_for_booking(booking=booking, actor=actor, now=now)
    booking.save()


@transaction.atomic
def booking_propose(
    *, actor, booking: GuestLessonBooking, starts_at: dt.datetime, note: str = "", now
) -> GuestLessonBooking:
    """The expert proposes another moment; the teacher then accepts or declines it."""
    booking = _lock(booking)
    _require_expert(actor, booking)
    if starts_at <= now:
        raise field_error("starts_at", _("Kies een moment in de toekomst."))
    if starts_at == booking.starts_at:
        raise field_error("starts_at", _("Dit is dezelfde datum als gevraagd; accepteer dan."))
    _check_policies(expert=booking.expert, school=booking.school, starts_at=starts_at)
    _move(booking, to=BookingStatus.PROPOSED, actor=actor, now=now, note=note,
          allowed=(BookingStatus.REQUESTED,))
    booking.proposed_starts_at = starts_at
    booking.answer_note = note
    booking.save()
    _notify(
        booking,
        to_expert=False,
        title=lambda: _("Andere datum voorgesteld voor %(topic)s") % {"topic": booking.topic},
        body=lambda: _("%(expert)s stelt %(when)s voor in plaats van %(was)s. %(note)s")
        % {
            "expert": booking.expert.user.get_full_name(),
            "when": when(starts_at),
            "was": when(booking.starts_at),
            "note": note,
        },
        key=f"proposed:{booking.transitions.count()}",
        now=now,
    )
    return booking


@transaction.atomic
def booking_decline(*, actor, booking: GuestLessonBooking, note: str = "", now) -> GuestLessonBooking:
    booking = _lock(booking)
    _require_expert(actor, booking)
    if not note.strip():
        raise field_error("note", _("Laat de docent weten waarom je afwijst."))
    _move(booking, to=BookingStatus.DECLINED, actor=actor, now=now, note=note,
          allowed=(BookingStatus.REQUESTED,))
    booking.answer_note = note
    booking.save()
    _notify(
        booking,
        to_expert=False,
        title=lambda: _("Gastles afgewezen: %(topic)s") % {"topic": booking.topic},
        body=lambda: _("%(expert)s kan niet: %(note)s Zoek een andere expert in Koppel.")
        % {"expert": booking.expert.user.get_full_name(), "note": note},
        key="declined",
        now=now,
    )
    return booking


@transaction.atomic
def booking_proposal_accept(*, actor, booking: GuestLessonBooking, now) -> GuestLessonBooking:
    """The teacher takes the expert's proposed moment; the invitation is updated (SEQUENCE+1)."""
    booking = _lock(booking)
    _require_school(actor, booking)
    _move(booking, to=BookingStatus.ACCEPTED, actor=actor, now=now,
          allowed=(BookingStatus.PROPOSED,))
    booking.starts_at = booking.proposed_starts_at
    booking.proposed_starts_at = None
    booking.sequence += 1
    _confirm(booking, actor=actor, note=booking.answer_note, now=now)
    _notify(
        booking,
        to_expert=True,
        title=lambda: _("Gastles bevestigd: %(topic)s op %(when)s")
        % {"topic": booking.topic, "when": when(booking.starts_at)},
        body=lambda: _("%(school)s neemt je voorgestelde datum aan.")
        % {"school": booking.school.name},
        key=f"accepted:{booking.sequence}",
        now=now,
    )
    return booking


@transaction.atomic
def booking_proposal_decline(
    *, actor, booking: GuestLessonBooking, note: str = "", now
) -> GuestLessonBooking:
    booking = _lock(booking)
    _require_school(actor, booking)
    _move(booking, to=BookingStatus.DECLINED, actor=actor, now=now, note=note,
          allowed=(BookingStatus.PROPOSED,))
    booking.save()
    _notify(
        booking,
        to_expert=True,
        title=lambda: _("Voorstel niet aangenomen: %(topic)s") % {"topic": booking.topic},
        body=lambda: _("%(school)s kan niet op %(when)s. %(note)s")
        % {"school": booking.school.name, "when": when(booking.proposed_starts_at), "note": note},
        key="proposal-declined",
        now=now,
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: GuestLessonBooking, note: str, now) -> GuestLessonBooking:
    """Either side cancels before the lesson; the other side gets a METHOD:CANCEL invitation."""
    booking = _lock(booking)
    expert_side = _is_expert_side(actor, booking)
    if not expert_side and not _is_school_side(actor, booking):
        raise PermissionDenied(_("Je bent geen partij bij deze gastles."))
    if not note.strip():
        raise field_error("note", _("Geef een reden, zodat de ander weet waarom."))
    if booking.starts_at <= now:
        raise Conflict(_("De gastles is al begonnen of voorbij; annuleren kan niet meer."))
    _move(booking, to=BookingStatus.CANCELLED, actor=actor, now=now, note=note,
          allowed=(BookingStatus.REQUESTED, BookingStatus.PROPOSED, BookingStatus.ACCEPTED))
    booking.sequence += 1
    booking.save()
    _notify(
        booking,
        to_expert=not expert_side,
        title=lambda: _("Gastles geannuleerd: %(topic)s op %(when)s")
        % {"topic": booking.topic, "when": when(booking.starts_at)},
        body=lambda: _("%(who)s annuleerde: %(note)s") % {"who": actor.get_full_name(), "note": note},
        key="cancelled",
        now=now,
    )
    return booking


@transaction.atomic
def booking_feedback_give(
    *, actor, booking: GuestLessonBooking, rating: int, text: str = "", now
) -> BookingFeedback:
    """After the lesson each side gives a rating 1-5 and a short text, once."""
    if not (_is_expert_side(actor, booking) or _is_school_side(actor, booking)):
        raise PermissionDenied(_("Je bent geen partij bij deze gastles."))
    if booking.status != BookingStatus.ACCEPTED or booking.ends_at > now:
        raise Conflict(_("Feedback kan pas na een gastles die is doorgegaan."))
    if not 1 <= rating <= 5:
        raise field_error("rating", _("Geef een waardering van 1 tot en met 5."))
    try:
        with transaction.atomic():
            return BookingFeedback.objects.create(
                booking=booking, author=actor, rating=rating, text=text
            )
    except IntegrityError:
        raise Conflict(_("Je gaf al feedback op deze gastles.")) from None


def calendar_feed_regenerate(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "updated_at"])
    return feed


BOOKING_STATUS_HELP = {
    BookingStatus.REQUESTED: gettext_lazy("wacht op antwoord van de expert"),
    BookingStatus.PROPOSED: gettext_lazy("wacht op de docent: andere datum voorgesteld"),
}
