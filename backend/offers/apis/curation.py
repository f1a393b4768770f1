"""Werkproces mappings of an offer, the review queue and the coverage report."""

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import organisation_ids_for, staff_school_ids
from backend.core.errors import ApplicationError, PermissionDenied
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.offers.apis.offers import visible_offer
from backend.offers.apis.serializers import (
    MappingInputSerializer,
    MappingOutputSerializer,
    OfferListOutputSerializer,
)
from backend.offers.models import WerkprocesMapping
from backend.offers.selectors import REVIEW_ROLES, coverage_for_kwalificatie, review_queue_for
from backend.offers.services import offer_map_werkproces, offer_unmap_werkproces
from backend.organisations.models import Organisation


def _mappings(offer):
    return (
        WerkprocesMapping.objects.filter(offer=offer)
        .select_related("werkproces__kerntaak__dossier", "mapped_by")
        .order_by("werkproces__code", "pk")
    )


class OfferMappingListApi(APIView):
    """GET: the werkprocessen an offer serves. POST: map one (school staff)."""

    @extend_schema(responses=MappingOutputSerializer(many=True))
    def get(self, request, offer_id: int):
        offer = visible_offer(request, offer_id)
        return Response(MappingOutputSerializer(_mappings(offer), many=True).data)

    @extend_schema(request=MappingInputSerializer, responses={201: MappingOutputSerializer})
    def post(self, request, offer_id: int):
        offer = visible_offer(request, offer_id)
        data = MappingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        werkproces = Werkproces.objects.filter(pk=data.validated_data["werkproces"]).first()
        if werkproces is None:
            message = _("Onbekend werkproces.")
            raise ApplicationError(message, extra={"fields": {"werkproces": [message]}})
        mapping = offer_map_werkproces(
            actor=request.user,
            offer=offer,
            werkproces=werkproces,
            coverage=data.validated_data["coverage"],
            note=data.validated_data["note"],
        )
        mapping = _mappings(offer).get(pk=mapping.pk)
        return Response(MappingOutputSerializer(mapping).data, status=status.HTTP_201_CREATED)


class OfferMappingDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, offer_id: int, mapping_id: int):
        offer = visible_offer(request, offer_id)
        mapping = get_object_or_404(WerkprocesMapping.objects.filter(offer=offer), pk=mapping_id)
        mapping.offer = offer
        offer_unmap_werkproces(actor=request.user, mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OfferReviewQueueApi(generics.ListAPIView):
    """Offers waiting for my school's review, the longest waiting first."""

    serializer_class = OfferListOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        if not (user.is_staff or organisation_ids_for(user, *REVIEW_ROLES)):
            raise PermissionDenied(
                _("Alleen docenten, coaches en coördinatoren beoordelen aanbod.")
            )
        return review_queue_for(user).prefetch_related("programmes")


class CoverageOutputSerializer(serializers.Serializer):
    class CoverageRowSerializer(serializers.Serializer):
        werkproces = serializers.SerializerMethodField()
        coverage = serializers.CharField(allow_null=True)
        offers = serializers.SerializerMethodField()

        def get_werkproces(self, row) -> dict:
            wp = row.werkproces
            return {"id": wp.pk, "code": wp.code, "title": wp.title, "kerntaak": wp.kerntaak.code}

        def get_offers(self, row) -> list[dict]:
            return [asdict(offer) for offer in row.offers]

    kwalificatie = serializers.SerializerMethodField()
    rows = CoverageRowSerializer(many=True)
    uncovered = serializers.SerializerMethodField()

    def get_kwalificatie(self, report) -> dict:
        k = report.kwalificatie
        return {"id": k.pk, "crebo": k.crebo, "title": k.title, "niveau": k.niveau}

    def get_uncovered(self, report) -> list[str]:
        return [wp.code for wp in report.uncovered]


class OfferCoverageApi(APIView):
    """Which werkprocessen of a kwalificatie the published challenges at my school cover."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kwalificatie", int, required=True),
            OpenApiParameter("school", int, description="one of my schools (default: all)"),
        ],
        responses=CoverageOutputSerializer,
    )
    def get(self, request):
        user = request.user
        schools = staff_school_ids(user)
        if user.is_staff and not schools:
            schools = set(Organisation.objects.schools().values_list("pk", flat=True))
        if not schools:
            raise PermissionDenied(_("Alleen medewerkers van een school zien de dekking."))
        kwalificatie = self._kwalificatie(request)
        school = request.query_params.get("school", "")
        if school:
            if parse_id(school) not in schools:
                message = _("Kies een van uw eigen scholen.")
                raise ApplicationError(message, extra={"fields": {"school": [message]}})
            schools = {parse_id(school)}
        report = coverage_for_kwalificatie(kwalificatie, schools=schools)
        return Response(CoverageOutputSerializer(report).data)

    def _kwalificatie(self, request) -> Kwalificatie:
        value = request.query_params.get("kwalificatie", "")
        kwalificatie_id = parse_id(value)
        found = Kwalificatie.objects.filter(pk=kwalificatie_id).first() if kwalificatie_id else None
        if found is None:
            message = _("Kies een bestaande kwalificatie.")
            raise ApplicationError(message, extra={"fields": {"kwalificatie": [message]}})
        return found
