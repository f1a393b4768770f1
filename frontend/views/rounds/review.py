"""Reviewing a round's outcome (coordinators and teachers): comparing runs, leftover students
with room elsewhere, CSV exports and the objections list."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.allocations.models import AllocationRun, Phase, RoundChallenge, RunStatus
from backend.allocations.selectors import access
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    assignments_csv,
    objections_for_round,
    runs_compare,
    runs_for_round,
    unassigned_with_room,
)
from backend.offers.models import Offer
from frontend.views.access import STAFF_ROLES, role_required
from frontend.views.rounds.common import domain_errors


@role_required(*STAFF_ROLES)
@domain_errors
def round_compare(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    succeeded = list(runs_for_round(round).filter(status=RunStatus.SUCCEEDED))
    by_id = {run.pk: run for run in succeeded}
    try:
        a = by_id.get(int(request.GET.get("a", 0))) or (
            succeeded[1] if len(succeeded) > 1 else None
        )
        b = by_id.get(int(request.GET.get("b", 0))) or (succeeded[0] if succeeded else None)
    except ValueError:
        a = b = None
    comparison = None
    if a and b:
        a = AllocationRun.objects.get(pk=a.pk)
        b = AllocationRun.objects.get(pk=b.pk)
        comparison = runs_compare(a, b)
    keys = [
        ("assigned", _("ingedeeld")),
        ("unassigned", _("niet ingedeeld")),
        ("share_first_choice", _("aandeel 1e keus")),
        ("share_top3", _("aandeel top-3")),
        ("worst_rank", _("slechtste keus")),
        ("total_rank", _("totale keusnummers")),
        ("goal_coverage", _("dekking leerdoelen")),
    ]
    rows = []
    if comparison:
        for key, label in keys:
            rows.append((label, comparison["a"].get(key), comparison["b"].get(key)))
    return render(
        request,
        "frontend/rounds/round_compare.html",
        {"round": round, "runs": succeeded, "a": a, "b": b, "comparison": comparison, "rows": rows},
    )


@role_required(*STAFF_ROLES)
@domain_errors
def round_unassigned(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    return render(
        request,
        "frontend/rounds/round_unassigned.html",
        {
            "round": round,
            "leftovers": unassigned_with_room(round, today=timezone.localdate()),
            "can_manage": access.can_manage(request.user, round),
            "can_place": round.phase in (Phase.REVIEW,),
        },
    )


@role_required(*STAFF_ROLES)
@domain_errors
def round_export(request, round_id: int, by: str):
    round = access.get_round_for_staff(request.user, round_id)
    if by not in EXPORT_ORDER:
        raise Http404
    response = HttpResponse(assignments_csv(round, by=by), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}-per-{by}.csv"'
    return response


@role_required(*STAFF_ROLES)
@domain_errors
def round_objections(request, round_id: int):
    round = access.get_round_for_staff(request.user, round_id)
    offers = Offer.objects.filter(
        pk__in=RoundChallenge.objects.filter(round=round).values("offer_id")
    ).order_by("title")
    return render(
        request,
        "frontend/rounds/round_objections.html",
        {
            "round": round,
            "objections": objections_for_round(round),
            "offers": offers,
            "can_manage": access.can_manage(request.user, round),
        },
    )
