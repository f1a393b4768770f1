"""Helpers shared by the allocation round pages."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404

from backend.core.errors import ApplicationError, NotFound
from backend.core.errors import PermissionDenied as DomainPermissionDenied


def domain_errors(view):
    """Turn the selectors' 403/404 errors into Django's, so each role gets a plain refusal."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapped


def error_messages(error: ApplicationError) -> list[str]:
    """The messages of a service's refusal: those per field, or else its main message."""
    fields = (error.extra or {}).get("fields") or {}
    return [str(m) for messages_ in fields.values() for m in messages_] or [error.message]


def flash_error(request, error: ApplicationError) -> None:
    messages.error(request, error_messages(error)[0])
