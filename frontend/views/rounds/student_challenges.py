"""Student pages: "Uitdagingen" (every challenge open to the student, paged and filtered by the
database), one challenge's page with add/remove, and the teammate search (an htmx partial that
also works as a plain GET form).

What a page costs does not depend on how many challenges or students there are: the list is
filtered, counted and paged in SQL (backend.allocations.selectors.student) and the teammate search
returns at most a handful of classmates."""

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import STUDENT_ROLES
from backend.accounts.selectors import student_enrolment
from backend.allocations.selectors import access
from backend.allocations.selectors.student import (
    MAX_PAGE_NUMBER,
    TEAMMATE_MIN_QUERY,
    ChallengeFilters,
    ChallengePage,
    StudentProfile,
    challenge_page,
    companies_of,
    open_challenge_for_student,
    open_rounds_for_student,
    profile_for_rounds,
    search_classmates,
)
from backend.allocations.services.choices import MAX_TEAMMATES, choice_add, choice_remove
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.offers.models import LocationKind
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors, flash_error

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.allocations.models import AllocationRound

# A search longer than this is cut (nobody types a title this long; it keeps LIKE cheap).
MAX_QUERY = 100


@dataclass
class ParsedFilters:
    filters: ChallengeFilters
    errors: list[str] = field(default_factory=list)


def parse_filters(request: HttpRequest) -> ParsedFilters:
    """The list's filters from the query string; a value that cannot be used is dropped with a
    message that names the filter (never a 500)."""
    errors = []
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    kind = request.GET.get("soort", "")
    if kind and kind not in LocationKind.values:
        errors.append(
            _("Filter 'waar': kies uit de lijst; '%(value)s' kennen we niet.")
            % {"value": kind[:30]}
        )
        kind = ""
    raw_company = request.GET.get("bedrijf", "")
    company_id = parse_id(raw_company) if raw_company else None
    if raw_company and company_id is None:
        errors.append(_("Filter 'bedrijf': kies een bedrijf uit de lijst."))
    return ParsedFilters(
        ChallengeFilters(
            query=query,
            location_kind=kind,
            company_id=company_id,
            fits_only=request.GET.get("past") == "1",
        ),
        errors,
    )


def open_challenges_page(
    request: HttpRequest,
    student: "User",
    profile: StudentProfile,
    allocation_rounds: "list[AllocationRound]",
    filters: ChallengeFilters,
) -> tuple[ChallengePage, str]:
    """The requested page (?pagina=) of the challenges open to the student, or the first page
    with a message for a page number that is not a number or does not exist (never a 500)."""
    raw = request.GET.get("pagina", "1") or "1"
    number = parse_id(raw)
    past: ChallengePage | None = None
    if number is not None and number <= MAX_PAGE_NUMBER:
        page = challenge_page(student, profile, allocation_rounds, filters, number=number)
        if page.exists:
            return page, ""
        past = page  # counted exactly: every row is before the page asked for
    page = challenge_page(student, profile, allocation_rounds, filters)
    known = past if past is not None else page
    if not known.count_exact:
        message = _("Pagina '%(page)s' bestaat niet. Je ziet pagina 1.") % {"page": raw[:20]}
        return page, message
    message = _("Pagina '%(page)s' bestaat niet; er zijn %(pages)d pagina's. Je ziet pagina 1.") % {
        "page": raw[:20],
        "pages": known.num_pages,
    }
    return page, message


def page_query(request: HttpRequest) -> str:
    """The current filters as a query string for the page links (without the page number)."""
    kept = {k: v for k, v in request.GET.items() if k in {"q", "soort", "bedrijf", "past"} and v}
    return urlencode(kept)


