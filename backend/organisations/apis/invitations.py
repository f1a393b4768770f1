"""Invitations to join an organisation: send, list, revoke, look up and accept."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import access
from backend.accounts import services as people_services
from backend.accounts.models import Invitation, Role
from backend.accounts.permissions import HasRole, signed_in_user
from backend.accounts.roles import INVITING_ROLES
from backend.accounts.selectors import email_has_account
from backend.accounts.services.invitations import invitation_for_token
from backend.core.errors import NotFound
from backend.organisations.apis.organisations import OrganisationBriefSerializer
from backend.organisations.models import Organisation
from backend.security.throttles import PublicEndpointMixin


class InvitationOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    organisation = OrganisationBriefSerializer()
    role = serializers.CharField()
    invited_by = serializers.CharField(source="invited_by.get_full_name")
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField()


class InvitationListApi(generics.ListAPIView[Invitation]):
    """GET invitations of the organisations you invite people to. POST {organisation, email, role}
    sends one (institution admin or coordinator for their school, company contact for their
    company)."""

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "InvitationListInput"

        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)

    permission_classes = [HasRole(*INVITING_ROLES)]
    serializer_class = InvitationOutputSerializer
    filterset_fields = ["organisation", "role"]
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]

    def get_queryset(self) -> QuerySet[Invitation]:
        return access.invitations_visible_to(signed_in_user(self.request))

    @extend_schema(request=InputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issued = people_services.invitation_create(
            actor=signed_in_user(request), now=timezone.now(), **data.validated_data
        )
        return Response(InvitationOutputSerializer(issued.invitation).data, status=201)


class InvitationRevokeApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        actor = signed_in_user(request)
        invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
        if not access.can_see_invitations_of(actor, invitation.organisation_id):
            raise NotFound(_("Deze uitnodiging bestaat niet."))
        people_services.invitation_revoke(invitation=invitation, actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationLookupApi(APIView):
    """GET ?token=…: what the invitation is for, so the page can greet the invitee."""

    authentication_classes: Sequence[type[BaseAuthentication]] = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)], responses=OpenApiTypes.OBJECT
    )
    def get(self, request: Request) -> Response:
        invitation = invitation_for_token(request.query_params.get("token", ""), now=timezone.now())
        return Response(
            {
                "email": invitation.email,
                "organisation": OrganisationBriefSerializer(invitation.organisation).data,
                "role": invitation.role,
                "role_label": invitation.get_role_display(),
                "expires_at": invitation.expires_at,
                "has_account": email_has_account(invitation.email),
            }
        )


class InvitationAcceptApi(PublicEndpointMixin, APIView):
    """POST {token, password, first_name, last_name}: create or link the login and join."""

    permission_classes = [AllowAny]
    # Linking an existing login checks its password: limited per address like the token endpoint.
    throttle_scope = "invitation-accept"

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "InvitationAcceptInput"

        token = serializers.CharField()
        password = serializers.CharField(trim_whitespace=False)
        first_name = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default=""
        )
        last_name = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default=""
        )

    @extend_schema(request=InputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = people_services.invitation_accept(now=timezone.now(), **data.validated_data)
        return Response(
            {
                "user": {"id": membership.user_id, "email": membership.user.email},
                "organisation": OrganisationBriefSerializer(membership.organisation).data,
                "role": membership.role,
            },
            status=201,
        )
