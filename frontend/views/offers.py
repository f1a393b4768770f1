"""Company offer pages (guided brief with autosave, status at a glance) and the school's review
pages (queue, accept / request changes / reject). Every read goes through the offers selectors
and every write through the offers services, exactly like the API."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.accounts.selectors import (
    company_ids,
    consortium_ids_for_organisations,
    coordinator_school_ids,
)
from backend.agreements.selectors import agreement_school_ids
from backend.agreements.services import agreement_create_from_offer, agreement_propose
from backend.allocations.selectors.review import company_teams
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.curriculum.models import Kwalificatie, Werkproces
from backend.curriculum.selectors import werkprocessen_for_kwalificatie
from backend.offers.models import Offer, OfferKind, OfferStatus
from backend.offers.selectors import (
    offer_status_summary,
    offers_visible_to,
    review_queue_for,
    user_is_offer_company,
    user_reviews_offer,
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
from backend.offers.services.curation import MAPPABLE_STATUSES
from backend.offers.services.editing import EDITABLE_STATUSES
from backend.offers.services.lifecycle import FINAL_STATUSES
from backend.organisations.models import Consortium, Organisation
from backend.organisations.selectors import organisations_visible_to
from frontend.forms import apply_application_error
from frontend.forms.offers import OfferBriefForm, RejectForm, RequestChangesForm, brief_initial
from frontend.views.access import COMPANY_ROLES, COORDINATOR_ROLES, STAFF_ROLES, role_required

PAGE_ROLES = (*COMPANY_ROLES, *STAFF_ROLES)


def _visible_offer(user, pk: int) -> Offer:
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


def _company_offer(user, pk: int) -> Offer:
    offer = _visible_offer(user, pk)
    if not user_is_offer_company(user, offer) and not user.is_staff:
        raise Http404
    return offer


def _own_company(user) -> Organisation:
    ids = company_ids(user)
    organisation = Organisation.objects.filter(pk__in=ids).order_by("pk").first()
    if organisation is None:
        raise Http404
    return organisation


def _brief_form(request, *, data=None, initial=None, owner: Organisation):
    schools = organisations_visible_to(request.user).schools().active().order_by("name")
    consortia = Consortium.objects.filter(
        pk__in=consortium_ids_for_organisations(
            {owner.pk} | set(schools.values_list("pk", flat=True))
        )
    ).order_by("name")
    programmes = Kwalificatie.objects.select_related("dossier").order_by("title", "niveau")
    return OfferBriefForm(
        data, initial=initial, schools=schools, consortia=consortia, programmes=programmes
    )


def _teams_by_offer(user) -> dict[int, list[dict]]:
    """The teams placed on the company's challenges in published rounds (allocations selector):
    first name, level and programme only, never grades or care notes."""
    if not company_ids(user):
        return {}
    teams: dict[int, list[dict]] = {}
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
def offer_list(request):
    now = timezone.now()
    offers = (
        offers_visible_to(request.user)
        .filter(owner_id__in=company_ids(request.user))
        .order_by("-updated_at", "-pk")
    )
    teams = _teams_by_offer(request.user)
    rows = [(offer, offer_status_summary(offer, now), teams.get(offer.pk, [])) for offer in offers]
    return render(
        request,
        "frontend/offers/offer_list.html",
        {"rows": rows, "kinds": OfferKind.choices, "team_url": _team_url()},
    )


def _save_brief(request, form: OfferBriefForm, offer: Offer | None, owner: Organisation):
    """Create or update the draft through the services; returns the offer or None when the
    services refused (their messages are then on the form)."""
    try:
        if offer is None:
            return offer_create(actor=request.user, owner=owner, **form.service_fields())
        return offer_update(actor=request.user, offer=offer, **form.service_fields())
    except ApplicationError as error:
        apply_application_error(form, error)
        return None


def _brief_target(request, pk: int | None) -> Offer | None:
    # The autosave may already have made the draft: its id comes back in a hidden field.
    pk = pk or request.POST.get("offer_id") or None
    if pk is None:
        return None
    try:
        return _company_offer(request.user, int(pk))
    except (TypeError, ValueError):
        raise Http404 from None


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def offer_brief(request, pk: int | None = None):
    owner = _own_company(request.user)
    offer = _brief_target(request, pk)
    if offer is not None and offer.status not in EDITABLE_STATUSES:
        messages.info(request, _("Dit aanbod kan niet meer worden gewijzigd."))
        return redirect("frontend:offer-detail", offer.pk)
    if request.method == "POST":
        form = _brief_form(request, data=request.POST, owner=owner)
        if form.is_valid():
            saved = _save_brief(request, form, offer, owner)
            if saved is not None and request.POST.get("action") == "submit":
                try:
                    offer_submit(actor=request.user, offer=saved)
                except ApplicationError as error:
                    apply_application_error(form, error)
                    offer = saved
                else:
                    messages.success(
                        request,
                        _("“%(title)s” is ingediend. De school laat weten wat ze ervan vindt.")
                        % {"title": saved.title},
                    )
                    return redirect("frontend:offer-detail", saved.pk)
            elif saved is not None:
                messages.success(request, _("Concept opgeslagen."))
                return redirect("frontend:offer-edit", saved.pk)
    else:
        initial = brief_initial(offer) if offer else {"kind": _kind_from_query(request)}
        form = _brief_form(request, initial=initial, owner=owner)
    return render(request, "frontend/offers/offer_brief.html", _brief_context(form, offer))


def _kind_from_query(request) -> str:
    kind = request.GET.get("soort", OfferKind.CHALLENGE)
    return kind if kind in OfferKind.values else OfferKind.CHALLENGE


def _brief_context(form: OfferBriefForm, offer: Offer | None) -> dict:
    return {
        "form": form,
        "offer": offer,
        "werkprocessen": _werkprocessen_for_form(form),
    }


def _werkprocessen_for_form(form: OfferBriefForm) -> list[dict]:
    """The werkprocessen of the chosen programmes, so a company sees in plain words what students
    could practise with its question (at most three programmes, to keep the page short)."""
    if form.is_bound:
        chosen = form.cleaned_data.get("programmes") if hasattr(form, "cleaned_data") else None
        ids = [p.pk for p in chosen] if chosen else _int_list(form.data.getlist("programmes"))
    else:
        ids = [p.pk for p in form.initial.get("programmes", [])]
    return werkprocessen_explained(ids)


def _int_list(values) -> list[int]:
    return [number for value in values if (number := parse_id(value)) is not None]


def werkprocessen_explained(programme_ids: list[int]) -> list[dict]:
    result = []
    for kwalificatie in Kwalificatie.objects.filter(pk__in=programme_ids[:3]).order_by("title"):
        werkprocessen: list[Werkproces] = list(werkprocessen_for_kwalificatie(kwalificatie))
        result.append({"kwalificatie": kwalificatie, "werkprocessen": werkprocessen})
    return result


@role_required(*COMPANY_ROLES)
def offer_werkprocessen_hint(request):
    """htmx: the plain-words werkprocessen panel for the programmes chosen in the brief."""
    ids = _int_list(request.GET.getlist("programmes"))
    return render(
        request,
        "frontend/offers/_werkprocessen_hint.html",
        {"werkprocessen": werkprocessen_explained(ids)},
    )


@role_required(*COMPANY_ROLES)
@require_POST
def offer_autosave(request):
    """htmx: save the brief as a draft while the person types; answers with a status line and,
    for a new draft, the id it got (an out-of-band swap of the hidden field)."""
    owner = _own_company(request.user)
    offer = _brief_target(request, None)
    if offer is not None and offer.status not in EDITABLE_STATUSES:
        return render(request, "frontend/offers/_autosave_status.html", {"locked": True})
    form = _brief_form(request, data=request.POST, owner=owner)
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


def _detail_context(request, offer: Offer, **overrides) -> dict:
    user = request.user
    is_company = user_is_offer_company(user, offer)
    reviews = user.is_staff or user_reviews_offer(user, offer)
    in_review = offer.status in (OfferStatus.SUBMITTED, OfferStatus.IN_REVIEW)
    context = {
        "offer": offer,
        "summary": offer_status_summary(offer, timezone.now()),
        "transitions": list(offer.transitions.all()),
        "mappings": sorted(offer.werkproces_mappings.all(), key=lambda m: m.werkproces.code),
        "is_company": is_company,
        "can_edit": is_company and offer.status in EDITABLE_STATUSES,
        "can_withdraw": is_company and offer.status not in FINAL_STATUSES,
        "can_review": reviews and in_review,
        "can_start_review": reviews and offer.status == OfferStatus.SUBMITTED,
        "can_map": reviews and offer.status in MAPPABLE_STATUSES,
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
def offer_detail(request, pk: int):
    offer = _visible_offer(request.user, pk)
    return render(request, "frontend/offers/offer_detail.html", _detail_context(request, offer))


def _detail_with_form_errors(request, offer: Offer, **overrides):
    """Re-show the detail page with a form's errors and what was typed."""
    context = _detail_context(request, offer, **overrides)
    return render(request, "frontend/offers/offer_detail.html", context, status=400)


