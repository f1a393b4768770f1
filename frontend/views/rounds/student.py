"""Student pages: the rounds a student takes part in, ranking challenges (and teammates) and
the result with the option to object."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import STUDENT_ROLES
from backend.accounts.selectors import student_enrolment
from backend.allocations import services
from backend.allocations.models import MAX_CHOICES_LIMIT
from backend.allocations.selectors import access
from backend.allocations.selectors.student import (
    choice_list_for,
    choices_for,
    classmates_by_id,
    describe_entries,
    entries_for_offers,
    result_for_student,
    student_profile,
)
from backend.allocations.selectors.teams import team_settings_of
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors, error_messages, flash_error
from frontend.views.rounds.student_challenges import (
    open_challenges_page,
    page_query,
    parse_filters,
    teammate_results_context,
)

# A posted ranking longer than any round allows is refused by the service; the page shows at
# most this many of it (a form with 1,000 position fields must not make a 1,000-row page).
MAX_SHOWN_CHOICES = 2 * MAX_CHOICES_LIMIT

if TYPE_CHECKING:
    from backend.accounts.models import StudentEnrolment, User
    from backend.allocations.models import AllocationRound, ChoiceList


def _choice_order(request: HttpRequest) -> list[int]:
    """The ranked offer ids from the form: each challenge has a position field (blank = not
    chosen). The up/down buttons post `move=<up|down>:<offer id>` and reorder on the server, so
    the page works without JavaScript and with a keyboard."""
    ranked = []
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("position-") and value.strip():
            offer_id = parse_id(key.removeprefix("position-"))
            try:
                position = int(value)
            except ValueError:
                continue
            if offer_id is not None:
                ranked.append((position, offer_id))
    order = [offer_id for _position, offer_id in sorted(ranked)]
    move = request.POST.get("move", "")
    if ":" in move:
        direction, _sep, raw = move.partition(":")
        if (offer_id := parse_id(raw)) in order:
            i = order.index(offer_id)
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(order):
                order[i], order[j] = order[j], order[i]
    return order


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_rounds(request: HttpRequest) -> HttpResponse:
    rounds = access.rounds_for_student(signed_in_user(request))
    return render(request, "frontend/rounds/student_rounds.html", {"rounds": rounds})


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_assignment(request: HttpRequest) -> HttpResponse:
    """ "Mijn plaatsing": the result of every published round the student takes part in, with
    the whole explanation (rank, why not a higher choice, werkprocessen, team, teammate wishes,
    how to object and until when)."""
    user = signed_in_user(request)
    now = timezone.now()
    enrolment = student_enrolment(user)
    rounds = [r for r in access.rounds_for_student(user) if r.is_published]
    results = [
        (allocation_round, result_for_student(allocation_round, user, now=now, enrolment=enrolment))
        for allocation_round in rounds
    ]
    return render(
        request,
        "frontend/rounds/student_assignment.html",
        {
            "results": results,
            "other_rounds": [r for r in access.rounds_for_student(user) if not r.is_published],
        },
    )


def _object(
    request: HttpRequest, allocation_round: "AllocationRound", user: "User", now: dt.datetime
) -> HttpResponse:
    try:
        services.objection_submit(
            allocation_round=allocation_round,
            student=user,
            reason=request.POST.get("reason", ""),
            now=now,
        )
    except ApplicationError as error:
        flash_error(request, error)
    else:
        messages.success(
            request,
            _("Je bezwaar is ingediend. De coördinator laat je weten wat er mee gebeurt."),
        )
    return redirect("frontend:round-student", allocation_round.pk)


@dataclass
class _Choosing:
    """The student's ranking on the page: stored, or as just posted (a move, or refused)."""

    chosen: list[int]
    teammates: list[int]
    choice_list: "ChoiceList | None"
    errors: list[str] = field(default_factory=list)
    saved: bool = False


def _stored_choices(allocation_round: "AllocationRound", user: "User") -> _Choosing:
    choice_list = choice_list_for(allocation_round, user)
    return _Choosing(
        chosen=[c.offer_id for c in choices_for(allocation_round, user)],
        teammates=[u.pk for u in choice_list.teammates.all()] if choice_list else [],
        choice_list=choice_list,
    )


