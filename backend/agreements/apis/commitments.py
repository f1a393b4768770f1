"""Commitment and continuity endpoints (reliability: backend.engagement.apis.reliability)."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.agreements import services
from backend.agreements.apis.common import commitment_data, document_views, visible_agreement_or_404
from backend.agreements.models import Commitment
from backend.agreements.selectors import (
    commitment_history,
    commitments_for_export,
    commitments_visible_to,
    visible_commitment,
)
from backend.agreements.selectors.access import may_export_commitments
from backend.core.api_fields import query_id
from backend.core.csv_safe import safe_csv_writer
from backend.core.errors import NotFound, PermissionDenied
from backend.core.pagination import StandardPagination
from backend.organisations.models import Organisation

CSV_COLUMNS = [
    "agreement_id",
    "agreement",
    "commitment",
    "owner",
    "organisation",
    "due_on",
    "status",
    "done_at",
    "kept_on_time",
]


def _commitment_or_404(user: User, pk: int) -> Commitment:
    commitment = visible_commitment(user, pk)
    if commitment is None:
        raise NotFound("Toezegging niet gevonden.")
    return commitment


class CommitmentListApi(APIView):
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        commitments = commitments_visible_to(user)
        params = request.query_params
        if params.get("mine"):
            commitments = commitments.filter(owner=user)
        if value := params.get("status"):
            commitments = commitments.filter(status=value)
        if (agreement_id := query_id(params, "agreement")) is not None:
            commitments = commitments.filter(agreement_id=agreement_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(commitments, request, view=self)
        return paginator.get_paginated_response([commitment_data(c) for c in page or []])


class CommitmentCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        due_on = serializers.DateField()

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        agreement = visible_agreement_or_404(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = services.commitment_create(
            agreement=agreement, actor=user, now=timezone.now(), **data.validated_data
        )
        return Response(commitment_data(commitment), status=status.HTTP_201_CREATED)


class CommitmentStatusApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        status = serializers.CharField()
        note = serializers.CharField(allow_blank=True)

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        commitment = _commitment_or_404(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = services.commitment_set_status(
            commitment=commitment, actor=user, now=timezone.now(), **data.validated_data
        )
        return Response(commitment_data(commitment))


class CommitmentHistoryApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        commitment = _commitment_or_404(signed_in_user(request), pk)
        return Response(
            [
                {
                    "from_status": u.from_status,
                    "to_status": u.to_status,
                    "note": u.note,
                    "at": u.at,
                    "actor": str(u.actor) if u.actor_id else None,
                    "from_owner": str(u.from_owner) if u.from_owner_id else None,
                    "to_owner": str(u.to_owner) if u.to_owner_id else None,
                }
                for u in commitment_history(commitment)
            ]
        )


class CommitmentExportCsvApi(APIView):
    """CSV of commitments for a funder report: one agreement, a consortium's agreements, or all
    agreements the school staff member can see."""

    def get(self, request: Request) -> HttpResponse:
        user = signed_in_user(request)
        if not may_export_commitments(user):
            raise PermissionDenied(
                "Alleen medewerkers van scholen en bedrijven kunnen dit exporteren."
            )
        commitments = commitments_for_export(
            user,
            agreement_id=query_id(request.query_params, "agreement"),
            consortium_id=query_id(request.query_params, "consortium"),
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="toezeggingen.csv"'
        writer = safe_csv_writer(response)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_rows(commitments))
        return response


def _csv_rows(commitments: Iterable[Commitment]) -> Iterator[list[Any]]:
    for c in commitments:
        kept = c.was_kept_on_time(timezone.localdate(c.done_at) if c.done_at else None)
        yield [
            c.agreement_id,
            c.agreement.title,
            c.title,
            str(c.owner),
            c.organisation.name,
            c.due_on.isoformat(),
            c.get_status_display(),
            c.done_at.isoformat() if c.done_at else "",
            "yes" if kept else "no",
        ]


class HandoverApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        leaving_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        new_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = services.person_handover(
            actor=signed_in_user(request), now=timezone.now(), **data.validated_data
        )
        return Response(counts)


class TakeoverApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.agreements_move_to_successor(
            actor=signed_in_user(request), now=timezone.now(), **data.validated_data
        )
        return Response({"moved": [a.pk for a in moved]})


document_views(globals())
