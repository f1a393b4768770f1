from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.errors import PermissionDenied
from backend.engagement import ical, services
from backend.engagement.apis.bookings import ICS_RESPONSE, ics_response
from backend.engagement.models import (
    EventAttendance,
    EventBooking,
    EventBookingKind,
    EventKind,
    EventSlot,
    EventTable,
)
from backend.engagement.selectors.access import managed_company_ids
from backend.engagement.selectors.events import (
    event_attendance_summary,
    event_bookings,
    event_can_organise,
    event_contacts_for,
    event_slot_grid,
    event_tables,
    events_visible_to,
    student_event_bookings,
)
from backend.organisations.models import Consortium, Organisation


# Named apart from the allocations app's EventOutputSerializer in the schema.
@extend_schema_serializer(component_name="EngagementEventOutput")
class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    school = serializers.CharField(source="school.name")
    location = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    slot_minutes = serializers.IntegerField()


class TableOutput(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")

    class Meta:
        model = EventTable
        fields = ["id", "company", "capacity", "topic", "offers_portfolio_review"]


class EventBookingOutput(serializers.ModelSerializer):
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


class EventSlotOutput(serializers.Serializer):
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


class EventListApi(ListAPIView):
    serializer_class = EventOutput
    filter_backends: list = []

    def get_queryset(self):
        return events_visible_to(self.request.user).order_by("starts_at")


class EventCreateApi(APIView):
    @extend_schema_serializer(component_name="EventCreateInput")
    class InputSerializer(serializers.Serializer):
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
    def post(self, request):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        event = services.event_create(actor=request.user, **s.validated_data)
        return Response(EventOutput(event).data, status=201)


def _event(request, pk):
    return get_object_or_404(events_visible_to(request.user), pk=pk)


class EventDetailApi(APIView):
    @extend_schema(responses=EventDetailOutput)
    def get(self, request, pk):
        event = _event(request, pk)
        data = EventOutput(event).data
        data["tables"] = TableOutput(event_tables(event), many=True).data
        data["slots"] = [
            {
                "id": row["slot"].pk,
                "starts_at": row["slot"].starts_at,
                "mine": row["mine"].pk if row["mine"] else None,
                "free": {str(t["table"].pk): t["free"] for t in row["tables"]},
            }
            for row in event_slot_grid(event, student=request.user)
        ]
        return Response(data)


class EventTableRegisterApi(APIView):
    @extend_schema_serializer(component_name="EventTableRegisterInput")
    class InputSerializer(serializers.Serializer):
        company = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.companies())
        capacity = serializers.IntegerField(min_value=1, max_value=20)
        topic = serializers.CharField(required=False, allow_blank=True, default="")
        offers_portfolio_review = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={201: TableOutput})
    def post(self, request, pk):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        table = services.event_table_register(
            actor=request.user, event=_event(request, pk), now=timezone.now(), **s.validated_data
        )
        return Response(TableOutput(table).data, status=201)


class EventBookingListApi(ListAPIView):
    """Organisers see all bookings of the event; companies those at their table; a student
    only their own."""

    serializer_class = EventBookingOutput
    filter_backends: list = []

    def get_queryset(self):
        event = _event(self.request, self.kwargs["pk"])
        qs = event_bookings(event)
        if event_can_organise(self.request.user, event):
            return qs
        companies = managed_company_ids(self.request.user)
        if companies:
            return qs.filter(table__company_id__in=companies)
        return qs.filter(student=self.request.user)


class EventBookApi(APIView):
    @extend_schema_serializer(component_name="EventBookInput")
    class InputSerializer(serializers.Serializer):
        slot = serializers.IntegerField()
        table = serializers.IntegerField()
        kind = serializers.ChoiceField(
            EventBookingKind.choices, default=EventBookingKind.CONVERSATION
        )

    @extend_schema(request=InputSerializer, responses={201: EventBookingOutput})
    def post(self, request, pk):
        event = _event(request, pk)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        slot = get_object_or_404(
            EventSlot.objects.select_related("event"), pk=s.validated_data["slot"], event=event
        )
        table = get_object_or_404(
            EventTable.objects.select_related("company"), pk=s.validated_data["table"], event=event
        )
        booking = services.event_book_slot(
            actor=request.user,
            slot=slot,
            table=table,
            kind=s.validated_data["kind"],
            now=timezone.now(),
        )
        return Response(EventBookingOutput(booking).data, status=201)


def _event_booking(request, pk) -> EventBooking:
    return get_object_or_404(
        EventBooking.objects.filter(slot__event__in=events_visible_to(request.user)).select_related(
            "slot__event", "table__company", "student"
        ),
        pk=pk,
    )


class EventBookingCancelApi(APIView):
    @extend_schema(request=None, responses=EventBookingOutput)
    def post(self, request, pk):
        booking = services.event_booking_cancel(
            actor=request.user, booking=_event_booking(request, pk), now=timezone.now()
        )
        return Response(EventBookingOutput(booking).data)


class EventBookingAttendanceApi(APIView):
    @extend_schema_serializer(component_name="EventBookingAttendanceInput")
    class InputSerializer(serializers.Serializer):
        attendance = serializers.ChoiceField(EventAttendance.choices)

    @extend_schema(request=InputSerializer, responses=EventBookingOutput)
    def post(self, request, pk):
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        booking = services.event_attendance_record(
            actor=request.user,
            booking=_event_booking(request, pk),
            attendance=s.validated_data["attendance"],
            now=timezone.now(),
        )
        return Response(EventBookingOutput(booking).data)


class EventBookingIcsApi(APIView):
    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request, pk):
        booking = _event_booking(request, pk)
        if (
            booking.student_id != request.user.pk
            and booking.table.company_id not in managed_company_ids(request.user)
        ):
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
    def get(self, request, pk):
        event = _event(request, pk)
        if not event_can_organise(request.user, event):
            raise PermissionDenied("Alleen de organisator ziet de aanwezigheid.")
        no_shows = event_bookings(event).filter(attendance=EventAttendance.NO_SHOW)
        return Response(
            {
                "summary": event_attendance_summary(event),
                "no_shows": EventBookingOutput(no_shows, many=True).data,
            }
        )


class EventContactsApi(APIView):
    """After the event: my contacts (companies for a student, students for a company)."""

    @extend_schema(responses=EventBookingOutput(many=True))
    def get(self, request, pk):
        event = _event(request, pk)
        return Response(EventBookingOutput(event_contacts_for(request.user, event), many=True).data)


class MyEventBookingsApi(ListAPIView):
    serializer_class = EventBookingOutput
    filter_backends: list = []

    def get_queryset(self):
        return student_event_bookings(self.request.user)
