"""Teachers curate: map an offer onto werkprocessen (search the dossier tree by code or words)
and see per programme which werkprocessen the published challenges cover."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.curriculum.selectors import werkproces_search
from backend.offers.models import Coverage, WerkprocesMapping
from backend.offers.selectors import coverage_for_kwalificatie, user_reviews_offer
from backend.offers.services import offer_map_werkproces, offer_unmap_werkproces
from frontend.forms.offers import MappingForm
from frontend.views.access import STAFF_ROLES, role_required
from frontend.views.offers import _visible_offer

SEARCH_LIMIT = 25


def _curated_offer(request, pk: int):
    offer = _visible_offer(request.user, pk)
    if not (request.user.is_staff or user_reviews_offer(request.user, offer)):
        raise Http404
    return offer


def _search_results(q: str, offer, programme: Kwalificatie | None) -> list:
    q = q.strip()
    if len(q) < 2:
        return []
    mapped = {m.werkproces_id for m in offer.werkproces_mappings.all()}
    results = werkproces_search(q, kwalificatie=programme)[:SEARCH_LIMIT]
    return [(werkproces, werkproces.pk in mapped) for werkproces in results]


def _search_scope(request, offer) -> tuple[list, Kwalificatie | None, str]:
    """The programme to search in: chosen (`opleiding`, "" = every dossier), else the offer's
    first programme that the school teaches, else the school's first programme."""
    programmes = list(_programmes_for(request.user))
    raw = request.GET.get("opleiding")
    if raw is not None:
        chosen = next((p for p in programmes if str(p.pk) == raw), None)
        return programmes, chosen, raw if chosen else ""
    offer_programmes = {p.pk for p in offer.programmes.all()}
    chosen = next((p for p in programmes if p.pk in offer_programmes), None)
    chosen = chosen or (programmes[0] if programmes else None)
    return programmes, chosen, str(chosen.pk) if chosen else ""


@role_required(*STAFF_ROLES)
def offer_mapping(request, pk: int):
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
def werkproces_search_results(request, pk: int):
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
def offer_map(request, pk: int):
    offer = _curated_offer(request, pk)
    form = MappingForm(request.POST)
    back = redirect_to_mapping(offer.pk, request.POST.get("q", ""), request.POST.get("opleiding"))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return back
    werkproces = Werkproces.objects.filter(pk=form.cleaned_data["werkproces"]).first()
    if werkproces is None:
        messages.error(request, _("Dit werkproces bestaat niet (meer)."))
        return back
    try:
        offer_map_werkproces(
            actor=request.user,
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
def offer_unmap(request, pk: int, mapping_pk: int):
    offer = _curated_offer(request, pk)
    mapping = (
        WerkprocesMapping.objects.filter(pk=mapping_pk, offer=offer)
        .select_related("offer", "werkproces")
        .first()
    )
    if mapping is None:
        raise Http404
    try:
        offer_unmap_werkproces(actor=request.user, mapping=mapping)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(code)s is losgekoppeld.") % {"code": mapping.werkproces.code}
        )
    return redirect_to_mapping(offer.pk, "")


def redirect_to_mapping(pk: int, q: str, scope: str | None = None):
    response = redirect("frontend:offer-mapping", pk)
    params = {"q": q} if q else {}
    if q and scope is not None:
        params["opleiding"] = scope
    if params:
        response["Location"] += "?" + urlencode(params)
    return response


def _programmes_for(user):
    """Programmes the staff member's schools teach (have students in); all when none yet."""
    schools = staff_school_ids(user)
    taught = Kwalificatie.objects.filter(enrolments__school_id__in=schools).distinct()
    programmes = taught if taught.exists() else Kwalificatie.objects.all()
    return programmes.select_related("dossier").order_by("title", "niveau")


@role_required(*STAFF_ROLES)
def coverage(request):
    programmes = list(_programmes_for(request.user))
    chosen = None
    raw = request.GET.get("opleiding", "")
    if (programme_id := parse_id(raw)) is not None:
        chosen = next((p for p in programmes if p.pk == programme_id), None)
    if chosen is None and programmes and not raw:
        chosen = programmes[0]
    report = None
    columns: list = []
    matrix: list = []
    chart: list = []
    if chosen is not None:
        report = coverage_for_kwalificatie(chosen, schools=staff_school_ids(request.user))
        columns, matrix = _matrix(report)
        chart = [
            (_("volledig gedekt"), len(report.fully_covered)),
            (_("gedeeltelijk gedekt"), len(report.partially_covered)),
            (_("niet gedekt"), len(report.uncovered)),
        ]
    return render(
        request,
        "frontend/curation/coverage.html",
        {
            "programmes": programmes,
            "chosen": chosen,
            "report": report,
            "columns": columns,
            "matrix": matrix,
            "chart": chart,
            "not_found": bool(raw) and chosen is None,
        },
    )


def _matrix(report):
    """Columns: every challenge that covers something; rows: werkproces with one cell per
    challenge (full / partial / None)."""
    columns = {}
    for row in report.rows:
        for covering in row.offers:
            columns.setdefault(covering.offer_id, covering)
    ordered = sorted(columns.values(), key=lambda c: (c.title, c.offer_id))
    matrix = []
    for row in report.rows:
        by_offer = {c.offer_id: c.coverage for c in row.offers}
        matrix.append(
            {
                "werkproces": row.werkproces,
                "coverage": row.coverage,
                "cells": [by_offer.get(column.offer_id) for column in ordered],
            }
        )
    return ordered, matrix
