"""Rounds: list, create, read, set challenges, phase moves and history."""

from collections.abc import Callable
from typing import ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.allocations import services
from backend.allocations.apis.serializers import (
    ChallengesInputSerializer,
    EventOutputSerializer,
    RoundInputSerializer,
    RoundOutputSerializer,
)
from backend.allocations.models import AllocationRound, RoundEvent
from backend.allocations.selectors.access import (
    get_round_for_manager,
    get_round_for_reader,
    get_round_for_staff,
    require_may_open_rounds,
    rounds_visible_to,
)
from backend.allocations.selectors.review import round_events
from backend.curriculum.models import Kwalificatie
from backend.organisations.models import Consortium, Organisation


class RoundListCreateApi(generics.ListAPIView[AllocationRound]):
    """GET: the rounds I may see. POST: open a new round (coordinator)."""

    serializer_class = RoundOutputSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[AllocationRound]:
        return rounds_visible_to(signed_in_user(self.request))

    @extend_schema(request=RoundInputSerializer, responses={201: RoundOutputSerializer})
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        require_may_open_rounds(user)
        data = RoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        school = Organisation.objects.filter(pk=d["school"]).first() if d["school"] else None
        consortium = (
            Consortium.objects.filter(pk=d["consortium"]).first() if d["consortium"] else None
        )
        allocation_round = services.allocation_round_create(
            actor=user,
            name=d["name"],
            period=d["period"],
            school=school,
            consortium=consortium,
            kwalificaties=list(Kwalificatie.objects.filter(pk__in=d["kwalificaties"])),
            cohorts=d["cohorts"],
            challenges=d["challenges"],
            capacities=d["capacities"],
            host_capacities=d["host_capacities"],
            min_choices=d["min_choices"],
            max_choices=d["max_choices"],
            choices_open_at=d["choices_open_at"],
            choices_close_at=d["choices_close_at"],
            objections_close_at=d["objections_close_at"],
            now=timezone.now(),
        )
        return Response(
            RoundOutputSerializer(allocation_round).data, status=status.HTTP_201_CREATED
        )


class RoundDetailApi(APIView):
    @extend_schema(responses=RoundOutputSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        allocation_round = get_round_for_reader(signed_in_user(request), round_id)
        return Response(RoundOutputSerializer(allocation_round).data)


class RoundChallengesSetApi(APIView):
    @extend_schema(request=ChallengesInputSerializer, responses=RoundOutputSerializer)
    def put(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        data = ChallengesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocation_round = services.allocation_round_set_challenges(
            allocation_round=allocation_round,
            actor=user,
            challenges=data.validated_data["challenges"],
            capacities=data.validated_data["capacities"],
            now=timezone.now(),
        )
        return Response(RoundOutputSerializer(allocation_round).data)


class _PhaseApi(APIView):
    """One phase move of a round: `move` is the service of that transition. The subclass's
    docstring describes the operation in the schema."""

    move: ClassVar[Callable[..., AllocationRound]]

    @extend_schema(request=None, responses=RoundOutputSerializer)
    def post(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        allocation_round = self.move(
            allocation_round=allocation_round, actor=user, now=timezone.now()
        )
        return Response(RoundOutputSerializer(allocation_round).data)


class RoundOpenApi(_PhaseApi):
    """preparing → choosing"""

    move = staticmethod(services.allocation_round_open_choosing)


class RoundCloseChoicesApi(_PhaseApi):
    """choosing → allocating"""

    move = staticmethod(services.allocation_round_close_choosing)


class RoundPublishApi(_PhaseApi):
    """review → published (a person only)"""

    move = staticmethod(services.allocation_round_publish)


class RoundCloseApi(_PhaseApi):
    """objections → closed"""

    move = staticmethod(services.allocation_round_close)


class RoundEventListApi(generics.ListAPIView[RoundEvent]):
    """The round's append-only history: who did what, when (school staff)."""

    serializer_class = EventOutputSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[RoundEvent]:
        allocation_round = get_round_for_staff(
            signed_in_user(self.request), self.kwargs["round_id"]
        )
        return round_events(allocation_round)
