"""The student's side (open challenges, choices, result, objection) and the company's teams."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import IsCompanyContact
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
from backend.allocations.selectors.access import get_round_for_student
from backend.allocations.selectors.review import company_teams
from backend.allocations.selectors.student import (
    challenges_for_student,
    choice_list_for,
    choices_for,
    result_for_student,
)
from backend.core.errors import NotFound


class OpenChallengeListApi(APIView):
    """The round's challenges this student may choose, with the open werkprocessen each covers."""

    @extend_schema(responses=OpenChallengeOutputSerializer(many=True))
    def get(self, request, round_id: int):
        round, enrolment = get_round_for_student(request.user, round_id)
        items = challenges_for_student(round, enrolment, today=timezone.localdate())
        return Response(OpenChallengeOutputSerializer(items, many=True).data)


def _choices_payload(round, student) -> dict:
    choice_list = choice_list_for(round, student)
    return {
        "round": round.pk,
        "choices": [
            {"position": c.position, "offer_id": c.offer_id, "offer": c.offer}
            for c in choices_for(round, student)
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
    def get(self, request, round_id: int):
        round, _enrolment = get_round_for_student(request.user, round_id)
        return Response(ChoicesOutputSerializer(_choices_payload(round, request.user)).data)

    @extend_schema(request=ChoicesInputSerializer, responses=ChoicesOutputSerializer)
    def put(self, request, round_id: int):
        round, _enrolment = get_round_for_student(request.user, round_id)
        data = ChoicesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.choice_list_submit(
            round=round,
            student=request.user,
            offer_ids=data.validated_data["choices"],
            teammate_ids=data.validated_data["teammates"],
            now=timezone.now(),
        )
        return Response(ChoicesOutputSerializer(_choices_payload(round, request.user)).data)


class MyResultApi(APIView):
    """My published assignment, the explanation and my team (first names only)."""

    @extend_schema(responses=StudentResultOutputSerializer)
    def get(self, request, round_id: int):
        round, _enrolment = get_round_for_student(request.user, round_id)
        result = result_for_student(round, request.user, now=timezone.now())
        if result is None:
            raise NotFound("De indeling van deze ronde is nog niet gepubliceerd.")
        a = result.assignment
        payload = {
            "offer_id": a.offer_id if a else None,
            "offer": a.offer.title if a else None,
            "host": a.offer.owner.name if a else None,
            "rank": a.rank if a else None,
            "summary": result.explanation["summary"],
            "reasons": result.explanation["reasons"],
            "team": result.team,
            "objection": result.objection,
            "can_object": result.can_object,
        }
        return Response(StudentResultOutputSerializer(payload).data)


class MyObjectionApi(APIView):
    @extend_schema(request=ObjectionInputSerializer, responses={201: ObjectionOutputSerializer})
    def post(self, request, round_id: int):
        round, _enrolment = get_round_for_student(request.user, round_id)
        data = ObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_submit(
            round=round, student=request.user, reason=data.validated_data["reason"]
        )
        return Response(ObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class TeamListApi(APIView):
    """A company's teams in published rounds: first names, level and programme only."""

    permission_classes = [IsCompanyContact]

    @extend_schema(responses=TeamOutputSerializer(many=True))
    def get(self, request):
        return Response(TeamOutputSerializer(company_teams(request.user), many=True).data)
