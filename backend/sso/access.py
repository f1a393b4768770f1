"""Who may manage a school's SSO connection, and which logins a school identity may ever reach.

Services and pages ask here; none decides on its own."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from backend.accounts.access import can_manage_organisation
from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.core.errors import PermissionDenied

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


def may_manage_sso(user: User, school: "Organisation") -> bool:
    """The school's institution admins (and Koppel staff) register its domains, approve its
    employees and read its sign-in log. Only schools have a school account to sign in with."""
    return school.is_school and can_manage_organisation(user, school)


def require_may_manage_sso(user: User, school: "Organisation") -> None:
    if not may_manage_sso(user, school):
        raise PermissionDenied(
            _("Alleen beheerders van de school beheren het inloggen met het schoolaccount.")
        )


def is_linkable(user: User, *, school: "Organisation", student: bool) -> bool:
    """Whether a school identity of `school` may ever be attached to `user`, whatever the claims.

    Never to Koppel staff or a superuser; never to a login with any membership (even an ended one)
    at another organisation, which includes every company contact; a student identity only to a
    login that is nothing but a student here, an employee identity only to one that is not a
    student here."""
    if user.is_staff or user.is_superuser:
        return False
    roles_here: set[str] = set()
    for organisation_id, role in Membership.objects.filter(user=user).values_list(
        "organisation_id", "role"
    ):
        if organisation_id != school.pk:
            return False
        roles_here.add(role)
    if StudentEnrolment.objects.filter(student=user).exclude(school=school).exists():
        return False
    if student:
        return roles_here <= {Role.STUDENT}
    return Role.STUDENT not in roles_here
