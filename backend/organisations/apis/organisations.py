"""Organisations, their staff lists and locations."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Membership, Role
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import PermissionDenied
from backend.organisations import selectors, services
from backend.organisations.models import (
    Organisation,
    OrganisationKind,
)


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class OrganisationOutputSerializer(serializers.ModelSerializer):
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


class OrganisationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    brin = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    kvk = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    employee_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)


def visible_organisation_or_404(request, pk: int) -> Organisation:
    return get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)


class OrganisationListApi(generics.ListAPIView):
    """GET: organisations you may see (filter `kind`, search name/KvK/BRIN, order by name).
    POST: register one (Koppel staff; a school's intake team registers companies)."""

    serializer_class = OrganisationOutputSerializer
    filterset_fields = ["kind"]
    search_fields = ["name", "kvk", "brin"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user)

    @extend_schema(
        request=OrganisationInputSerializer, responses={201: OrganisationOutputSerializer}
    )
    def post(self, request):
        data = OrganisationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_create(actor=request.user, **data.validated_data)
        return Response(OrganisationOutputSerializer(organisation).data, status=201)


class OrganisationDetailApi(APIView):
    """GET one organisation; its contact people are included for its own people and for school
    staff. PATCH: its managers (institution admin / company contact) and Koppel staff."""

    class ContactSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrganisationDetailContact"

        id = serializers.IntegerField(source="user.id")
        name = serializers.CharField(source="user.get_full_name")
        email = serializers.EmailField(source="user.email")
        job_title = serializers.CharField()

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        organisation = visible_organisation_or_404(request, pk)
        data = OrganisationOutputSerializer(organisation).data
        user = request.user
        if (
            user.is_staff
            or staff_school_ids(user)
            or selectors.can_see_staff_list(user, organisation)
        ):
            contacts = (
                Membership.objects.active()
                .filter(organisation=organisation, role=Role.COMPANY_CONTACT)
                .select_related("user")
            )
            data["contacts"] = self.ContactSerializer(contacts, many=True).data
        return Response(data)

    @extend_schema(request=OrganisationInputSerializer, responses=OrganisationOutputSerializer)
    def patch(self, request, pk: int):
        organisation = visible_organisation_or_404(request, pk)
        data = OrganisationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_update(
            organisation=organisation, actor=request.user, **data.validated_data
        )
        return Response(OrganisationOutputSerializer(organisation).data)


class OrganisationSucceedApi(APIView):
    """POST {successor, on}: record a takeover (see services.organisation_succeed)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrganisationSucceedInput"

        successor = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=OrganisationOutputSerializer)
    def post(self, request, pk: int):
        organisation = visible_organisation_or_404(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = services.organisation_succeed(
            organisation=organisation, actor=request.user, **data.validated_data
        )
        return Response(OrganisationOutputSerializer(organisation).data)


class MembershipOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    user_id = serializers.IntegerField()
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "user_id", "name", "email", "role", "role_label", "job_title", "ended_at"]


class OrganisationMembershipListApi(generics.ListAPIView):
    """GET the staff list of an organisation (not its students), ended memberships included
    (`?active=true` for current ones). For its admins, coordinators, company contacts."""

    serializer_class = MembershipOutputSerializer
    filterset_fields = ["role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    ordering_fields = ["user__last_name", "role", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        if not selectors.can_see_staff_list(self.request.user, organisation):
            raise PermissionDenied(_("Je mag de medewerkers van deze organisatie niet inzien."))
        queryset = selectors.organisation_staff(organisation)
        if self.request.query_params.get("active") == "true":
            queryset = queryset.filter(ended_at__isnull=True)
        return queryset


class LocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()


class LocationInputSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    name = serializers.CharField(max_length=200)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)


class LocationListApi(generics.ListAPIView):
    serializer_class = LocationOutputSerializer
    filterset_fields = ["organisation", "city"]
    search_fields = ["name", "city", "postcode"]
    ordering_fields = ["name", "city"]

    def get_queryset(self):
        return selectors.locations_visible_to(self.request.user)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationOutputSerializer})
    def post(self, request):
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, **data.validated_data)
        return Response(LocationOutputSerializer(location).data, status=201)


class LocationDetailApi(APIView):
    serializer_class = LocationOutputSerializer

    def _location(self, request, pk):
        return get_object_or_404(selectors.locations_visible_to(request.user), pk=pk)

    def get(self, request, pk: int):
        return Response(LocationOutputSerializer(self._location(request, pk)).data)

    @extend_schema(request=LocationInputSerializer, responses=LocationOutputSerializer)
    def patch(self, request, pk: int):
        location = self._location(request, pk)
        data = LocationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "organisation"}
        location = services.location_update(location=location, actor=request.user, **fields)
        return Response(LocationOutputSerializer(location).data)

    def delete(self, request, pk: int):
        services.location_delete(location=self._location(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
