from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import PermissionDenied
from backend.engagement import ical, services
from backend.engagement.apis.bookings import ICS_RESPONSE, ics_response
from backend.engagement.models import (
    Event,
    EventAttendance,
    EventBooking,
    EventBookingKind,
    EventKind,
    EventTable,
)
from backend.engagement.selectors.access import event_can_organise, may_see_event_booking
from backend.engagement.selectors.events import (
    event_attendance_summary,
    event_bookings_for,
    event_bookings_visible_to,
    event_contacts_for,
    event_no_shows,
    event_slot_grid,
    event_slots,
    event_table_choices,
    event_tables,
    events_visible_to,
    student_event_bookings,
)
from backend.organisations.models import Consortium, Organisation


# Named apart from the allocations app's EventOutputSerializer in the schema.
@extend_schema_serializer(component_name="EngagementEventOutput")
class EventOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    school = serializers.CharField(source="school.name")
    location = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    slot_minutes = serializers.IntegerField()


class TableOutput(serializers.ModelSerializer[EventTable]):
    company = serializers.CharField(source="company.name")

    class Meta:
        model = EventTable
        fields = ["id", "company", "capacity", "topic", "offers_portfolio_review"]


class EventBookingOutput(serializers.ModelSerializer[EventBooking]):
    event = serializers.IntegerField(source="slot.event_id")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    company = serializers.CharField(source="table.company.name")
    student = serializers.CharField(source="student.first_name")

    class Meta:
        model = EventBooking
        fields = [
            "id",
            "event",
            "slot",
            "table",
            "starts_at",
            "company",
            "student",
            "kind",
            "attendance",
            "seat",
        ]


class EventSlotOutput(serializers.Serializer[Any]):
    """Schema only: one row of EventDetailApi's slot grid."""

    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    mine = serializers.IntegerField(allow_null=True, help_text="My booking in this slot")
    free = serializers.DictField(
        child=serializers.IntegerField(), help_text="Free seats per table id"
    )


@extend_schema_serializer(component_name="EngagementEventDetailOutput")
class EventDetailOutput(EventOutput):
    """Schema only: what EventDetailApi answers."""

    tables = TableOutput(many=True)
    slots = EventSlotOutput(many=True)


class EventListApi(ListAPIView[Event]):
    serializer_class = EventOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Event]:
        return events_visible_to(signed_in_user(self.request)).order_by("starts_at")


class EventCreateApi(APIView):
    @extend_schema_serializer(component_name="EventCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        consortium = serializers.PrimaryKeyRelatedField(
            queryset=Consortium.objects.all(), required=False, allow_null=True
        )
        kind = serializers.ChoiceField(EventKind.choices)
        title = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        location = serializers.CharField(max_length=200)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        slot_minutes = serializers.IntegerField(min_value=5, default=10)

    @extend_schema(request=InputSerializer, responses={201: EventOutput})
    def post(self, request: Request) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        event = services.event_create(actor=signed_in_user(request), **s.validated_data)
        return Response(EventOutput(event).data, status=201)


def _event(request: Request, pk: int) -> Event:
    return get_object_or_404(events_visible_to(signed_in_user(request)), pk=pk)


class EventDetailApi(APIView):
    @extend_schema(responses=EventDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        data = dict(EventOutput(event).data)
        data["tables"] = TableOutput(event_tables(event), many=True).data
        data["slots"] = [
            {
                "id": row["slot"].pk,
                "starts_at": row["slot"].starts_at,
                "mine": row["mine"].pk if row["mine"] else None,
                "free": {str(t["table"].pk): t["free"] for t in row["tables"]},
            }
            for row in event_slot_grid(event, student=signed_in_user(request))
        ]
        return Response(data)


class EventTableRegisterApi(APIView):
    @extend_schema_serializer(component_name="EventTableRegisterInput")
    class InputSerializer(serializers.Serializer[Any]):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        capacity = serializers.IntegerField(min_value=1, max_value=20)
        topic = serializers.CharField(required=False, allow_blank=True, default="")
        offers_portfolio_review = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={201: TableOutput})
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        table = services.event_table_register(
            actor=signed_in_user(request),
            event=_event(request, pk),
            now=timezone.now(),
            **s.validated_data,
        )
        return Response(TableOutput(table).data, status=201)


