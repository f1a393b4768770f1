"""Werkproces mappings of an offer, the review queue and the coverage report."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError, PermissionDenied, field_error
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.offers.access import coverage_school_ids, may_use_review_queue
from backend.offers.apis.offers import visible_offer
from backend.offers.apis.paging import CheckedPagination
from backend.offers.apis.serializers import (
    MappingInputSerializer,
    MappingOutputSerializer,
    OfferListOutputSerializer,
)
from backend.offers.models import Coverage, Offer, WerkprocesMapping
from backend.offers.selectors import (
    COVERAGE_TOP,
    COVERAGE_TOP_MAX,
    CoverageSummary,
    CoveringOffer,
    WerkprocesCoverage,
    coverage_summary,
    coverage_werkproces,
    covering_challenges,
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
    pagination_class = CheckedPagination
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Offer]:
        user = signed_in_user(self.request)
        if not may_use_review_queue(user):
            raise PermissionDenied(
                _("Alleen docenten, coaches en coördinatoren beoordelen aanbod.")
            )
        # The list shows no history and no reviewer (the page does): read only its columns.
        return (
            review_queue_for(user)
            .prefetch_related(None)
            .select_related(None)
            .select_related("owner", "contact")
            .prefetch_related(Prefetch("programmes", queryset=Kwalificatie.objects.only("pk")))
            .only(*_QUEUE_COLUMNS)
        )


# What OfferListOutputSerializer reads of an offer, its company and its contact.
_QUEUE_COLUMNS = (
    "kind",
    "title",
    "status",
    "status_changed_at",
    "starts_on",
    "ends_on",
    "location_kind",
    "language",
    "niveau_min",
    "niveau_max",
    "min_students",
    "max_students",
    "team_size",
    "owner__name",
    "contact__first_name",
    "contact__last_name",
)


class CoveringOfferSerializer(serializers.Serializer[CoveringOffer]):
    offer_id = serializers.IntegerField()
    title = serializers.CharField()
    owner_name = serializers.CharField()
    coverage = serializers.ChoiceField(choices=Coverage.choices)
    note = serializers.CharField()


class CoverageWerkprocesSerializer(serializers.Serializer[Werkproces]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    kerntaak = serializers.CharField(source="kerntaak.code")


class CoverageRowSerializer(serializers.Serializer[WerkprocesCoverage]):
    werkproces = CoverageWerkprocesSerializer()
    coverage = serializers.ChoiceField(
        choices=Coverage.choices, allow_null=True, help_text="best coverage; null: a gap"
    )
    count = serializers.IntegerField(help_text="live challenges covering the werkproces")
    full_count = serializers.IntegerField(source="fully", help_text="of which fully")
    offers = CoveringOfferSerializer(
        source="top", many=True, help_text="the first `top` of them by title"
    )
    more = serializers.IntegerField(help_text="how many more: page them with the detail URL")


class CoverageKwalificatieSerializer(serializers.Serializer[Kwalificatie]):
    id = serializers.IntegerField()
    crebo = serializers.CharField()
    title = serializers.CharField()
    niveau = serializers.IntegerField()


class CoverageOutputSerializer(serializers.Serializer[CoverageSummary]):
    kwalificatie = CoverageKwalificatieSerializer()
    rows = CoverageRowSerializer(many=True)
    uncovered = serializers.SerializerMethodField()

    def get_uncovered(self, report: CoverageSummary) -> list[str]:
        return [wp.code for wp in report.uncovered]


_SCOPE_PARAMETERS = [
    OpenApiParameter("kwalificatie", int, required=True),
    OpenApiParameter("school", int, description="one of my schools (default: all of them)"),
]


def _coverage_scope(request: Request) -> tuple[Kwalificatie, set[int]]:
    """The kwalificatie asked for and the schools whose challenges count: mine, or the one
    asked for. Refused (403) for whoever works at no school."""
    schools = coverage_school_ids(signed_in_user(request))
    if not schools:
        raise PermissionDenied(_("Alleen medewerkers van een school zien de dekking."))
    kwalificatie_id = parse_id(request.query_params.get("kwalificatie", ""))
    kwalificatie = (
        Kwalificatie.objects.filter(pk=kwalificatie_id).first() if kwalificatie_id else None
    )
    if kwalificatie is None:
        raise field_error("kwalificatie", _("Kies een bestaande kwalificatie."))
    school = request.query_params.get("school", "")
    if school:
        school_id = parse_id(school)
        if school_id is None or school_id not in schools:
            raise field_error("school", _("Kies een van uw eigen scholen."))
        schools = {school_id}
    return kwalificatie, schools


class OfferCoverageApi(APIView):
    """Which werkprocessen of a kwalificatie the published challenges at my schools cover: per
    werkproces the number of covering challenges and the first `top` by title. The answer's
    size depends on the dossier, not on the number of challenges; the rest of the challenges
    of one werkproces: `offer-coverage-werkproces` (paged)."""

    @extend_schema(
        parameters=[
            *_SCOPE_PARAMETERS,
            OpenApiParameter(
                "top",
                int,
                description=f"challenges named per werkproces, 0-{COVERAGE_TOP_MAX} "
                f"(default {COVERAGE_TOP})",
            ),
        ],
        responses=CoverageOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        kwalificatie, schools = _coverage_scope(request)
        top = _top(request.query_params.get("top", ""))
        report = coverage_summary(kwalificatie, schools=schools, top=top)
        return Response(CoverageOutputSerializer(report).data)


def _top(raw: str) -> int:
    if not raw:
        return COVERAGE_TOP
    top = 0 if raw == "0" else parse_id(raw)
    if top is None or top > COVERAGE_TOP_MAX:
        raise field_error(
            "top", _("Kies een aantal van 0 tot en met %(max)d.") % {"max": COVERAGE_TOP_MAX}
        )
    return top


class CoveringMappingSerializer(serializers.Serializer[WerkprocesMapping]):
    """A row of `covering_challenges`: the same fields as CoveringOfferSerializer."""

    offer_id = serializers.IntegerField()
    title = serializers.CharField(source="offer.title")
    owner_name = serializers.CharField(source="offer.owner.name")
    coverage = serializers.ChoiceField(choices=Coverage.choices)
    note = serializers.CharField()


@extend_schema(parameters=_SCOPE_PARAMETERS)
class OfferCoverageWerkprocesApi(generics.ListAPIView[WerkprocesMapping]):
    """Every published challenge at my schools covering one werkproces of the kwalificatie,
    by title, paged (`page`, `page_size`; a page that does not exist is a 400). 404 when the
    werkproces is not one of the kwalificatie's."""

    serializer_class = CoveringMappingSerializer
    pagination_class = CheckedPagination
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[WerkprocesMapping]:
        kwalificatie, schools = _coverage_scope(self.request)
        werkproces = coverage_werkproces(kwalificatie, self.kwargs["werkproces_id"])
        if werkproces is None:
            raise Http404
        return covering_challenges(kwalificatie, werkproces, schools=schools)
