"""The provider's OAuth2 validator: releases each user's federation claims, and misbehaves on
purpose for users marked so (models.MISBEHAVIOURS), so Koppel's refusals can be reached through
the real login library."""

import base64
import time
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.sso_provider.models import Person


def person_of(user) -> Person | None:
    return Person.objects.filter(user=user).first()


@cache
def _stranger_key() -> rsa.RSAPrivateKey:
    """A key the provider never publishes: tokens it signs fail verification against the JWKS."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def resign_with_stranger_key(token: str) -> str:
    header, payload, _signature = token.split(".")
    signature = _stranger_key().sign(
        f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{header}.{payload}.{_b64url(signature)}"


def stranger_public_pem() -> bytes:
    return (
        _stranger_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


class ProviderValidator(OAuth2Validator):
    # Like SURFconext (which releases attributes per service, not per scope): every claim the
    # user has goes into the ID token and userinfo once `openid` is granted.
    oidc_claim_scope = None

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        # Unknown scopes are ignored, as federations do, instead of failing the login.
        request.scopes = [scope for scope in scopes if scope in self._known_scopes()] or ["openid"]
        return "openid" in scopes

    @staticmethod
    def _known_scopes() -> set[str]:
        from oauth2_provider.settings import oauth2_settings

        return set(oauth2_settings.SCOPES)

    def get_additional_claims(self, request) -> dict[str, Any]:
        person = person_of(request.user)
        claims = dict(person.claims) if person else {}
        claims.setdefault("sub", f"sub-{request.user.pk}")
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        person = person_of(request.user)
        now = int(time.time())
        match person.misbehave if person else "":
            case "expired-token":
                claims.update(iat=now - 900, exp=now - 600, auth_time=now - 900)
            case "future-token":
                claims.update(iat=now + 3600, nbf=now + 3600, exp=now + 7200)
            case "wrong-nonce":
                claims["nonce"] = "not-the-nonce-the-client-sent"
            case "wrong-issuer":
                claims["iss"] = "https://idp.elders.example"
            case "wrong-audience":
                claims["aud"] = "another-client"
        return claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        person = person_of(request.user)
        if person and person.misbehave == "bad-signature":
            return resign_with_stranger_key(serialized)
        return serialized
