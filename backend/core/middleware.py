"""Response headers Django does not set itself: Content-Security-Policy, Permissions-Policy and
`Cache-Control: private, no-store` on personal data; and no NUL bytes in query parameters."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


def _is_personal(request: HttpRequest) -> bool:
    """API answers (token-authenticated, or a secret calendar feed) and every page a signed-in
    person sees may hold personal data."""
    if request.path.startswith("/api/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class RejectNulBytesMiddleware:
    """No real URL holds a NUL byte, and PostgreSQL refuses one in a query (a 500 wherever a
    view looks up a <str:> path part or filters on a raw query parameter). A path with one names
    nothing (404); a query parameter with one is a bad request (400). Before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _("Het adres bevat een ongeldig teken (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message, "extra": {}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Place after AuthenticationMiddleware (it asks who is signed in). Static files never get
    here: WhiteNoise answers them earlier in the chain, with their own long-lived caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that needs another policy (the API docs) sets its own header.
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers and _is_personal(request):
            # Shared caches and the browser's back/forward history must not keep a copy.
            response.headers["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ["Cookie", "Authorization"])
        return response


def content_security_policy() -> str:
    """CONTENT_SECURITY_POLICY, with the identity provider allowed as a form target when SSO
    logout is configured: the header's logout form posts to Koppel, which redirects to the
    provider's end-session page, and browsers apply `form-action` to that redirect too.
    Read per request, because the settings may change after start-up (tests)."""
    policy = settings.CONTENT_SECURITY_POLICY
    logout = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if not (getattr(settings, "KOPPEL_SSO_ENABLED", False) and logout):
        return policy
    parts = urlsplit(logout)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return policy
    origin = f"{parts.scheme}://{parts.netloc}"
    return policy.replace("form-action 'self'", f"form-action 'self' {origin}")


View = Callable[..., HttpResponse]


def with_content_security_policy(policy: str) -> Callable[[View], View]:
    """Wrap a view so its responses carry `policy` instead of CONTENT_SECURITY_POLICY."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = policy
            return response

        return wrapped

    return decorate
