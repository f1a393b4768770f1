"""API tokens that expire.

DRF's authtoken keys live for ever; here a token older than API_TOKEN_TTL_HOURS (counted from
`Token.created`, which is renewed because signing in issues a new key) is deleted and refused.
A token that is unknown, expired or deleted (logout, password reset, leaving) answers 401 with
`WWW-Authenticate: Token`, also on endpoints that accept a session: the client sent credentials
and must know they no longer work."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication


class TokenRefused(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("Deze token is ongeldig. Vraag een nieuwe aan via POST /api/auth/token/.")
    default_code = "token_invalid"
    # DRF's handler turns this into the WWW-Authenticate header of the 401.
    auth_header = 'Token realm="api"'


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            user, token = super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed as error:
            # Unknown key, or the person is no longer active: one message for both.
            raise TokenRefused() from error
        if token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS):
            token.delete()
            raise TokenRefused(
                _("Deze token is verlopen. Vraag een nieuwe aan via POST /api/auth/token/.")
            )
        return user, token