# ---- Transitions ------------------------------------------------------------------------------


def _done(request, offer: Offer, message: str):
    messages.success(request, message)
    return redirect("frontend:offer-detail", offer.pk)


def _refused(request, offer: Offer, error: ApplicationError):
    messages.error(request, error.message)
    return redirect("frontend:offer-detail", offer.pk)


@role_required(*COMPANY_ROLES)
@require_POST
def offer_submit_page(request, pk: int):
    offer = _company_offer(request.user, pk)
    try:
        offer_submit(actor=request.user, offer=offer)
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("Ingediend. De school laat weten wat ze ervan vindt."))


@role_required(*COMPANY_ROLES)
@require_POST
def offer_withdraw_page(request, pk: int):
    offer = _company_offer(request.user, pk)
    try:
        offer_withdraw(actor=request.user, offer=offer, note=request.POST.get("note", ""))
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("Het aanbod is ingetrokken."))


@role_required(*STAFF_ROLES)
@require_POST
def offer_review_start_page(request, pk: int):
    offer = _visible_offer(request.user, pk)
    try:
        offer_review_start(actor=request.user, offer=offer)
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(request, offer, _("U beoordeelt dit aanbod nu; het bedrijf ziet dat."))


@role_required(*STAFF_ROLES)
@require_POST
def offer_publish_page(request, pk: int):
    offer = _visible_offer(request.user, pk)
    try:
        offer_publish(actor=request.user, offer=offer, note=request.POST.get("note", ""))
    except ApplicationError as error:
        return _refused(request, offer, error)
    return _done(
        request,
        offer,
        _("“%(title)s” is gepubliceerd: studenten kunnen het nu zien.") % {"title": offer.title},
    )


