"""Review: assignments, lock/unlock/override, leftovers, exports and objections."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.allocations import services
from backend.allocations.apis.serializers import (
    AcceptInputSerializer,
    AssignmentOutputSerializer,
    DeclineInputSerializer,
    LeftoverOutputSerializer,
    ObjectionOutputSerializer,
    OverrideInputSerializer,
)
from backend.allocations.models import AllocationRound, Assignment, Objection
from backend.allocations.selectors.access import (
    challenge_of_round,
    get_objection_for_manager,
    get_round_for_manager,
    get_round_for_staff,
    student_of_round,
)
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    LeftoverPage,
    assignments_csv,
    assignments_for_round,
    objections_for_round,
    unassigned_page,
)
from backend.allocations.selectors.roster import StudentCursor
from backend.core.errors import NotFound, field_error
from backend.offers.models import Offer


class AssignmentListApi(generics.ListAPIView[Assignment]):
    """The round's current assignments (school staff of the round's schools)."""

    serializer_class = AssignmentOutputSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[Assignment]:
        return assignments_for_round(
            get_round_for_staff(signed_in_user(self.request), self.kwargs["round_id"])
        )


def _student(allocation_round: AllocationRound, student_id: int) -> User:
    """A student of the round's schools (or placed in the round). Anyone else is 'not found', so
    the services' messages never name a student of another school."""
    student = student_of_round(allocation_round, student_id)
    if student is None:
        raise NotFound(_("Deze student doet niet mee aan deze ronde."))
    return student


def _offer(allocation_round: AllocationRound, offer_id: int) -> Offer:
    """A challenge of this round; any other id (unknown, or another school's offer) gets the same
    answer without its title."""
    offer = challenge_of_round(allocation_round, offer_id)
    if offer is None:
        raise field_error(
            "offer", _("Deze uitdaging bestaat niet of doet niet mee aan deze ronde.")
        )
    return offer


def _assignment_response(allocation_round: AllocationRound, student_id: int) -> Response:
    assignment = assignments_for_round(allocation_round).get(student_id=student_id)
    return Response(AssignmentOutputSerializer(assignment).data)


