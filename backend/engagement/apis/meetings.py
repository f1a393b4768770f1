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
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.selectors import staff_school_ids, students_visible_to
from backend.core.errors import NotFound
from backend.engagement import ical, services
from backend.engagement.apis.bookings import ICS_RESPONSE, ics_response
from backend.engagement.models import Meeting, MeetingKind
from backend.engagement.selectors.meetings import (
    meeting_attendance_for_person,
    meeting_participants,
    meetings_for,
)
from backend.organisations.models import Organisation


class MeetingOutput(serializers.ModelSerializer):
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


class ParticipantOutput(serializers.Serializer):
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


def _participants(meeting):
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


class MeetingListApi(ListAPIView):
    serializer_class = MeetingOutput
    filter_backends: list = []

    def get_queryset(self):
        return meetings_for(self.request.user)


class MeetingScheduleApi(APIView):
    @extend_schema_serializer(component_name="MeetingScheduleInput")
    class InputSerializer(serializers.Serializer):
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
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_schedule(
            actor=request.user, now=timezone.now(), **s.validated_data
        )
        return Response(MeetingOutput(meeting).data, status=201)


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(meetings_for(request.user), pk=pk)


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingDetailOutput)
    def get(self, request, pk):
        meeting = _meeting(request, pk)
        data = MeetingOutput(meeting).data
        data["participants"] = _participants(meeting)
        return Response(data)


class MeetingSignOffApi(APIView):
    @extend_schema_serializer(component_name="MeetingSignOffInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "MeetingSignOffOutput", {"signed_off": serializers.BooleanField()}
        ),
    )
    def post(self, request, pk):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.meeting_sign_off(
            actor=request.user,
            meeting=_meeting(request, pk),
            reason=s.validated_data["reason"],
            now=timezone.now(),
        )
        return Response({"signed_off": True})


class MeetingCancelApi(APIView):
    @extend_schema_serializer(component_name="MeetingCancelInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(request=InputSerializer, responses=MeetingOutput)
    def post(self, request, pk):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(
            actor=request.user,
            meeting=_meeting(request, pk),
            reason=s.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(MeetingOutput(meeting).data)


class MeetingAttendanceApi(APIView):
    @extend_schema_serializer(component_name="MeetingAttendanceInput")
    class InputSerializer(serializers.Serializer):
        present = serializers.ListField(child=serializers.IntegerField())
        absent = serializers.ListField(child=serializers.IntegerField(), default=list)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "MeetingAttendanceOutput", {"participants": ParticipantOutput(many=True)}
        ),
    )
    def post(self, request, pk):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        attendance = dict.fromkeys(s.validated_data["present"], True)
        attendance.update(dict.fromkeys(s.validated_data["absent"], False))
        meeting = _meeting(request, pk)
        services.meeting_attendance_record(
            actor=request.user, meeting=meeting, attendance=attendance, now=timezone.now()
        )
        return Response({"participants": _participants(meeting)})


class MeetingIcsApi(APIView):
    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request, pk):
        meeting = _meeting(request, pk)
        return ics_response(ical.meeting_ics(meeting), f"overleg-{meeting.pk}.ics")


def _may_see_reliability(viewer, person) -> bool:
    """School staff see their own school's students and staff, and people they meet with."""
    schools = staff_school_ids(viewer)
    if not schools:
        return False
    return (
        students_visible_to(viewer).filter(pk=person.pk).exists()
        or person.memberships.active().filter(organisation_id__in=schools).exists()
        or meetings_for(viewer).filter(participants__user=person).exists()
    )


class ReliabilityApi(APIView):
    """Meeting reliability: my own, or (school staff) a colleague's or student's of their school."""

    class FilterSerializer(serializers.Serializer):
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
    def get(self, request):
        user = request.user
        if "user" in request.query_params:
            # ?user=abc is a 400 naming the field, not a ValueError (500).
            query = self.FilterSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            user = User.objects.filter(pk=query.validated_data["user"]).first()
            if user is None or (
                user != request.user and not _may_see_reliability(request.user, user)
            ):
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
