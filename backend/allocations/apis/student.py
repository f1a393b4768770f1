"""The student's side (open challenges, choices, result, objection) and the company's teams."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import IsCompanyContact, signed_in_user
from backend.allocations import services
from backend.allocations.apis.serializers import (
    ChoicesInputSerializer,
    ChoicesOutputSerializer,
    ObjectionInputSerializer,
    ObjectionOutputSerializer,
    OpenChallengeOutputSerializer,
    StudentResultOutputSerializer,
    TeamOutputSerializer,
)
from backend.allocations.models import AllocationRound
from backend.allocations.selectors.access import get_round_for_student
from backend.allocations.selectors.review import company_teams
from backend.allocations.selectors.student import (
    StudentResult,
    challenges_for_student,
    choice_list_for,
    choices_for,
    result_for_student,
)
from backend.core.errors import NotFound


class OpenChallengeListApi(APIView):
    """The round's challenges this student may choose, with the open werkprocessen each covers."""

    @extend_schema(responses=OpenChallengeOutputSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        allocation_round, enrolment = get_round_for_student(signed_in_user(request), round_id)
        items = challenges_for_student(allocation_round, enrolment, today=timezone.localdate())
        return Response(OpenChallengeOutputSerializer(items, many=True).data)


def _choices_payload(allocation_round: AllocationRound, student: User) -> dict[str, Any]:
    choice_list = choice_list_for(allocation_round, student)
    return {
        "round": allocation_round.pk,
        "choices": [
            {"position": c.position, "offer_id": c.offer_id, "offer": c.offer}
            for c in choices_for(allocation_round, student)
        ],
        "teammates": [
            {"id": u.pk, "first_name": u.first_name}
            for u in (choice_list.teammates.all() if choice_list else [])
        ],
        "updated_at": choice_list.updated_at if choice_list else None,
    }


class MyChoicesApi(APIView):
    """GET: my ranked choices. PUT: replace them (best first) while choosing is open."""

    @extend_schema(responses=ChoicesOutputSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round, _enrolment = get_round_for_student(user, round_id)
        return Response(ChoicesOutputSerializer(_choices_payload(allocation_round, user)).data)

    @extend_schema(request=ChoicesInputSerializer, responses=ChoicesOutputSerializer)
    def put(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round, _enrolment = get_round_for_student(user, round_id)
        data = ChoicesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=user,
            offer_ids=data.validated_data["choices"],
            teammate_ids=data.validated_data["teammates"],
            now=timezone.now(),
        )
        return Response(ChoicesOutputSerializer(_choices_payload(allocation_round, user)).data)


def _result_payload(result: StudentResult) -> dict[str, Any]:
    a = result.assignment
    explanation = result.explanation
    return {
        "offer_id": a.offer_id if a else None,
        "offer": a.offer.title if a else None,
        "host": a.offer.owner.name if a else None,
        "rank": a.rank if a else None,
        "summary": explanation["summary"],
        "reasons": explanation["reasons"],
        "team": result.team,
        "objection": result.objection,
        "can_object": result.can_object,
    }


class MyResultApi(APIView):
    """My published assignment, the explanation and my team (first names only)."""

    @extend_schema(responses=StudentResultOutputSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round, _enrolment = get_round_for_student(user, round_id)
        result = result_for_student(allocation_round, user, now=timezone.now())
        if result is None:
            raise NotFound("De indeling van deze ronde is nog niet gepubliceerd.")
        return Response(StudentResultOutputSerializer(_result_payload(result)).data)


class MyObjectionApi(APIView):
    @extend_schema(request=ObjectionInputSerializer, responses={201: ObjectionOutputSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round, _enrolment = get_round_for_student(user, round_id)
        data = ObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_submit(
            allocation_round=allocation_round, student=user, reason=data.validated_data["reason"]
        )
        return Response(ObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class TeamListApi(APIView):
    """A company's teams in published rounds: first names, level and programme only."""

    permission_classes = [IsCompanyContact]

    @extend_schema(responses=TeamOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            TeamOutputSerializer(company_teams(signed_in_user(request)), many=True).data
        )
