import datetime as dt
import re
from abc import ABC, abstractmethod
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.curriculum.models import Kerntaak
from backend.engagement import ical, services
from backend.engagement.models import (
    BookingFeedback,
    CalendarFeed,
    ExpertFormat,
    GuestLessonBooking,
)
from backend.engagement.selectors.access import booking_may_cancel, booking_side
from backend.engagement.selectors.bookings import bookings_visible_to, calendar_feed_for
from backend.engagement.selectors.calendar import feed_for_user
from backend.engagement.selectors.experts import experts_visible_to
from backend.organisations.models import Organisation


class BookingOutput(serializers.ModelSerializer[GuestLessonBooking]):
    expert = serializers.CharField(source="expert.user.get_full_name")
    expert_id = serializers.IntegerField()
    company = serializers.CharField(source="expert.organisation.name")
    school = serializers.CharField(source="school.name")
    requested_by = serializers.CharField(source="requested_by.get_full_name")
    kerntaak = serializers.CharField(source="kerntaak.code", default=None)
    ends_at = serializers.DateTimeField()

    class Meta:
        model = GuestLessonBooking
        fields = [
            "id",
            "expert",
            "expert_id",
            "company",
            "school",
            "requested_by",
            "format",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "group",
            "topic",
            "kerntaak",
            "location",
            "message",
            "status",
            "proposed_starts_at",
            "answer_note",
            "sequence",
            "agreement_id",
        ]


class BookingDetailOutput(BookingOutput):
    """Schema only: BookingDetailApi adds which side the reader answers for and whether they
    may still cancel."""

    my_side = serializers.ChoiceField(["expert", "school", ""])
    may_cancel = serializers.BooleanField()

    class Meta(BookingOutput.Meta):
        fields = [*BookingOutput.Meta.fields, "my_side", "may_cancel"]


# The calendar files (.ics) the *IcsApi views answer with.
ICS_RESPONSE = {(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY)}


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("status", str, description="Only bookings in this status")]
    )
)
class BookingListApi(ListAPIView[GuestLessonBooking]):
    serializer_class = BookingOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[GuestLessonBooking]:
        qs = bookings_visible_to(signed_in_user(self.request))
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs


class BookingRequestApi(APIView):
    @extend_schema_serializer(component_name="BookingRequestInput")
    class InputSerializer(serializers.Serializer[Any]):
        expert = serializers.IntegerField()
        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        starts_at = serializers.DateTimeField()
        duration_minutes = serializers.IntegerField(min_value=15, max_value=480)
        group = serializers.CharField(max_length=60)
        topic = serializers.CharField(max_length=200)
        location = serializers.CharField(max_length=200)
        kerntaak = serializers.PrimaryKeyRelatedField(
            queryset=Kerntaak.objects.all(), required=False, allow_null=True
        )
        format = serializers.ChoiceField(ExpertFormat.choices, default=ExpertFormat.GUEST_LESSON)
        message = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: BookingOutput})
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data["expert"] = get_object_or_404(experts_visible_to(user), pk=data["expert"])
        # "format" is the field's name in the API; the service calls it lesson_format.
        data["lesson_format"] = data.pop("format")
        booking = services.booking_request(actor=user, now=timezone.now(), **data)
        return Response(BookingOutput(booking).data, status=201)


def _booking(request: Request, pk: int) -> GuestLessonBooking:
    return get_object_or_404(bookings_visible_to(signed_in_user(request)), pk=pk)


