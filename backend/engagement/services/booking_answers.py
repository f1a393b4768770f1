"""The answers to a guest lesson request, one service per transition (see bookings.py)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.engagement import agreements_link
from backend.engagement.models import BookingStatus, GuestLessonBooking
from backend.engagement.models.bookings import CANCELLABLE_BOOKING_STATUSES
from backend.engagement.selectors.access import booking_side
from backend.engagement.services.bookings import (
    check_policies,
    lock_booking,
    move_booking,
    notify_side,
    require_expert_side,
    require_school_side,
)
from backend.engagement.services.common import when


@transaction.atomic
def booking_accept(
    *, actor: User, booking: GuestLessonBooking, note: str = "", now: dt.datetime
) -> GuestLessonBooking:
    booking = lock_booking(booking)
    require_expert_side(actor, booking)
    _answer_request(booking, to=BookingStatus.ACCEPTED, actor=actor, note=note, now=now)
    _confirm(booking, actor=actor, note=note, now=now)
    notify_side(
        booking,
        to_expert=False,
        title=lambda: _confirmed_title(booking),
        body=lambda: (
            _("%(expert)s komt. Zet de les in je agenda met de agenda-uitnodiging.")
            % {"expert": booking.expert.user.get_full_name()}
        ),
        key=f"accepted:{booking.sequence}",
        now=now,
    )
    return booking


def _answer_request(
    booking: GuestLessonBooking, *, to: str, actor: User, note: str, now: dt.datetime
) -> None:
    """The expert's answer; only a request still waiting for one can get it.

    The note is kept on the booking because the teacher reads it on the booking page.
    """
    move_booking(
        booking, to=to, actor=actor, now=now, note=note, allowed=(BookingStatus.REQUESTED,)
    )
    booking.answer_note = note


def _confirmed_title(booking: GuestLessonBooking) -> str:
    # Called inside the recipient's language (notify_side), so it is built lazily per person.
    return _("Gastles bevestigd: %(topic)s op %(when)s") % {
        "topic": booking.topic,
        "when": when(booking.starts_at),
    }


def _confirm(booking: GuestLessonBooking, *, actor: User, note: str, now: dt.datetime) -> None:
    booking.answer_note = note
    booking.agreement_id = agreements_link.agreement_for_booking(
        booking=booking, actor=actor, now=now
    )
    booking.save()


@transaction.atomic
def booking_propose(
    *,
    actor: User,
    booking: GuestLessonBooking,
    starts_at: dt.datetime,
    note: str = "",
    now: dt.datetime,
) -> GuestLessonBooking:
    """The expert proposes another moment; the teacher then accepts or declines it."""
    booking = lock_booking(booking)
    require_expert_side(actor, booking)
    if starts_at <= now:
        raise field_error("starts_at", _("Kies een moment in de toekomst."))
    if starts_at == booking.starts_at:
        raise field_error("starts_at", _("Dit is dezelfde datum als gevraagd; accepteer dan."))
    check_policies(expert=booking.expert, school=booking.school, starts_at=starts_at)
    _answer_request(booking, to=BookingStatus.PROPOSED, actor=actor, note=note, now=now)
    booking.proposed_starts_at = starts_at
    booking.save()
    notify_side(
        booking,
        to_expert=False,
        title=lambda: _("Andere datum voorgesteld voor %(topic)s") % {"topic": booking.topic},
        body=lambda: (
            _("%(expert)s stelt %(when)s voor in plaats van %(was)s. %(note)s")
            % {
                "expert": booking.expert.user.get_full_name(),
                "when": when(starts_at),
                "was": when(booking.starts_at),
                "note": note,
            }
        ),
        key=f"proposed:{booking.transitions.count()}",
        now=now,
    )
    return booking


@transaction.atomic
def booking_decline(
    *, actor: User, booking: GuestLessonBooking, note: str = "", now: dt.datetime
) -> GuestLessonBooking:
    booking = lock_booking(booking)
    require_expert_side(actor, booking)
    if not note.strip():
        raise field_error("note", _("Laat de docent weten waarom je afwijst."))
    _answer_request(booking, to=BookingStatus.DECLINED, actor=actor, note=note, now=now)
    booking.save()
    notify_side(
        booking,
        to_expert=False,
        title=lambda: _("Gastles afgewezen: %(topic)s") % {"topic": booking.topic},
        body=lambda: (
            _("%(expert)s kan niet: %(note)s Zoek een andere expert in Koppel.")
            % {"expert": booking.expert.user.get_full_name(), "note": note}
        ),
        key="declined",
        now=now,
    )
    return booking


def _proposed_moment(booking: GuestLessonBooking) -> dt.datetime:
    # Only a proposed booking gets here, and the database holds that a proposal has its date
    # (constraint booking_proposal_has_date).
    assert booking.proposed_starts_at is not None
    return booking.proposed_starts_at


@transaction.atomic
def booking_proposal_accept(
    *, actor: User, booking: GuestLessonBooking, now: dt.datetime
) -> GuestLessonBooking:
    """The teacher takes the expert's proposed moment; the invitation is updated (SEQUENCE+1)."""
    booking = lock_booking(booking)
    require_school_side(actor, booking)
    move_booking(
        booking, to=BookingStatus.ACCEPTED, actor=actor, now=now, allowed=(BookingStatus.PROPOSED,)
    )
    booking.starts_at = _proposed_moment(booking)
    booking.proposed_starts_at = None
    booking.sequence += 1
    _confirm(booking, actor=actor, note=booking.answer_note, now=now)
    notify_side(
        booking,
        to_expert=True,
        title=lambda: _confirmed_title(booking),
        body=lambda: (
            _("%(school)s neemt je voorgestelde datum aan.") % {"school": booking.school.name}
        ),
        key=f"accepted:{booking.sequence}",
        now=now,
    )
    return booking


