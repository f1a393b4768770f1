"""Review: assignments, lock/unlock/override, leftovers, exports and objections."""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.allocations import services
from backend.allocations.apis.serializers import (
    AcceptInputSerializer,
    AssignmentOutputSerializer,
    DeclineInputSerializer,
    LeftoverOutputSerializer,
    ObjectionOutputSerializer,
    OverrideInputSerializer,
)
from backend.allocations.models import Objection
from backend.allocations.selectors.access import (
    challenge_of_round,
    get_objection_for_manager,
    get_round_for_manager,
    get_round_for_staff,
    student_of_round,
)
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    assignments_csv,
    assignments_for_round,
    objections_for_round,
    unassigned_with_room,
)
from backend.core.errors import NotFound, field_error
from backend.offers.models import Offer

User = get_user_model()


class AssignmentListApi(generics.ListAPIView):
    """The round's current assignments (school staff of the round's schools)."""

    serializer_class = AssignmentOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return assignments_for_round(
            get_round_for_staff(self.request.user, self.kwargs["round_id"])
        )


def _student(round, student_id: int):
    """A student of the round's schools (or placed in the round). Anyone else is 'not found', so
    the services' messages never name a student of another school."""
    student = student_of_round(round, student_id)
    if student is None:
        raise NotFound(_("Deze student doet niet mee aan deze ronde."))
    return student


def _offer(round, offer_id: int) -> Offer:
    """A challenge of this round; any other id (unknown, or another school's offer) gets the same
    answer without its title."""
    offer = challenge_of_round(round, offer_id)
    if offer is None:
        raise field_error(
            "offer", _("Deze uitdaging bestaat niet of doet niet mee aan deze ronde.")
        )
    return offer


def _assignment_response(round, student_id: int) -> Response:
    assignment = assignments_for_round(round).get(student_id=student_id)
    return Response(AssignmentOutputSerializer(assignment).data)


class AssignmentLockApi(APIView):
    @extend_schema(request=None, responses=AssignmentOutputSerializer)
    def post(self, request, round_id: int, student_id: int):
        round = get_round_for_manager(request.user, round_id)
        services.assignment_lock(
            round=round, student=_student(round, student_id), actor=request.user
        )
        return _assignment_response(round, student_id)


class AssignmentUnlockApi(APIView):
    @extend_schema(request=None, responses=AssignmentOutputSerializer)
    def post(self, request, round_id: int, student_id: int):
        round = get_round_for_manager(request.user, round_id)
        services.assignment_unlock(
            round=round, student=_student(round, student_id), actor=request.user
        )
        return _assignment_response(round, student_id)


class AssignmentOverrideApi(APIView):
    """Place a student on another challenge by hand (checked; locked for re-runs)."""

    @extend_schema(request=OverrideInputSerializer, responses=AssignmentOutputSerializer)
    def post(self, request, round_id: int, student_id: int):
        round = get_round_for_manager(request.user, round_id)
        data = OverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_override(
            round=round,
            student=_student(round, student_id),
            offer=_offer(round, data.validated_data["offer"]),
            actor=request.user,
        )
        return _assignment_response(round, student_id)


class UnassignedListApi(APIView):
    """Students without a placement, each with the challenges that still have room for them."""

    @extend_schema(responses=LeftoverOutputSerializer(many=True))
    def get(self, request, round_id: int):
        round = get_round_for_staff(request.user, round_id)
        leftovers = unassigned_with_room(round, today=timezone.localdate())
        return Response(LeftoverOutputSerializer(leftovers, many=True).data)


class AssignmentExportApi(APIView):
    """CSV of the assignments per challenge, per host or per class (`?by=`)."""

    @extend_schema(
        parameters=[OpenApiParameter("by", str, enum=list(EXPORT_ORDER), default="challenge")],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, round_id: int):
        round = get_round_for_staff(request.user, round_id)
        by = request.query_params.get("by", "challenge")
        if by not in EXPORT_ORDER:
            raise field_error("by", _("Kies challenge, host of class."))
        response = HttpResponse(
            assignments_csv(round, by=by), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="round-{round.pk}-per-{by}.csv"'
        return response


class ObjectionListApi(generics.ListAPIView):
    serializer_class = ObjectionOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return objections_for_round(get_round_for_staff(self.request.user, self.kwargs["round_id"]))


def _objection(request, objection_id: int) -> Objection:
    return get_objection_for_manager(request.user, objection_id)


class ObjectionAcceptApi(APIView):
    @extend_schema(request=AcceptInputSerializer, responses=ObjectionOutputSerializer)
    def post(self, request, objection_id: int):
        objection = _objection(request, objection_id)
        data = AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_accept(
            objection=objection,
            actor=request.user,
            offer=_offer(objection.round, data.validated_data["offer"]),
            answer=data.validated_data["answer"],
        )
        return Response(ObjectionOutputSerializer(objection).data)


class ObjectionDeclineApi(APIView):
    @extend_schema(request=DeclineInputSerializer, responses=ObjectionOutputSerializer)
    def post(self, request, objection_id: int):
        objection = _objection(request, objection_id)
        data = DeclineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_decline(
            objection=objection, actor=request.user, answer=data.validated_data["answer"]
        )
        return Response(ObjectionOutputSerializer(objection).data)
