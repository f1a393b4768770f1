"""Shapes of offers in the API. Privacy: review notes, the rejection reason and the change
request are shown to the owner company and the school, never to students."""

from typing import Any, cast

from django.utils import timezone
from rest_framework import serializers

from backend.accounts.models import User
from backend.core.api_fields import id_field
from backend.offers.access import may_see_review
from backend.offers.models import (
    Coverage,
    Offer,
    OfferKind,
    OfferStatus,
    OfferTransition,
    WerkprocesMapping,
)
from backend.offers.selectors import offer_status_summary

TITLE_MAX = Offer._meta.get_field("title").max_length


class _Named(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfferListOutputSerializer(serializers.ModelSerializer[Offer]):
    # The label of the one value (get_FOO_display translates every label of the choices, 20
    # gettext calls an offer: most of the time of a page of 50).
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    owner = _Named()
    contact_name = serializers.SerializerMethodField()
    programmes = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "status",
            "status_label",
            "status_changed_at",
            "owner",
            "contact_name",
            "starts_on",
            "ends_on",
            "location_kind",
            "language",
            "niveau_min",
            "niveau_max",
            "min_students",
            "max_students",
            "team_size",
            "programmes",
        ]

    def get_kind_label(self, obj: Offer) -> str:
        return str(OfferKind(obj.kind).label)

    def get_status_label(self, obj: Offer) -> str:
        return str(OfferStatus(obj.status).label)

    def get_contact_name(self, obj: Offer) -> str:
        return obj.contact.get_full_name()

    def get_programmes(self, obj: Offer) -> list[int]:
        return [programme.pk for programme in obj.programmes.all()]


class OfferDetailOutputSerializer(OfferListOutputSerializer):
    schools = serializers.SerializerMethodField()
    consortium = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    reviewer_name = serializers.SerializerMethodField()
    status_summary = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta(OfferListOutputSerializer.Meta):
        fields = [
            *OfferListOutputSerializer.Meta.fields,
            "description",
            "expectations",
            "deliverables",
            "required_certificates",
            "schools",
            "consortium",
            "location",
            "reviewer_name",
            "status_summary",
            "review",
        ]

    def _user(self) -> User:
        return cast(User, self.context["request"].user)

    def get_schools(self, obj: Offer) -> list[dict[str, Any]]:
        return [{"id": school.pk, "name": school.name} for school in obj.schools.all()]

    def get_consortium(self, obj: Offer) -> dict[str, Any] | None:
        return {"id": obj.consortium_id, "name": obj.consortium.name} if obj.consortium else None

    def get_location(self, obj: Offer) -> dict[str, Any] | None:
        if not obj.location:
            return None
        location = obj.location
        return {
            "id": location.pk,
            "name": location.name,
            "postcode": location.postcode,
            "city": location.city,
        }

    def get_reviewer_name(self, obj: Offer) -> str:
        return obj.reviewer.get_full_name() if obj.reviewer else ""

    def get_status_summary(self, obj: Offer) -> dict[str, Any]:
        summary = offer_status_summary(obj, timezone.now())
        return {
            "text": summary.text,
            "next_step": summary.next_step,
            "expected_by": summary.expected_by,
            "overdue": summary.overdue,
        }

    def get_review(self, obj: Offer) -> dict[str, str] | None:
        """Rejection reason, change request and POK reference: company and school only."""
        if not may_see_review(self._user(), obj):
            return None
        return {
            "rejection_reason": obj.rejection_reason,
            "change_request": obj.change_request,
            "pok_reference": obj.pok_reference,
        }


class OfferInputSerializer(serializers.Serializer[Any]):
    """Types and sizes only (a title over 200 characters would not fit the column); the services
    check the rules and name the fields at fault."""

    kind = serializers.CharField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX)
    description = serializers.CharField(required=False, allow_blank=True)
    expectations = serializers.CharField(required=False, allow_blank=True)
    deliverables = serializers.CharField(required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    location_kind = serializers.CharField(required=False)
    location = id_field(required=False, allow_null=True)
    language = serializers.CharField(required=False)
    min_students = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    max_students = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    team_size = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000
    )
    niveau_min = serializers.IntegerField(required=False)
    niveau_max = serializers.IntegerField(required=False)
    programmes = serializers.ListField(child=id_field(), required=False)
    required_certificates = serializers.ListField(child=serializers.CharField(), required=False)
    schools = serializers.ListField(child=id_field(), required=False)
    consortium = id_field(required=False, allow_null=True)
    pok_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contact = id_field(required=False)


class OfferCreateInputSerializer(OfferInputSerializer):
    owner = id_field(required=False)
    kind = serializers.CharField()
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField()


class TransitionOutputSerializer(serializers.ModelSerializer[OfferTransition]):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = OfferTransition
        fields = ["id", "from_status", "to_status", "actor_name", "at", "note"]

    def get_actor_name(self, obj: OfferTransition) -> str:
        return obj.actor.get_full_name() or obj.actor.email


class MappingOutputSerializer(serializers.ModelSerializer[WerkprocesMapping]):
    werkproces = serializers.SerializerMethodField()
    mapped_by_name = serializers.SerializerMethodField()

    class Meta:
        model = WerkprocesMapping
        fields = ["id", "werkproces", "coverage", "note", "mapped_by_name", "updated_at"]

    def get_werkproces(self, obj: WerkprocesMapping) -> dict[str, Any]:
        werkproces = obj.werkproces
        return {
            "id": werkproces.pk,
            "code": werkproces.code,
            "title": werkproces.title,
            "dossier": werkproces.kerntaak.dossier.title,
        }

    def get_mapped_by_name(self, obj: WerkprocesMapping) -> str:
        return obj.mapped_by.get_full_name()


class MappingInputSerializer(serializers.Serializer[Any]):
    werkproces = serializers.IntegerField()
    coverage = serializers.ChoiceField(choices=Coverage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
