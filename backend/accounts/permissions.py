"""DRF permission helpers shared by every app. They answer "may this kind of person call this
endpoint at all"; object-level rules (whose offer, which school) live in services and selectors."""

from rest_framework.permissions import BasePermission

from backend.accounts.models import Role
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.accounts.selectors import user_has_role


def HasRole(*roles: str, allow_staff: bool = True) -> type[BasePermission]:
    """A permission class allowing authenticated people with an active membership in one of
    `roles`, plus Koppel staff (`is_staff`) unless `allow_staff=False`.
    Usage: `permission_classes = [HasRole(Role.COACH, Role.COORDINATOR)]`."""

    class _HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            if not user or not user.is_authenticated:
                return False
            return bool((allow_staff and user.is_staff) or user_has_role(user, *roles))

    _HasRole.__name__ = f"HasRole({', '.join(str(role) for role in roles)})"
    return _HasRole


IsSchoolStaff = HasRole(*SCHOOL_STAFF_ROLES)
IsCompanyContact = HasRole(Role.COMPANY_CONTACT)
IsStudent = HasRole(Role.STUDENT, allow_staff=False)
IsCoordinator = HasRole(Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN)
