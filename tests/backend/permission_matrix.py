"""The pieces of an endpoint × role permission matrix (see tests/backend/<app>/test_permissions.py).

Each app lists its own `Case`s and the tables its endpoints may write; a test per case and role
then checks an allowed role succeeds and a denied one is refused without changing any of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from rest_framework.test import APIClient

from tests.backend.accounts.people import ROLES

ALL_SIGNED_IN = set(ROLES) - {"anonymous"}


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[Any], str]
    allowed: set[str]
    data: Callable[[Any], dict] = field(default=lambda w: {})
    multipart: bool = False

    def send(self, client: APIClient, url: str, data: dict):
        return getattr(client, self.method)(
            url, data, format="multipart" if self.multipart else "json"
        )


def client_as(people, role: str) -> APIClient:
    """A client signed in as the person in `role` (`anonymous` is nobody)."""
    client = APIClient()
    if (user := getattr(people, role)) is not None:
        client.force_authenticate(user)
    return client


def snapshot(*models: type[Model]) -> tuple[list[dict], ...]:
    """Every row of `models`, to prove a denied request changed nothing."""
    return tuple(list(model.objects.order_by("pk").values()) for model in models)
