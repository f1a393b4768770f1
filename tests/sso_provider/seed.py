"""Users and the client of the test provider, from JSON (a file at start, or the control API).

A user:
    {"username": "sanne", "password": "geheim", "misbehave": "",
     "claims": {"sub": "...", "email": "...", "given_name": "...", "family_name": "...",
                "schac_home_organization": "vista.nl", "eduperson_affiliation": ["student"],
                "schac_personal_unique_code": ["urn:schac:personalUniqueCode:nl:local:..."]}}
A client:
    {"client_id": "koppel", "client_secret": "...", "redirect_uris": [...],
     "post_logout_redirect_uris": [...]}
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import get_application_model

from tests.sso_provider.models import MISBEHAVIOURS, Person

DEFAULT_REDIRECT_PATHS = ("/sso/terug/",)
# Django's test client is http://testserver; the live server and the demo are on the loopback
# address, where the provider allows any port (ALLOW_LOCALHOST_LOOPBACK).
DEFAULT_HOSTS = ("http://testserver", "http://127.0.0.1", "http://localhost")


def default_client(client_id: str, client_secret: str) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uris": [host + path for host in DEFAULT_HOSTS for path in DEFAULT_REDIRECT_PATHS],
        "post_logout_redirect_uris": [host + "/" for host in DEFAULT_HOSTS]
        + [host + "/login/" for host in DEFAULT_HOSTS],
    }


@transaction.atomic
def save_client(data: dict[str, Any]):
    Application = get_application_model()
    application, _ = Application.objects.update_or_create(
        client_id=data["client_id"],
        defaults={
            "name": data.get("name", "Koppel"),
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
            "redirect_uris": " ".join(data["redirect_uris"]),
            "post_logout_redirect_uris": " ".join(data.get("post_logout_redirect_uris", [])),
        },
    )
    # Hashed on save, as a real provider keeps it.
    application.client_secret = data["client_secret"]
    application.save()
    return application


@transaction.atomic
def save_user(data: dict[str, Any]) -> Person:
    misbehave = data.get("misbehave", "")
    if misbehave and misbehave not in MISBEHAVIOURS:
        raise ValueError(f"unknown misbehaviour {misbehave!r}; one of {', '.join(MISBEHAVIOURS)}")
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=data["username"])
    user.set_password(data.get("password", "geheim"))
    user.is_active = data.get("is_active", True)
    user.save()
    person, _ = Person.objects.update_or_create(
        user=user, defaults={"claims": data.get("claims", {}), "misbehave": misbehave}
    )
    return person


def save_users(users: list[dict[str, Any]]) -> list[Person]:
    return [save_user(user) for user in users]