@role_required(*STUDENT_ROLES, allow_staff=False)
def student_challenges(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    enrolment = student_enrolment(user)
    now = timezone.now()
    allocation_rounds = open_rounds_for_student(user, now=now) if enrolment else []
    profile = (
        profile_for_rounds(allocation_rounds, enrolment, today=timezone.localdate(now))
        if enrolment
        else None
    )
    parsed = parse_filters(request)
    context: dict[str, Any] = {
        "rounds": allocation_rounds,
        "filters": parsed.filters,
        "errors": parsed.errors,
        "location_kinds": LocationKind.choices,
        "query_string": page_query(request),
        "filtered": bool(
            request.GET.get("q")
            or request.GET.get("soort")
            or request.GET.get("bedrijf")
            or request.GET.get("past")
        ),
    }
    if profile is not None:
        page, page_error = open_challenges_page(
            request, user, profile, allocation_rounds, parsed.filters
        )
        if page_error:
            context["errors"].append(page_error)
        context.update(
            page=page,
            items=page.items,
            no_open_goals=not profile.goal_ids,
            companies=companies_of(allocation_rounds),
        )
    return render(request, "frontend/rounds/student_challenges.html", context)


def _change_choice(request: HttpRequest, item: Any, now: dt.datetime) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            position = choice_add(
                allocation_round=item.round, student=user, offer_id=item.offer.pk, now=now
            )
            messages.success(
                request,
                _("'%(title)s' staat nu bij je keuzes, op plek %(position)d.")
                % {"title": item.offer.title, "position": position},
            )
        elif action == "remove":
            choice_remove(
                allocation_round=item.round, student=user, offer_id=item.offer.pk, now=now
            )
            messages.success(
                request,
                _("'%(title)s' staat niet meer bij je keuzes.") % {"title": item.offer.title},
            )
        else:
            messages.error(request, _("Kies 'Toevoegen aan mijn keuzes' of 'Weghalen'."))
    except ApplicationError as error:
        flash_error(request, error)
    return redirect("frontend:student-challenge-detail", item.offer.pk)


@role_required(*STUDENT_ROLES, allow_staff=False)
@domain_errors
def student_challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    enrolment = student_enrolment(user)
    now = timezone.now()
    item = (
        open_challenge_for_student(user, enrolment, pk, now=now)
        if enrolment and parse_id(pk) is not None
        else None
    )
    if item is None:
        raise Http404(_("Deze uitdaging bestaat niet of staat niet voor je open."))
    if request.method == "POST":
        return _change_choice(request, item, now)
    return render(
        request,
        "frontend/rounds/student_challenge_detail.html",
        {"item": item, "offer": item.offer, "round": item.round, "enrolment": enrolment},
    )


def teammate_results_context(
    request: HttpRequest, allocation_round: Any, enrolment: Any, chosen: list[int]
) -> dict[str, Any]:
    """The teammate search's results for ?wie= (at most a handful, never the student, never the
    ones already chosen), with the sentence the screen reader announces."""
    query = request.GET.get("wie", "").strip()[:MAX_QUERY]
    results, more = search_classmates(allocation_round, enrolment, query)
    results = [r for r in results if r.pk not in chosen]
    if not query:
        status = ""
    elif len(query) < TEAMMATE_MIN_QUERY:
        status = _("Typ minstens %(n)d letters van de naam.") % {"n": TEAMMATE_MIN_QUERY}
    elif not results:
        status = _("Geen klasgenoten in deze ronde gevonden voor '%(q)s'.") % {"q": query}
    elif more:
        status = _("Meer dan %(n)d klasgenoten gevonden; typ meer van de naam.") % {
            "n": len(results)
        }
    else:
        status = ngettext(
            "%(n)d klasgenoot gevonden.", "%(n)d klasgenoten gevonden.", len(results)
        ) % {"n": len(results)}
    return {
        "teammate_query": query,
        "teammate_results": results,
        "teammate_status": status,
        "max_teammates": MAX_TEAMMATES,
    }


@role_required(*STUDENT_ROLES, allow_staff=False)
@domain_errors
def student_teammate_search(request: HttpRequest, round_id: int) -> HttpResponse:
    """The htmx partial of the teammate search; without htmx, the round page with the results."""
    user = signed_in_user(request)
    allocation_round, enrolment = access.get_round_for_student(user, round_id)
    if not request.headers.get("HX-Request"):
        query = urlencode({"wie": request.GET.get("wie", "")[:MAX_QUERY]})
        url = reverse("frontend:round-student", args=[allocation_round.pk])
        return redirect(f"{url}?{query}#teammates")
    chosen = [pk for raw in request.GET.getlist("gekozen") if (pk := parse_id(raw)) is not None]
    return render(
        request,
        "frontend/rounds/student_teammate_results.html",
        teammate_results_context(request, allocation_round, enrolment, chosen),
    )
