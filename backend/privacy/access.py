"""Who is a school's privacy officer (functionaris gegevensbescherming), and for which schools.
An officer is an active membership with the role `privacy_officer`; "their institution" is every
school where they hold one. Pages check the role with `role_required(Role.PRIVACY_OFFICER)` and
scope every object to `officer_schools(user)` (another school's object is a 404)."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from backend.accounts.models import Membership
from backend.accounts.roles import PRIVACY_OFFICER_ROLES
from backend.organisations.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from backend.accounts.models import User


def officer_schools(user: "User | AnonymousUser") -> QuerySet[Organisation]:
    """The schools where the user is an active privacy officer (none for anyone else)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.active()
        .filter(user=user, role__in=PRIVACY_OFFICER_ROLES)
        .values("organisation")
    ).order_by("name")


def is_privacy_officer(user: "User | AnonymousUser") -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.active().filter(user=user, role__in=PRIVACY_OFFICER_ROLES).exists()
