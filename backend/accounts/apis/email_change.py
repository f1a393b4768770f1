"""Confirming a new e-mail address from the link mailed to the old one."""

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.services.email_change import email_change_confirm


class EmailChangeConfirmApi(APIView):
    """POST {token} from the link mailed to the old address: the login's e-mail address becomes
    the new one. The token is the proof, so no login is needed. 404 unknown token, 409 already
    used (or the new address was taken meanwhile), 400 expired."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "EmailChangeConfirmInput"

        token = serializers.CharField(max_length=100)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer("EmailChangeConfirmed", {"message": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = email_change_confirm(token=data.validated_data["token"], now=timezone.now())
        return Response({"message": _("Je e-mailadres is nu %(email)s.") % {"email": user.email}})
