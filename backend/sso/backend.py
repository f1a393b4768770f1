"""The authentication backend for the school account: mozilla-django-oidc's, made strict.

The library exchanges the code (with the PKCE verifier) and fetches the provider's keys; here the
ID token is verified against them with the issuer, the audience (our client id) and its lifetime
required, the nonce always checked, and the person is found by `sso_sign_in` instead of by e-mail.
Everything that stops a sign-in raises `SignInStopped` with the outcome, so the callback view can
show the matching page; Django's `authenticate` lets it through (it only swallows
PermissionDenied).

It only ever acts for the callback view (which passes `nonce`): a password login that happens to
carry `?code=&state=` never reaches the provider."""

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from backend.accounts.models import User
from backend.sso.models import Reason
from backend.sso.services import SignInResult, sso_refusal_record, sso_sign_in


class SignInStopped(Exception):  # an outcome, not a programming error
    def __init__(self, result: SignInResult) -> None:
        super().__init__(result.reason or result.outcome)
        self.result = result


def _stop(reason: Reason, *, issuer: str = "", detail: str = "") -> SignInStopped:
    return SignInStopped(
        sso_refusal_record(reason=reason, issuer=issuer, detail=detail, now=timezone.now())
    )


class SchoolAccountBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads (and checks) its settings here; Django builds a backend for every
        # authenticate() call, also password logins, so that waits until an SSO sign-in.
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if request is None or "nonce" not in kwargs or not settings.KOPPEL_SSO_ENABLED:
            return None
        super().__init__()
        if not self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) or not settings.OIDC_OP_ISSUER:
            # Checked at start-up too (backend.sso.checks); a token is never taken on less.
            raise ImproperlyConfigured("SSO needs OIDC_OP_ISSUER and an RS*/ES* OIDC_RP_SIGN_ALGO")
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_user(self, user_id: int) -> User | None:
        # ModelBackend's, which also refuses inactive logins (the library's does not).
        user: User | None = ModelBackend.get_user(self, user_id)
        return user

    # --- the ID token ---------------------------------------------------------------------------

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError:
            raise _stop(Reason.TOKEN_INVALID, detail="header") from None
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise _stop(Reason.TOKEN_INVALID, detail=f"alg {header.get('alg')}"[:100])
        issuer: str = settings.OIDC_OP_ISSUER
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                leeway=settings.OIDC_CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as error:
            raise _stop(Reason.TOKEN_EXPIRED, issuer=issuer, detail=str(error)) from None
        except jwt.InvalidTokenError as error:
            raise _stop(Reason.TOKEN_INVALID, issuer=issuer, detail=str(error)) from None
        return claims

    def retrieve_matching_jwk(self, token: str) -> Any:
        try:
            return super().retrieve_matching_jwk(token)
        except SuspiciousOperation:
            raise _stop(Reason.TOKEN_INVALID, detail="no matching key") from None
        except (jwt.InvalidTokenError, KeyError):
            raise _stop(Reason.TOKEN_INVALID, detail="header") from None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        if not token:
            raise _stop(Reason.TOKEN_INVALID, detail="no id_token")
        nonce = kwargs.get("nonce")
        key = self.OIDC_RP_IDP_SIGN_KEY or self.retrieve_matching_jwk(token)
        payload = self._verify_jws(token, key)
        # Always checked: the token answers this browser's sign-in attempt and no other.
        if not nonce or payload.get("nonce") != nonce:
            raise _stop(Reason.NONCE_MISMATCH, issuer=str(payload.get("iss", "")))
        self._id_token_claims = payload
        return payload

    # --- who the person is ----------------------------------------------------------------------

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint when there is one (SURFconext
        sends most attributes there). Its `sub` must be the ID token's (OpenID Connect Core 5.3.2)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise _stop(
                    Reason.TOKEN_INVALID, issuer=str(payload.get("iss", "")), detail="userinfo sub"
                )
            claims.update(userinfo)
        return claims

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        result = sso_sign_in(claims=claims, issuer=str(payload["iss"]), now=timezone.now())
        if not result.signed_in:
            raise SignInStopped(result)
        return result.user

    def store_tokens(self, access_token: str, id_token: str) -> None:
        # Kept for the provider's logout (id_token_hint); the callback view stores it in the
        # session after login (login may start a new session). The access token is not needed.
        self.request.sso_id_token = id_token
