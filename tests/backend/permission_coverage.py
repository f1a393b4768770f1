"""Which API routes exist (from the URL resolver) and which permission entry covers each.

A route is a (URL name, HTTP method) pair under /api/. Every one must be covered by a permission
matrix entry (a `Case` of an app, or a row of the offers/notifications MATRIX); the routes that
need no sign-in are declared in PUBLIC with the reason.
"""

from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.backend.accounts.test_permissions import CASES as ACCOUNTS
from tests.backend.agreements.permission_cases import CASES as AGREEMENTS
from tests.backend.allocations.permission_cases import CASES as ALLOCATIONS
from tests.backend.curriculum.permission_cases import CASES as CURRICULUM
from tests.backend.engagement.permission_cases import CASES as ENGAGEMENT
from tests.backend.offers.test_permission_matrix import MATRIX as OFFERS
from tests.backend.organisations.test_permissions import CASES as ORGANISATIONS

IGNORED_METHODS = {"options", "head", "trace"}

# The routes anybody may call without signing in, and why. Each is also in a matrix with
# anonymous allowed (except the schema and its viewer, which are checked by one anonymous GET).
PUBLIC = {
    ("api:auth-token", "post"): "signing in: exchanges e-mail and password for a token",
    ("api:password-reset", "post"): "asking for a reset link when the password is forgotten",
    ("api:password-reset-confirm", "post"): "setting a new password with the link's token",
    ("api:company-sign-up", "post"): "a company registers itself (creates its first account)",
    ("api:invitation-lookup", "get"): "the invitee, not yet signed in, sees what they join",
    ("api:invitation-accept", "post"): "the invitee sets a password; the token is the proof",
    ("api:email-change-confirm", "post"): "confirmed from the old address; the token is the proof",
    ("api:calendar-feed-ics", "get"): "calendar apps cannot sign in; the secret token in the URL "
    "is the proof and reveals only its owner's own appointments",
    ("api-schema", "get"): "the OpenAPI description of the API (no data)",
    ("api-docs", "get"): "the Swagger viewer of that description (no data)",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or ""), pattern.callback


def _methods(callback) -> set[str]:
    if actions := getattr(callback, "actions", None):  # a DRF viewset bound to actions
        return set(actions)
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:  # a plain function view: assume it answers GET only
        return {"get"}
    return {m for m in view.http_method_names if m not in IGNORED_METHODS and hasattr(view, m)}


def api_routes() -> dict[tuple[str, str], str]:
    """(URL name, method) → URL pattern, for every route under /api/."""
    routes = {}
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        if pattern.startswith("api/"):
            assert name, f"{pattern} has no URL name; name it so the matrix can refer to it"
            for method in _methods(callback):
                routes[(name, method)] = pattern
    return routes


def case_lists() -> dict[str, list]:
    return {
        "accounts": ACCOUNTS,
        "organisations": ORGANISATIONS,
        "agreements": AGREEMENTS,
        "allocations": ALLOCATIONS,
        "engagement": ENGAGEMENT,
        "curriculum": CURRICULUM,
    }


def route_of(url: str) -> str:
    return resolve(urlsplit(url).path).view_name


def matrix_entries(world, rollback) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """(URL name, method) → [(entry name, anonymous allowed)] for every matrix entry; each
    case's URL is built against the world (some cases create what they point at)."""
    entries: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for app, cases in case_lists().items():
        for case in cases:
            with rollback():
                key = (route_of(case.url(world)), case.method)
            entries.setdefault(key, []).append((f"{app}: {case.name}", "anonymous" in case.allowed))
    for name, (method, url_name, *_rest, expected) in OFFERS.items():
        anonymous = 200 <= expected["anonymous"] < 300
        entries.setdefault((f"api:{url_name}", method), []).append((f"offers: {name}", anonymous))
    return entries
