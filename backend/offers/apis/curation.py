"""Werkproces mappings of an offer, the review queue and the coverage report."""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError, PermissionDenied
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie
from backend.offers.access import coverage_school_ids, may_use_review_queue
from backend.offers.apis.offers import visible_offer
from backend.offers.apis.serializers import (
    MappingInputSerializer,
    MappingOutputSerializer,
    OfferListOutputSerializer,
)
from backend.offers.models import Offer
from backend.offers.selectors import (
    CoverageReport,
    CoverageRow,
    coverage_for_kwalificatie,
    offer_mapping,
    offer_mappings,
    review_queue_for,
    werkproces_to_map,
)
from backend.offers.services import offer_map_werkproces, offer_unmap_werkproces


class OfferMappingListApi(APIView):
    """GET: the werkprocessen an offer serves. POST: map one (school staff)."""

    @extend_schema(responses=MappingOutputSerializer(many=True))
    def get(self, request: Request, offer_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        return Response(MappingOutputSerializer(offer_mappings(offer), many=True).data)

    @extend_schema(request=MappingInputSerializer, responses={201: MappingOutputSerializer})
    def post(self, request: Request, offer_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        data = MappingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        werkproces = werkproces_to_map(data.validated_data["werkproces"])
        if werkproces is None:
            message = _("Onbekend werkproces.")
            raise ApplicationError(message, extra={"fields": {"werkproces": [message]}})
        mapping = offer_map_werkproces(
            actor=signed_in_user(request),
            offer=offer,
            werkproces=werkproces,
            coverage=data.validated_data["coverage"],
            note=data.validated_data["note"],
        )
        mapping = offer_mappings(offer).get(pk=mapping.pk)
        return Response(MappingOutputSerializer(mapping).data, status=status.HTTP_201_CREATED)


class OfferMappingDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, offer_id: int, mapping_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        mapping = offer_mapping(offer, mapping_id)
        if mapping is None:
            raise Http404
        offer_unmap_werkproces(actor=signed_in_user(request), mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OfferReviewQueueApi(generics.ListAPIView[Offer]):
    """Offers waiting for my school's review, the longest waiting first."""

    serializer_class = OfferListOutputSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Offer]:
        user = signed_in_user(self.request)
        if not may_use_review_queue(user):
            raise PermissionDenied(
                _("Alleen docenten, coaches en coördinatoren beoordelen aanbod.")
            )
        return review_queue_for(user).prefetch_related("programmes")


class CoverageOutputSerializer(serializers.Serializer[CoverageReport]):
    class CoverageRowSerializer(serializers.Serializer[CoverageRow]):
        werkproces = serializers.SerializerMethodField()
        coverage = serializers.CharField(allow_null=True)
        offers = serializers.SerializerMethodField()

        def get_werkproces(self, row: CoverageRow) -> dict[str, Any]:
            wp = row.werkproces
            return {"id": wp.pk, "code": wp.code, "title": wp.title, "kerntaak": wp.kerntaak.code}

        def get_offers(self, row: CoverageRow) -> list[dict[str, Any]]:
            return [asdict(offer) for offer in row.offers]

    kwalificatie = serializers.SerializerMethodField()
    rows = CoverageRowSerializer(many=True)
    uncovered = serializers.SerializerMethodField()

    def get_kwalificatie(self, report: CoverageReport) -> dict[str, Any]:
        k = report.kwalificatie
        return {"id": k.pk, "crebo": k.crebo, "title": k.title, "niveau": k.niveau}

    def get_uncovered(self, report: CoverageReport) -> list[str]:
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
    def get(self, request: Request) -> Response:
        schools = coverage_school_ids(signed_in_user(request))
        if not schools:
            raise PermissionDenied(_("Alleen medewerkers van een school zien de dekking."))
        kwalificatie = self._kwalificatie(request)
        school = request.query_params.get("school", "")
        if school:
            school_id = parse_id(school)
            if school_id is None or school_id not in schools:
                message = _("Kies een van uw eigen scholen.")
                raise ApplicationError(message, extra={"fields": {"school": [message]}})
            schools = {school_id}
        report = coverage_for_kwalificatie(kwalificatie, schools=schools)
        return Response(CoverageOutputSerializer(report).data)

    def _kwalificatie(self, request: Request) -> Kwalificatie:
        value = request.query_params.get("kwalificatie", "")
        kwalificatie_id = parse_id(value)
        found = Kwalificatie.objects.filter(pk=kwalificatie_id).first() if kwalificatie_id else None
        if found is None:
            message = _("Kies een bestaande kwalificatie.")
            raise ApplicationError(message, extra={"fields": {"kwalificatie": [message]}})
        return found
