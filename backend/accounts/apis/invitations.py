"""Invitations: send, list, revoke, look up and accept."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.models import Invitation, Role, User
from backend.accounts.permissions import HasRole
from backend.accounts.services.invitations import invitation_for_token
from backend.core.errors import NotFound
from backend.organisations.apis import OrganisationBriefSerializer
from backend.organisations.models import Organisation
from backend.security.throttles import PublicEndpointMixin


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
        class Meta:
            ref_name = "InvitationListInput"

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


class InvitationAcceptApi(PublicEndpointMixin, APIView):
    """POST {token, password, first_name, last_name}: create or link the login and join."""

    permission_classes = [AllowAny]
    # Linking an existing login checks its password: limited per address like the token endpoint.
    throttle_scope = "invitation-accept"

    class InputSerializer(serializers.Serializer):
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
