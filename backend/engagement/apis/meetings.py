from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.core.errors import NotFound
from backend.engagement import ical, services
from backend.engagement.apis.bookings import ICS_RESPONSE, ics_response
from backend.engagement.models import Meeting, MeetingKind
from backend.engagement.selectors.access import may_see_meeting_reliability
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_participants,
    meetings_for,
)
from backend.organisations.models import Organisation


class MeetingOutput(serializers.ModelSerializer[Meeting]):
    organiser = serializers.CharField(source="organiser.get_full_name")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
            "organiser",
            "cancelled_at",
            "sequence",
        ]


class ParticipantOutput(serializers.Serializer[Any]):
    """Schema only: one participant as _participants() lists them."""

    user = serializers.IntegerField()
    name = serializers.CharField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    sign_off_reason = serializers.CharField()
    attendance = serializers.BooleanField(allow_null=True)


class MeetingDetailOutput(MeetingOutput):
    """Schema only: what MeetingDetailApi answers."""

    participants = ParticipantOutput(many=True)

    class Meta(MeetingOutput.Meta):
        fields = [*MeetingOutput.Meta.fields, "participants"]


def _participants(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {
            "user": p.user_id,
            "name": p.user.get_full_name(),
            "signed_off_at": p.signed_off_at,
            "sign_off_reason": p.sign_off_reason,
            "attendance": p.attendance,
        }
        for p in meeting_participants(meeting)
    ]


class MeetingListApi(ListAPIView[Meeting]):
    serializer_class = MeetingOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Meeting]:
        return meetings_for(signed_in_user(self.request))


class MeetingScheduleApi(APIView):
    @extend_schema_serializer(component_name="MeetingScheduleInput")
    class InputSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(MeetingKind.choices)
        title = serializers.CharField(max_length=200)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        location = serializers.CharField(required=False, allow_blank=True, default="")
        agenda = serializers.CharField(required=False, allow_blank=True, default="")
        school = serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.schools(), required=False, allow_null=True
        )
        participants = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True), many=True
        )

    @extend_schema(request=InputSerializer, responses={201: MeetingOutput})
    def post(self, request: Request) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(
            actor=signed_in_user(request), now=timezone.now(), **s.validated_data
        )
        return Response(MeetingOutput(meeting).data, status=201)


def _meeting(request: Request, pk: int) -> Meeting:
    return get_object_or_404(meetings_for(signed_in_user(request)), pk=pk)


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request, pk)
        data = dict(MeetingOutput(meeting).data)
        data["participants"] = _participants(meeting)
        return Response(data)


class MeetingSignOffApi(APIView):
    @extend_schema_serializer(component_name="MeetingSignOffInput")
    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "MeetingSignOffOutput", {"signed_off": serializers.BooleanField()}
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.meeting_sign_off(
            actor=signed_in_user(request),
            meeting=_meeting(request, pk),
            reason=s.validated_data["reason"],
            now=timezone.now(),
        )
        return Response({"signed_off": True})


class MeetingCancelApi(APIView):
    @extend_schema_serializer(component_name="MeetingCancelInput")
    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(max_length=300)

    @extend_schema(request=InputSerializer, responses=MeetingOutput)
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(
            actor=signed_in_user(request),
            meeting=_meeting(request, pk),
            reason=s.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(MeetingOutput(meeting).data)


class MeetingAttendanceApi(APIView):
    @extend_schema_serializer(component_name="MeetingAttendanceInput")
    class InputSerializer(serializers.Serializer[Any]):
        present = serializers.ListField(child=serializers.IntegerField())
        absent = serializers.ListField(child=serializers.IntegerField(), default=list)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "MeetingAttendanceOutput", {"participants": ParticipantOutput(many=True)}
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        attendance = dict.fromkeys(s.validated_data["present"], True)
        attendance.update(dict.fromkeys(s.validated_data["absent"], False))
        meeting = _meeting(request, pk)
        services.meeting_attendance_record(
            actor=signed_in_user(request),
            meeting=meeting,
            attendance=attendance,
            now=timezone.now(),
        )
        return Response({"participants": _participants(meeting)})


class MeetingIcsApi(APIView):
    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        meeting = _meeting(request, pk)
        return ics_response(ical.meeting_ics(meeting), f"overleg-{meeting.pk}.ics")


class ReliabilityApi(APIView):
    """Meeting reliability: my own, or (school staff) a colleague's or student's of their school."""

    class FilterSerializer(serializers.Serializer[Any]):
        user = serializers.IntegerField()

    @extend_schema(
        parameters=[OpenApiParameter("user", int, description="Someone else's (staff only)")],
        responses=inline_serializer(
            "ReliabilityOutput",
            {
                "user": serializers.IntegerField(),
                "kept": serializers.IntegerField(),
                "total": serializers.IntegerField(),
                "percentage": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        reader = signed_in_user(request)
        user: User | None = reader
        if "user" in request.query_params:
            # ?user=abc is a 400 naming the field, not a ValueError (500).
            query = self.FilterSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            user = User.objects.filter(pk=query.validated_data["user"]).first()
        if user is None or not may_see_meeting_reliability(reader, user):
            # One answer for nobody and for someone the reader may not see: no id probing.
            raise NotFound(_("Deze persoon bestaat niet of je mag diens gegevens niet zien."))
        kept, total = meeting_attendance_for_person(user, now=timezone.now())
        return Response(
            {
                "user": user.pk,
                "kept": kept,
                "total": total,
                "percentage": round(100 * kept / total) if total else None,
            }
        )