class EventBookingListApi(ListAPIView[EventBooking]):
    """Organisers see all bookings of the event; companies those at their table; a student
    only their own."""

    serializer_class = EventBookingOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[EventBooking]:
        event = _event(self.request, self.kwargs["pk"])
        return event_bookings_for(signed_in_user(self.request), event)


class EventBookApi(APIView):
    @extend_schema_serializer(component_name="EventBookInput")
    class InputSerializer(serializers.Serializer[Any]):
        slot = serializers.IntegerField()
        table = serializers.IntegerField()
        kind = serializers.ChoiceField(
            EventBookingKind.choices, default=EventBookingKind.CONVERSATION
        )

    @extend_schema(request=InputSerializer, responses={201: EventBookingOutput})
    def post(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        slot = get_object_or_404(event_slots(event), pk=s.validated_data["slot"])
        table = get_object_or_404(event_table_choices(event), pk=s.validated_data["table"])
        booking = services.event_book_slot(
            actor=signed_in_user(request),
            slot=slot,
            table=table,
            kind=s.validated_data["kind"],
            now=timezone.now(),
        )
        return Response(EventBookingOutput(booking).data, status=201)


def _event_booking(request: Request, pk: int) -> EventBooking:
    return get_object_or_404(event_bookings_visible_to(signed_in_user(request)), pk=pk)


class EventBookingCancelApi(APIView):
    @extend_schema(request=None, responses=EventBookingOutput)
    def post(self, request: Request, pk: int) -> Response:
        booking = services.event_booking_cancel(
            actor=signed_in_user(request), booking=_event_booking(request, pk), now=timezone.now()
        )
        return Response(EventBookingOutput(booking).data)


class EventBookingAttendanceApi(APIView):
    @extend_schema_serializer(component_name="EventBookingAttendanceInput")
    class InputSerializer(serializers.Serializer[Any]):
        attendance = serializers.ChoiceField(EventAttendance.choices)

    @extend_schema(request=InputSerializer, responses=EventBookingOutput)
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        booking = services.event_attendance_record(
            actor=signed_in_user(request),
            booking=_event_booking(request, pk),
            attendance=s.validated_data["attendance"],
            now=timezone.now(),
        )
        return Response(EventBookingOutput(booking).data)


class EventBookingIcsApi(APIView):
    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        booking = _event_booking(request, pk)
        if not may_see_event_booking(signed_in_user(request), booking):
            raise PermissionDenied("Dit is niet jouw gesprek.")
        return ics_response(ical.event_booking_ics(booking), f"gesprek-{booking.pk}.ics")


class EventAttendanceApi(APIView):
    """Organisers: attendance counts and the no-shows."""

    @extend_schema(
        responses=inline_serializer(
            "EventAttendanceOutput",
            {
                "summary": serializers.DictField(
                    child=serializers.IntegerField(), help_text="Bookings per attendance value"
                ),
                "no_shows": EventBookingOutput(many=True),
            },
        )
    )
    def get(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        if not event_can_organise(signed_in_user(request), event):
            raise PermissionDenied("Alleen de organisator ziet de aanwezigheid.")
        no_shows = event_no_shows(event)
        return Response(
            {
                "summary": event_attendance_summary(event),
                "no_shows": EventBookingOutput(no_shows, many=True).data,
            }
        )


class EventContactsApi(APIView):
    """After the event: my contacts (companies for a student, students for a company)."""

    @extend_schema(responses=EventBookingOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        contacts = event_contacts_for(signed_in_user(request), event)
        return Response(EventBookingOutput(contacts, many=True).data)


class MyEventBookingsApi(ListAPIView[EventBooking]):
    serializer_class = EventBookingOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[EventBooking]:
        return student_event_bookings(signed_in_user(self.request))
