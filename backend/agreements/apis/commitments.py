"""Commitment, reliability and continuity endpoints."""

from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.selectors import organisation_ids_for, staff_school_ids
from backend.agreements import services
from backend.agreements.apis.common import commitment_data, document_views, visible_agreement_or_404
from backend.agreements.models import AgreementParty, Commitment
from backend.agreements.selectors import (
    agreements_visible_to,
    commitments_visible_to,
    reliability_for_organisation,
    reliability_for_person,
)
from backend.core.api_fields import query_id
from backend.core.csv_safe import safe_csv_writer
from backend.core.errors import NotFound, PermissionDenied
from backend.core.pagination import StandardPagination
from backend.organisations.models import Organisation


class CommitmentListApi(APIView):
    def get(self, request):
        commitments = commitments_visible_to(request.user)
        params = request.query_params
        if params.get("mine"):
            commitments = commitments.filter(owner=request.user)
        if value := params.get("status"):
            commitments = commitments.filter(status=value)
        if (agreement_id := query_id(params, "agreement")) is not None:
            commitments = commitments.filter(agreement_id=agreement_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(commitments, request, view=self)
        return paginator.get_paginated_response([commitment_data(c) for c in page])


class CommitmentCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        due_on = serializers.DateField()

    def post(self, request, pk):
        agreement = visible_agreement_or_404(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = services.commitment_create(
            agreement=agreement, actor=request.user, now=timezone.now(), **data.validated_data
        )
        return Response(commitment_data(commitment), status=status.HTTP_201_CREATED)


class CommitmentStatusApi(APIView):
    class InputSerializer(serializers.Serializer):
        status = serializers.CharField()
        note = serializers.CharField(allow_blank=True)

    def post(self, request, pk):
        commitment = commitments_visible_to(request.user).filter(pk=pk).first()
        if commitment is None:
            raise NotFound("Toezegging niet gevonden.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = services.commitment_set_status(
            commitment=commitment, actor=request.user, now=timezone.now(), **data.validated_data
        )
        return Response(commitment_data(commitment))


class CommitmentHistoryApi(APIView):
    def get(self, request, pk):
        commitment = commitments_visible_to(request.user).filter(pk=pk).first()
        if commitment is None:
            raise NotFound("Toezegging niet gevonden.")
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
                for u in commitment.updates.select_related("actor", "from_owner", "to_owner")
            ]
        )


class CommitmentExportCsvApi(APIView):
    """CSV of commitments for a funder report: one agreement, a consortium's agreements, or all
    agreements the school staff member can see."""

    def get(self, request):
        if not (
            request.user.is_staff
            or staff_school_ids(request.user)
            or organisation_ids_for(request.user, "company_contact")
        ):
            raise PermissionDenied(
                "Alleen medewerkers van scholen en bedrijven kunnen dit exporteren."
            )
        commitments = commitments_visible_to(request.user)
        if (agreement_id := query_id(request.query_params, "agreement")) is not None:
            commitments = commitments.filter(agreement_id=agreement_id)
        if (consortium_id := query_id(request.query_params, "consortium")) is not None:
            commitments = (
                commitments.filter(agreement__consortium_id=consortium_id)
                | commitments.filter(
                    agreement__parties__organisation__consortium_memberships__consortium_id=consortium_id
                ).distinct()
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="toezeggingen.csv"'
        writer = safe_csv_writer(response)
        writer.writerow(
            [
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
        )
        for c in commitments.order_by("agreement_id", "due_on", "pk").distinct():
            kept = (
                c.status == "done"
                and c.done_at is not None
                and timezone.localdate(c.done_at) <= c.due_on
            )
            writer.writerow(
                [
                    c.agreement_id,
                    c.agreement.title,
                    c.title,
                    str(c.owner),
                    c.organisation.name,
                    c.due_on.isoformat(),
                    c.status,
                    c.done_at.isoformat() if c.done_at else "",
                    "yes" if kept else "no",
                ]
            )
        return response


def reliability_data(reliability) -> dict:
    return {
        "kept": reliability.kept,
        "due": reliability.due,
        "share": reliability.share,
        "percentage": reliability.percentage,
        "meetings_attended": reliability.meetings_attended,
        "meetings_total": reliability.meetings_total,
    }


class OrganisationReliabilityApi(APIView):
    """Shown to the other side: anyone who shares an agreement with the organisation."""

    def get(self, request, pk):
        organisation = Organisation.objects.filter(pk=pk).first()
        shared = AgreementParty.objects.filter(
            organisation_id=pk, agreement__in=agreements_visible_to(request.user)
        ).exists()
        if organisation is None or not (shared or pk in organisation_ids_for(request.user)):
            raise NotFound("Organisatie niet gevonden.")
        return Response(
            {
                "organisation": organisation.name,
                **reliability_data(reliability_for_organisation(organisation, now=timezone.now())),
            }
        )


class PersonReliabilityApi(APIView):
    def get(self, request, pk):
        person = User.objects.filter(pk=pk).first()
        shared = Commitment.objects.filter(
            owner_id=pk, agreement__in=agreements_visible_to(request.user)
        ).exists()
        if person is None or not (shared or person.pk == request.user.pk):
            raise NotFound("Persoon niet gevonden.")
        return Response(
            {
                "person": str(person),
                **reliability_data(reliability_for_person(person, now=timezone.now())),
            }
        )


class HandoverApi(APIView):
    class InputSerializer(serializers.Serializer):
        leaving_user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
        new_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = services.person_handover(
            actor=request.user, now=timezone.now(), **data.validated_data
        )
        return Response(counts)


class TakeoverApi(APIView):
    class InputSerializer(serializers.Serializer):
        organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.agreements_move_to_successor(
            actor=request.user, now=timezone.now(), **data.validated_data
        )
        return Response({"moved": [a.pk for a in moved]})


document_views(globals())
