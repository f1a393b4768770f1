"""Login, me, password reset, sign-up, invitations, people leaving, certificates and students.

Thin: validate input, call a service or selector, serialize the result."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.models import Invitation, Membership, Role, User
from backend.accounts.services.invitations import invitation_for_token
from backend.core.errors import ApplicationError, NotFound, PermissionDenied
from backend.core.permissions import HasRole, IsSchoolStaff
from backend.organisations.apis import OrganisationBriefSerializer
from backend.organisations.models import CertificateKind, Organisation, PolicySubject
from backend.organisations.selectors import organisations_visible_to


def _message(name: str):
    return inline_serializer(name, {"message": serializers.CharField()})


# --- login and me -------------------------------------------------------------------------------


class TokenApi(APIView):
    """POST {email, password} → {"token": "..."}; send it as `Authorization: Token <token>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
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
        id = serializers.IntegerField()
        organisation = OrganisationBriefSerializer()
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        job_title = serializers.CharField()

    class EnrolmentSerializer(serializers.Serializer):
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


# --- invitations --------------------------------------------------------------------------------


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    organisation = OrganisationBriefSerializer()
    role = serializers.CharField()
    invited_by = serializers.CharField(source="invited_by.get_full_name")
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField()


def _invitation_organisation_ids(user: User) -> set[int]:
    roles = (Role.INSTITUTION_ADMIN, Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.COMPANY_CONTACT)
    return selectors.organisation_ids_for(user, *roles)


class InvitationListApi(generics.ListAPIView):
    """GET invitations of the organisations you invite people to. POST {organisation, email, role}
    sends one (institution admin or coordinator for their school, company contact for their
    company)."""

    class InputSerializer(serializers.Serializer):
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)

    permission_classes = [
        HasRole(Role.INSTITUTION_ADMIN, Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.COMPANY_CONTACT)
    ]
    serializer_class = InvitationOutputSerializer
    filterset_fields = ["organisation", "role"]
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]

    def get_queryset(self):
        queryset = Invitation.objects.select_related("organisation", "invited_by")
        if self.request.user.is_staff:
            return queryset
        return queryset.filter(organisation_id__in=_invitation_organisation_ids(self.request.user))

    @extend_schema(request=InputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = services.invitation_create(
            actor=request.user, now=timezone.now(), **data.validated_data
        )
        return Response(InvitationOutputSerializer(issued.invitation).data, status=201)


class InvitationRevokeApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
        if (
            not request.user.is_staff
            and invitation.organisation_id not in _invitation_organisation_ids(request.user)
        ):
            raise NotFound(_("Deze uitnodiging bestaat niet."))
        services.invitation_revoke(invitation=invitation, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationLookupApi(APIView):
    """GET ?token=…: what the invitation is for, so the page can greet the invitee."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)], responses=OpenApiTypes.OBJECT
    )
    def get(self, request):
        invitation = invitation_for_token(request.query_params.get("token", ""), now=timezone.now())
        return Response(
            {
                "email": invitation.email,
                "organisation": OrganisationBriefSerializer(invitation.organisation).data,
                "role": invitation.role,
                "role_label": invitation.get_role_display(),
                "expires_at": invitation.expires_at,
                "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
            }
        )


class InvitationAcceptApi(APIView):
    """POST {token, password, first_name, last_name}: create or link the login and join."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField()
        password = serializers.CharField(trim_whitespace=False)
        first_name = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default=""
        )
        last_name = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(now=timezone.now(), **data.validated_data)
        return Response(
            {
                "user": {"id": membership.user_id, "email": membership.user.email},
                "organisation": OrganisationBriefSerializer(membership.organisation).data,
                "role": membership.role,
            },
            status=201,
        )


# --- leaving ------------------------------------------------------------------------------------


class MembershipEndApi(APIView):
    """POST: end a membership (the person themselves, the organisation's managers, Koppel staff)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        membership = get_object_or_404(
            Membership.objects.select_related("organisation", "user").filter(
                organisation__in=organisations_visible_to(request.user).values("pk")
            ),
            pk=pk,
        )
        membership = services.membership_end(
            membership=membership, actor=request.user, now=timezone.now()
        )
        return Response({"id": membership.pk, "ended_at": membership.ended_at})


class PersonLeaveApi(APIView):
    """POST: the person leaves Koppel (see services.person_leave for who may do this)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        user = get_object_or_404(User, pk=pk)
        visible = (
            request.user.is_staff
            or user.pk == request.user.pk
            or Membership.objects.filter(
                user=user, organisation_id__in=selectors.organisation_ids_for(request.user)
            ).exists()
        )
        if not visible:
            raise NotFound(_("Deze persoon bestaat niet."))
        user = services.person_leave(user=user, actor=request.user, now=timezone.now())
        return Response({"id": user.pk, "left_at": user.left_at, "is_active": user.is_active})


# --- certificates -------------------------------------------------------------------------------


class CertificateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    holder = serializers.SerializerMethodField()
    kind = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    verified = serializers.SerializerMethodField()

    def get_holder(self, certificate) -> dict:
        return {"id": certificate.holder_id, "name": certificate.holder.get_full_name()}

    def get_verified(self, certificate) -> bool:
        return certificate.verified_by_id is not None


class CertificateListApi(generics.ListAPIView):
    """GET your certificates (school staff: also those of guest teachers and company mentors;
    filter `holder`, `kind`). POST {kind, issued_on, valid_until} records one of your own."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CertificateKind.choices)
        issued_on = serializers.DateField()
        valid_until = serializers.DateField()

    serializer_class = CertificateOutputSerializer
    filterset_fields = ["holder", "kind"]
    ordering_fields = ["valid_until", "issued_on"]

    def get_queryset(self):
        return selectors.certificates_visible_to(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: CertificateOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_create(
            holder=request.user, actor=request.user, **data.validated_data
        )
        return Response(CertificateOutputSerializer(certificate).data, status=201)


class CertificateDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
        services.certificate_delete(certificate=certificate, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CertificateVerifyApi(APIView):
    @extend_schema(request=None, responses=CertificateOutputSerializer)
    def post(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
        certificate = services.certificate_verify(certificate=certificate, actor=request.user)
        return Response(CertificateOutputSerializer(certificate).data)


class CertificateCheckApi(APIView):
    """GET ?person=&school=&subject=guest_teacher&on=YYYY-MM-DD → {"ok", "violations": [...]}.
    For school staff (any person who is not a student) and for people checking themselves."""

    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField()
        school = serializers.IntegerField()
        subject = serializers.ChoiceField(choices=PolicySubject.choices)
        on = serializers.DateField(required=False)

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "CertificateCheck",
            {"ok": serializers.BooleanField(), "violations": serializers.ListField()},
        ),
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = get_object_or_404(User, pk=values["person"])
        school = get_object_or_404(Organisation.objects.schools(), pk=values["school"])
        is_self = person.pk == request.user.pk
        may_check = request.user.is_staff or (
            selectors.staff_school_ids(request.user) and not hasattr(person, "enrolment")
        )
        if not (is_self or may_check):
            raise PermissionDenied(_("Je mag de certificaten van deze persoon niet controleren."))
        violations = selectors.certificate_policy_violations(
            person=person,
            school=school,
            subject=values["subject"],
            on=values.get("on") or timezone.localdate(),
        )
        return Response({"ok": not violations, "violations": violations})


# --- students -----------------------------------------------------------------------------------


class StudentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="student_id")
    name = serializers.CharField(source="student.get_full_name")
    first_name = serializers.CharField(source="student.first_name")
    last_name = serializers.CharField(source="student.last_name")
    student_number = serializers.CharField()
    school = OrganisationBriefSerializer()
    kwalificatie = serializers.CharField(source="kwalificatie.title")
    crebo = serializers.CharField(source="kwalificatie.crebo")
    niveau = serializers.IntegerField(source="kwalificatie.niveau")
    cohort = serializers.IntegerField()
    leerweg = serializers.CharField()
    class_code = serializers.CharField()


class StudentListApi(generics.ListAPIView):
    """GET the students of your own school(s): school staff only, never companies. Filter
    `cohort`, `class_code`, `leerweg`, `school`, `crebo`, `niveau`; search name or number."""

    permission_classes = [IsSchoolStaff]
    serializer_class = StudentOutputSerializer
    filterset_fields = {
        "cohort": ["exact"],
        "class_code": ["exact"],
        "leerweg": ["exact"],
        "school": ["exact"],
        "kwalificatie__crebo": ["exact"],
        "kwalificatie__niveau": ["exact"],
    }
    search_fields = ["student__first_name", "student__last_name", "student_number"]
    ordering_fields = ["student__last_name", "student_number", "cohort", "class_code"]

    def get_queryset(self):
        return selectors.enrolments_visible_to(self.request.user)


class StudentDetailApi(APIView):
    """GET one student of your school. `care_notes` is only present for the student's coach and
    the coordinators of that school."""

    permission_classes = [IsSchoolStaff]

    class DetailSerializer(StudentOutputSerializer):
        email = serializers.EmailField(source="student.email")
        coach = serializers.CharField(source="coach.get_full_name", default=None)
        date_of_birth = serializers.DateField()

    @extend_schema(responses=DetailSerializer)
    def get(self, request, pk: int):
        enrolment = get_object_or_404(selectors.enrolments_visible_to(request.user), student_id=pk)
        data = self.DetailSerializer(enrolment).data
        if selectors.can_read_care_notes(request.user, enrolment):
            data["care_notes"] = enrolment.care_notes
        return Response(data)


class StudentImportApi(APIView):
    """POST multipart {school, file}: import a CSV export (docs/student-import.md). 200 with the
    counts, or 400 with `extra.errors` listing every bad row (and nothing imported)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        file = serializers.FileField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses=inline_serializer(
            "StudentImportResult",
            {
                "created": serializers.IntegerField(),
                "updated": serializers.IntegerField(),
                "unchanged": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.students_import(
            school=data.validated_data["school"],
            content=data.validated_data["file"].read(),
            actor=request.user,
            today=timezone.localdate(),
        )
        return Response(
            {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
