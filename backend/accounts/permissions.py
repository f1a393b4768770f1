"""DRF permission helpers shared by every app. They answer "may this kind of person call this
endpoint at all"; object-level rules (whose offer, which school) live in each app's access module."""

from typing import cast

from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.roles import (
    COMPANY_ROLES,
    COORDINATING_ROLES,
    PRIVACY_OFFICER_ROLES,
    SCHOOL_STAFF_ROLES,
    STUDENT_ROLES,
)
from backend.accounts.selectors import user_has_role, user_roles


def signed_in_user(request: HttpRequest | Request) -> User:
    """The person behind a request that already passed a sign-in check (the API's default
    IsAuthenticated permission, or `login_required` / `role_required` on a page)."""
    return cast(User, request.user)


def HasRole(*roles: str, allow_staff: bool = True) -> type[BasePermission]:
    """A permission class allowing authenticated people with an active membership in one of
    `roles`, plus Koppel staff (`is_staff`) unless `allow_staff=False`.
    Usage: `permission_classes = [HasRole(Role.COACH, Role.COORDINATOR)]`."""

    class _HasRole(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            if not request.user or not request.user.is_authenticated:
                return False
            user = request.user
            return bool((allow_staff and user.is_staff) or user_has_role(user, *roles))

    _HasRole.__name__ = f"HasRole({', '.join(str(role) for role in roles)})"
    return _HasRole


IsSchoolStaff = HasRole(*SCHOOL_STAFF_ROLES)
IsCompanyContact = HasRole(*COMPANY_ROLES)
IsStudent = HasRole(*STUDENT_ROLES, allow_staff=False)
IsCoordinator = HasRole(*COORDINATING_ROLES)


def is_only_privacy_officer(user: object) -> bool:
    """A school's privacy officer without any other role: they see the privacy pages and their own
    account, nothing of the school's work with companies (issue 14). Koppel staff never are."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
        return False
    roles = user_roles(cast(User, user))
    return bool(roles) and roles <= set(PRIVACY_OFFICER_ROLES)


class NotOnlyPrivacyOfficer(BasePermission):
    """Signed in, and not only a privacy officer: for endpoints open to every signed-in person
    that are no business of the privacy officer (the organisation directory)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and not is_only_privacy_officer(user))