def _posted_choices(
    request: HttpRequest, allocation_round: "AllocationRound", user: "User", now: dt.datetime
) -> _Choosing:
    """The posted ranking; saved unless the student only moved a challenge up or down."""
    posted = _Choosing(
        chosen=_choice_order(request),
        teammates=[
            pk for raw in request.POST.getlist("teammates") if (pk := parse_id(raw)) is not None
        ],
        choice_list=choice_list_for(allocation_round, user),
    )
    remove = parse_id(request.POST.get("remove_teammate"))
    if remove is not None:
        posted.teammates = [pk for pk in posted.teammates if pk != remove]
        posted.errors = [_("Nog niet opgeslagen: klik op 'Keuzes opslaan' om dit te bewaren.")]
        return posted
    if request.POST.get("move"):
        return posted
    if any(parse_id(raw) is None for raw in request.POST.getlist("teammates")):
        posted.errors = [
            _("Samenwerken met: kies een klasgenoot uit de zoekresultaten; dit is geen klasgenoot.")
        ]
        return posted
    try:
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=user,
            offer_ids=posted.chosen,
            teammate_ids=posted.teammates,
            now=now,
        )
    except ApplicationError as error:
        posted.errors = error_messages(error)
    else:
        posted.saved = True
    return posted


def _student_page(
    request: HttpRequest,
    allocation_round: "AllocationRound",
    enrolment: "StudentEnrolment",
    choosing: _Choosing,
    now: dt.datetime,
) -> HttpResponse:
    """The round page: the ranked choices (with why each fits), one page of the other open
    challenges, the teammate search and, once published, the result. Its cost does not grow
    with the number of challenges or students."""
    user = signed_in_user(request)
    context: dict[str, Any] = {
        "round": allocation_round,
        "choosing": allocation_round.choosing_is_open(now),
        "errors": choosing.errors,
        "choice_list": choosing.choice_list,
        "result": result_for_student(allocation_round, user, now=now, enrolment=enrolment),
    }
    if context["choosing"]:
        profile = student_profile(allocation_round, enrolment, today=timezone.localdate(now))
        parsed = parse_filters(request)
        page, page_error = open_challenges_page(
            request, user, profile, [allocation_round], parsed.filters
        )
        # Only the ranked ones (at most the round's maximum, or what was just posted).
        wanted = choosing.chosen[:MAX_SHOWN_CHOICES]
        chosen = {
            item.offer.pk: item
            for item in describe_entries(
                user, profile, entries_for_offers([allocation_round], profile.me, wanted)
            )
        }
        teammates = classmates_by_id(allocation_round, enrolment, choosing.teammates)
        context.update(
            filters=parsed.filters,
            filter_errors=[*parsed.errors, page_error] if page_error else parsed.errors,
            query_string=page_query(request),
            page=page,
            items=page.items,
            no_open_goals=not profile.goal_ids,
            ranked=[chosen[pk] for pk in wanted if pk in chosen],
            positions={pk: i for i, pk in enumerate(choosing.chosen, 1)},
            teammates=teammates,
            together_mode=team_settings_of(allocation_round).together,
            **teammate_results_context(
                request, allocation_round, enrolment, [t.pk for t in teammates]
            ),
        )
    return render(request, "frontend/rounds/round_student.html", context)


@role_required(*STUDENT_ROLES, allow_staff=False)
@domain_errors
def round_student(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round, enrolment = access.get_round_for_student(user, round_id)
    now = timezone.now()
    form = request.POST.get("form") if request.method == "POST" else None
    if form == "objection":
        return _object(request, allocation_round, user, now)
    if form == "choices":
        choosing = _posted_choices(request, allocation_round, user, now)
        if choosing.saved:
            messages.success(
                request, _("Je keuzes zijn opgeslagen. Je kunt ze aanpassen tot de deadline.")
            )
            return redirect("frontend:round-student", allocation_round.pk)
    else:
        choosing = _stored_choices(allocation_round, user)
    return _student_page(request, allocation_round, enrolment, choosing, now)
