"""Student pages: the rounds a student takes part in, ranking challenges (and teammates) and
the result with the option to object."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.allocations import services
from backend.allocations.models import Phase
from backend.allocations.selectors import access
from backend.allocations.selectors.student import (
    challenges_for_student,
    choice_list_for,
    choices_for,
    classmates_for,
    result_for_student,
)
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.views.access import STUDENT_ROLES, role_required
from frontend.views.rounds.common import domain_errors, error_messages, flash_error


def _choice_order(request) -> list[int]:
    """The ranked offer ids from the form: each challenge has a position field (blank = not
    chosen). The up/down buttons post `move=<up|down>:<offer id>` and reorder on the server, so
    the page works without JavaScript and with a keyboard."""
    ranked = []
    for key, value in request.POST.items():
        if key.startswith("position-") and value.strip():
            try:
                ranked.append((int(value), int(key.removeprefix("position-"))))
            except ValueError:
                continue
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
def student_rounds(request):
    rounds = access.rounds_for_student(request.user)
    return render(request, "frontend/rounds/student_rounds.html", {"rounds": rounds})


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_assignment(request):
    published = [
        r
        for r in access.rounds_for_student(request.user)
        if r.phase in (Phase.PUBLISHED, Phase.OBJECTIONS, Phase.CLOSED)
    ]
    if published:
        return redirect("frontend:round-student", published[0].pk)
    return render(
        request,
        "frontend/rounds/student_rounds.html",
        {"rounds": access.rounds_for_student(request.user), "no_result": True},
    )


@role_required(*STUDENT_ROLES, allow_staff=False)
@domain_errors
def round_student(request, round_id: int):
    round, enrolment = access.get_round_for_student(request.user, round_id)
    now = timezone.now()
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("form") == "objection":
        try:
            services.objection_submit(
                round=round, student=request.user, reason=request.POST.get("reason", ""), now=now
            )
        except ApplicationError as error:
            flash_error(request, error)
        else:
            messages.success(
                request,
                _("Je bezwaar is ingediend. De coördinator laat je weten wat er mee gebeurt."),
            )
        return redirect("frontend:round-student", round.pk)
    chosen = [c.offer_id for c in choices_for(round, request.user)]
    choice_list = choice_list_for(round, request.user)
    teammates = [u.pk for u in choice_list.teammates.all()] if choice_list else []
    if request.method == "POST" and request.POST.get("form") == "choices":
        chosen = _choice_order(request)
        teammates = [
            pk for raw in request.POST.getlist("teammates") if (pk := parse_id(raw)) is not None
        ]
        if not request.POST.get("move"):
            try:
                services.choice_list_submit(
                    round=round,
                    student=request.user,
                    offer_ids=chosen,
                    teammate_ids=teammates,
                    now=now,
                )
            except ApplicationError as error:
                errors = error_messages(error)
            else:
                messages.success(
                    request, _("Je keuzes zijn opgeslagen. Je kunt ze aanpassen tot de deadline.")
                )
                return redirect("frontend:round-student", round.pk)
    items = challenges_for_student(round, enrolment, today=timezone.localdate(now))
    query = request.GET.get("q", "").strip().lower()
    host = request.GET.get("host", "")
    fits_only = request.GET.get("fits") == "1"
    hosts = sorted({item.offer.owner.name for item in items})
    shown = [
        item
        for item in items
        if (
            not query
            or query in item.offer.title.lower()
            or query in item.offer.description.lower()
        )
        and (not host or item.offer.owner.name == host)
        and (not fits_only or item.fits)
    ]
    by_id = {item.offer.pk: item for item in items}
    ranked = [by_id[pk] for pk in chosen if pk in by_id]
    context = {
        "round": round,
        "choosing": round.phase == Phase.CHOOSING and now < round.choices_close_at,
        "items": shown,
        "ranked": ranked,
        "positions": {pk: i for i, pk in enumerate(chosen, 1)},
        "hosts": hosts,
        "query": request.GET.get("q", ""),
        "host": host,
        "fits_only": fits_only,
        "errors": errors,
        "classmates": classmates_for(round, enrolment),
        "teammates": teammates,
        "result": result_for_student(round, request.user, now=now),
        "choice_list": choice_list,
    }
    return render(request, "frontend/rounds/round_student.html", context)
