"""A school checks the certificate (VOG, BHV, VCA) of someone who works with its students.

Only a checked certificate satisfies a school's policy (organisations.selectors.
certificate_policy_violations); recording one is the holder's own business
(accounts.services.certificate_create)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Certificate, User
from backend.core.errors import Conflict, PermissionDenied
from backend.organisations.access import certificate_verifying_schools


@transaction.atomic
def certificate_verify(*, certificate: Certificate, actor: User, now: dt.datetime) -> Certificate:
    """Record that `actor` has seen the original document: who, when, and for which school.

    Allowed for Koppel staff, and for a coordinator or institution admin of a school whose policy
    requires this kind of certificate from a person related to that school
    (`certificate_verifying_schools`). Nobody checks their own. Raises PermissionDenied (nothing
    changes) or Conflict when it was already checked."""
    if certificate.holder_id == actor.pk:
        raise PermissionDenied(_("Je kunt je eigen certificaat niet zelf controleren."))
    schools = [] if actor.is_staff else certificate_verifying_schools(actor, certificate)
    if not (actor.is_staff or schools):
        raise PermissionDenied(
            _(
                "Alleen een coördinator of beheerder van een school die deze %(kind)s vereist "
                "van iemand die met die school werkt, controleert dit certificaat."
            )
            % {"kind": certificate.kind}
        )
    claimed = Certificate.objects.filter(pk=certificate.pk, verified_at__isnull=True).update(
        verified_by=actor,
        verified_at=now,
        verified_for=schools[0] if schools else None,
        updated_at=now,
    )
    if claimed != 1:
        raise Conflict(_("Dit certificaat is al gecontroleerd."))
    certificate.refresh_from_db()
    return certificate
