"""The coordinator's POST actions on a round: phase changes, allocation runs, locking or
overriding one student's assignment and deciding objections. Each calls one allocations
service and redirects back with a message."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import COORDINATING_ROLES
from backend.allocations import services
from backend.allocations.models import RunMode
from backend.allocations.selectors import access
from backend.allocations.selectors.review import objection_of_round, run_of_round
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors, flash_error, round_page_back

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.allocations.models import AllocationRound
    from backend.offers.models import Offer

PHASE_ACTIONS: dict[str, Callable[..., object]] = {
    "open": services.allocation_round_open_choosing,
    "close-choices": services.allocation_round_close_choosing,
    "publish": services.allocation_round_publish,
    "close": services.allocation_round_close,
}
RUN_ACTIONS: dict[str, Callable[..., object]] = {
    "retry": services.allocation_run_retry,
    "apply": services.allocation_run_apply,
}


def coordinator_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A coordinator's form POST; the selectors' 403/404 become Django's."""
    guarded: Callable[..., HttpResponse] = role_required(*COORDINATING_ROLES)(
        require_POST(domain_errors(view))
    )
    return guarded


def _attempt(request: HttpRequest, change: Callable[[], object], *, success: str) -> bool:
    """Make one change; its refusal or `success` is shown on the page we redirect to. True when
    it was made."""
    try:
        change()
    except ApplicationError as error:
        flash_error(request, error)
        return False
    messages.success(request, success)
    return True


def _posted_offer(request: HttpRequest, allocation_round: "AllocationRound") -> "Offer | None":
    """The challenge of this round chosen in the form; None when none (or no number) was sent.
    An unknown id and another school's offer get the same refusal, which names no offer."""
    offer_id = parse_id(request.POST.get("offer"))
    if offer_id is None:
        return None
    offer = access.challenge_of_round(allocation_round, offer_id)
    if offer is None:
        raise ApplicationError(_("Deze uitdaging bestaat niet of doet niet mee aan deze ronde."))
    return offer


def _student(allocation_round: "AllocationRound", student_id: int) -> "User":
    """A student of the round's schools; anyone else is 'not found' (an unknown id alike), so
    no message on the page names a student of another school."""
    student = access.student_of_round(allocation_round, student_id)
    if student is None:
        raise Http404
    return student


@coordinator_post
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    service = PHASE_ACTIONS.get(action)
    if service is None:
        raise Http404
    _attempt(
        request,
        lambda: service(allocation_round=allocation_round, actor=user, now=timezone.now()),
        success=_("Gelukt."),
    )
    return redirect("frontend:round-detail", allocation_round.pk)


@coordinator_post
def run_start(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    try:
        seed = int(request.POST.get("seed") or 0)
        weight = float(request.POST.get("coverage_weight") or 0)
    except ValueError:
        messages.error(request, _("Seed en gewicht moeten getallen zijn."))
    else:
        _attempt(
            request,
            lambda: services.allocation_run_start(
                allocation_round=allocation_round,
                actor=user,
                mode=request.POST.get("mode", RunMode.OPTIMAL),
                seed=seed,
                coverage_weight=weight,
            ),
            success=_("De indeling is gestart."),
        )
    return redirect("frontend:round-detail", allocation_round.pk)


@coordinator_post
def run_action(request: HttpRequest, round_id: int, run_id: int, action: str) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    run = run_of_round(allocation_round, run_id)
    if run is None:
        raise Http404
    run.round = allocation_round
    service = RUN_ACTIONS.get(action)
    if service is None:
        raise Http404
    _attempt(request, lambda: service(run=run, actor=user), success=_("Gelukt."))
    return redirect("frontend:round-detail", allocation_round.pk)


def _change_assignment(
    request: HttpRequest,
    action: str,
    *,
    allocation_round: "AllocationRound",
    student: "User",
    actor: "User",
) -> None:
    """Lock, unlock or override (to the posted challenge) one student's assignment."""
    target: dict[str, Any] = {
        "allocation_round": allocation_round,
        "student": student,
        "actor": actor,
    }
    if action == "lock":
        services.assignment_lock(**target)
    elif action == "unlock":
        services.assignment_unlock(**target)
    elif action == "override":
        offer = _posted_offer(request, allocation_round)
        if offer is None:
            raise ApplicationError(_("Kies een uitdaging."))
        services.assignment_override(**target, offer=offer)
    else:
        raise Http404


@coordinator_post
def assignment_action(
    request: HttpRequest, round_id: int, student_id: int, action: str
) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    student = _student(allocation_round, student_id)
    changed = _attempt(
        request,
        lambda: _change_assignment(
            request, action, allocation_round=allocation_round, student=student, actor=user
        ),
        success=_("De indeling van %(name)s is aangepast.") % {"name": student.first_name},
    )
    back = round_page_back(request, allocation_round, request.POST.get("next"))
    if not changed and request.POST.get("form") == "assignment":
        # Refused on the student's own override page: back there to choose another challenge,
        # still carrying the place on the round page to return to.
        page = reverse("frontend:round-assignment", args=[allocation_round.pk, student.pk])
        return redirect(f"{page}?{urlencode({'next': back})}")
    return redirect(back)


@coordinator_post
def objection_decide(request: HttpRequest, round_id: int, objection_id: int) -> HttpResponse:
    user = signed_in_user(request)
    allocation_round = access.get_round_for_manager(user, round_id)
    objection = objection_of_round(allocation_round, objection_id)
    if objection is None:
        raise Http404
    objection.round = allocation_round
    answer = request.POST.get("answer", "")

    def decide() -> None:
        if request.POST.get("decision") == "accept":
            offer = _posted_offer(request, allocation_round)
            if offer is None:
                raise ApplicationError(_("Kies de uitdaging waar de student naartoe gaat."))
            services.objection_accept(objection=objection, actor=user, offer=offer, answer=answer)
        else:
            services.objection_decline(objection=objection, actor=user, answer=answer)

    _attempt(request, decide, success=_("Het bezwaar is afgehandeld."))
    return redirect("frontend:round-objections", allocation_round.pk)
