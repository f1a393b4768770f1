"""Helpers shared by the engagement pages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

T = "frontend/engagement/"


def require(condition: bool) -> None:
    if not condition:
        raise DjangoPermissionDenied
