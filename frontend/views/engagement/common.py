"""Helpers shared by the engagement pages."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest

from backend.core.errors import ApplicationError

if TYPE_CHECKING:
    from backend.accounts.models import User

T = "frontend/engagement/"


class SignedInRequest(HttpRequest):
    """A request to a page behind @login_required: its user is a signed-in person."""

    user: "User"


def require(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied


def apply_service_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """A service's refusal on the form: each message on the field it names, and messages about
    something that is not a field of the page (the expert, the booking) on top of the form as
    they are, never prefixed with the service's field name ("expert: …")."""
    fields = (error.extra or {}).get("fields") or {}
    placed = False
    for name, messages in fields.items():
        for message in [messages] if isinstance(messages, str) else messages:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)
