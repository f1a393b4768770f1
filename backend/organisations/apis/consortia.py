"""Consortia and their members."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import NotOnlyPrivacyOfficer, signed_in_user
from backend.organisations import selectors, services
from backend.organisations.apis.organisations import OrganisationBriefSerializer
from backend.organisations.models import (
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Organisation,
)


class ConsortiumMemberOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    joined_on = serializers.DateField()
    left_on = serializers.DateField()


class ConsortiumOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    members = ConsortiumMemberOutputSerializer(source="memberships", many=True)


class ConsortiumListApi(generics.ListAPIView[Consortium]):
    """GET consortia with their members. POST {name, lead, ...}: Koppel staff or an institution
    admin of the lead organisation."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ConsortiumListInput"

        name = serializers.CharField(max_length=200)
        lead = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        description = serializers.CharField(required=False, allow_blank=True, default="")
        starts_on = serializers.DateField(required=False, allow_null=True, default=None)
        ends_on = serializers.DateField(required=False, allow_null=True, default=None)

    serializer_class = ConsortiumOutputSerializer
    search_fields = ["name"]
    ordering_fields = ["name", "starts_on"]

    def get_queryset(self) -> QuerySet[Consortium]:
        return selectors.consortia_visible_to(signed_in_user(self.request)).prefetch_related(
            "memberships__organisation"
        )

    @extend_schema(request=InputSerializer, responses={201: ConsortiumOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consortium = services.consortium_create(
            actor=signed_in_user(request), **data.validated_data
        )
        return Response(ConsortiumOutputSerializer(consortium).data, status=201)


class ConsortiumDetailApi(APIView):
    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ConsortiumDetailInput"

        name = serializers.CharField(max_length=200, required=False)
        description = serializers.CharField(required=False, allow_blank=True)
        starts_on = serializers.DateField(required=False, allow_null=True)
        ends_on = serializers.DateField(required=False, allow_null=True)

    serializer_class = ConsortiumOutputSerializer

    def _consortium(self, request: Request, pk: int) -> Consortium:
        return get_object_or_404(selectors.consortia_visible_to(signed_in_user(request)), pk=pk)

    def get(self, request: Request, pk: int) -> Response:
        return Response(ConsortiumOutputSerializer(self._consortium(request, pk)).data)

    @extend_schema(request=InputSerializer, responses=ConsortiumOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        consortium = self._consortium(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consortium = services.consortium_update(
            consortium=consortium, actor=signed_in_user(request), **data.validated_data
        )
        return Response(ConsortiumOutputSerializer(consortium).data)


class ConsortiumMemberListApi(generics.ListAPIView[ConsortiumMembership]):
    """GET the members of a consortium; POST {organisation, role, joined_on} adds one (admins of
    the lead organisation, Koppel staff)."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ConsortiumMemberListInput"

        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        role = serializers.ChoiceField(choices=ConsortiumRole.choices)
        joined_on = serializers.DateField(required=False, allow_null=True, default=None)

    serializer_class = ConsortiumMemberOutputSerializer
    filterset_fields = ["role"]
    ordering_fields = ["organisation__name", "joined_on"]

    def _consortium(self) -> Consortium:
        return get_object_or_404(
            selectors.consortia_visible_to(signed_in_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[ConsortiumMembership]:
        if getattr(self, "swagger_fake_view", False):
            return ConsortiumMembership.objects.none()
        return selectors.consortium_members(self._consortium())

    @extend_schema(request=InputSerializer, responses={201: ConsortiumMemberOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.consortium_member_add(
            consortium=self._consortium(), actor=signed_in_user(request), **data.validated_data
        )
        return Response(ConsortiumMemberOutputSerializer(member).data, status=201)


def _consortium_member(request: Request, pk: int) -> ConsortiumMembership:
    return get_object_or_404(
        ConsortiumMembership.objects.select_related("consortium", "organisation").filter(
            consortium__in=selectors.consortia_visible_to(signed_in_user(request))
        ),
        pk=pk,
    )


class ConsortiumMemberDetailApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ConsortiumMemberDetailInput"

        role = serializers.ChoiceField(choices=ConsortiumRole.choices)

    @extend_schema(request=InputSerializer, responses=ConsortiumMemberOutputSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.consortium_member_update(
            membership=_consortium_member(request, pk),
            actor=signed_in_user(request),
            **data.validated_data,
        )
        return Response(ConsortiumMemberOutputSerializer(member).data)


class ConsortiumMemberEndApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "ConsortiumMemberEndInput"

        left_on = serializers.DateField(required=False)

    @extend_schema(request=InputSerializer, responses=ConsortiumMemberOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.consortium_member_end(
            membership=_consortium_member(request, pk),
            actor=signed_in_user(request),
            left_on=data.validated_data.get("left_on") or timezone.localdate(),
        )
        return Response(ConsortiumMemberOutputSerializer(member).data)
