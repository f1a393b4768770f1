"""Rounds: list, create, read, set challenges, phase moves and history."""

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import IsCoordinator
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
    get_round_for_staff,
    get_round_for_student,
    rounds_for_student,
    rounds_readable_by_staff,
)
from backend.core.errors import PermissionDenied
from backend.curriculum.models import Kwalificatie
from backend.organisations.models import Consortium, Organisation


def readable_round(request, round_id: int) -> AllocationRound:
    """The round for school staff of its schools, or for a student taking part."""
    try:
        return get_round_for_staff(request.user, round_id)
    except PermissionDenied:
        round, _enrolment = get_round_for_student(request.user, round_id)
        return round


class RoundListCreateApi(generics.ListAPIView):
    """GET: the rounds I may see. POST: open a new round (coordinator)."""

    serializer_class = RoundOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        student_rounds = [r.pk for r in rounds_for_student(user)]
        return (
            AllocationRound.objects.filter(
                Q(pk__in=rounds_readable_by_staff(user).values("pk")) | Q(pk__in=student_rounds)
            )
            .select_related("school", "consortium")
            .order_by("-choices_close_at", "-pk")
        )

    @extend_schema(request=RoundInputSerializer, responses={201: RoundOutputSerializer})
    def post(self, request):
        if not IsCoordinator().has_permission(request, self):
            raise PermissionDenied("Alleen coördinatoren kunnen een indelingsronde openen.")
        data = RoundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        school = Organisation.objects.filter(pk=d["school"]).first() if d["school"] else None
        consortium = (
            Consortium.objects.filter(pk=d["consortium"]).first() if d["consortium"] else None
        )
        round = services.allocation_round_create(
            actor=request.user,
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
        return Response(RoundOutputSerializer(round).data, status=status.HTTP_201_CREATED)


class RoundDetailApi(APIView):
    @extend_schema(responses=RoundOutputSerializer)
    def get(self, request, round_id: int):
        return Response(RoundOutputSerializer(readable_round(request, round_id)).data)


class RoundChallengesSetApi(APIView):
    @extend_schema(request=ChallengesInputSerializer, responses=RoundOutputSerializer)
    def put(self, request, round_id: int):
        round = get_round_for_manager(request.user, round_id)
        data = ChallengesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        round = services.allocation_round_set_challenges(
            round=round,
            actor=request.user,
            challenges=data.validated_data["challenges"],
            capacities=data.validated_data["capacities"],
            now=timezone.now(),
        )
        return Response(RoundOutputSerializer(round).data)


def _phase_api(service, doc: str):
    class _Api(APIView):
        @extend_schema(request=None, responses=RoundOutputSerializer, description=doc)
        def post(self, request, round_id: int):
            round = get_round_for_manager(request.user, round_id)
            round = service(round=round, actor=request.user, now=timezone.now())
            return Response(RoundOutputSerializer(round).data)

    _Api.__doc__ = doc
    return _Api


class RoundOpenApi(_phase_api(services.allocation_round_open_choosing, "preparing → choosing")):
    pass


class RoundCloseChoicesApi(
    _phase_api(services.allocation_round_close_choosing, "choosing → allocating")
):
    pass


class RoundPublishApi(
    _phase_api(services.allocation_round_publish, "review → published (a person only)")
):
    pass


class RoundCloseApi(_phase_api(services.allocation_round_close, "objections → closed")):
    pass


class RoundEventListApi(generics.ListAPIView):
    """The round's append-only history: who did what, when (school staff)."""

    serializer_class = EventOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        round = get_round_for_staff(self.request.user, self.kwargs["round_id"])
        return RoundEvent.objects.filter(round=round).select_related("actor").order_by("at", "pk")
