"""Who may open a page: the same role rules as the API's permission classes
(backend.accounts.permissions.HasRole), for function views (`role_required`) and class views
(`RoleRequiredMixin`). Anonymous people are sent to the login page; signed-in people without the
role get a 403 page. Object rules (whose offer, which school) stay in services and selectors.

Use from any area, with the role groups of backend.accounts.roles:

    @role_required(*SCHOOL_STAFF_ROLES)
    def review_queue(request):
        user = signed_in_user(request)

    class OfferListView(RoleRequiredMixin, TemplateView):
        roles = COMPANY_ROLES
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views import View as DjangoView

from backend.accounts import roles as groups
from backend.accounts.permissions import is_only_privacy_officer
from backend.accounts.selectors import user_has_role

if TYPE_CHECKING:
    from backend.accounts.models import User

# The role groups of backend.accounts.roles under the names the page modules import.
COMPANY_ROLES = groups.COMPANY_ROLES
STUDENT_ROLES = groups.STUDENT_ROLES
STAFF_ROLES = groups.SCHOOL_STAFF_ROLES
COORDINATOR_ROLES = groups.COORDINATING_ROLES

View = Callable[..., HttpResponse]


def has_page_access(
    user: "User | AnonymousUser", roles: Iterable[str], *, allow_staff: bool = True
) -> bool:
    if not user.is_authenticated:
        return False
    return bool((allow_staff and user.is_staff) or user_has_role(user, *roles))


def role_required(*roles: str, allow_staff: bool = True) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_page_access(request.user, roles, allow_staff=allow_staff):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(DjangoView):
    """Put first among the bases: `class Page(RoleRequiredMixin, TemplateView)`."""

    roles: tuple[str, ...] = ()
    allow_staff: bool = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_page_access(request.user, self.roles, allow_staff=self.allow_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def not_for_privacy_officer(view: View) -> View:
    """Like `login_required`, and a 403 for a privacy officer without another role: pages open to
    every signed-in person (agreements, events, meetings) that are no business of the officer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_only_privacy_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
