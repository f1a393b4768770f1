"""Company offer pages (guided brief with autosave, status at a glance) and the school's review
pages (queue, accept / request changes / reject). Every read goes through the offers selectors
and every write through the offers services, exactly like the API."""

import datetime as dt
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.selectors import company_ids, coordinator_school_ids
from backend.agreements.selectors import agreement_school_ids
from backend.allocations.selectors.review import company_teams
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.curriculum.selectors import werkprocessen_for_kwalificatie
from backend.offers.access import is_offer_company, may_manage_offers_of, offer_actions
from backend.offers.models import OfferKind
from backend.offers.selectors import (
    REVIEW_EXPECTED_DAYS,
    REVIEW_QUEUE_STATUSES,
    offer_status_summary,
    offers_visible_to,
    review_queue_filtered,
)
from backend.offers.selectors.choices import (
    offer_programmes,
    submission_consortia,
    submission_schools,
)
from backend.offers.services import (
    offer_create,
    offer_publish,
    offer_reject,
    offer_request_changes,
    offer_review_start,
    offer_submit,
    offer_update,
    offer_withdraw,
)
from backend.organisations.selectors import acting_company, organisations_visible_to
from frontend.forms import apply_application_error
from frontend.forms.offers import (
    OfferBriefForm,
    RejectForm,
    RequestChangesForm,
    brief_form_class,
    brief_initial,
)
from frontend.views.access import COMPANY_ROLES, COORDINATOR_ROLES, STAFF_ROLES, role_required
from frontend.views.offer_agreement import offer_agreement_steps

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from backend.accounts.models import User
    from backend.curriculum.models import Werkproces
    from backend.offers.models import Offer
    from backend.organisations.models import Organisation

PAGE_ROLES = (*COMPANY_ROLES, *STAFF_ROLES)


def _user(request: HttpRequest) -> "User":
    # Every page here is behind role_required, so the person is signed in.
    return cast("User", request.user)


