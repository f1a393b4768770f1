"""One endpoint per transition: POST /api/offers/{id}/<action>/, plus the history."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import PermissionDenied
from backend.offers import services
from backend.offers.access import may_see_history
from backend.offers.apis.offers import detail_response, visible_offer
from backend.offers.apis.serializers import (
    OfferDetailOutputSerializer,
    TransitionOutputSerializer,
)
from backend.offers.models import Offer

Service = Callable[..., Offer]


class NoteInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ChangesInputSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(allow_blank=True)


class ReasonInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class _TransitionApi(APIView):
    service: Service
    input_serializer: type[serializers.Serializer[Any]] = NoteInputSerializer
    argument = "note"

    def post(self, request: Request, offer_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        type(self).service(
            actor=signed_in_user(request),
            offer=offer,
            **{self.argument: data.validated_data[self.argument]},
        )
        return detail_response(request, offer_id)


def _api(
    name: str,
    service: Service,
    doc: str,
    serializer: type[serializers.Serializer[Any]] = NoteInputSerializer,
    argument: str = "note",
) -> type[_TransitionApi]:
    # A post function of its own per class, so each endpoint documents its own request body.
    def post(self: _TransitionApi, request: Request, offer_id: int) -> Response:
        return _TransitionApi.post(self, request, offer_id)

    return type(
        name,
        (_TransitionApi,),
        {
            "__doc__": doc,
            "service": staticmethod(service),
            "input_serializer": serializer,
            "argument": argument,
            "post": extend_schema(request=serializer, responses=OfferDetailOutputSerializer)(post),
        },
    )


OfferSubmitApi = _api(
    "OfferSubmitApi", services.offer_submit, "The company submits its offer to the schools."
)
OfferReviewStartApi = _api(
    "OfferReviewStartApi", services.offer_review_start, "A teacher takes the offer in review."
)
OfferPublishApi = _api(
    "OfferPublishApi", services.offer_publish, "Accept: students can see the offer."
)
OfferRequestChangesApi = _api(
    "OfferRequestChangesApi",
    services.offer_request_changes,
    "Ask the company for changes; `message` is shown to the company.",
    ChangesInputSerializer,
    "message",
)
OfferRejectApi = _api(
    "OfferRejectApi",
    services.offer_reject,
    "Reject with a `reason`, shown to the company (never to students).",
    ReasonInputSerializer,
    "reason",
)
OfferStartApi = _api("OfferStartApi", services.offer_start, "A coordinator starts the offer.")
OfferCompleteApi = _api(
    "OfferCompleteApi", services.offer_complete, "A coordinator marks the offer completed."
)
OfferArchiveApi = _api("OfferArchiveApi", services.offer_archive, "A coordinator archives it.")
OfferWithdrawApi = _api(
    "OfferWithdrawApi", services.offer_withdraw, "The company withdraws its offer."
)


class OfferTransitionListApi(APIView):
    """Who moved the offer when, with notes: for the owner company and the school only."""

    @extend_schema(responses=TransitionOutputSerializer(many=True))
    def get(self, request: Request, offer_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        if not may_see_history(signed_in_user(request), offer):
            raise PermissionDenied(
                _("Alleen het bedrijf en de school zien de geschiedenis van dit aanbod.")
            )
        transitions = offer.transitions.all()  # prefetched with their actors, in order
        return Response(TransitionOutputSerializer(transitions, many=True).data)
