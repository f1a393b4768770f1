"""Helpers shared by the allocation round pages."""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from backend.core.errors import ApplicationError, NotFound
from backend.core.errors import PermissionDenied as DomainPermissionDenied

if TYPE_CHECKING:
    pass

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