def _visible_offer(user: "User", pk: int) -> "Offer":
    offer = (
        offers_visible_to(user)
        .prefetch_related(
            "programmes",
            "schools",
            "werkproces_mappings__werkproces",
        )
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    return offer


def _company_offer(user: "User", pk: int) -> "Offer":
    offer = _visible_offer(user, pk)
    if not may_manage_offers_of(user, offer.owner):
        raise Http404
    return offer


def _own_company(user: "User") -> "Organisation":
    organisation = acting_company(user)
    if organisation is None:
        raise Http404
    return organisation


def _brief_form(
    request: HttpRequest,
    *,
    owner: "Organisation",
    data: QueryDict | None = None,
    initial: dict[str, Any] | None = None,
    kind: str | None = None,
) -> OfferBriefForm:
    """The brief for the kind of offer: a guest lesson's own form for lessons, workshops and
    masterclasses, the challenge brief for everything else. The kind comes from the offer being
    edited, else from what was posted, else from the initial values."""
    user = _user(request)
    schools = submission_schools(user)
    consortia = submission_consortia(
        user, owner=owner, school_ids=schools.values_list("pk", flat=True)
    )
    chosen = kind or (data.get("kind") if data is not None else None) or (initial or {}).get("kind")
    form_class = brief_form_class(chosen)
    return form_class(
        data, initial=initial, schools=schools, consortia=consortia, programmes=offer_programmes()
    )


def _teams_by_offer(user: "User") -> dict[int, list[dict[str, Any]]]:
    """The teams placed on the company's challenges in published rounds (allocations selector):
    first name, level and programme only, never grades or care notes."""
    if not company_ids(user):
        return {}
    teams: dict[int, list[dict[str, Any]]] = {}
    for team in company_teams(user):
        teams.setdefault(team["offer_id"], []).append(team)
    return teams


def _team_url() -> str | None:
    try:
        return reverse("frontend:round-teams")
    except NoReverseMatch:
        return None


# ---- Company ---------------------------------------------------------------------------------


@role_required(*COMPANY_ROLES)
def offer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    offers = (
        offers_visible_to(user)
        .filter(owner_id__in=company_ids(user))
        .order_by("-updated_at", "-pk")
    )
    teams = _teams_by_offer(user)
    rows = [(offer, offer_status_summary(offer, now), teams.get(offer.pk, [])) for offer in offers]
    return render(
        request,
        "frontend/offers/offer_list.html",
        {"rows": rows, "kinds": OfferKind.choices, "team_url": _team_url()},
    )


def _save_brief(
    request: HttpRequest, form: OfferBriefForm, offer: "Offer | None", owner: "Organisation"
) -> "Offer | None":
    """Create or update the draft through the services; returns the offer or None when the
    services refused (their messages are then on the form)."""
    user = _user(request)
    try:
        if offer is None:
            return offer_create(actor=user, owner=owner, **form.service_fields())
        return offer_update(actor=user, offer=offer, **form.service_fields())
    except ApplicationError as error:
        apply_application_error(form, error)
        return None


def _brief_target(request: HttpRequest, pk: int | None) -> "Offer | None":
    # The autosave may already have made the draft: its id comes back in a hidden field.
    target = pk or request.POST.get("offer_id") or None
    if target is None:
        return None
    try:
        return _company_offer(_user(request), int(target))
    except (TypeError, ValueError):
        raise Http404 from None


def _submit_brief(
    request: HttpRequest, form: OfferBriefForm, saved: "Offer"
) -> HttpResponse | None:
    """Submit the saved draft to the schools: a redirect to its page, or None when the services
    refused (their messages are then on the form)."""
    try:
        offer_submit(actor=_user(request), offer=saved)
    except ApplicationError as error:
        apply_application_error(form, error)
        return None
    messages.success(
        request,
        _("“%(title)s” is ingediend. De school laat weten wat ze ervan vindt.")
        % {"title": saved.title},
    )
    return redirect("frontend:offer-detail", saved.pk)


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def offer_brief(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    owner = _own_company(_user(request))
    offer = _brief_target(request, pk)
    if offer is not None and not offer.is_editable:
        messages.info(request, _("Dit aanbod kan niet meer worden gewijzigd."))
        return redirect("frontend:offer-detail", offer.pk)
    kind = offer.kind if offer else None
    if request.method != "POST":
        initial = brief_initial(offer) if offer else {"kind": _kind_from_query(request)}
        form = _brief_form(request, initial=initial, owner=owner, kind=kind)
        return render(request, "frontend/offers/offer_brief.html", _brief_context(form, offer))
    form = _brief_form(request, data=request.POST, owner=owner, kind=kind)
    saved = _save_brief(request, form, offer, owner) if form.is_valid() else None
    if saved is not None and request.POST.get("action") == "submit":
        submitted = _submit_brief(request, form, saved)
        if submitted is not None:
            return submitted
        offer = saved
    elif saved is not None:
        messages.success(request, _("Concept opgeslagen."))
        return redirect("frontend:offer-edit", saved.pk)
    return render(request, "frontend/offers/offer_brief.html", _brief_context(form, offer))


def _kind_from_query(request: HttpRequest) -> str:
    kind = request.GET.get("soort", OfferKind.CHALLENGE)
    return kind if kind in OfferKind.values else OfferKind.CHALLENGE


def _brief_context(form: OfferBriefForm, offer: "Offer | None") -> dict[str, Any]:
    return {
        "form": form,
        "offer": offer,
        "werkprocessen": _werkprocessen_for_form(form),
    }


def _werkprocessen_for_form(form: OfferBriefForm) -> list[dict[str, Any]]:
    """The werkprocessen of the chosen programmes, so a company sees in plain words what students
    could practise with its question (at most three programmes, to keep the page short)."""
    if form.is_bound:
        chosen = form.cleaned_data.get("programmes") if hasattr(form, "cleaned_data") else None
        raw = form.data.getlist("programmes") if isinstance(form.data, QueryDict) else []
        ids = [p.pk for p in chosen] if chosen else _int_list(raw)
    else:
        ids = [p.pk for p in form.initial.get("programmes", [])]
    return werkprocessen_explained(ids)


def _int_list(values: list[str]) -> list[int]:
    return [number for value in values if (number := parse_id(value)) is not None]


def werkprocessen_explained(programme_ids: list[int]) -> list[dict[str, Any]]:
    result = []
    for kwalificatie in offer_programmes().filter(pk__in=programme_ids[:3]).order_by("title"):
        werkprocessen: list[Werkproces] = list(werkprocessen_for_kwalificatie(kwalificatie))
        result.append({"kwalificatie": kwalificatie, "werkprocessen": werkprocessen})
    return result


@role_required(*COMPANY_ROLES)
def offer_werkprocessen_hint(request: HttpRequest) -> HttpResponse:
    """htmx: the plain-words werkprocessen panel for the programmes chosen in the brief."""
    ids = _int_list(request.GET.getlist("programmes"))
    return render(
        request,
        "frontend/offers/_werkprocessen_hint.html",
        {"werkprocessen": werkprocessen_explained(ids)},
    )


@role_required(*COMPANY_ROLES)
@require_POST
def offer_autosave(request: HttpRequest) -> HttpResponse:
    """htmx: save the brief as a draft while the person types; answers with a status line and,
    for a new draft, the id it got (an out-of-band swap of the hidden field)."""
    owner = _own_company(_user(request))
    offer = _brief_target(request, None)
    if offer is not None and not offer.is_editable:
        return render(request, "frontend/offers/_autosave_status.html", {"locked": True})
    form = _brief_form(request, data=request.POST, owner=owner, kind=offer.kind if offer else None)
    saved = _save_brief(request, form, offer, owner) if form.is_valid() else None
    response = render(
        request,
        "frontend/offers/_autosave_status.html",
        {
            "form": form,
            "saved": saved,
            "new": offer is None and saved is not None,
            "now": timezone.now(),
        },
    )
    if offer is None and saved is not None:
        response["HX-Replace-Url"] = reverse("frontend:offer-edit", args=[saved.pk])
    return response


# ---- Shared detail page -----------------------------------------------------------------------


def _detail_context(request: HttpRequest, offer: "Offer", **overrides: Any) -> dict[str, Any]:
    user = _user(request)
    is_company = is_offer_company(user, offer)
    context = {
        "offer": offer,
        "summary": offer_status_summary(offer, timezone.now()),
        "transitions": list(offer.transitions.all()),
        "mappings": sorted(offer.werkproces_mappings.all(), key=lambda m: m.werkproces.code),
        "is_company": is_company,
        "actions": offer_actions(user, offer),
        "changes_form": RequestChangesForm(prefix="changes"),
        "reject_form": RejectForm(prefix="reject"),
        "teams": _teams_by_offer(user).get(offer.pk, []) if is_company else [],
        "agreement_schools": _agreement_schools(user, offer),
        "team_url": _team_url() if is_company else None,
        "open_panel": "",
    }
    context.update(overrides)
    return context


@role_required(*PAGE_ROLES)
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _visible_offer(_user(request), pk)
    return render(request, "frontend/offers/offer_detail.html", _detail_context(request, offer))


def _detail_with_form_errors(
    request: HttpRequest, offer: "Offer", **overrides: Any
) -> HttpResponse:
    """Re-show the detail page with a form's errors and what was typed."""
    context = _detail_context(request, offer, **overrides)
    return render(request, "frontend/offers/offer_detail.html", context, status=400)


# ---- Transitions ------------------------------------------------------------------------------


def _done(request: HttpRequest, offer: "Offer", message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("frontend:offer-detail", offer.pk)


def _refused(request: HttpRequest, offer: "Offer", error: ApplicationError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("frontend:offer-detail", offer.pk)


@role_required(*COMPANY_ROLES)
@require_POST
def offer_submit_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _company_offer(_user(request), pk)
    try:
        offer_submit(actor=_user(request), offer=offer)
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("Ingediend. De school laat weten wat ze ervan vindt."))


@role_required(*COMPANY_ROLES)
@require_POST
def offer_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _company_offer(_user(request), pk)
    try:
        offer_withdraw(actor=_user(request), offer=offer, note=request.POST.get("note", ""))
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("Het aanbod is ingetrokken."))


@role_required(*STAFF_ROLES)
@require_POST
def offer_review_start_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _visible_offer(_user(request), pk)
    try:
        offer_review_start(actor=_user(request), offer=offer)
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("U beoordeelt dit aanbod nu; het bedrijf ziet dat."))


@role_required(*STAFF_ROLES)
@require_POST
def offer_publish_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _visible_offer(_user(request), pk)
    try:
        offer_publish(actor=_user(request), offer=offer, note=request.POST.get("note", ""))
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(
        request,
        offer,
        _("“%(title)s” is gepubliceerd: studenten kunnen het nu zien.") % {"title": offer.title},
    )


@role_required(*STAFF_ROLES)
@require_POST
def offer_request_changes_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _visible_offer(_user(request), pk)
    form = RequestChangesForm(request.POST, prefix="changes")
    if form.is_valid():
        try:
            offer_request_changes(
                actor=_user(request), offer=offer, message=form.cleaned_data["message"]
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return _done(request, offer, _("Het bedrijf is gevraagd het aanbod aan te passen."))
    return _detail_with_form_errors(request, offer, changes_form=form, open_panel="changes")


@role_required(*STAFF_ROLES)
@require_POST
def offer_reject_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _visible_offer(_user(request), pk)
    form = RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            offer_reject(actor=_user(request), offer=offer, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return _done(request, offer, _("Het aanbod is afgewezen; het bedrijf ziet de reden."))
    return _detail_with_form_errors(request, offer, reject_form=form, open_panel="reject")


# ---- Agreement ----------------------------------------------------------------------------------


def _agreement_schools(user: "User", offer: "Offer") -> list["Organisation"]:
    """Schools for which this person may record an agreement about the offer (the rule the
    agreements service applies to the API as well). The page is the school's side: only
    schools where they coordinate, also for staff and for people who represent the company."""
    ids = agreement_school_ids(user, offer) & coordinator_school_ids(user)
    if not ids:
        return []
    return list(organisations_visible_to(user).filter(pk__in=ids).order_by("name"))


@role_required(*COORDINATOR_ROLES)
@require_http_methods(["GET", "POST"])
def offer_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator drafts the agreement with the company about a published offer in two
    steps: a form prefilled from the offer, then a preview of exactly the clauses the company
    will accept, with "Wijzigen" and "Versturen ter acceptatie" (frontend.views.offer_agreement)."""
    user = _user(request)
    offer = _visible_offer(user, pk)
    return offer_agreement_steps(request, offer, schools=_agreement_schools(user, offer))


# ---- Review queue -------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def review_queue(request: HttpRequest) -> HttpResponse:
    """The review queue, filtered, counted and paged in SQL: a page costs the same queries and
    bytes whether 5 or 5,000 offers wait (status / kind / overdue / text in the query string)."""
    now = timezone.now()
    filters, errors = _review_queue_filters(request.GET)
    overdue_before = None
    if filters["te_laat"]:
        cutoff = now.date() - dt.timedelta(days=REVIEW_EXPECTED_DAYS)
        overdue_before = dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)
    offers = review_queue_filtered(
        _user(request),
        status=filters["status"],
        kind=filters["soort"],
        submitted_before=overdue_before,
        q=filters["q"],
    )
    page, page_error = _review_queue_page(offers, request.GET.get("pagina", ""))
    if page_error:
        errors.append(page_error)
    rows = [(offer, offer_status_summary(offer, now)) for offer in page.object_list]
    query = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "rows": rows,
        "page": page,
        "filters": filters,
        "errors": errors,
        "query_string": query,
        "status_choices": [(s.value, s.label) for s in REVIEW_QUEUE_STATUSES],
        "kind_choices": OfferKind.choices,
        "filtered": any(filters.values()),
    }
    return render(request, "frontend/offers/review_queue.html", context)


REVIEW_QUEUE_PAGE_SIZE = 25
REVIEW_QUEUE_QUERY_LIMIT = 100


def _review_queue_filters(params: QueryDict) -> tuple[dict[str, str], list[str]]:
    """The queue's filters from the query string; an unknown value is dropped with a message
    naming the filter, never an error page."""
    errors: list[str] = []
    status = params.get("status", "")
    if status and status not in {s.value for s in REVIEW_QUEUE_STATUSES}:
        errors.append(
            _("Onbekende status '%(value)s'; u ziet alle statussen.") % {"value": status[:40]}
        )
        status = ""
    kind = params.get("soort", "")
    if kind and kind not in OfferKind.values:
        errors.append(_("Onbekende soort '%(value)s'; u ziet alle soorten.") % {"value": kind[:40]})
        kind = ""
    q = params.get("q", "").strip()
    if len(q) > REVIEW_QUEUE_QUERY_LIMIT:
        errors.append(
            _("De zoektekst is ingekort tot %(limit)d tekens.")
            % {"limit": REVIEW_QUEUE_QUERY_LIMIT}
        )
        q = q[:REVIEW_QUEUE_QUERY_LIMIT]
    overdue = "1" if params.get("te_laat") in {"1", "on", "true"} else ""
    return {"status": status, "soort": kind, "te_laat": overdue, "q": q}, errors


def _review_queue_page(offers: "QuerySet[Offer]", raw: str) -> tuple[Any, str]:
    """The requested page (?pagina=), or the first page with a message when it does not exist."""
    paginator = Paginator(offers, REVIEW_QUEUE_PAGE_SIZE)
    if not raw:
        return paginator.page(1), ""
    number = parse_id(raw)
    if number is not None and 1 <= number <= paginator.num_pages:
        return paginator.page(number), ""
    message = _("Pagina '%(page)s' bestaat niet; er zijn %(pages)d pagina's. U ziet pagina 1.") % {
        "page": raw[:20],
        "pages": paginator.num_pages,
    }
    return paginator.page(1), message
