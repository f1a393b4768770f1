"""Who may manage a school's two-factor rule and reset a colleague's second factor.

Services and pages ask here; none decides on its own."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from backend.accounts.access import can_manage_organisation
from backend.accounts.models import Membership, User
from backend.core.errors import PermissionDenied

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


def may_manage_school_two_factor(user: User, school: "Organisation") -> bool:
    """The school's institution admins (and Koppel staff) decide whether the school requires two
    factors and see who set them up."""
    return school.is_school and can_manage_organisation(user, school)


def may_reset_second_factor(actor: User, person: User, school: "Organisation") -> bool:
    """An institution admin (or Koppel staff) resets the second factor of someone who works at
    their school now (a lost phone). Never one's own (that needs a code: disable it) and never a
    Koppel staff account (a superuser does that in the Django admin)."""
    if person.pk == actor.pk or person.is_staff or person.is_superuser:
        return False
    if not may_manage_school_two_factor(actor, school):
        return False
    return Membership.objects.active().filter(user=person, organisation=school).exists()


def require_may_reset_second_factor(actor: User, person: User, school: "Organisation") -> None:
    if not may_reset_second_factor(actor, person, school):
        raise PermissionDenied(
            _(
                "Alleen een beheerder van %(school)s herstelt de tweestapsverificatie van een "
                "collega van die school."
            )
            % {"school": school.name}
        )
