from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.core.errors import PermissionDenied
from backend.engagement.models import ExpertFormat, ExpertProfile
from backend.engagement.models.experts import LANGUAGES
from backend.engagement.selectors.access import (
    may_manage_experts_of,
    may_search_experts,
    teaching_school_ids,
)
from backend.engagement.selectors.experts import (
    expert_search,
    experts_managed_by,
    experts_visible_to,
    policy_badges_for,
)
from backend.engagement.services import expert_profile_create, expert_profile_update
from backend.organisations.models import Organisation


class ExpertOutput(serializers.ModelSerializer[ExpertProfile]):
    name = serializers.CharField(source="user.get_full_name")
    company = serializers.CharField(source="organisation.name")
    tags = serializers.SerializerMethodField()
    formats = serializers.ListField(source="format_list")
    languages = serializers.ListField(source="language_list")
    weekdays = serializers.ListField(source="weekday_list")
    policy_badges = serializers.SerializerMethodField()

    class Meta:
        model = ExpertProfile
        fields = [
            "id",
            "name",
            "company",
            "headline",
            "bio",
            "tags",
            "formats",
            "languages",
            "weekdays",
            "available_from",
            "available_until",
            "availability_note",
            "is_active",
            "policy_badges",
        ]

    def get_tags(self, obj: ExpertProfile) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    def get_policy_badges(self, obj: ExpertProfile) -> list[dict[str, str]]:
        badges = self.context.get("badges", {}).get(obj.pk, [])
        return [{"school": b.school_name, "badge": b.badge, "message": b.message} for b in badges]


class ExpertInput(serializers.Serializer[Any]):
    headline = serializers.CharField(max_length=200)
    bio = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    formats = serializers.ListField(
        child=serializers.ChoiceField(ExpertFormat.choices), required=False
    )
    languages = serializers.ListField(child=serializers.ChoiceField(LANGUAGES), required=False)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=5), required=False
    )
    available_from = serializers.DateField(required=False, allow_null=True)
    available_until = serializers.DateField(required=False, allow_null=True)
    availability_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    is_active = serializers.BooleanField(required=False)
    schools = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Organisation.objects.schools()
    )


class ExpertSearchApi(ListAPIView[ExpertProfile]):
    """Teachers of consortium schools search experts (words, tag, format, language, date).
    Each result carries the certificate-policy badges of the searcher's schools."""

    serializer_class = ExpertOutput
    filter_backends: list[Any] = []

    class FilterSerializer(serializers.Serializer[Any]):
        q = serializers.CharField(required=False, allow_blank=True)
        tag = serializers.ListField(child=serializers.CharField(), required=False)
        format = serializers.ChoiceField(ExpertFormat.choices, required=False)
        language = serializers.CharField(required=False)
        date = serializers.DateField(required=False)
        weekday = serializers.IntegerField(required=False, min_value=1, max_value=5)

    def get_queryset(self) -> QuerySet[ExpertProfile]:
        user = signed_in_user(self.request)
        if not may_search_experts(user):
            raise PermissionDenied("Alleen docenten en coördinatoren van scholen zoeken experts.")
        params = self.request.query_params
        data: dict[str, Any] = {k: v for k, v in params.items() if k != "tag"}
        if params.getlist("tag"):
            data["tag"] = params.getlist("tag")
        f = self.FilterSerializer(data=data)
        f.is_valid(raise_exception=True)
        d = f.validated_data
        return expert_search(
            user=user,
            words=d.get("q", ""),
            tags=d.get("tag"),
            expert_format=d.get("format", ""),
            language=d.get("language", ""),
            on=d.get("date"),
            weekday=d.get("weekday"),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        on = timezone.localdate()
        if request.query_params.get("date"):
            on = serializers.DateField().to_internal_value(request.query_params["date"])
        badges = policy_badges_for(
            experts=page, school_ids=teaching_school_ids(signed_in_user(request)), on=on
        )
        data = ExpertOutput(page, many=True, context={"badges": badges}).data
        return self.get_paginated_response(data)


class ExpertManagedListApi(ListAPIView[ExpertProfile]):
    """The company contact's own company's experts."""

    serializer_class = ExpertOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[ExpertProfile]:
        return experts_managed_by(signed_in_user(self.request)).order_by("pk")


class ExpertCreateApi(APIView):
    @extend_schema_serializer(component_name="ExpertCreateInput")
    class InputSerializer(ExpertInput):
        user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())

    @extend_schema(request=InputSerializer, responses={201: ExpertOutput})
    def post(self, request: Request) -> Response:
        actor = signed_in_user(request)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        user = data.pop("user", actor)
        organisation = data.pop("organisation")
        profile = expert_profile_create(
            actor=actor, user=user, organisation=organisation, data=data
        )
        return Response(ExpertOutput(profile).data, status=201)


class ExpertDetailApi(APIView):
    @extend_schema(responses=ExpertOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        expert = get_object_or_404(
            experts_visible_to(user).select_related("user", "organisation"), pk=pk
        )
        badges = policy_badges_for(
            experts=[expert], school_ids=teaching_school_ids(user), on=timezone.localdate()
        )
        return Response(ExpertOutput(expert, context={"badges": badges}).data)

    @extend_schema(request=ExpertInput, responses=ExpertOutput)
    def patch(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        expert = get_object_or_404(experts_visible_to(user), pk=pk)
        if not may_manage_experts_of(user, expert.organisation_id):
            raise PermissionDenied("Alleen het eigen bedrijf past dit expertprofiel aan.")
        s = ExpertInput(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        expert = expert_profile_update(actor=user, profile=expert, data=s.validated_data)
        return Response(ExpertOutput(expert).data)
