"""The one domain error. Services raise it; one handler turns it into the API error shape."""

from collections.abc import Mapping
from typing import Any


class ApplicationError(Exception):
    """A rule of the domain said no. `message` is written for the person who will read it;
    `extra` names fields at fault: {"fields": {"title": ["..."]}} or other context."""

    status_code = 400

    def __init__(self, message: str, *, extra: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = dict(extra or {})


class PermissionDenied(ApplicationError):
    status_code = 403


class NotFound(ApplicationError):
    status_code = 404


class Conflict(ApplicationError):
    """The thing is in a state that does not allow this (e.g. an accepted version)."""

    status_code = 409


def field_error(field: str, message: str) -> ApplicationError:
    """An ApplicationError about one input field, in the API's error shape."""
    return ApplicationError(message, extra={"fields": {field: [message]}})
