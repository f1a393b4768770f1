"""Agreement endpoints: thin views over the services and selectors."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.agreements import services
from backend.agreements.apis.common import (
    client_ip,
    detail_data,
    document_views,
    reader_language,
    summary_data,
    version_data,
    visible_agreement_or_404,
)
from backend.agreements.models import AgreementStatus, AgreementVersion
from backend.agreements.selectors import agreement_events, agreement_list, offer_for_agreement
from backend.agreements.selectors.access import can_see_acceptance_audit
from backend.core.errors import NotFound
from backend.core.pagination import StandardPagination
from backend.organisations.models import Organisation


def _detail(request: Request, pk: int) -> Response:
    """The agreement as the API shows it after a change, read again."""
    user = signed_in_user(request)
    agreement = visible_agreement_or_404(user, pk)
    return Response(detail_data(agreement, user, reader_language(request)))


class AgreementListApi(APIView):
    def get(self, request: Request) -> Response:
        agreements = agreement_list(signed_in_user(request))
        if value := request.query_params.get("status"):
            agreements = agreements.filter(status=value)
        if value := request.query_params.get("kind"):
            agreements = agreements.filter(kind=value)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(agreements, request, view=self)
        return paginator.get_paginated_response([summary_data(a) for a in page or []])


class AgreementCreateFromOfferApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        # An id, not a related field: an unknown id must answer like another company's offer.
        offer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = signed_in_user(request)
        agreement = services.agreement_create_from_offer(
            offer=offer_for_agreement(user, data.validated_data["offer"]),
            school=data.validated_data["school"],
            actor=user,
            now=timezone.now(),
        )
        response = _detail(request, agreement.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class AgreementDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)


class TermsSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    mentoring_hours = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    provides = serializers.CharField(required=False, allow_blank=True)
    deliverables = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementChangeApi(APIView):
    """Change the terms: makes a new version when the current one was accepted."""

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        data = TermsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        note = changes.pop("note", "")
        services.agreement_change(
            agreement=agreement, actor=user, now=timezone.now(), note=note, **changes
        )
        return _detail(request, pk)


class AgreementVersionListApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        language = reader_language(request)
        audit = can_see_acceptance_audit(user, agreement)
        return Response(
            [version_data(v, language, with_audit=audit) for v in agreement.versions.all()]
        )


class AgreementVersionDetailApi(APIView):
    """GET one version; PATCH edits it in place only while nobody accepted it (else 409)."""

    def _version(self, request: Request, pk: int, number: int) -> AgreementVersion:
        agreement = visible_agreement_or_404(signed_in_user(request), pk)
        version = next((v for v in agreement.versions.all() if v.number == number), None)
        if version is None:
            raise NotFound("Versie niet gevonden.")
        return version

    def get(self, request: Request, pk: int, number: int) -> Response:
        version = self._version(request, pk, number)
        audit = can_see_acceptance_audit(signed_in_user(request), version.agreement)
        return Response(version_data(version, reader_language(request), with_audit=audit))

    def patch(self, request: Request, pk: int, number: int) -> Response:
        version = self._version(request, pk, number)
        data = TermsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        note = changes.pop("note", "")
        version = services.agreement_version_update(
            version=version, actor=signed_in_user(request), now=timezone.now(), note=note, **changes
        )
        return Response(version_data(version, reader_language(request)))


class _TransitionApi(APIView):
    service: Callable[..., Any]
    needs_reason = False

    class ReasonSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        kwargs = {}
        if self.needs_reason:
            data = self.ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs["reason"] = data.validated_data["reason"]
        type(self).service(agreement=agreement, actor=user, now=timezone.now(), **kwargs)
        return _detail(request, pk)


class AgreementProposeApi(_TransitionApi):
    service = staticmethod(services.agreement_propose)


class AgreementActivateApi(_TransitionApi):
    service = staticmethod(services.agreement_activate)


class AgreementFulfilApi(_TransitionApi):
    service = staticmethod(services.agreement_fulfil)


class AgreementCancelApi(_TransitionApi):
    service = staticmethod(services.agreement_cancel)
    needs_reason = True


class AgreementBreakApi(_TransitionApi):
    service = staticmethod(services.agreement_break)
    needs_reason = True


class AgreementAcceptApi(APIView):
    """Accept the current version for your party; records who, role, when and from where."""

    class InputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField(required=False, min_value=1)

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_accept(
            agreement=agreement,
            actor=user,
            now=timezone.now(),
            version_number=data.validated_data.get("version"),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return _detail(request, pk)


class AgreementParticipantsApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        students = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_set_participants(
            agreement=agreement,
            students=data.validated_data["students"],
            actor=user,
            now=timezone.now(),
        )
        return _detail(request, pk)


class AgreementEventListApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        agreement = visible_agreement_or_404(signed_in_user(request), pk)
        return Response(
            [
                {
                    "sequence": e.sequence,
                    "kind": e.kind,
                    "kind_display": e.get_kind_display(),
                    "actor": str(e.actor) if e.actor_id else None,
                    "at": e.at,
                    "payload": e.payload,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in agreement_events(agreement)
            ]
        )


class AgreementStatusesApi(APIView):
    def get(self, request: Request) -> Response:
        return Response([{"value": v, "label": str(label)} for v, label in AgreementStatus.choices])


document_views(globals())
