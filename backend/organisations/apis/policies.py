"""Schools' policies: certificate policies and the school's own rules (import, care notes)."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import CertificateKind
from backend.accounts.permissions import NotOnlyPrivacyOfficer, signed_in_user
from backend.accounts.roles import CARE_NOTES_READER_ROLES
from backend.core.errors import PermissionDenied
from backend.organisations import access, selectors, services
from backend.organisations.apis.organisations import (
    OrganisationBriefSerializer,
    visible_organisation_or_404,
)
from backend.organisations.models import CertificatePolicy, Organisation, PolicySubject


class CertificatePolicyOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    certificate = serializers.CharField()
    applies_to = serializers.CharField()
    applies_to_label = serializers.CharField(source="get_applies_to_display")
    note = serializers.CharField()


class CertificatePolicyListApi(generics.ListAPIView[CertificatePolicy]):
    """GET a school's certificate policies (public: companies must know them). POST {certificate,
    applies_to, note}: the school's institution admins."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "CertificatePolicyListInput"

        certificate = serializers.ChoiceField(choices=CertificateKind.choices)
        applies_to = serializers.ChoiceField(choices=PolicySubject.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    serializer_class = CertificatePolicyOutputSerializer
    filterset_fields = ["certificate", "applies_to"]
    ordering_fields = ["certificate", "applies_to"]

    def _organisation(self) -> Organisation:
        return visible_organisation_or_404(self.request, self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[CertificatePolicy]:
        if getattr(self, "swagger_fake_view", False):
            return CertificatePolicy.objects.none()
        return selectors.certificate_policies_for(self._organisation())

    @extend_schema(request=InputSerializer, responses={201: CertificatePolicyOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.certificate_policy_create(
            organisation=self._organisation(), actor=signed_in_user(request), **data.validated_data
        )
        return Response(CertificatePolicyOutputSerializer(policy).data, status=201)


class CertificatePolicyDeleteApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        policy = get_object_or_404(CertificatePolicy.objects.select_related("organisation"), pk=pk)
        services.certificate_policy_delete(policy=policy, actor=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchoolPolicyApi(APIView):
    """GET a school's own rules (its staff, Koppel staff). PATCH {coordinators_may_import_students,
    care_notes_roles}: the school's institution admins and Koppel staff.

    `coordinators_may_import_students` (default false): the school's coordinators may import
    students, besides its institution admins. `care_notes_roles` (default []): roles of the school
    that read every student's care notes, besides the student's own coach."""

    class PolicySerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "SchoolPolicy"

        coordinators_may_import_students = serializers.BooleanField(required=False)
        care_notes_roles = serializers.ListField(
            child=serializers.ChoiceField(choices=CARE_NOTES_READER_ROLES),
            required=False,
            max_length=len(CARE_NOTES_READER_ROLES),
        )

    def _school(self, request: Request, pk: int) -> Organisation:
        school = visible_organisation_or_404(request, pk)
        if not school.is_school:
            raise PermissionDenied(_("Alleen scholen hebben dit beleid."))
        if not access.can_see_school_policy(signed_in_user(request), school):
            raise PermissionDenied(
                _("Alleen medewerkers van %(name)s zien dit beleid.") % {"name": school.name}
            )
        return school

    @extend_schema(responses=PolicySerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.PolicySerializer(self._school(request, pk)).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def patch(self, request: Request, pk: int) -> Response:
        school = self._school(request, pk)
        data = self.PolicySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        school = services.school_policy_update(
            school=school, actor=signed_in_user(request), **data.validated_data
        )
        return Response(self.PolicySerializer(school).data)
