from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import PermissionDenied
from backend.engagement.models import DigestFrequency, NotificationCategory
from backend.engagement.selectors.access import may_see_partner_attention, organiser_school_ids
from backend.engagement.selectors.partners import partners_needing_attention, quiet_weeks_for
from backend.engagement.selectors.preferences import preferences_of
from backend.engagement.services import preferences_update


class ChannelsOutput(serializers.Serializer[Any]):
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferencesOutput(serializers.Serializer[Any]):
    """Schema only: what preferences_of() returns."""

    digest_frequency = serializers.ChoiceField(DigestFrequency.choices)
    categories = serializers.DictField(child=ChannelsOutput(), help_text="Per category")


class PreferencesApi(APIView):
    """Digest frequency (daily/weekly/off) and in-app / e-mail per engagement category."""

    @extend_schema_serializer(component_name="EngagementPreferencesInput")
    class InputSerializer(serializers.Serializer[Any]):
        digest_frequency = serializers.ChoiceField(DigestFrequency.choices, required=False)
        categories = serializers.DictField(
            child=serializers.DictField(child=serializers.BooleanField()), required=False
        )

        def validate_categories(self, value: dict[str, Any]) -> dict[str, Any]:
            unknown = set(value) - set(NotificationCategory.values)
            if unknown:
                raise serializers.ValidationError(f"Onbekende soort: {', '.join(sorted(unknown))}")
            return value

    @extend_schema(responses=PreferencesOutput)
    def get(self, request: Request) -> Response:
        return Response(preferences_of(signed_in_user(request)))

    @extend_schema(request=InputSerializer, responses=PreferencesOutput)
    def put(self, request: Request) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        preferences = preferences_update(
            user=signed_in_user(request),
            digest_frequency=s.validated_data.get("digest_frequency"),
            categories=s.validated_data.get("categories"),
        )
        return Response(preferences)


class AttentionListApi(APIView):
    """Coordinators: partners with no activity or message for the school's quiet weeks."""

    @extend_schema(
        responses=inline_serializer(
            "PartnerAttentionOutput",
            {
                "quiet_weeks": serializers.IntegerField(),
                "results": inline_serializer(
                    "PartnerAttentionRow",
                    {
                        "company_id": serializers.IntegerField(),
                        "company": serializers.CharField(),
                        "last_activity_at": serializers.DateTimeField(allow_null=True),
                        "weeks_quiet": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not may_see_partner_attention(user):
            raise PermissionDenied("Alleen coördinatoren zien de signaleringslijst.")
        rows = partners_needing_attention(user, now=timezone.now())
        return Response(
            {
                "quiet_weeks": quiet_weeks_for(organiser_school_ids(user)),
                "results": [
                    {
                        "company_id": r.company.pk,
                        "company": r.company.name,
                        "last_activity_at": r.last_activity_at,
                        "weeks_quiet": r.quiet_weeks,
                    }
                    for r in rows
                ],
            }
        )
