"""Teachers curate: map an offer onto werkprocessen (search the dossier tree by code or words)
and see per programme which werkprocessen the published challenges cover."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.curriculum.selectors import werkproces_search
from backend.offers.access import may_curate
from backend.offers.models import Coverage
from backend.offers.selectors import (
    COVERAGE_TOP,
    coverage_summary,
    covering_challenges,
    curation_programmes,
    werkproces_to_map,
)
from backend.offers.selectors import coverage_werkproces as find_coverage_werkproces
from backend.offers.selectors import offer_mapping as mapping_of_offer
from backend.offers.services import offer_map_werkproces, offer_unmap_werkproces
from frontend.forms.offers import MappingForm
from frontend.views.access import STAFF_ROLES, role_required
from frontend.views.offers import _user, _visible_offer

if TYPE_CHECKING:
    from backend.curriculum.models import Kwalificatie, Werkproces
    from backend.offers.models import Offer

SEARCH_LIMIT = 25


def _curated_offer(request: HttpRequest, pk: int) -> "Offer":
    user = _user(request)
    offer = _visible_offer(user, pk)
    if not may_curate(user, offer):
        raise Http404
    return offer


def _search_results(
    q: str, offer: "Offer", programme: "Kwalificatie | None"
) -> list[tuple["Werkproces", bool]]:
    q = q.strip()
    if len(q) < 2:
        return []
    mapped = {m.werkproces_id for m in offer.werkproces_mappings.all()}
    results = werkproces_search(q, kwalificatie=programme)[:SEARCH_LIMIT]
    return [(werkproces, werkproces.pk in mapped) for werkproces in results]


def _search_scope(
    request: HttpRequest, offer: "Offer"
) -> tuple[list["Kwalificatie"], "Kwalificatie | None", str]:
    """The programme to search in: chosen (`opleiding`, "" = every dossier), else the offer's
    first programme that the school teaches, else the school's first programme."""
    programmes = list(curation_programmes(_user(request)))
    raw = request.GET.get("opleiding")
    if raw is not None:
        chosen = next((p for p in programmes if str(p.pk) == raw), None)
        return programmes, chosen, raw if chosen else ""
    offer_programmes = {p.pk for p in offer.programmes.all()}
    chosen = next((p for p in programmes if p.pk in offer_programmes), None)
    chosen = chosen or (programmes[0] if programmes else None)
    return programmes, chosen, str(chosen.pk) if chosen else ""


@role_required(*STAFF_ROLES)
def offer_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _curated_offer(request, pk)
    q = request.GET.get("q", "")
    programmes, programme, scope = _search_scope(request, offer)
    context = {
        "offer": offer,
        "mappings": sorted(offer.werkproces_mappings.all(), key=lambda m: m.werkproces.code),
        "q": q,
        "programmes": programmes,
        "scope": scope,
        "results": _search_results(q, offer, programme),
        "coverage_choices": Coverage.choices,
    }
    return render(request, "frontend/curation/offer_mapping.html", context)


