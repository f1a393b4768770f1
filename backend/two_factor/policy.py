"""Who must sign in with two factors.

Koppel staff (`is_staff` or superuser: they see every school) always; a school's coordinators,
programme leads and institution admins (accounts.roles.SECOND_FACTOR_ROLES) when that school
requires it (`Organisation.require_two_factor`, on unless the school's admin turned it off).
Teachers, coaches, students and company contacts are not asked. Several memberships: one school
that requires it is enough."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from backend.accounts.roles import SECOND_FACTOR_ROLES
from backend.accounts.selectors import organisation_ids_for
from backend.organisations.models import Organisation

if TYPE_CHECKING:
    from backend.accounts.models import User

# The answer, kept on the user object for the rest of the request (the middleware asks on every
# request that has not passed the second factor).
_CACHE = "_koppel_second_factor_required"


def second_factor_required(user: "User | AnonymousUser") -> bool:
    if not user.is_authenticated:
        return False
    cached: bool | None = user.__dict__.get(_CACHE)
    if cached is None:
        cached = _required(user)
        user.__dict__[_CACHE] = cached
    return cached


def _required(user: "User") -> bool:
    if user.is_staff or user.is_superuser:
        return True
    schools = organisation_ids_for(user, *SECOND_FACTOR_ROLES)
    if not schools:
        return False
    return Organisation.objects.filter(pk__in=schools, require_two_factor=True).exists()
