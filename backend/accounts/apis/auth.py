"""Login, logout and password reset.

The endpoints anyone may call are limited per client address (PublicEndpointMixin); the token
endpoint also locks accounts after repeated wrong passwords (backend.security.services)."""

from typing import Any

from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import services
from backend.accounts.apis.common import message_serializer
from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError
from backend.security.addresses import client_address
from backend.security.services import (
    SigninLocked,
    api_token_issue,
    api_tokens_revoke,
    signin_authenticate,
)
from backend.security.throttles import PublicEndpointMixin, Throttled


class TokenApi(PublicEndpointMixin, APIView):
    """POST {email, password} → {"token": "..."}; send it as `Authorization: Token <token>`.

    Every call issues a new key (the previous one stops working); a key expires after
    API_TOKEN_TTL_HOURS. After repeated wrong passwords the account or address answers 429 with
    Retry-After, even for the right password."""

    permission_classes = [AllowAny]
    throttle_scope = "auth-token"

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "TokenInput"

        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer("AuthToken", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = signin_authenticate(
                request=request._request,
                email=data.validated_data["email"],
                password=data.validated_data["password"],
                address=client_address(request),
                now=timezone.now(),
            )
        except SigninLocked as locked:
            raise Throttled(locked.retry_after, locked.message) from None
        if user is None:
            raise ApplicationError(_("Het e-mailadres of wachtwoord klopt niet."))
        return Response({"token": api_token_issue(user=user).key})


class LogoutApi(APIView):
    """POST: sign out; every API token of the person stops working (and the session ends)."""

    @extend_schema(request=None, responses=message_serializer("LoggedOut"))
    def post(self, request: Request) -> Response:
        api_tokens_revoke(user=signed_in_user(request))
        logout(request)
        return Response({"message": _("Je bent uitgelogd.")})


class PasswordResetRequestApi(PublicEndpointMixin, APIView):
    """POST {email}: always the same answer, whether or not the address has an account; the mail
    is sent by a task, at most PASSWORD_RESET_MAX_PER_EMAIL per address per hour."""

    permission_classes = [AllowAny]
    throttle_scope = "password-reset"

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "PasswordResetRequestInput"

        email = serializers.EmailField()

    @extend_schema(request=InputSerializer, responses=message_serializer("PasswordResetRequested"))
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(
            email=data.validated_data["email"], address=client_address(request)
        )
        return Response(
            {
                "message": _(
                    "Als dit e-mailadres bij Koppel bekend is, ontvang je binnen enkele minuten "
                    "een e-mail met een link om een nieuw wachtwoord te kiezen."
                )
            }
        )


class PasswordResetConfirmApi(PublicEndpointMixin, APIView):
    """POST {uid, token, new_password} from the e-mailed link."""

    permission_classes = [AllowAny]
    throttle_scope = "password-reset"

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "PasswordResetConfirmInput"

        uid = serializers.CharField()
        token = serializers.CharField()
        new_password = serializers.CharField(trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=message_serializer("PasswordResetDone"))
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(
            uidb64=data.validated_data["uid"],
            token=data.validated_data["token"],
            new_password=data.validated_data["new_password"],
        )
        return Response({"message": _("Je wachtwoord is gewijzigd. Je kunt nu inloggen.")})
