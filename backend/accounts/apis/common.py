"""Helpers shared by the people endpoints (accounts and organisations)."""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


def message_serializer(name: str) -> Any:
    """The schema of an answer that is one sentence for the person: {"message": "..."}."""
    return inline_serializer(name, {"message": serializers.CharField()})