class AssignmentLockApi(APIView):
    @extend_schema(request=None, responses=AssignmentOutputSerializer)
    def post(self, request: Request, round_id: int, student_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        services.assignment_lock(
            allocation_round=allocation_round,
            student=_student(allocation_round, student_id),
            actor=user,
        )
        return _assignment_response(allocation_round, student_id)


class AssignmentUnlockApi(APIView):
    @extend_schema(request=None, responses=AssignmentOutputSerializer)
    def post(self, request: Request, round_id: int, student_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        services.assignment_unlock(
            allocation_round=allocation_round,
            student=_student(allocation_round, student_id),
            actor=user,
        )
        return _assignment_response(allocation_round, student_id)


class AssignmentOverrideApi(APIView):
    """Place a student on another challenge by hand (checked; locked for re-runs)."""

    @extend_schema(request=OverrideInputSerializer, responses=AssignmentOutputSerializer)
    def post(self, request: Request, round_id: int, student_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        data = OverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_override(
            allocation_round=allocation_round,
            student=_student(allocation_round, student_id),
            offer=_offer(allocation_round, data.validated_data["offer"]),
            actor=user,
        )
        return _assignment_response(allocation_round, student_id)


# At most this many students a page, and this many challenges listed per student.
UNASSIGNED_PAGE_SIZE = 25
UNASSIGNED_MAX_PAGE_SIZE = 50
UNASSIGNED_OPTIONS = 30


class UnassignedQuerySerializer(serializers.Serializer[Any]):
    """The query string of the unassigned list: a value that cannot be used is a 400 naming the
    parameter (a cursor that is no cursor is refused, never silently the first page)."""

    after = serializers.CharField(
        required=False, max_length=800, help_text="The `next` link's cursor."
    )
    before = serializers.CharField(
        required=False, max_length=800, help_text="The `previous` link's cursor."
    )
    page_size = serializers.IntegerField(
        min_value=1, max_value=UNASSIGNED_MAX_PAGE_SIZE, default=UNASSIGNED_PAGE_SIZE
    )
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only the challenges whose title or company contains this text.",
    )

    def _cursor(self, value: str, *, backwards: bool) -> StudentCursor:
        cursor = StudentCursor.decode(value, backwards=backwards)
        if cursor is None:
            raise serializers.ValidationError(_("Deze plaats in de lijst bestaat niet (meer)."))
        return cursor

    def validate_after(self, value: str) -> StudentCursor:
        return self._cursor(value, backwards=False)

    def validate_before(self, value: str) -> StudentCursor:
        return self._cursor(value, backwards=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "after" in attrs and "before" in attrs:
            raise serializers.ValidationError({"before": _("Geef after of before, niet beide.")})
        return attrs


class UnassignedPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Students without a place (counted up to 1000).")
    count_capped = serializers.BooleanField(help_text="True: there are at least `count`.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    more_options = serializers.BooleanField(
        help_text="A student on this page has more challenges than listed: narrow with `q`."
    )
    results = LeftoverOutputSerializer(many=True)


def _link(request: Request, key: str, cursor: StudentCursor | None) -> str | None:
    if cursor is None:
        return None
    query = request.query_params.copy()
    query.pop("after", None)
    query.pop("before", None)
    query[key] = cursor.encode()
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class UnassignedListApi(APIView):
    """Students of the round without a placement, by name, a page at a time (keyset: follow
    `next`/`previous`), each with at most 30 eligible challenges that still have room (by title,
    filtered with `q`). Only the page's students are checked; a fixed number of queries."""

    @extend_schema(
        parameters=[UnassignedQuerySerializer],
        responses=UnassignedPageSerializer,
    )
    def get(self, request: Request, round_id: int) -> Response:
        allocation_round = get_round_for_staff(signed_in_user(request), round_id)
        query = UnassignedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        page: LeftoverPage = unassigned_page(
            allocation_round,
            cursor=params.get("after") or params.get("before"),
            per_page=params["page_size"],
            today=timezone.localdate(),
            search=params["q"],
            limit=UNASSIGNED_OPTIONS,
        )
        students = page.students
        return Response(
            UnassignedPageSerializer(
                {
                    "count": students.total,
                    "count_capped": students.total_capped,
                    "next": _link(request, "after", students.next_cursor),
                    "previous": _link(request, "before", students.previous_cursor),
                    "more_options": page.more_options,
                    "results": page.rows,
                }
            ).data
        )


class AssignmentExportApi(APIView):
    """CSV of the assignments per challenge, per host or per class (`?by=`)."""

    @extend_schema(
        parameters=[OpenApiParameter("by", str, enum=list(EXPORT_ORDER), default="challenge")],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, round_id: int) -> HttpResponse:
        allocation_round = get_round_for_staff(signed_in_user(request), round_id)
        by = request.query_params.get("by", "challenge")
        if by not in EXPORT_ORDER:
            raise field_error("by", _("Kies challenge, host of class."))
        response = HttpResponse(
            assignments_csv(allocation_round, by=by), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="round-{allocation_round.pk}-per-{by}.csv"'
        )
        return response


class ObjectionListApi(generics.ListAPIView[Objection]):
    serializer_class = ObjectionOutputSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[Objection]:
        return objections_for_round(
            get_round_for_staff(signed_in_user(self.request), self.kwargs["round_id"])
        )


def _objection(request: Request, objection_id: int) -> Objection:
    return get_objection_for_manager(signed_in_user(request), objection_id)


class ObjectionAcceptApi(APIView):
    @extend_schema(request=AcceptInputSerializer, responses=ObjectionOutputSerializer)
    def post(self, request: Request, objection_id: int) -> Response:
        objection = _objection(request, objection_id)
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_accept(
            objection=objection,
            actor=signed_in_user(request),
            offer=_offer(objection.round, data.validated_data["offer"]),
            answer=data.validated_data["answer"],
        )
        return Response(ObjectionOutputSerializer(objection).data)


class ObjectionDeclineApi(APIView):
    @extend_schema(request=DeclineInputSerializer, responses=ObjectionOutputSerializer)
    def post(self, request: Request, objection_id: int) -> Response:
        objection = _objection(request, objection_id)
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_decline(
            objection=objection,
            actor=signed_in_user(request),
            answer=data.validated_data["answer"],
        )
        return Response(ObjectionOutputSerializer(objection).data)
