"""Reviewing a round's outcome (coordinators and teachers): comparing runs, leftover students
with room elsewhere, CSV exports and the objections list."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.allocations.selectors import access
from backend.allocations.selectors.review import (
    EXPORT_ORDER,
    OBJECTION_STATUSES,
    ObjectionCursor,
    assignments_csv,
    objections_page,
    open_objection_count,
    runs_compare,
    succeeded_runs_for_round,
    unassigned_page,
)
from backend.allocations.selectors.roster import (
    TARGETS_SHOWN,
    ObjectionTargets,
    StudentCursor,
    objection_targets,
)
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


LEFTOVERS_PER_PAGE = 25


def _student_cursor(request: HttpRequest) -> StudentCursor | None:
    if "before" in request.GET:
        return StudentCursor.decode(request.GET.get("before"), backwards=True)
    return StudentCursor.decode(request.GET.get("after"))


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_unassigned(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's students without a place, 25 a page by name (keyset links), each with the
    eligible challenges with room: at most 30 per student, searched by title or company."""
    user = signed_in_user(request)
    allocation_round = access.get_round_for_staff(user, round_id)
    search = " ".join(request.GET.get("doel", "").split())[:100]
    page = unassigned_page(
        allocation_round,
        cursor=_student_cursor(request),
        per_page=LEFTOVERS_PER_PAGE,
        today=timezone.localdate(),
        search=search,
    )
    path = request.path
    base = {"doel": search}
    students = page.students
    can_manage = access.can_manage(user, allocation_round)
    # The placing menu: a manager, while the round is in review.
    menu = can_manage and allocation_round.in_review
    here = {**base}
    if "before" in request.GET or "after" in request.GET:
        here.update({key: request.GET.get(key, "") for key in ("after", "before")})
    return render(
        request,
        "frontend/rounds/round_unassigned.html",
        {
            "round": allocation_round,
            "leftovers": page.rows,
            "students": students,
            "more_options": page.more_options,
            "search": search,
            "shown": TARGETS_SHOWN,
            "here": _url(path, here),
            "first_url": _url(path, base) if students.has_previous else "",
            "previous_url": _url(path, {**base, "before": students.previous_cursor.encode()})
            if students.previous_cursor
            else "",
            "next_url": _url(path, {**base, "after": students.next_cursor.encode()})
            if students.next_cursor
            else "",
            "can_manage": can_manage,
            "can_place": allocation_round.in_review,
            "leftover_rows": [(row, _options_html(row.options, menu=menu)) for row in page.rows],
        },
    )


def _options_html(options: list[tuple[int, str, int]], *, menu: bool) -> str:
    """A student's challenges with room as <option>s of the placing menu (`menu`) or <li>s:
    built once here (titles escaped), not resolved per option in the template (25 × 30)."""
    free = escape(_("vrij"))
    if menu:
        parts = (f'<option value="{pk}">{escape(t)} ({n} {free})</option>' for pk, t, n in options)
    else:
        parts = (f"<li>{escape(t)} ({n} {free})</li>" for _pk, t, n in options)
    # Safe: the ids and counts are ints, the titles and the word are escaped.
    return mark_safe("".join(parts))


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


OBJECTIONS_PER_PAGE = 25
OBJECTION_STATUS_LABELS = (
    ("open", gettext_lazy("open")),
    ("accepted", gettext_lazy("toegekend")),
    ("declined", gettext_lazy("afgewezen")),
)


def _objection_cursor(request: HttpRequest) -> ObjectionCursor | None:
    if "before" in request.GET:
        return ObjectionCursor.decode(request.GET.get("before"), backwards=True)
    return ObjectionCursor.decode(request.GET.get("after"))


def _url(path: str, query: dict[str, str]) -> str:
    query = {key: value for key, value in query.items() if value}
    return f"{path}?{urlencode(query)}" if query else path


@role_required(*SCHOOL_STAFF_ROLES)
@domain_errors
def round_objections(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's objections, oldest first, 25 a page (keyset: the links carry the first or last
    objection's place), filtered on status; each open one with the challenges its student
    could move to, searched by title so the menu never grows with the round."""
    user = signed_in_user(request)
    allocation_round = access.get_round_for_staff(user, round_id)
    can_manage = access.can_manage(user, allocation_round)
    status = request.GET.get("status", "")
    status = status if status in OBJECTION_STATUSES else ""
    search = " ".join(request.GET.get("doel", "").split())[:100]
    page = objections_page(
        allocation_round,
        status=status,
        cursor=_objection_cursor(request),
        per_page=OBJECTIONS_PER_PAGE,
    )
    targets = (
        objection_targets(allocation_round, page.rows, search=search)
        if can_manage
        else ObjectionTargets({}, more=False)
    )
    path = request.path
    base = {"status": status, "doel": search}
    return render(
        request,
        "frontend/rounds/round_objections.html",
        {
            "round": allocation_round,
            # Each open objection with the challenges its student could move to: with a place
            # left and not the one they are on now (the service refuses those too).
            "objections": [(o, targets.by_objection.get(o.pk, [])) for o in page.rows],
            "more_targets": targets.more,
            "shown": TARGETS_SHOWN,
            "search": search,
            "status": status,
            "statuses": OBJECTION_STATUS_LABELS,
            "open_count": open_objection_count(allocation_round),
            "page": page,
            "first_url": _url(path, base) if page.has_previous else "",
            "previous_url": _url(path, {**base, "before": page.previous_cursor.encode()})
            if page.previous_cursor
            else "",
            "next_url": _url(path, {**base, "after": page.next_cursor.encode()})
            if page.next_cursor
            else "",
            "can_manage": can_manage,
        },
    )
