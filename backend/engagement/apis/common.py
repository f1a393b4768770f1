"""Helpers shared by the engagement endpoints."""

from typing import cast

from rest_framework.request import Request

from backend.accounts.models import User


def signed_in_user(request: Request) -> User:
    """The person behind the request. Every engagement endpoint but the calendar feed requires
    sign-in (the default permission class), so no anonymous visitor gets this far."""
    return cast(User, request.user)
