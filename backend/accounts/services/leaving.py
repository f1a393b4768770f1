"""People leaving a role or leaving altogether. History stays: rows are ended, never deleted."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.access import may_end_membership, may_switch_off
from backend.accounts.models import Membership, User
from backend.accounts.selectors import forget_roles
from backend.core.errors import Conflict, PermissionDenied
from backend.security.services import api_tokens_revoke


@transaction.atomic
def membership_end(*, membership: Membership, actor: User, now: dt.datetime) -> Membership:
    """End one membership (e.g. a teacher stops as coach). Allowed for the person themselves, the
    managers of the organisation (institution admin, company contact) and Koppel staff.
    Raises Conflict when it already ended."""
    if not may_end_membership(actor, membership):
        raise PermissionDenied(
            _("Je mag dit lidmaatschap bij %(name)s niet beëindigen.")
            % {"name": membership.organisation.name}
        )
    claimed = Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor, updated_at=now
    )
    if claimed != 1:
        raise Conflict(_("Dit lidmaatschap is al beëindigd."))
    membership.refresh_from_db()
    forget_roles(membership.user)
    return membership


@transaction.atomic
def person_leave(*, user: User, actor: User, now: dt.datetime) -> User:
    """Someone leaves: `left_at` is set, every active membership ends, the login is deactivated and
    API tokens are revoked. Their rows (offers, evidence, agreements) stay for history.

    Allowed for the person themselves, Koppel staff, and someone who manages *every* organisation
    the person is still active at (an admin of one school cannot switch off a login that another
    school also uses: end the membership at your school with `membership_end` instead).

    Handing over open work is NOT done here: the agreements app owns that. Its leave flow calls
    this function inside its own transaction and then moves the person's open commitments to a new
    owner, e.g. `with transaction.atomic(): person_leave(...); commitments_hand_over(...)`.
    Raises Conflict when the person already left.
    """
    if user.left_at is not None:
        raise Conflict(_("%(name)s is al vertrokken.") % {"name": user})
    active = list(Membership.objects.active().filter(user=user).select_related("organisation"))
    if not may_switch_off(actor, user, active):
        raise PermissionDenied(
            _("Je mag %(name)s niet afmelden: beëindig het lidmaatschap bij je eigen organisatie.")
            % {"name": user}
        )
    Membership.objects.filter(pk__in=[m.pk for m in active]).update(
        ended_at=now, ended_by=actor, updated_at=now
    )
    user.left_at, user.is_active = now, False
    user.save(update_fields=["left_at", "is_active"])
    api_tokens_revoke(user=user)
    forget_roles(user)
    return user
