"""People leaving, and their own certificates."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import access, selectors, services
from backend.accounts.models import Certificate, CertificateKind, User
from backend.accounts.permissions import signed_in_user
from backend.core.errors import NotFound


class PersonLeaveApi(APIView):
    """POST: the person leaves Koppel (see services.person_leave for who may do this)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, pk: int) -> Response:
        actor = signed_in_user(request)
        user = get_object_or_404(User, pk=pk)
        if not access.can_see_person(actor, user):
            raise NotFound(_("Deze persoon bestaat niet."))
        user = services.person_leave(user=user, actor=actor, now=timezone.now())
        return Response({"id": user.pk, "left_at": user.left_at, "is_active": user.is_active})


class CertificateOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    holder = serializers.SerializerMethodField()
    kind = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    verified = serializers.SerializerMethodField()
    verified_at = serializers.DateTimeField()
    verified_by = serializers.SerializerMethodField()

    def get_holder(self, certificate: Certificate) -> dict[str, Any]:
        return {"id": certificate.holder_id, "name": certificate.holder.get_full_name()}

    def get_verified(self, certificate: Certificate) -> bool:
        return certificate.verified_at is not None

    def get_verified_by(self, certificate: Certificate) -> str | None:
        checker = certificate.verified_by
        return (checker.get_full_name() or checker.email) if checker else None


class CertificateListApi(generics.ListAPIView[Certificate]):
    """GET your certificates (school staff: also those of guest teachers and company mentors;
    filter `holder`, `kind`). POST {kind, issued_on, valid_until} records one of your own."""

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "CertificateListInput"

        kind = serializers.ChoiceField(choices=CertificateKind.choices)
        issued_on = serializers.DateField()
        valid_until = serializers.DateField()

    serializer_class = CertificateOutputSerializer
    filterset_fields = ["holder", "kind"]
    ordering_fields = ["valid_until", "issued_on"]

    def get_queryset(self) -> QuerySet[Certificate]:
        return selectors.certificates_visible_to(signed_in_user(self.request))

    @extend_schema(request=InputSerializer, responses={201: CertificateOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        certificate = services.certificate_create(holder=user, actor=user, **data.validated_data)
        return Response(CertificateOutputSerializer(certificate).data, status=201)


class CertificateDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        certificate = get_object_or_404(selectors.certificates_visible_to(user), pk=pk)
        services.certificate_delete(certificate=certificate, actor=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
