"""Reviewing a round's outcome (coordinators and teachers): comparing runs, leftover students
with room elsewhere, CSV exports and the objections list."""

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.allocations.selectors import access
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    assignments_csv,
    objections_for_round,
    runs_compare,
    succeeded_runs_for_round,
    unassigned_with_room,
)
from backend.allocations.selectors.roster import objection_targets
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from backend.allocations.models import AllocationRun

COMPARED_METRICS = (
    ("assigned", gettext_lazy("ingedeeld")),
    ("unassigned", gettext_lazy("niet ingedeeld")),
    ("share_first_choice", gettext_lazy("aandeel 1e keus")),
    ("share_top3", gettext_lazy("aandeel top-3")),
    ("worst_rank", gettext_lazy("slechtste keus")),
    ("total_rank", gettext_lazy("totale keusnummers")),
    ("goal_coverage", gettext_lazy("dekking leerdoelen")),
)


def _runs_to_compare(
    request: HttpRequest, succeeded: list["AllocationRun"]
) -> tuple["AllocationRun | None", "AllocationRun | None"]:
    """The runs named by ?a= and ?b=, else the two latest successful runs (a older than b)."""
    by_id = {run.pk: run for run in succeeded}
    try:
        a = by_id.get(int(request.GET.get("a", 0))) or (
            succeeded[1] if len(succeeded) > 1 else None
        )
        b = by_id.get(int(request.GET.get("b", 0))) or (succeeded[0] if succeeded else None)
    except ValueError:
        return None, None
    return a, b


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_compare(request: HttpRequest, round_id: int) -> HttpResponse:
    allocation_round = access.get_round_for_staff(signed_in_user(request), round_id)
    succeeded = succeeded_runs_for_round(allocation_round)
    a, b = _runs_to_compare(request, succeeded)
    comparison: dict[str, Any] | None = None
    if a and b:
        comparison = runs_compare(a, b)
    rows = (
        [
            (label, comparison["a"].get(key), comparison["b"].get(key))
            for key, label in COMPARED_METRICS
        ]
        if comparison
        else []
    )
    return render(
        request,
        "frontend/rounds/round_compare.html",
        {
            "round": allocation_round,
            "runs": succeeded,
            "a": a,
            "b": b,
            "comparison": comparison,
            "rows": rows,
        },
    )


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_unassigned(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_staff(user, round_id)
    return render(
        request,
        "frontend/rounds/round_unassigned.html",
        {
            "round": allocation_round,
            "leftovers": unassigned_with_room(allocation_round, today=timezone.localdate()),
            "can_manage": access.can_manage(user, allocation_round),
            "can_place": allocation_round.in_review,
        },
    )


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_export(request: HttpRequest, round_id: int, by: str) -> HttpResponse:
    allocation_round = access.get_round_for_staff(signed_in_user(request), round_id)
    if by not in EXPORT_ORDER:
        raise Http404
    response = HttpResponse(
        assignments_csv(allocation_round, by=by), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="round-{allocation_round.pk}-per-{by}.csv"'
    )
    return response


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_objections(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_staff(user, round_id)
    can_manage = access.can_manage(user, allocation_round)
    objections = list(objections_for_round(allocation_round))
    targets = objection_targets(allocation_round, objections) if can_manage else {}
    return render(
        request,
        "frontend/rounds/round_objections.html",
        {
            "round": allocation_round,
            # Each open objection with the challenges its student could move to: with a place
            # left and not the one they are on now (the service refuses those too).
            "objections": [(o, targets.get(o.pk, [])) for o in objections],
            "can_manage": can_manage,
        },
    )
