"""The pieces of an endpoint × role permission matrix.

Each app lists its own `Case`s (tests/backend/<app>/test_permissions.py and
tests/backend/<app>/permission_cases.py); tests/backend/test_permission_coverage.py proves every
API route and method of the URL resolver has one. A case says which roles are allowed: an allowed
role must get a 2xx (a 404 for an allowed role is a failure, not a pass), a refused role a
401/403/404 with the JSON error body, and a refused unsafe request must leave every table of the
named apps exactly as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from rest_framework.test import APIClient

from tests.backend.accounts.people import ROLES

ALL_SIGNED_IN = set(ROLES) - {"anonymous"}
SAFE_METHODS = {"get", "head", "options"}
REFUSED = (401, 403, 404)


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[Any], str]
    allowed: set[str]
    data: Callable[[Any], dict] = field(default=lambda w: {})
    multipart: bool = False
    # The apps whose tables a refused request must leave untouched (all rows compared).
    apps: tuple[str, ...] = ()
    # An exact status for a role where "allowed → 2xx, refused → 401/403/404" is not the rule,
    # e.g. a role that passes the permission check but hits a state conflict (409).
    statuses: dict[str, int] = field(default_factory=dict)
    # role → why the route answers that role wrongly today (a security bug, listed in the
    # report). The matrix test skips these; test_known_holes checks each as xfail(strict=True).
    known: dict[str, str] = field(default_factory=dict)

    def send(self, client: APIClient, url: str, data: dict):
        if self.method in SAFE_METHODS and not data:
            return getattr(client, self.method)(url)
        return getattr(client, self.method)(
            url, data, format="multipart" if self.multipart else "json"
        )

    def expected(self, role: str) -> int | None:
        """The exact status for `role`, or None for "any 2xx" (allowed) / "401/403/404"."""
        return self.statuses.get(role)


def client_as(people, role: str) -> APIClient:
    """A client signed in as the person in `role` (`anonymous` is nobody)."""
    client = APIClient()
    if (user := getattr(people, role)) is not None:
        client.force_authenticate(user)
    return client


def snapshot(*models: type[Model]) -> tuple[list[dict], ...]:
    """Every row of `models`, to prove a denied request changed nothing."""
    return tuple(list(model.objects.order_by("pk").values()) for model in models)


def verdict(case: Case, role: str, response) -> str | None:
    """Why `response` is wrong for `role`, or None when it is right."""
    status = response.status_code
    if (exact := case.expected(role)) is not None:
        if status != exact:
            return f"expected {exact}, got {status}"
        return None if status < 400 else _error_body_problem(response)
    if role in case.allowed:
        return None if 200 <= status < 300 else f"allowed but got {status}"
    if status not in REFUSED:
        return f"must be refused but got {status}"
    return _error_body_problem(response)


def _error_body_problem(response) -> str | None:
    if "json" not in response.get("Content-Type", "") or not response.json().get("message"):
        return f"refused with {response.status_code} but without the JSON error body"
    return None
