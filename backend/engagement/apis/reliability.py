"""Reliability ("afspraak is afspraak") of an organisation or a person, shown to the other side
of an agreement. Served under /api/agreements/reliability/ (the URL clients know), but built
here: a person's figure includes their meeting attendance, which agreements cannot see."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.core.errors import NotFound
from backend.engagement.selectors.access import (
    may_see_organisation_reliability,
    may_see_person_reliability,
)
from backend.engagement.selectors.reliability import (
    Reliability,
    reliability_for_organisation,
    reliability_for_person,
)
from backend.organisations.models import Organisation


def _output(name: str, subject: str) -> serializers.Serializer[Any]:
    """The schema of a reliability answer: who it is about, and the figures."""
    return inline_serializer(
        name,
        {
            subject: serializers.CharField(),
            "kept": serializers.IntegerField(),
            "due": serializers.IntegerField(),
            "share": serializers.FloatField(allow_null=True),
            "percentage": serializers.IntegerField(allow_null=True),
            "meetings_attended": serializers.IntegerField(),
            "meetings_total": serializers.IntegerField(),
        },
    )


def reliability_data(reliability: Reliability) -> dict[str, Any]:
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

    # The operation ids the agreements app gave these routes before they moved here.
    @extend_schema(
        operation_id="agreements_organisation_reliability_get",
        responses=_output("OrganisationReliabilityOutput", "organisation"),
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = Organisation.objects.filter(pk=pk).first()
        if organisation is None or not may_see_organisation_reliability(
            signed_in_user(request), pk
        ):
            raise NotFound("Organisatie niet gevonden.")
        return Response(
            {
                "organisation": organisation.name,
                **reliability_data(reliability_for_organisation(organisation, now=timezone.now())),
            }
        )


class PersonReliabilityApi(APIView):
    """The person themselves, and anyone who shares an agreement they hold commitments in."""

    @extend_schema(
        operation_id="agreements_person_reliability_get",
        responses=_output("PersonReliabilityOutput", "person"),
    )
    def get(self, request: Request, pk: int) -> Response:
        person = User.objects.filter(pk=pk).first()
        if person is None or not may_see_person_reliability(signed_in_user(request), pk):
            raise NotFound("Persoon niet gevonden.")
        return Response(
            {
                "person": str(person),
                **reliability_data(reliability_for_person(person, now=timezone.now())),
            }
        )
