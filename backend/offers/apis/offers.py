"""Offers: list (filter, search, order), create, detail, update."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import (  # type: ignore[import-untyped]  # no stubs
    DjangoFilterBackend,
)
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import NotOnlyPrivacyOfficer, signed_in_user
from backend.accounts.selectors import company_ids
from backend.core.errors import ApplicationError, PermissionDenied
from backend.offers.apis.filters import OfferFilter
from backend.offers.apis.paging import CheckedPagination
from backend.offers.apis.serializers import (
    OfferCreateInputSerializer,
    OfferDetailOutputSerializer,
    OfferInputSerializer,
    OfferListOutputSerializer,
)
from backend.offers.models import Offer
from backend.offers.selectors import offers_visible_to
from backend.offers.services import offer_create, offer_update
from backend.organisations.models import Organisation


def detail_queryset(user: User) -> QuerySet[Offer]:
    return (
        offers_visible_to(user).select_related("location").prefetch_related("programmes", "schools")
    )


def visible_offer(request: Request, offer_id: int) -> Offer:
    """The offer if this person may see it; 404 otherwise (nothing is revealed)."""
    return get_object_or_404(detail_queryset(signed_in_user(request)), pk=offer_id)


def detail_response(request: Request, offer_id: int, code: int = status.HTTP_200_OK) -> Response:
    offer = visible_offer(request, offer_id)
    data = OfferDetailOutputSerializer(offer, context={"request": request}).data
    return Response(data, status=code)


class OfferListApi(generics.ListAPIView[Offer]):
    """GET: offers I may see. POST: a new draft offer (company contacts)."""

    # Open to every signed-in person except a privacy officer without another role.
    permission_classes = [NotOnlyPrivacyOfficer]

    serializer_class = OfferListOutputSerializer
    pagination_class = CheckedPagination
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = OfferFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "starts_on", "title", "status_changed_at", "status"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Offer]:
        return offers_visible_to(signed_in_user(self.request)).prefetch_related("programmes")

    @extend_schema(request=OfferCreateInputSerializer, responses={201: OfferDetailOutputSerializer})
    def post(self, request: Request) -> Response:
        data = OfferCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields: dict[str, Any] = dict(data.validated_data)
        user = signed_in_user(request)
        owner = _owner_for(user, fields.pop("owner", None))
        offer = offer_create(actor=user, owner=owner, **fields)
        return detail_response(request, offer.pk, status.HTTP_201_CREATED)


def _owner_for(user: User, owner_id: int | None) -> Organisation:
    """The company the offer is for: given, or the person's only company."""
    if owner_id is None:
        mine = company_ids(user)
        if len(mine) != 1:
            if not mine and not user.is_staff:
                raise PermissionDenied(_("Alleen contactpersonen van een bedrijf maken aanbod."))
            message = _("Kies voor welk bedrijf dit aanbod is.")
            raise ApplicationError(message, extra={"fields": {"owner": [message]}})
        owner_id = next(iter(mine))
    owner = Organisation.objects.filter(pk=owner_id).first()
    if owner is None:
        message = _("Onbekende organisatie (id %(id)s).") % {"id": owner_id}
        raise ApplicationError(message, extra={"fields": {"owner": [message]}})
    return owner


class OfferDetailApi(APIView):
    """GET: one offer. PATCH: change it (owner company, only while draft or changes asked)."""

    @extend_schema(responses=OfferDetailOutputSerializer)
    def get(self, request: Request, offer_id: int) -> Response:
        return detail_response(request, offer_id)

    @extend_schema(request=OfferInputSerializer, responses=OfferDetailOutputSerializer)
    def patch(self, request: Request, offer_id: int) -> Response:
        offer = visible_offer(request, offer_id)
        data = OfferInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        offer_update(actor=signed_in_user(request), offer=offer, **data.validated_data)
        return detail_response(request, offer_id)
