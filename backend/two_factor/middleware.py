"""Nothing but the two-factor pages until the second factor is done.

A signed-in person who must use two factors (`policy.second_factor_required`) and whose session
has not passed it (`backend.core.second_factor.second_factor_done`: a code, a recovery code, or a
login through the education federation) reaches no page and no API endpoint except the two-factor
setup and verify pages, logging out, signing in with the school account instead, the language
switch, health checks and static files. Pages
are sent to the setup page (no authenticator yet) or the verify page, with `next`; htmx requests
get the same as an HX-Redirect; API requests get 403 JSON.

An API request with a token has no session user here (DRF authenticates it later): the token
endpoint hands a token to someone who must use two factors only together with a right code, so
a token stands for a passed second factor."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from backend.core.links import PageLink, page_url
from backend.core.second_factor import second_factor_done
from backend.two_factor.policy import second_factor_required
from backend.two_factor.selectors import has_second_factor

# (namespace, URL name) of the views open before the second factor.
OPEN_VIEWS = {
    ("frontend", "two-factor-setup"),
    ("frontend", "two-factor-verify"),
    ("frontend", "logout"),
    ("frontend", "sso-logout"),
    # Signing in with the school account instead: the federation's login passes the second step.
    ("frontend", "sso-login"),
    ("frontend", "sso-callback"),
    ("api", "auth-logout"),
    ("", "healthz"),
    ("", "healthz-live"),
    ("", "set_language"),
}
SETUP_PAGE = "two-factor-setup"
VERIFY_PAGE = "two-factor-verify"


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or second_factor_done(request):
            return None
        match = request.resolver_match
        if match is not None and (match.namespace, match.url_name) in OPEN_VIEWS:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if not second_factor_required(user):
            return None
        return refusal(request, set_up=has_second_factor(user))


def refusal(request: HttpRequest, *, set_up: bool) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "message": _(
                    "Log eerst in met uw tweede stap (de code uit uw authenticator-app) op de "
                    "website, of vraag een token aan met het veld otp."
                ),
                "extra": {"second_factor": "verify" if set_up else "setup"},
            },
            status=403,
        )
    target = page_url(PageLink(VERIFY_PAGE if set_up else SETUP_PAGE))
    if request.method == "GET" and not getattr(request, "htmx", False):
        target += "?" + urlencode({"next": request.get_full_path()}, safe="/")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
