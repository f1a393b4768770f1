"""The one place engagement touches the agreements app: an accepted guest lesson is put on paper
as a light, draft short agreement between the school and the expert's company ("the agreements
made are still put on paper, so that continuity is guaranteed when staff change").

Engagement sits above agreements in the layers, so it calls the agreements services directly.
When the agreement cannot be made (a rule of the agreements app refuses it), the booking itself
is the record and `agreement_for_booking` returns None."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.agreements.models import Agreement, AgreementKind, PartyRole
from backend.agreements.services.creation import create_agreement, log_created
from backend.core.errors import ApplicationError
from backend.engagement.models import GuestLessonBooking

logger = logging.getLogger(__name__)


def _short_agreement(*, booking: GuestLessonBooking, actor: User, now: dt.datetime) -> Agreement:
    day = timezone.localtime(booking.starts_at).date()
    expert = booking.expert
    return create_agreement(
        kind=AgreementKind.ENGAGEMENT,
        title=_("Gastles: %(topic)s") % {"topic": booking.topic},
        parties=[
            (booking.school, PartyRole.SCHOOL, booking.requested_by),
            (expert.organisation.current(), PartyRole.COMPANY, expert.user),
        ],
        actor=actor,
        now=now,
        starts_on=day,
        ends_on=day,
        mentoring_hours=max(1, round(booking.duration_minutes / 60)),
        place=booking.location,
        provides=_("%(expert)s geeft een %(format)s over %(topic)s aan klas %(group)s.")
        % {
            "expert": expert.user.get_full_name(),
            "format": booking.get_format_display(),
            "topic": booking.topic,
            "group": booking.group,
        },
    )


def agreement_for_booking(
    *, booking: GuestLessonBooking, actor: User, now: dt.datetime
) -> int | None:
    """Create (once) the short agreement of an accepted booking; returns its id or None."""
    if booking.agreement_id:
        return booking.agreement_id
    try:
        with transaction.atomic():
            agreement = _short_agreement(booking=booking, actor=actor, now=now)
            log_created(
                agreement=agreement, actor=actor, now=now, payload={"guest_lesson": booking.pk}
            )
    except (ApplicationError, LookupError) as error:
        # The booking stands on its own; the agreement can be made by hand from the booking page.
        logger.warning("No agreement for guest lesson %s: %s", booking.pk, error)
        return None
    return agreement.pk
