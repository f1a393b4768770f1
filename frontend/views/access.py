"""Who may open a page: the same role rules as the API's permission classes
(backend.accounts.permissions.HasRole), for function views (`role_required`) and class views
(`RoleRequiredMixin`). Anonymous people are sent to the login page; signed-in people without the
role get a 403 page. Object rules (whose offer, which school) stay in services and selectors.

Use from any area:

    @role_required(*SCHOOL_STAFF_ROLES)
    def review_queue(request): ...

    class OfferListView(RoleRequiredMixin, TemplateView):
        roles = (Role.COMPANY_CONTACT,)
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from backend.accounts.models import Role
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.accounts.selectors import user_has_role

COMPANY_ROLES = (Role.COMPANY_CONTACT,)
STUDENT_ROLES = (Role.STUDENT,)
STAFF_ROLES = tuple(SCHOOL_STAFF_ROLES)
COORDINATOR_ROLES = (Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN)


def has_page_access(user, roles, *, allow_staff: bool = True) -> bool:
    if not user.is_authenticated:
        return False
    return bool((allow_staff and user.is_staff) or user_has_role(user, *roles))


def role_required(*roles: str, allow_staff: bool = True) -> Callable:
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_page_access(request.user, roles, allow_staff=allow_staff):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.koppel_roles = tuple(roles)
        return wrapped

    return decorator


class RoleRequiredMixin:
    roles: tuple[str, ...] = ()
    allow_staff: bool = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_page_access(request.user, self.roles, allow_staff=self.allow_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