class BookingDetailApi(APIView):
    @extend_schema(responses=BookingDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        booking = _booking(request, pk)
        data = dict(BookingOutput(booking).data)
        data["my_side"] = booking_side(user, booking)
        data["may_cancel"] = booking_may_cancel(user, booking, now=timezone.now())
        return Response(data)


class _Transition(APIView, ABC):
    """One booking transition: each subclass names its service call in `act`."""

    @extend_schema_serializer(component_name="BookingNoteInput")
    class InputSerializer(serializers.Serializer[Any]):
        note = serializers.CharField(required=False, allow_blank=True, default="")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each transition documents its own input (BookingProposeApi asks for a time too).
        extend_schema_view(
            post=extend_schema(request=cls.InputSerializer, responses=BookingOutput)
        )(cls)

    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        booking = self.act(
            signed_in_user(request), _booking(request, pk), s.validated_data, timezone.now()
        )
        return Response(BookingOutput(booking).data)

    @abstractmethod
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking: ...


class BookingAcceptApi(_Transition):
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_accept(actor=user, booking=booking, note=data["note"], now=now)


class BookingDeclineApi(_Transition):
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_decline(actor=user, booking=booking, note=data["note"], now=now)


class BookingProposeApi(_Transition):
    @extend_schema_serializer(component_name="BookingProposeInput")
    class InputSerializer(serializers.Serializer[Any]):
        starts_at = serializers.DateTimeField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_propose(
            actor=user, booking=booking, starts_at=data["starts_at"], note=data["note"], now=now
        )


class BookingProposalAcceptApi(_Transition):
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_proposal_accept(actor=user, booking=booking, now=now)


class BookingProposalDeclineApi(_Transition):
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_proposal_decline(
            actor=user, booking=booking, note=data["note"], now=now
        )


class BookingCancelApi(_Transition):
    def act(
        self, user: User, booking: GuestLessonBooking, data: dict[str, Any], now: dt.datetime
    ) -> GuestLessonBooking:
        return services.booking_cancel(actor=user, booking=booking, note=data["note"], now=now)


class BookingFeedbackApi(APIView):
    @extend_schema_serializer(component_name="BookingFeedbackInput")
    class InputSerializer(serializers.Serializer[Any]):
        rating = serializers.IntegerField(min_value=1, max_value=5)
        text = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "BookingFeedbackOutput",
                {
                    "id": serializers.IntegerField(),
                    "rating": serializers.IntegerField(),
                    "text": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        s = self.InputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        feedback: BookingFeedback = services.booking_feedback_give(
            actor=signed_in_user(request),
            booking=_booking(request, pk),
            now=timezone.now(),
            **s.validated_data,
        )
        return Response(
            {"id": feedback.pk, "rating": feedback.rating, "text": feedback.text}, status=201
        )


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class BookingIcsApi(APIView):
    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        booking = _booking(request, pk)
        return ics_response(ical.booking_ics(booking), f"gastles-{booking.pk}.ics")


CALENDAR_FEED_OUTPUT = inline_serializer(
    "CalendarFeedOutput", {"url": serializers.URLField(), "token": serializers.CharField()}
)


class CalendarFeedApi(APIView):
    """My personal feed URL (GET) and a new secret one (POST: the old URL stops working)."""

    def _data(self, request: Request, feed: CalendarFeed) -> dict[str, str]:
        path = f"/api/engagement/calendar/{feed.token}.ics"
        return {"url": request.build_absolute_uri(path), "token": feed.token}

    @extend_schema(responses=CALENDAR_FEED_OUTPUT)
    def get(self, request: Request) -> Response:
        return Response(self._data(request, calendar_feed_for(signed_in_user(request))))

    @extend_schema(request=None, responses=CALENDAR_FEED_OUTPUT)
    def post(self, request: Request) -> Response:
        feed = services.calendar_feed_regenerate(user=signed_in_user(request))
        return Response(self._data(request, feed))


FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CalendarFeedIcsApi(APIView):
    """GET /api/engagement/calendar/<token>.ics — no login: the secret token is the key."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=ICS_RESPONSE)
    def get(self, request: Request, token: str) -> HttpResponse:
        # Tokens are URL-safe base64 (new_feed_token); anything else (a NUL byte, which
        # PostgreSQL refuses in a query) cannot be a feed and never reaches the database.
        if not FEED_TOKEN.fullmatch(token):
            raise Http404
        feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
        if feed is None or not feed.user.is_active:
            raise Http404
        return ics_response(feed_for_user(feed.user, now=timezone.now()), "koppel.ics")
