"""Organisations, their staff lists and locations."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Membership
from backend.accounts.permissions import NotOnlyPrivacyOfficer, signed_in_user
from backend.core.errors import PermissionDenied
from backend.organisations import access, selectors, services
from backend.organisations.models import Location, Organisation, OrganisationKind


class OrganisationBriefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class OrganisationOutputSerializer(serializers.ModelSerializer[Organisation]):
    succeeded_by = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "brin",
            "kvk",
            "website",
            "description",
            "employee_count",
            "succeeded_by",
            "succeeded_on",
        ]


class OrganisationInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    brin = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    kvk = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    employee_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)


def visible_organisation_or_404(request: Request, pk: int) -> Organisation:
    return get_object_or_404(selectors.organisations_visible_to(signed_in_user(request)), pk=pk)


class OrganisationListApi(generics.ListAPIView[Organisation]):
    """GET: organisations you may see (filter `kind`, search name/KvK/BRIN, order by name).
    POST: register one (Koppel staff; a school's intake team registers companies)."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    serializer_class = OrganisationOutputSerializer
    filterset_fields = ["kind"]
    search_fields = ["name", "kvk", "brin"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(signed_in_user(self.request))

    @extend_schema(
        request=OrganisationInputSerializer, responses={201: OrganisationOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        data = OrganisationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_create(
            actor=signed_in_user(request), **data.validated_data
        )
        return Response(OrganisationOutputSerializer(organisation).data, status=201)


class OrganisationDetailApi(APIView):
    """GET one organisation; its contact people are included for its own people and for school
    staff. PATCH: its managers (institution admin / company contact) and Koppel staff."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    class ContactSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "OrganisationDetailContact"

        id = serializers.IntegerField(source="user.id")
        name = serializers.CharField(source="user.get_full_name")
        email = serializers.EmailField(source="user.email")
        job_title = serializers.CharField()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        organisation = visible_organisation_or_404(request, pk)
        data = OrganisationOutputSerializer(organisation).data
        if access.can_see_contacts(signed_in_user(request), organisation):
            contacts = selectors.organisation_contacts(organisation)
            data["contacts"] = self.ContactSerializer(contacts, many=True).data
        return Response(data)

    @extend_schema(request=OrganisationInputSerializer, responses=OrganisationOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        organisation = visible_organisation_or_404(request, pk)
        data = OrganisationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            organisation=organisation, actor=signed_in_user(request), **data.validated_data
        )
        return Response(OrganisationOutputSerializer(organisation).data)


class OrganisationSucceedApi(APIView):
    """POST {successor, on}: record a takeover (see services.organisation_succeed)."""

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "OrganisationSucceedInput"

        successor = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=OrganisationOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        organisation = visible_organisation_or_404(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_succeed(
            organisation=organisation, actor=signed_in_user(request), **data.validated_data
        )
        return Response(OrganisationOutputSerializer(organisation).data)


class MembershipOutputSerializer(serializers.ModelSerializer[Membership]):
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    user_id = serializers.IntegerField()
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "user_id", "name", "email", "role", "role_label", "job_title", "ended_at"]


class OrganisationMembershipListApi(generics.ListAPIView[Membership]):
    """GET the staff list of an organisation (not its students), ended memberships included
    (`?active=true` for current ones). For its admins, coordinators, company contacts."""

    serializer_class = MembershipOutputSerializer
    filterset_fields = ["role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    ordering_fields = ["user__last_name", "role", "created_at"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        if not access.can_see_staff_list(signed_in_user(self.request), organisation):
            raise PermissionDenied(_("Je mag de medewerkers van deze organisatie niet inzien."))
        queryset = selectors.organisation_staff(organisation)
        if self.request.query_params.get("active") == "true":
            queryset = queryset.filter(ended_at__isnull=True)
        return queryset


class LocationOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()


class LocationInputSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    name = serializers.CharField(max_length=200)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)


class LocationListApi(generics.ListAPIView[Location]):
    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]
    serializer_class = LocationOutputSerializer
    filterset_fields = ["organisation", "city"]
    search_fields = ["name", "city", "postcode"]
    ordering_fields = ["name", "city"]

    def get_queryset(self) -> QuerySet[Location]:
        return selectors.locations_visible_to(signed_in_user(self.request))

    @extend_schema(request=LocationInputSerializer, responses={201: LocationOutputSerializer})
    def post(self, request: Request) -> Response:
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        location = services.location_create(actor=signed_in_user(request), **data.validated_data)
        return Response(LocationOutputSerializer(location).data, status=201)


class LocationDetailApi(APIView):
    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]
    serializer_class = LocationOutputSerializer

    def _location(self, request: Request, pk: int) -> Location:
        return get_object_or_404(selectors.locations_visible_to(signed_in_user(request)), pk=pk)

    def get(self, request: Request, pk: int) -> Response:
        return Response(LocationOutputSerializer(self._location(request, pk)).data)

    @extend_schema(request=LocationInputSerializer, responses=LocationOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        location = self._location(request, pk)
        data = LocationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "organisation"}
        location = services.location_update(
            location=location, actor=signed_in_user(request), **fields
        )
        return Response(LocationOutputSerializer(location).data)

    def delete(self, request: Request, pk: int) -> Response:
        services.location_delete(
            location=self._location(request, pk), actor=signed_in_user(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
