"""Umbrella, collective, consortium and co-financing endpoints."""

from django.http import HttpResponse
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
    visible_agreement_or_404,
)
from backend.agreements.models import AgreementTemplate, Pledge, PledgeKind
from backend.agreements.selectors import ledger_report
from backend.agreements.selectors.collectives import collective_for_members, collective_members
from backend.agreements.selectors.ledger import can_read_ledger
from backend.core.csv_safe import safe_csv_writer
from backend.core.errors import NotFound
from backend.organisations.models import Consortium, Organisation


class TemplateListApi(APIView):
    def get(self, request):
        language = reader_language(request)
        return Response(
            [
                {
                    "kind": t.kind,
                    "version": t.version,
                    "effective_on": t.effective_on,
                    "title": t.title_en if language == "en" else t.title_nl,
                    "clauses": [
                        {
                            "key": c.key,
                            "category": c.category,
                            "title": getattr(c, f"title_{language}"),
                            "text": getattr(c, f"text_{language}"),
                        }
                        for c in t.clauses.all()
                    ],
                }
                for t in AgreementTemplate.objects.prefetch_related("clauses")
            ]
        )


class UmbrellaCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        collective = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        title = serializers.CharField(max_length=200)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        mentoring_hours = serializers.IntegerField(min_value=0, default=0)
        provides = serializers.CharField(allow_blank=True, default="")

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.umbrella_create(
            actor=request.user, now=timezone.now(), **data.validated_data
        )
        agreement = visible_agreement_or_404(request.user, agreement.pk)
        return Response(
            detail_data(agreement, request.user, reader_language(request)),
            status=status.HTTP_201_CREATED,
        )


class UmbrellaChildrenApi(APIView):
    class RotationSerializer(serializers.Serializer):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        students = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        place = serializers.CharField(allow_blank=True, default="")
        deliverables = serializers.CharField(allow_blank=True, default="")

    class InputSerializer(serializers.Serializer):
        rotations = serializers.ListField(child=serializers.DictField(), min_length=1)

    def post(self, request, pk):
        umbrella = visible_agreement_or_404(request.user, pk)
        rotations = UmbrellaChildrenApi.RotationSerializer(
            data=request.data.get("rotations", []), many=True
        )
        rotations.is_valid(raise_exception=True)
        children = services.umbrella_generate_children(
            umbrella=umbrella,
            rotations=[services.Rotation(**r) for r in rotations.validated_data],
            actor=request.user,
            now=timezone.now(),
        )
        return Response({"children": [c.pk for c in children]}, status=status.HTTP_201_CREATED)


def _collective_or_404(user, pk) -> Organisation:
    collective = collective_for_members(user, pk)
    if collective is None:
        # The same answer for a missing id and a collective the user may not look into.
        raise NotFound("Collectief niet gevonden.")
    return collective


