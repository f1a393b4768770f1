"""Login, logout, me, password reset and company sign-up.

The endpoints anyone may call are limited per client address (PublicEndpointMixin); the token
endpoint also locks accounts after repeated wrong passwords (backend.security.services)."""

from django.contrib.auth import logout
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.core.errors import ApplicationError
from backend.organisations.apis import OrganisationBriefSerializer
from backend.security.addresses import client_address
from backend.security.services import (
    SigninLocked,
    api_token_issue,
    api_tokens_revoke,
    signin_authenticate,
)
from backend.security.throttles import PublicEndpointMixin, Throttled


def _message(name: str):
    return inline_serializer(name, {"message": serializers.CharField()})


class TokenApi(PublicEndpointMixin, APIView):
    """POST {email, password} → {"token": "..."}; send it as `Authorization: Token <token>`.

    Every call issues a new key (the previous one stops working); a key expires after
    API_TOKEN_TTL_HOURS. After repeated wrong passwords the account or address answers 429 with
    Retry-After, even for the right password."""

    permission_classes = [AllowAny]
    throttle_scope = "auth-token"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenInput"

        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer("AuthToken", {"token": serializers.CharField()}),
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = signin_authenticate(
                request=request,
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

    @extend_schema(request=None, responses=_message("LoggedOut"))
    def post(self, request):
        api_tokens_revoke(user=request.user)
        logout(request)
        return Response({"message": _("Je bent uitgelogd.")})


class MeApi(APIView):
    """GET the signed-in person: name, memberships and (for students) the enrolment summary."""

    class MembershipSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeMembership"

        id = serializers.IntegerField()
        organisation = OrganisationBriefSerializer()
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        job_title = serializers.CharField()

    class EnrolmentSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MeEnrolment"

        school = OrganisationBriefSerializer()
        student_number = serializers.CharField()
        kwalificatie = serializers.CharField(source="kwalificatie.title")
        crebo = serializers.CharField(source="kwalificatie.crebo")
        niveau = serializers.IntegerField()
        cohort = serializers.IntegerField()
        leerweg = serializers.CharField()
        class_code = serializers.CharField()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        user = request.user
        enrolment = selectors.student_enrolment(user)
        return Response(
            {
                "id": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "name": user.get_full_name(),
                "preferred_language": user.preferred_language,
                "is_staff": user.is_staff,
                "roles": sorted(selectors.user_roles(user)),
                "memberships": self.MembershipSerializer(
                    selectors.active_memberships(user), many=True
                ).data,
                "enrolment": self.EnrolmentSerializer(enrolment).data if enrolment else None,
            }
        )


class PasswordResetRequestApi(PublicEndpointMixin, APIView):
    """POST {email}: always the same answer, whether or not the address has an account; the mail
    is sent by a task, at most PASSWORD_RESET_MAX_PER_EMAIL per address per hour."""

    permission_classes = [AllowAny]
    throttle_scope = "password-reset"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PasswordResetRequestInput"

        email = serializers.EmailField()

    @extend_schema(request=InputSerializer, responses=_message("PasswordResetRequested"))
    def post(self, request):
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

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PasswordResetConfirmInput"

        uid = serializers.CharField()
        token = serializers.CharField()
        new_password = serializers.CharField(trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses=_message("PasswordResetDone"))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(
            uidb64=data.validated_data["uid"],
            token=data.validated_data["token"],
            new_password=data.validated_data["new_password"],
        )
        return Response({"message": _("Je wachtwoord is gewijzigd. Je kunt nu inloggen.")})


class CompanySignUpApi(PublicEndpointMixin, APIView):
    """POST: a company registers itself and its first contact person, who confirms the login
    from an e-mailed link. The answer is the same whether or not the e-mail address already has
    an account (that account holder is mailed instead)."""

    permission_classes = [AllowAny]
    throttle_scope = "sign-up"

    class InputSerializer(serializers.Serializer):
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

    @extend_schema(request=InputSerializer, responses={201: _message("SignUpReceived")})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.company_sign_up(**data.validated_data, address=client_address(request))
        return Response({"message": sign_up_received_message()}, status=201)


def sign_up_received_message() -> str:
    return _(
        "Check je e-mail: we hebben een bericht gestuurd naar het e-mailadres dat je opgaf. "
        "Volg de link daarin om je aanmelding af te ronden."
    )
