"""Login, me, password reset and company sign-up."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.core.errors import ApplicationError
from backend.organisations.apis import OrganisationBriefSerializer


def _message(name: str):
    return inline_serializer(name, {"message": serializers.CharField()})


class TokenApi(APIView):
    """POST {email, password} → {"token": "..."}; send it as `Authorization: Token <token>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

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
        user = authenticate(
            request,
            email=data.validated_data["email"].strip().lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise ApplicationError(_("Het e-mailadres of wachtwoord klopt niet."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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


class PasswordResetRequestApi(APIView):
    """POST {email}: always the same answer, whether or not the address has an account."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PasswordResetRequestInput"

        email = serializers.EmailField()

    @extend_schema(request=InputSerializer, responses=_message("PasswordResetRequested"))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response(
            {
                "message": _(
                    "Als dit e-mailadres bij Koppel bekend is, ontvang je binnen enkele minuten "
                    "een e-mail met een link om een nieuw wachtwoord te kiezen."
                )
            }
        )


class PasswordResetConfirmApi(APIView):
    """POST {uid, token, new_password} from the e-mailed link."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

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


class CompanySignUpApi(APIView):
    """POST: a company registers itself and its first contact person."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

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

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signup = services.company_sign_up(**data.validated_data)
        return Response(
            {
                "organisation": OrganisationBriefSerializer(signup.organisation).data,
                "user": {"id": signup.user.pk, "email": signup.user.email},
            },
            status=201,
        )
