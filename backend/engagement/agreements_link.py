"""The one place engagement touches the agreements app: an accepted guest lesson is put on paper
as a light, draft short agreement between the school and the expert's company ("the agreements
made are still put on paper, so that continuity is guaranteed when staff change").

The agreements app is optional for engagement: when it (or its `create_agreement` service) is not
there, the booking itself is the record and `agreement_for_booking` returns None."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.errors import ApplicationError

logger = logging.getLogger(__name__)


def _services():
    try:
        from backend.agreements.models import AgreementKind, PartyRole
        from backend.agreements.services.lifecycle import create_agreement, log_created
    except ImportError:
        return None
    return AgreementKind, PartyRole, create_agreement, log_created


def agreement_for_booking(*, booking, actor, now) -> int | None:
    """Create (once) the short agreement of an accepted booking; returns its id or None."""
    if booking.agreement_id:
        return booking.agreement_id
    found = _services()
    if found is None:
        return None
    agreement_kind, party_role, create_agreement, log_created = found
    day = timezone.localtime(booking.starts_at).date()
    try:
        with transaction.atomic():
            agreement = create_agreement(
                kind=agreement_kind.ENGAGEMENT,
                title=_("Gastles: %(topic)s") % {"topic": booking.topic},
                parties=[
                    (booking.school, party_role.SCHOOL, booking.requested_by),
                    (
                        booking.expert.organisation.current(),
                        party_role.COMPANY,
                        booking.expert.user,
                    ),
                ],
                actor=actor,
                now=now,
                starts_on=day,
                ends_on=day,
                mentoring_hours=max(1, round(booking.duration_minutes / 60)),
                place=booking.location,
                provides=_("%(expert)s geeft een %(format)s over %(topic)s aan klas %(group)s.")
                % {
                    "expert": booking.expert.user.get_full_name(),
                    "format": booking.get_format_display(),
                    "topic": booking.topic,
                    "group": booking.group,
                },
            )
            log_created(
                agreement=agreement, actor=actor, now=now, payload={"guest_lesson": booking.pk}
            )
    except (ApplicationError, LookupError) as error:
        # The booking stands on its own; the agreement can be made by hand from the booking page.
        logger.warning("No agreement for guest lesson %s: %s", booking.pk, error)
        return None
    return agreement.pk
