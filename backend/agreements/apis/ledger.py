"""Umbrella, collective, consortium and co-financing endpoints."""

from decimal import Decimal
from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.agreements import services
from backend.agreements.apis.common import (
    detail_data,
    document_views,
    reader_language,
    visible_agreement_or_404,
)
from backend.agreements.models import Pledge, PledgeKind
from backend.agreements.selectors import agreement_templates, ledger_report
from backend.agreements.selectors.access import can_read_ledger
from backend.agreements.selectors.collectives import collective_for_members, collective_members
from backend.agreements.selectors.ledger import (
    consortium_by_id,
    pledge_detail,
    pledge_with_consortium,
    pledges_of,
)
from backend.core.csv_safe import safe_csv_writer
from backend.core.errors import NotFound
from backend.organisations.models import Consortium, Organisation

CSV_COLUMNS = [
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


def _created(request: Request, pk: int) -> Response:
    """The new agreement as the API shows it, read again as its creator sees it."""
    user = signed_in_user(request)
    agreement = visible_agreement_or_404(user, pk)
    return Response(
        detail_data(agreement, user, reader_language(request)), status=status.HTTP_201_CREATED
    )


class TemplateListApi(APIView):
    def get(self, request: Request) -> Response:
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
                for t in agreement_templates()
            ]
        )


class UmbrellaCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        collective = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
        title = serializers.CharField(max_length=200)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        mentoring_hours = serializers.IntegerField(min_value=0, default=0)
        provides = serializers.CharField(allow_blank=True, default="")

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.umbrella_create(
            actor=signed_in_user(request), now=timezone.now(), **data.validated_data
        )
        return _created(request, agreement.pk)


class UmbrellaChildrenApi(APIView):
    class RotationSerializer(serializers.Serializer[Any]):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        students = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()
        place = serializers.CharField(allow_blank=True, default="")
        deliverables = serializers.CharField(allow_blank=True, default="")

    class InputSerializer(serializers.Serializer[Any]):
        rotations = serializers.ListField(child=serializers.DictField(), min_length=1)

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        umbrella = visible_agreement_or_404(user, pk)
        body = cast("dict[str, Any]", request.data)
        rotations = UmbrellaChildrenApi.RotationSerializer(
            data=body.get("rotations", []), many=True
        )
        rotations.is_valid(raise_exception=True)
        children = services.umbrella_generate_children(
            umbrella=umbrella,
            rotations=[services.Rotation(**r) for r in rotations.validated_data],
            actor=user,
            now=timezone.now(),
        )
        return Response({"children": [c.pk for c in children]}, status=status.HTTP_201_CREATED)


def _collective_or_404(user: User, pk: int) -> Organisation:
    collective = collective_for_members(user, pk)
    if collective is None:
        # The same answer for a missing id and a collective the user may not look into.
        raise NotFound("Collectief niet gevonden.")
    return collective


class CollectiveMemberApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        joined_on = serializers.DateField()

    def get(self, request: Request, pk: int) -> Response:
        return Response(
            [
                {
                    "company": {"id": m.company_id, "name": m.company.name},
                    "joined_on": m.joined_on,
                    "left_on": m.left_on,
                }
                for m in collective_members(_collective_or_404(signed_in_user(request), pk))
            ]
        )

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        collective = _collective_or_404(user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.collective_member_add(
            collective=collective, actor=user, **data.validated_data
        )
        return Response(
            {"company": member.company_id, "joined_on": member.joined_on},
            status=status.HTTP_201_CREATED,
        )


class ConsortiumAgreementCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
        consortium = serializers.PrimaryKeyRelatedField(queryset=Consortium.objects.all())
        starts_on = serializers.DateField()
        ends_on = serializers.DateField()

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.consortium_agreement_create(
            actor=signed_in_user(request), now=timezone.now(), **data.validated_data
        )
        return _created(request, agreement.pk)


def _consortium_for_reader(user: User, pk: int | str | None) -> Consortium:
    # `?consortium=` comes in as text: anything but a number is simply no consortium (a 404, not
    # the 500 a non-numeric primary key would raise).
    consortium = consortium_by_id(int(str(pk))) if str(pk).isdecimal() else None
    if consortium is None or not can_read_ledger(user, consortium):
        raise NotFound("Consortium niet gevonden.")
    return consortium


def money(value: Decimal | None) -> str | None:
    """Euros and hours travel as strings: never through a float."""
    return None if value is None else str(value)


def pledge_data(pledge: Pledge) -> dict[str, Any]:
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
                "paid_directly_to": r.paid_directly_to.name if r.paid_directly_to else None,
            }
            for r in pledge.realisations.all()
        ],
    }


class PledgeListCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
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

    def get(self, request: Request) -> Response:
        consortium = _consortium_for_reader(
            signed_in_user(request), request.query_params.get("consortium")
        )
        return Response([pledge_data(p) for p in pledges_of(consortium)])

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pledge = services.pledge_create(actor=signed_in_user(request), **data.validated_data)
        return Response(pledge_data(pledge), status=status.HTTP_201_CREATED)


class RealisationCreateApi(APIView):
    class InputSerializer(serializers.Serializer[Any]):
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

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        pledge = pledge_with_consortium(pk)
        if pledge is None or not can_read_ledger(user, pledge.consortium):
            # One answer for a missing pledge and another consortium's: ids reveal nothing.
            raise NotFound("Toezegging niet gevonden.")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.realisation_record(pledge=pledge, actor=user, **data.validated_data)
        return Response(pledge_data(pledge_detail(pk)), status=status.HTTP_201_CREATED)


class LedgerReportApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        report = ledger_report(_consortium_for_reader(signed_in_user(request), pk))
        for view in ("by_funder", "by_partner"):
            report[view] = [
                {k: (money(v) if k not in ("name", "paid_to") else v) for k, v in row.items()}
                for row in report[view]
            ]
        return Response(report)


class LedgerReportCsvApi(APIView):
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = ledger_report(_consortium_for_reader(signed_in_user(request), pk))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cofinanciering.csv"'
        writer = safe_csv_writer(response)
        writer.writerow(CSV_COLUMNS)
        for view in ("by_funder", "by_partner"):
            writer.writerows(_csv_row(view, row) for row in report[view])
        return response


def _csv_row(view: str, row: dict[str, Any]) -> list[Any]:
    return [
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


document_views(globals())
