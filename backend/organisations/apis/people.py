"""People in their organisations: who am I (with my memberships), ending a membership."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors as people
from backend.accounts import services as people_services
from backend.accounts.models import Membership
from backend.accounts.permissions import signed_in_user
from backend.organisations import selectors
from backend.organisations.apis.organisations import OrganisationBriefSerializer


class MeApi(APIView):
    """GET the signed-in person: name, memberships and (for students) the enrolment summary."""

    class MembershipSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "MeMembership"

        id = serializers.IntegerField()
        organisation = OrganisationBriefSerializer()
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        job_title = serializers.CharField()

    class EnrolmentSerializer(serializers.Serializer[Any]):
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
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        enrolment = people.student_enrolment(user)
        return Response(
            {
                "id": user.pk,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "name": user.get_full_name(),
                "preferred_language": user.preferred_language,
                "is_staff": user.is_staff,
                "roles": sorted(people.user_roles(user)),
                "memberships": self.MembershipSerializer(
                    people.active_memberships(user), many=True
                ).data,
                "enrolment": self.EnrolmentSerializer(enrolment).data if enrolment else None,
            }
        )


class MembershipEndApi(APIView):
    """POST: end a membership (the person themselves, the organisation's managers, Koppel staff)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        actor = signed_in_user(request)
        membership = get_object_or_404(
            Membership.objects.select_related("organisation", "user").filter(
                organisation__in=selectors.organisations_visible_to(actor).values("pk")
            ),
            pk=pk,
        )
        membership = people_services.membership_end(
            membership=membership, actor=actor, now=timezone.now()
        )
        return Response({"id": membership.pk, "ended_at": membership.ended_at})
