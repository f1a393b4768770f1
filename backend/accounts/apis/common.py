"""Helpers shared by the people endpoints (accounts and organisations)."""

from typing import Any, cast

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from backend.accounts.models import User


def signed_in_user(request: Request) -> User:
    """The person behind the request. Endpoints that require sign-in (the default permission
    class) only get this far with a signed-in person."""
    return cast(User, request.user)


def message_serializer(name: str) -> Any:
    """The schema of an answer that is one sentence for the person: {"message": "..."}."""
    return inline_serializer(name, {"message": serializers.CharField()})