@transaction.atomic
def booking_proposal_decline(
    *, actor: User, booking: GuestLessonBooking, note: str = "", now: dt.datetime
) -> GuestLessonBooking:
    booking = lock_booking(booking)
    require_school_side(actor, booking)
    move_booking(
        booking,
        to=BookingStatus.DECLINED,
        actor=actor,
        now=now,
        note=note,
        allowed=(BookingStatus.PROPOSED,),
    )
    proposed = _proposed_moment(booking)
    booking.save()
    notify_side(
        booking,
        to_expert=True,
        title=lambda: _("Voorstel niet aangenomen: %(topic)s") % {"topic": booking.topic},
        body=lambda: (
            _("%(school)s kan niet op %(when)s. %(note)s")
            % {
                "school": booking.school.name,
                "when": when(proposed),
                "note": note,
            }
        ),
        key="proposal-declined",
        now=now,
    )
    return booking


@transaction.atomic
def booking_cancel(
    *, actor: User, booking: GuestLessonBooking, note: str, now: dt.datetime
) -> GuestLessonBooking:
    """Either side cancels before the lesson; the other side gets a METHOD:CANCEL invitation."""
    booking = lock_booking(booking)
    side = booking_side(actor, booking)
    if not side:
        raise PermissionDenied(_("Je bent geen partij bij deze gastles."))
    if not note.strip():
        raise field_error("note", _("Geef een reden, zodat de ander weet waarom."))
    if booking.has_started(now):
        raise Conflict(_("De gastles is al begonnen of voorbij; annuleren kan niet meer."))
    # The rule is GuestLessonBooking.may_be_cancelled (pages and the API show it); each part is
    # checked on its own here to say precisely why not.
    move_booking(
        booking,
        to=BookingStatus.CANCELLED,
        actor=actor,
        now=now,
        note=note,
        allowed=CANCELLABLE_BOOKING_STATUSES,
    )
    booking.sequence += 1
    booking.save()
    notify_side(
        booking,
        to_expert=side == "school",
        title=lambda: (
            _("Gastles geannuleerd: %(topic)s op %(when)s")
            % {"topic": booking.topic, "when": when(booking.starts_at)}
        ),
        body=lambda: (
            _("%(who)s annuleerde: %(note)s") % {"who": actor.get_full_name(), "note": note}
        ),
        key="cancelled",
        now=now,
    )
    return booking
