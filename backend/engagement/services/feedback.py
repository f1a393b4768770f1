"""Afterwards both sides of a guest lesson give short feedback: a rating 1-5 and a text."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, PermissionDenied, field_error
from backend.engagement.models import BookingFeedback, GuestLessonBooking
from backend.engagement.selectors.access import booking_side


@transaction.atomic
def booking_feedback_give(
    *, actor: User, booking: GuestLessonBooking, rating: int, text: str = "", now: dt.datetime
) -> BookingFeedback:
    """After the lesson each side gives a rating 1-5 and a short text, once."""
    booking = GuestLessonBooking.objects.select_related("expert").get(pk=booking.pk)
    if not booking_side(actor, booking):
        raise PermissionDenied(_("Je bent geen partij bij deze gastles."))
    if not booking.took_place(now):
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