@role_required(*STAFF_ROLES)
def werkproces_search_results(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: search-as-you-type results for the mapping page."""
    offer = _curated_offer(request, pk)
    q = request.GET.get("q", "")
    _programmes, programme, scope = _search_scope(request, offer)
    return render(
        request,
        "frontend/curation/_search_results.html",
        {
            "offer": offer,
            "q": q,
            "scope": scope,
            "results": _search_results(q, offer, programme),
            "coverage_choices": Coverage.choices,
        },
    )


@role_required(*STAFF_ROLES)
@require_POST
def offer_map(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _curated_offer(request, pk)
    form = MappingForm(request.POST)
    back = redirect_to_mapping(offer.pk, request.POST.get("q", ""), request.POST.get("opleiding"))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return back
    werkproces = werkproces_to_map(form.cleaned_data["werkproces"])
    if werkproces is None:
        messages.error(request, _("Dit werkproces bestaat niet (meer)."))
        return back
    try:
        offer_map_werkproces(
            actor=_user(request),
            offer=offer,
            werkproces=werkproces,
            coverage=form.cleaned_data["coverage"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(code)s is gekoppeld aan “%(title)s”.")
            % {"code": werkproces.code, "title": offer.title},
        )
    return back


@role_required(*STAFF_ROLES)
@require_POST
def offer_unmap(request: HttpRequest, pk: int, mapping_pk: int) -> HttpResponse:
    offer = _curated_offer(request, pk)
    mapping = mapping_of_offer(offer, mapping_pk)
    if mapping is None:
        raise Http404
    try:
        offer_unmap_werkproces(actor=_user(request), mapping=mapping)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(code)s is losgekoppeld.") % {"code": mapping.werkproces.code}
        )
    return redirect_to_mapping(offer.pk, "")


def redirect_to_mapping(pk: int, q: str, scope: str | None = None) -> HttpResponseRedirect:
    response = redirect("frontend:offer-mapping", pk)
    params = {"q": q} if q else {}
    if q and scope is not None:
        params["opleiding"] = scope
    if params:
        response["Location"] += "?" + urlencode(params)
    return response


COVERAGE_PAGE_SIZE = 25


def _coverage_scope(
    request: HttpRequest,
) -> tuple[list["Kwalificatie"], list["Kwalificatie"], "Kwalificatie | None", int | None, bool]:
    """The programmes this person curates for, those at the chosen niveau (`niveau`), the chosen
    programme (`opleiding`, default: the first at that niveau) and whether a programme was asked
    for that is not theirs (or no number)."""
    programmes = sorted(
        curation_programmes(_user(request)),
        key=lambda p: (p.dossier.title, p.dossier_id, p.title, p.niveau, p.pk),
    )
    niveaus = sorted({p.niveau for p in programmes})
    niveau = parse_id(request.GET.get("niveau", ""))
    if niveau not in niveaus:
        niveau = None
    shown = [p for p in programmes if niveau is None or p.niveau == niveau]
    raw = request.GET.get("opleiding", "")
    chosen = None
    if (programme_id := parse_id(raw)) is not None:
        chosen = next((p for p in programmes if p.pk == programme_id), None)
        if chosen is not None and niveau is not None and chosen.niveau != niveau:
            chosen = None
            raw = ""
    if chosen is None and shown and not raw:
        chosen = shown[0]
    return programmes, shown, chosen, niveau, bool(raw) and chosen is None


@role_required(*STAFF_ROLES)
def coverage(request: HttpRequest) -> HttpResponse:
    """Per kerntaak and werkproces: how many published challenges cover it, gaps marked, and the
    first COVERAGE_TOP challenges with a link to all of them. The page's size and queries depend
    on the dossier, not on the number of challenges."""
    user = _user(request)
    programmes, shown, chosen, niveau, not_found = _coverage_scope(request)
    context: dict[str, Any] = {"report": None, "chart": []}
    if chosen is not None:
        report = coverage_summary(chosen, schools=staff_school_ids(user))
        chart = [
            (_("volledig gedekt"), len(report.fully_covered)),
            (_("gedeeltelijk gedekt"), len(report.partially_covered)),
            (_("niet gedekt"), len(report.uncovered)),
        ]
        context = {"report": report, "chart": chart}
    return render(
        request,
        "frontend/curation/coverage.html",
        {
            "programmes": shown,
            "niveaus": sorted({p.niveau for p in programmes}),
            "niveau": niveau,
            "chosen": chosen,
            "top": COVERAGE_TOP,
            **context,
            "not_found": not_found,
        },
    )


@role_required(*STAFF_ROLES)
def coverage_werkproces(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published challenge covering one werkproces of the chosen programme, paged: the
    "toon alle" list of the coverage page (an htmx partial; without htmx a page of its own)."""
    user = _user(request)
    _programmes, _shown, chosen, _niveau, _not_found = _coverage_scope(request)
    werkproces = find_coverage_werkproces(chosen, pk) if chosen is not None else None
    if chosen is None or werkproces is None:
        raise Http404
    paginator = Paginator(
        covering_challenges(chosen, werkproces, schools=staff_school_ids(user)),
        COVERAGE_PAGE_SIZE,
    )
    number = parse_id(request.GET.get("pagina", "")) or 1
    page = paginator.page(min(number, paginator.num_pages))
    context = {
        "chosen": chosen,
        "werkproces": werkproces,
        "page": page,
        "query_string": urlencode({"opleiding": chosen.pk}),
    }
    if request.headers.get("HX-Request"):
        return render(request, "frontend/curation/_coverage_challenges.html", context)
    return render(request, "frontend/curation/coverage_werkproces.html", context)