@role_required(*STAFF_ROLES)
@require_POST
def offer_request_changes_page(request, pk: int):
    offer = _visible_offer(request.user, pk)
    form = RequestChangesForm(request.POST, prefix="changes")
    if form.is_valid():
        try:
            offer_request_changes(
                actor=request.user, offer=offer, message=form.cleaned_data["message"]
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return _done(request, offer, _("Het bedrijf is gevraagd het aanbod aan te passen."))
    return _detail_with_form_errors(request, offer, changes_form=form, open_panel="changes")


@role_required(*STAFF_ROLES)
@require_POST
def offer_reject_page(request, pk: int):
    offer = _visible_offer(request.user, pk)
    form = RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            offer_reject(actor=request.user, offer=offer, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            return _done(request, offer, _("Het aanbod is afgewezen; het bedrijf ziet de reden."))
    return _detail_with_form_errors(request, offer, reject_form=form, open_panel="reject")


# ---- Agreement ----------------------------------------------------------------------------------


def _agreement_schools(user, offer: Offer) -> list[Organisation]:
    """Schools for which this person may record an agreement about the offer (the rule the
    agreements service applies to the API as well). The page is the school's side: only
    schools where they coordinate, also for staff and for people who represent the company."""
    ids = agreement_school_ids(user, offer) & coordinator_school_ids(user)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@role_required(*COORDINATOR_ROLES)
@require_POST
def offer_agreement(request, pk: int):
    """A coordinator records the agreement with the company about a published offer: the
    agreements service drafts it from the offer (parties, dates, clauses, commitments) and it is
    proposed to the company at once, which then reads and accepts it on the agreement page."""
    offer = _visible_offer(request.user, pk)
    schools = {school.pk: school for school in _agreement_schools(request.user, offer)}
    raw = request.POST.get("school", "")
    school = schools.get(parse_id(raw))
    if school is None:
        messages.error(request, _("Kies een school waarvoor u coördinator bent."))
        return redirect("frontend:offer-detail", offer.pk)
    now = timezone.now()
    try:
        with transaction.atomic():
            agreement = agreement_create_from_offer(
                offer=offer, school=school, actor=request.user, now=now
            )
            agreement_propose(agreement=agreement, actor=request.user, now=now)
    except ApplicationError as error:
        return _refused(request, offer, error)
    messages.success(
        request,
        _("De afspraak met %(company)s is opgesteld en ligt ter acceptatie bij het bedrijf.")
        % {"company": offer.owner.name},
    )
    return redirect("frontend:agreement-detail", agreement.pk)


# ---- Review queue -------------------------------------------------------------------------------


@role_required(*STAFF_ROLES)
def review_queue(request):
    now = timezone.now()
    offers = review_queue_for(request.user)
    rows = [(offer, offer_status_summary(offer, now)) for offer in offers]
    return render(request, "frontend/offers/review_queue.html", {"rows": rows})
