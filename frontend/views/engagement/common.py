"""Helpers shared by the engagement pages."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from backend.accounts.models import User

T = "frontend/engagement/"


class SignedInRequest(HttpRequest):
    """A request to a page behind @login_required: its user is a signed-in person."""

    user: "User"


def require(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied
