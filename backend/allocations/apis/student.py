"""The student's side (open challenges, choices, result, objection) and the company's teams."""

from typing import Any

from django.utils import timezone
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import IsCompanyContact, signed_in_user
from backend.allocations import services
from backend.allocations.apis.serializers import (
    ChoicesInputSerializer,
    ChoicesOutputSerializer,
    ObjectionInputSerializer,
    ObjectionOutputSerializer,
    OpenChallengePageSerializer,
    OpenChallengeQuerySerializer,
    StudentResultOutputSerializer,
    TeamOutputSerializer,
)
from backend.allocations.models import AllocationRound
from backend.allocations.selectors.access import get_round_for_student
from backend.allocations.selectors.review import company_teams
from backend.allocations.selectors.student import (
    ChallengeFilters,
    StudentResult,
    challenge_page,
    choice_list_for,
    choices_for,
    result_for_student,
    student_profile,
)
from backend.core.errors import ApplicationError, NotFound


class OpenChallengeListApi(APIView):
    """The round's challenges this student may choose, by title, a page at a time, with the
    open werkprocessen each covers and where the student ranked it; `fits=true` keeps those that
    cover at least one open werkproces. The same selector as the "Uitdagingen" page: what a page
    costs does not depend on the size of the round, so the count stops at the end of the page
    or COUNT_CAP challenges (`count_exact` false: there are more than `count`)."""

    @extend_schema(parameters=[OpenChallengeQuerySerializer], responses=OpenChallengePageSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round, enrolment = get_round_for_student(user, round_id)
        query = OpenChallengeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        profile = student_profile(allocation_round, enrolment, today=timezone.localdate())
        filters = ChallengeFilters(
            query=params["q"].strip(),
            location_kind=params.get("location_kind", ""),
            company_id=params.get("company"),
            fits_only=params["fits"],
        )
        page = challenge_page(
            user,
            profile,
            [allocation_round],
            filters,
            number=params["page"],
            per_page=params["page_size"],
        )
        if not page.exists:
            message = ngettext(
                "Pagina %(page)d bestaat niet; er is %(pages)d pagina.",
                "Pagina %(page)d bestaat niet; er zijn %(pages)d pagina's.",
                page.num_pages,
            ) % {"page": page.number, "pages": page.num_pages}
            raise ApplicationError(f"page: {message}", extra={"fields": {"page": [message]}})
        url = request.build_absolute_uri()
        payload = {
            "count": page.count,
            "count_exact": page.count_exact,
            "next": replace_query_param(url, "page", page.next_page_number)
            if page.has_next
            else None,
            "previous": replace_query_param(url, "page", page.previous_page_number)
            if page.has_previous
            else None,
            "results": page.items,
        }
        return Response(OpenChallengePageSerializer(payload).data)


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
        "together_with": result.together_with,
        "together_note": result.group_note,
        "rule_notes": result.rule_notes,
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
