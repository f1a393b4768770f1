"""The coordinator's POST actions on a round: phase changes, allocation runs, locking or
overriding one student's assignment and deciding objections. Each calls one allocations
service and redirects back with a message."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.models import User
from backend.allocations import services
from backend.allocations.models import AllocationRun, Objection, RunMode
from backend.allocations.selectors import access
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.offers.models import Offer
from frontend.views.access import COORDINATOR_ROLES, role_required
from frontend.views.rounds.common import domain_errors, flash_error

PHASE_ACTIONS = {
    "open": services.allocation_round_open_choosing,
    "close-choices": services.allocation_round_close_choosing,
    "publish": services.allocation_round_publish,
    "close": services.allocation_round_close,
}
RUN_ACTIONS = {"retry": services.allocation_run_retry, "apply": services.allocation_run_apply}


def coordinator_post(view):
    """A coordinator's form POST; the selectors' 403/404 become Django's."""
    return role_required(*COORDINATOR_ROLES)(require_POST(domain_errors(view)))


def _attempt(request, change: Callable[[], object], *, success: str) -> None:
    """Make one change; its refusal or `success` is shown on the page we redirect to."""
    try:
        change()
    except ApplicationError as error:
        flash_error(request, error)
    else:
        messages.success(request, success)


def _posted_offer(request, round) -> Offer | None:
    """The challenge of this round chosen in the form; None when none (or no number) was sent.
    An unknown id and another school's offer get the same refusal, which names no offer."""
    offer_id = parse_id(request.POST.get("offer"))
    if offer_id is None:
        return None
    offer = access.challenge_of_round(round, offer_id)
    if offer is None:
        raise ApplicationError(_("Deze uitdaging bestaat niet of doet niet mee aan deze ronde."))
    return offer


def _student(round, student_id: int) -> User:
    """A student of the round's schools; anyone else is 'not found' (an unknown id alike), so
    no message on the page names a student of another school."""
    student = access.student_of_round(round, student_id)
    if student is None:
        raise Http404
    return student


@coordinator_post
def round_action(request, round_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    service = PHASE_ACTIONS.get(action)
    if service is None:
        raise Http404
    _attempt(
        request,
        lambda: service(round=round, actor=request.user, now=timezone.now()),
        success=_("Gelukt."),
    )
    return redirect("frontend:round-detail", round.pk)


@coordinator_post
def run_start(request, round_id: int):
    round = access.get_round_for_manager(request.user, round_id)
    try:
        seed = int(request.POST.get("seed") or 0)
        weight = float(request.POST.get("coverage_weight") or 0)
    except ValueError:
        messages.error(request, _("Seed en gewicht moeten getallen zijn."))
    else:
        _attempt(
            request,
            lambda: services.allocation_run_start(
                round=round,
                actor=request.user,
                mode=request.POST.get("mode", RunMode.OPTIMAL),
                seed=seed,
                coverage_weight=weight,
            ),
            success=_("De indeling is gestart."),
        )
    return redirect("frontend:round-detail", round.pk)


@coordinator_post
def run_action(request, round_id: int, run_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    run = get_object_or_404(AllocationRun, pk=run_id, round=round)
    run.round = round
    service = RUN_ACTIONS.get(action)
    if service is None:
        raise Http404
    _attempt(request, lambda: service(run=run, actor=request.user), success=_("Gelukt."))
    return redirect("frontend:round-detail", round.pk)


@coordinator_post
def assignment_action(request, round_id: int, student_id: int, action: str):
    round = access.get_round_for_manager(request.user, round_id)
    student = _student(round, student_id)

    def change() -> None:
        if action == "lock":
            services.assignment_lock(round=round, student=student, actor=request.user)
        elif action == "unlock":
            services.assignment_unlock(round=round, student=student, actor=request.user)
        elif action == "override":
            offer = _posted_offer(request, round)
            if offer is None:
                raise ApplicationError(_("Kies een uitdaging."))
            services.assignment_override(
                round=round, student=student, offer=offer, actor=request.user
            )
        else:
            raise Http404

    _attempt(
        request,
        change,
        success=_("De indeling van %(name)s is aangepast.") % {"name": student.first_name},
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("frontend:round-detail", args=[round.pk])
    return redirect(back)


@coordinator_post
def objection_decide(request, round_id: int, objection_id: int):
    round = access.get_round_for_manager(request.user, round_id)
    objection = get_object_or_404(
        Objection.objects.select_related("student"), pk=objection_id, round=round
    )
    objection.round = round
    answer = request.POST.get("answer", "")

    def decide() -> None:
        if request.POST.get("decision") == "accept":
            offer = _posted_offer(request, round)
            if offer is None:
                raise ApplicationError(_("Kies de uitdaging waar de student naartoe gaat."))
            services.objection_accept(
                objection=objection, actor=request.user, offer=offer, answer=answer
            )
        else:
            services.objection_decline(objection=objection, actor=request.user, answer=answer)

    _attempt(request, decide, success=_("Het bezwaar is afgehandeld."))
    return redirect("frontend:round-objections", round.pk)
