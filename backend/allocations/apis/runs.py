"""Runs: start, poll progress, retry, apply, compare and download problem/result JSON."""

import json

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.allocations import services
from backend.allocations.apis.serializers import (
    CompareOutputSerializer,
    RunOutputSerializer,
    RunStartInputSerializer,
)
from backend.allocations.models import AllocationRun
from backend.allocations.selectors.access import (
    get_round_for_manager,
    get_round_for_staff,
    get_run,
    run_document,
)
from backend.allocations.selectors.review import (
    runs_compare,
    runs_for_round,
    succeeded_runs_by_id,
)
from backend.core.errors import ApplicationError, Conflict


def run_for_staff(request: Request, run_id: int) -> AllocationRun:
    return get_run(signed_in_user(request), run_id)


def run_for_manager(request: Request, run_id: int) -> AllocationRun:
    return get_run(signed_in_user(request), run_id, manage=True)


class RunListStartApi(generics.ListAPIView[AllocationRun]):
    """GET: the runs of a round (school staff). POST: start a run (coordinator); 202 + the run
    to poll at /runs/<id>/."""

    serializer_class = RunOutputSerializer
    filter_backends: list[type[BaseFilterBackend]] = []

    def get_queryset(self) -> QuerySet[AllocationRun]:
        allocation_round = get_round_for_staff(
            signed_in_user(self.request), self.kwargs["round_id"]
        )
        return runs_for_round(allocation_round)

    @extend_schema(request=RunStartInputSerializer, responses={202: RunOutputSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        user = signed_in_user(request)
        allocation_round = get_round_for_manager(user, round_id)
        data = RunStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.allocation_run_start(
            allocation_round=allocation_round, actor=user, **data.validated_data
        )
        run.refresh_from_db()
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    """A run's status, stage and percentage (poll this), metrics and error."""

    @extend_schema(responses=RunOutputSerializer)
    def get(self, request: Request, run_id: int) -> Response:
        return Response(RunOutputSerializer(run_for_staff(request, run_id)).data)


class RunRetryApi(APIView):
    @extend_schema(request=None, responses={202: RunOutputSerializer})
    def post(self, request: Request, run_id: int) -> Response:
        run = services.allocation_run_retry(
            run=run_for_manager(request, run_id), actor=signed_in_user(request)
        )
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunApplyApi(APIView):
    """Make this run's proposal the round's current assignments."""

    @extend_schema(request=None, responses=RunOutputSerializer)
    def post(self, request: Request, run_id: int) -> Response:
        run = services.allocation_run_apply(
            run=run_for_manager(request, run_id), actor=signed_in_user(request)
        )
        return Response(RunOutputSerializer(run).data)


def _download(run: AllocationRun, kind: str) -> HttpResponse:
    if not run.succeeded:
        raise Conflict(_("Deze run heeft (nog) geen resultaat."))
    data = run_document(run, kind)
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
    def get(self, request: Request, run_id: int) -> HttpResponse:
        return _download(run_for_staff(request, run_id), "problem")


class RunResultDownloadApi(APIView):
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request: Request, run_id: int) -> HttpResponse:
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
    def get(self, request: Request, round_id: int) -> Response:
        allocation_round = get_round_for_staff(signed_in_user(request), round_id)
        try:
            a_id, b_id = int(request.query_params["a"]), int(request.query_params["b"])
        except (KeyError, ValueError) as exc:
            raise ApplicationError(_("Geef twee runs op: ?a=<id>&b=<id>.")) from exc
        runs = succeeded_runs_by_id(allocation_round, [a_id, b_id])
        if a_id not in runs or b_id not in runs:
            raise ApplicationError(_("Kies twee geslaagde runs van deze ronde."))
        return Response(CompareOutputSerializer(runs_compare(runs[a_id], runs[b_id])).data)
