"""A company signs itself up (the login is confirmed from an e-mailed link)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.apis.common import message_serializer
from backend.organisations import services
from backend.security.addresses import client_address
from backend.security.throttles import PublicEndpointMixin


class CompanySignUpApi(PublicEndpointMixin, APIView):
    """POST: a company registers itself and its first contact person, who confirms the login
    from an e-mailed link. The answer is the same whether or not the e-mail address already has
    an account (that account holder is mailed instead)."""

    permission_classes = [AllowAny]
    throttle_scope = "sign-up"

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "CompanySignUpInput"

        name = serializers.CharField(max_length=200)
        kvk = serializers.CharField(max_length=20)
        contact_email = serializers.EmailField()
        contact_first_name = serializers.CharField(max_length=150)
        contact_last_name = serializers.CharField(max_length=150)
        password = serializers.CharField(trim_whitespace=False)
        phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
        website = serializers.URLField(required=False, allow_blank=True, default="")
        employee_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)
        job_title = serializers.CharField(
            max_length=120, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=InputSerializer, responses={201: message_serializer("SignUpReceived")})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.company_sign_up(**data.validated_data, address=client_address(request))
        return Response({"message": sign_up_received_message()}, status=201)


def sign_up_received_message() -> str:
    return _(
        "Check je e-mail: we hebben een bericht gestuurd naar het e-mailadres dat je opgaf. "
        "Volg de link daarin om je aanmelding af te ronden."
    )
