"""Runs: start, poll progress, retry, apply, compare and download problem/result JSON."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.allocations import services
from backend.allocations.apis.serializers import (
    CompareOutputSerializer,
    RunOutputSerializer,
    RunStartInputSerializer,
)
from backend.allocations.models import AllocationRun, RunStatus
from backend.allocations.selectors.access import (
    get_round_for_manager,
    get_round_for_staff,
    get_run,
)
from backend.allocations.selectors.review import runs_compare, runs_for_round
from backend.core.errors import ApplicationError, Conflict


def run_for_staff(request, run_id: int) -> AllocationRun:
    return get_run(request.user, run_id)


def run_for_manager(request, run_id: int) -> AllocationRun:
    return get_run(request.user, run_id, manage=True)


class RunListStartApi(generics.ListAPIView):
    """GET: the runs of a round (school staff). POST: start a run (coordinator); 202 + the run
    to poll at /runs/<id>/."""

    serializer_class = RunOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        round = get_round_for_staff(self.request.user, self.kwargs["round_id"])
        return runs_for_round(round)

    @extend_schema(request=RunStartInputSerializer, responses={202: RunOutputSerializer})
    def post(self, request, round_id: int):
        round = get_round_for_manager(request.user, round_id)
        data = RunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.allocation_run_start(round=round, actor=request.user, **data.validated_data)
        run.refresh_from_db()
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    """A run's status, stage and percentage (poll this), metrics and error."""

    @extend_schema(responses=RunOutputSerializer)
    def get(self, request, run_id: int):
        return Response(RunOutputSerializer(run_for_staff(request, run_id)).data)


class RunRetryApi(APIView):
    @extend_schema(request=None, responses={202: RunOutputSerializer})
    def post(self, request, run_id: int):
        run = services.allocation_run_retry(
            run=run_for_manager(request, run_id), actor=request.user
        )
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunApplyApi(APIView):
    """Make this run's proposal the round's current assignments."""

    @extend_schema(request=None, responses=RunOutputSerializer)
    def post(self, request, run_id: int):
        run = services.allocation_run_apply(
            run=run_for_manager(request, run_id), actor=request.user
        )
        return Response(RunOutputSerializer(run).data)


def _download(run: AllocationRun, kind: str) -> HttpResponse:
    if run.status != RunStatus.SUCCEEDED:
        raise Conflict(_("Deze run heeft (nog) geen resultaat."))
    data = run.problem if kind == "problem" else run.result
    response = HttpResponse(
        json.dumps(data, indent=1, sort_keys=True), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="round-{run.round_id}-run-{run.pk}-{kind}.json"'
    )
    return response


class RunProblemDownloadApi(APIView):
    """The stored koppel-allocation/1 problem: `python -m matching solve problem.json` reproduces it."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, run_id: int):
        return _download(run_for_staff(request, run_id), "problem")


class RunResultDownloadApi(APIView):
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, run_id: int):
        return _download(run_for_staff(request, run_id), "result")


class RunCompareApi(APIView):
    """Two runs of a round side by side: both metrics and every student placed differently."""

    @extend_schema(
        parameters=[
            OpenApiParameter("a", int, required=True),
            OpenApiParameter("b", int, required=True),
        ],
        responses=CompareOutputSerializer,
    )
    def get(self, request, round_id: int):
        round = get_round_for_staff(request.user, round_id)
        try:
            a_id, b_id = int(request.query_params["a"]), int(request.query_params["b"])
        except (KeyError, ValueError) as exc:
            raise ApplicationError(_("Geef twee runs op: ?a=<id>&b=<id>.")) from exc
        runs = {
            r.pk: r
            for r in AllocationRun.objects.filter(
                round=round, pk__in=[a_id, b_id], status=RunStatus.SUCCEEDED
            )
        }
        if a_id not in runs or b_id not in runs:
            raise ApplicationError(_("Kies twee geslaagde runs van deze ronde."))
        return Response(CompareOutputSerializer(runs_compare(runs[a_id], runs[b_id])).data)