class CollectiveMemberApi(APIView):
    class InputSerializer(serializers.Serializer):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        joined_on = serializers.DateField()

    def get(self, request, pk):
        return Response(
            [
                {
                    "company": {"id": m.company_id, "name": m.company.name},
                    "joined_on": m.joined_on,
                    "left_on": m.left_on,
                }
                for m in collective_members(_collective_or_404(request.user, pk))
            ]
        )

    def post(self, request, pk):
        collective = _collective_or_404(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.collective_member_add(
            collective=collective, actor=request.user, **data.validated_data
        )
        return Response(
            {"company": member.company_id, "joined_on": member.joined_on},
            status=status.HTTP_201_CREATED,
        )


class ConsortiumAgreementCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        consortium = serializers.PrimaryKeyRelatedField(queryset=Consortium.objects.all())
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.consortium_agreement_create(
            actor=request.user, now=timezone.now(), **data.validated_data
        )
        agreement = visible_agreement_or_404(request.user, agreement.pk)
        return Response(
            detail_data(agreement, request.user, reader_language(request)),
            status=status.HTTP_201_CREATED,
        )


def _consortium_for_reader(user, pk) -> Consortium:
    # `?consortium=` comes in as text: anything but a number is simply no consortium (a 404, not
    # the 500 a non-numeric primary key would raise).
    consortium = Consortium.objects.filter(pk=pk).first() if str(pk).isdecimal() else None
    if consortium is None or not can_read_ledger(user, consortium):
        raise NotFound("Consortium niet gevonden.")
    return consortium


def money(value) -> str | None:
    """Euros and hours travel as strings: never through a float."""
    return None if value is None else str(value)


def pledge_data(pledge: Pledge) -> dict:
    return {
        "id": pledge.pk,
        "consortium": pledge.consortium_id,
        "partner": pledge.partner.name,
        "funder": pledge.funder.name,
        "kind": pledge.kind,
        "amount": money(pledge.amount),
        "hours": money(pledge.hours),
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "note": pledge.note,
        "realisations": [
            {
                "on": r.on,
                "amount": money(r.amount),
                "hours": money(r.hours),
                "evidence": r.evidence,
                "paid_directly_to": r.paid_directly_to.name if r.paid_directly_to_id else None,
            }
            for r in pledge.realisations.all()
        ],
    }


class PledgeListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        consortium = serializers.PrimaryKeyRelatedField(queryset=Consortium.objects.all())
        partner = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        funder = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        kind = serializers.ChoiceField(choices=PledgeKind.choices)
        amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True
        )
        hours = serializers.DecimalField(
            max_digits=9, decimal_places=1, required=False, allow_null=True
        )
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        note = serializers.CharField(allow_blank=True, default="")

    def get(self, request):
        consortium = _consortium_for_reader(request.user, request.query_params.get("consortium"))
        pledges = (
            Pledge.objects.filter(consortium=consortium)
            .select_related("partner", "funder")
            .prefetch_related("realisations__paid_directly_to")
        )
        return Response([pledge_data(p) for p in pledges])

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pledge = services.pledge_create(actor=request.user, **data.validated_data)
        return Response(pledge_data(pledge), status=status.HTTP_201_CREATED)


class RealisationCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        on = serializers.DateField()
        amount = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True
        )
        hours = serializers.DecimalField(
            max_digits=9, decimal_places=1, required=False, allow_null=True
        )
        evidence = serializers.CharField(allow_blank=True)
        paid_directly_to = serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.all(), required=False, allow_null=True
        )

    def post(self, request, pk):
        pledge = Pledge.objects.filter(pk=pk).select_related("consortium", "partner").first()
        if pledge is None or not can_read_ledger(request.user, pledge.consortium):
            # One answer for a missing pledge and another consortium's: ids reveal nothing.
            raise NotFound("Toezegging niet gevonden.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.realisation_record(pledge=pledge, actor=request.user, **data.validated_data)
        pledge = (
            Pledge.objects.select_related("partner", "funder")
            .prefetch_related("realisations__paid_directly_to")
            .get(pk=pk)
        )
        return Response(pledge_data(pledge), status=status.HTTP_201_CREATED)


class LedgerReportApi(APIView):
    def get(self, request, pk):
        report = ledger_report(_consortium_for_reader(request.user, pk))
        for view in ("by_funder", "by_partner"):
            report[view] = [
                {k: (money(v) if k not in ("name", "paid_to") else v) for k, v in row.items()}
                for row in report[view]
            ]
        return Response(report)


class LedgerReportCsvApi(APIView):
    def get(self, request, pk):
        report = ledger_report(_consortium_for_reader(request.user, pk))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cofinanciering.csv"'
        writer = safe_csv_writer(response)
        writer.writerow(
            [
                "view",
                "name",
                "pledged_amount_eur",
                "realised_amount_eur",
                "of_which_paid_directly_eur",
                "pledged_hours",
                "realised_hours",
                "of_which_direct_hours",
                "paid_directly_to",
            ]
        )
        for view in ("by_funder", "by_partner"):
            for row in report[view]:
                writer.writerow(
                    [
                        view.removeprefix("by_"),
                        row["name"],
                        row["pledged_amount"],
                        row["realised_amount"],
                        row["direct_amount"],
                        row["pledged_hours"],
                        row["realised_hours"],
                        row["direct_hours"],
                        "; ".join(row["paid_to"]),
                    ]
                )
        return response


document_views(globals())
