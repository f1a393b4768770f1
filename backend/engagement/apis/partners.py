from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.errors import PermissionDenied
from backend.engagement.models import DigestFrequency, DigestPreference
from backend.engagement.selectors.access import organiser_school_ids
from backend.engagement.selectors.partners import partners_needing_attention, quiet_weeks_for
from backend.engagement.services import digest_preference_set
from backend.engagement.services.common import Category
from backend.notifications.models import NotificationPreference
from backend.notifications.services import preference_set


def preferences_of(user) -> dict:
    frequency = (
        DigestPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
        or DigestFrequency.WEEKLY
    )
    stored = {
        p.category: p
        for p in NotificationPreference.objects.filter(user=user, category__in=Category.ALL)
    }
    return {
        "digest_frequency": frequency,
        "categories": {
            category: {
                "in_app": stored[category].in_app if category in stored else True,
                "email": stored[category].email if category in stored else True,
            }
            for category in Category.ALL
        },
    }


class ChannelsOutput(serializers.Serializer):
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferencesOutput(serializers.Serializer):
    """Schema only: what preferences_of() returns."""

    digest_frequency = serializers.ChoiceField(DigestFrequency.choices)
    categories = serializers.DictField(child=ChannelsOutput(), help_text="Per category")


class PreferencesApi(APIView):
    """Digest frequency (daily/weekly/off) and in-app / e-mail per engagement category."""

    @extend_schema_serializer(component_name="EngagementPreferencesInput")
    class InputSerializer(serializers.Serializer):
        digest_frequency = serializers.ChoiceField(DigestFrequency.choices, required=False)
        categories = serializers.DictField(
            child=serializers.DictField(child=serializers.BooleanField()), required=False
        )

        def validate_categories(self, value):
            unknown = set(value) - set(Category.ALL)
            if unknown:
                raise serializers.ValidationError(f"Onbekende soort: {', '.join(sorted(unknown))}")
            return value

    @extend_schema(responses=PreferencesOutput)
    def get(self, request):
        return Response(preferences_of(request.user))

    @extend_schema(request=InputSerializer, responses=PreferencesOutput)
    def put(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        if "digest_frequency" in s.validated_data:
            digest_preference_set(user=request.user, frequency=s.validated_data["digest_frequency"])
        current = preferences_of(request.user)["categories"]
        for category, values in s.validated_data.get("categories", {}).items():
            merged = {**current[category], **values}
            preference_set(
                user=request.user, category=category, in_app=merged["in_app"], email=merged["email"]
            )
        return Response(preferences_of(request.user))


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
    def get(self, request):
        schools = organiser_school_ids(request.user)
        if not schools:
            raise PermissionDenied("Alleen coördinatoren zien de signaleringslijst.")
        rows = partners_needing_attention(request.user, now=timezone.now())
        return Response(
            {
                "quiet_weeks": quiet_weeks_for(schools),
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
