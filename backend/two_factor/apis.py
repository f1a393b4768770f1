"""The API token endpoint, with a second factor for those who must use one.

It replaces accounts' TokenApi at the same address (POST /api/auth/token/): accounts sits below
this app and cannot ask who must use two factors. A person who must (`policy`) sends the code
from their authenticator app (or a recovery code) in `otp`; without it, or with a wrong one, the
answer is 400 naming `otp`. Wrong codes count towards the same lock as on the website (429 with
Retry-After once locked). A token issued this way stands for a passed second factor (see
backend/two_factor/middleware.py)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from backend.accounts.apis.auth import TokenApi
from backend.core.errors import ApplicationError, field_error
from backend.security.addresses import client_address
from backend.security.services import SigninLocked, api_token_issue, signin_authenticate
from backend.security.throttles import Throttled
from backend.two_factor.policy import second_factor_required
from backend.two_factor.selectors import has_second_factor
from backend.two_factor.services import SecondFactorLocked, second_factor_verify


class TwoFactorTokenApi(TokenApi):
    """POST {email, password, otp?} → {"token": "..."}; send it as `Authorization: Token <token>`.

    `otp` is needed by Koppel staff and by a school's coordinators, programme leads and
    institution admins when their school requires two factors: the six digits from the
    authenticator app, or a recovery code (usable once). Every call issues a new key; a key
    expires after API_TOKEN_TTL_HOURS. After repeated wrong passwords or codes the answer is 429
    with Retry-After, even for the right ones."""

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "TokenInput"

        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)
        otp = serializers.CharField(required=False, allow_blank=True, max_length=32)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer("AuthToken", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        try:
            user = signin_authenticate(
                request=request._request,
                email=data.validated_data["email"],
                password=data.validated_data["password"],
                address=client_address(request),
                now=now,
            )
        except SigninLocked as locked:
            raise Throttled(locked.retry_after, locked.message) from None
        if user is None:
            raise ApplicationError(_("Het e-mailadres of wachtwoord klopt niet."))
        if second_factor_required(user):
            _check_second_factor(user, data.validated_data.get("otp", ""), now=now)
        return Response({"token": api_token_issue(user=user).key})


def _check_second_factor(user: Any, otp: str, *, now: Any) -> None:
    if not has_second_factor(user):
        raise field_error(
            "otp",
            _(
                "Voor dit account is tweestapsverificatie verplicht. Stel die eerst in op de "
                "website (log daar in met uw wachtwoord); vraag daarna een token aan met de code "
                "uit uw app in het veld otp."
            ),
        )
    if not otp.strip():
        raise field_error(
            "otp",
            _(
                "Voor dit account is tweestapsverificatie verplicht: stuur de code uit uw "
                "authenticator-app (of een herstelcode) mee in het veld otp."
            ),
        )
    try:
        second_factor_verify(user=user, code=otp, now=now, field="otp")
    except SecondFactorLocked as locked:
        raise Throttled(locked.retry_after, locked.message) from None
