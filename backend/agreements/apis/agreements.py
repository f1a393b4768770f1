"""Agreement endpoints: thin views over the services and selectors."""

from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.agreements import services
from backend.agreements.apis.common import (
    detail_data,
    document_views,
    reader_language,
    summary_data,
    version_data,
    visible_agreement_or_404,
)
from backend.agreements.models import AgreementStatus
from backend.agreements.selectors import agreement_events, agreement_list, offer_for_agreement
from backend.core.errors import NotFound
from backend.core.pagination import StandardPagination
from backend.organisations.models import Organisation


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AgreementListApi(APIView):
    def get(self, request):
        agreements = agreement_list(request.user)
        if value := request.query_params.get("status"):
            agreements = agreements.filter(status=value)
        if value := request.query_params.get("kind"):
            agreements = agreements.filter(kind=value)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(agreements, request, view=self)
        return paginator.get_paginated_response([summary_data(a) for a in page])


class AgreementCreateFromOfferApi(APIView):
    class InputSerializer(serializers.Serializer):
        # An id, not a related field: an unknown id must answer like another company's offer.
        offer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_create_from_offer(
            offer=offer_for_agreement(request.user, data.validated_data["offer"]),
            school=data.validated_data["school"],
            actor=request.user,
            now=timezone.now(),
        )
        agreement = visible_agreement_or_404(request.user, agreement.pk)
        return Response(
            detail_data(agreement, request.user, reader_language(request)),
            status=status.HTTP_201_CREATED,
        )


class AgreementDetailApi(APIView):
    def get(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        return Response(detail_data(agreement, request.user, reader_language(request)))


class TermsSerializer(serializers.Serializer):
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

    def post(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        data = TermsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        note = changes.pop("note", "")
        services.agreement_change(
            agreement=agreement, actor=request.user, now=timezone.now(), note=note, **changes
        )
        agreement = visible_agreement_or_404(request.user, pk)
        return Response(detail_data(agreement, request.user, reader_language(request)))


class AgreementVersionListApi(APIView):
    def get(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        language = reader_language(request)
        return Response([version_data(v, language) for v in agreement.versions.all()])


class AgreementVersionDetailApi(APIView):
    """GET one version; PATCH edits it in place only while nobody accepted it (else 409)."""

    def _version(self, request, pk, number):
        agreement = visible_agreement_or_404(request.user, pk)
        version = next((v for v in agreement.versions.all() if v.number == number), None)
        if version is None:
            raise NotFound("Versie niet gevonden.")
        return version

    def get(self, request, pk, number):
        return Response(version_data(self._version(request, pk, number), reader_language(request)))

    def patch(self, request, pk, number):
        version = self._version(request, pk, number)
        data = TermsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        note = changes.pop("note", "")
        version = services.agreement_version_update(
            version=version, actor=request.user, now=timezone.now(), note=note, **changes
        )
        return Response(version_data(version, reader_language(request)))


class _TransitionApi(APIView):
    service = None
    needs_reason = False

    class ReasonSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    def post(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        kwargs = {}
        if self.needs_reason:
            data = self.ReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs["reason"] = data.validated_data["reason"]
        type(self).service(agreement=agreement, actor=request.user, now=timezone.now(), **kwargs)
        agreement = visible_agreement_or_404(request.user, pk)
        return Response(detail_data(agreement, request.user, reader_language(request)))


class AgreementProposeApi(_TransitionApi):
    service = services.agreement_propose


class AgreementActivateApi(_TransitionApi):
    service = services.agreement_activate


class AgreementFulfilApi(_TransitionApi):
    service = services.agreement_fulfil


class AgreementCancelApi(_TransitionApi):
    service = services.agreement_cancel
    needs_reason = True


class AgreementBreakApi(_TransitionApi):
    service = services.agreement_break
    needs_reason = True


class AgreementAcceptApi(APIView):
    """Accept the current version for your party; records who, role, when and from where."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(required=False, min_value=1)

    def post(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_accept(
            agreement=agreement,
            actor=request.user,
            now=timezone.now(),
            version_number=data.validated_data.get("version"),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        agreement = visible_agreement_or_404(request.user, pk)
        return Response(detail_data(agreement, request.user, reader_language(request)))


class AgreementParticipantsApi(APIView):
    class InputSerializer(serializers.Serializer):
        students = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)

    def post(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.agreement_set_participants(
            agreement=agreement,
            students=data.validated_data["students"],
            actor=request.user,
            now=timezone.now(),
        )
        agreement = visible_agreement_or_404(request.user, pk)
        return Response(detail_data(agreement, request.user, reader_language(request)))


class AgreementEventListApi(APIView):
    def get(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
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
    def get(self, request):
        return Response([{"value": v, "label": str(label)} for v, label in AgreementStatus.choices])


document_views(globals())
