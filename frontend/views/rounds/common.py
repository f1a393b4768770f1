"""Helpers shared by the allocation round pages."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from backend.core.errors import ApplicationError, NotFound
from backend.core.errors import PermissionDenied as DomainPermissionDenied

if TYPE_CHECKING:
    from backend.allocations.models import AllocationRound

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)


def domain_errors(
    view: Callable[Concatenate[R, P], HttpResponse],
) -> Callable[Concatenate[R, P], HttpResponse]:
    """Turn the selectors' 403/404 errors into Django's, so each role gets a plain refusal."""

    def wrapped(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wraps(view)(wrapped)


def error_messages(error: ApplicationError) -> list[str]:
    """The messages of a service's refusal: those per field, or else its main message."""
    fields = (error.extra or {}).get("fields") or {}
    return [str(m) for messages_ in fields.values() for m in messages_] or [error.message]


def flash_error(request: HttpRequest, error: ApplicationError) -> None:
    messages.error(request, error_messages(error)[0])


def round_page_back(
    request: HttpRequest, allocation_round: "AllocationRound", value: str | None
) -> str:
    """Where to go back to after a change: `value` when it is this round's page or its list of
    unassigned students on this site (with its filters, page and anchor, so the coordinator
    keeps their place), else the round's page. Never another site, another round or any other
    page: `next` comes from the client."""
    detail = reverse("frontend:round-detail", args=[allocation_round.pk])
    allowed = {detail, reverse("frontend:round-unassigned", args=[allocation_round.pk])}
    value = (value or "").strip()
    if not value or not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return detail
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path not in allowed:
        return detail
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
