"""The steps of drafting an agreement about an offer (the `offer-agreement` page): a form
prefilled from the offer, a preview of exactly the clauses the company will accept, then
sending it. Only sending writes; the agreements service checks every step like the API."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.permissions import signed_in_user
from backend.agreements.selectors.access import commitment_owners
from backend.agreements.selectors.detail import reading_language
from backend.agreements.services import (
    OfferAgreementDraft,
    agreement_create_from_offer,
    agreement_propose,
    offer_agreement_draft,
    offer_agreement_preview,
)
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.forms.offer_agreement import EXTRA_COMMITMENT_ROWS, OfferAgreementForm, draft_initial

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.offers.models import Offer
    from backend.organisations.models import Organisation

STEPS = ("preview", "edit", "send")


def _school(request: HttpRequest, schools: list["Organisation"]) -> "Organisation | None":
    """The school the coordinator drafts for: the one chosen, or the only one when none was
    chosen. A school they do not coordinate for is refused (None), never swapped."""
    data = request.POST if request.method == "POST" else request.GET
    if not data.get("school") and len(schools) == 1:
        return schools[0]
    chosen = parse_id(data.get("school", ""))
    return next((school for school in schools if school.pk == chosen), None)


def _refused(request: HttpRequest, offer: "Offer", message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("frontend:offer-detail", offer.pk)


def offer_agreement_steps(
    request: HttpRequest, offer: "Offer", *, schools: list["Organisation"]
) -> HttpResponse:
    """`schools`: where the signed-in coordinator may make an agreement about `offer`."""
    user = signed_in_user(request)
    school = _school(request, schools)
    if school is None:
        return _refused(request, offer, _("Kies een school waarvoor u coördinator bent."))
    now = timezone.now()
    try:
        prefilled = offer_agreement_draft(offer=offer, school=school, actor=user, now=now)
    except ApplicationError as error:
        return _refused(request, offer, error.message)
    company = offer.owner.current()
    step = request.POST.get("step", "") if request.method == "POST" else ""
    form = _form(request, prefilled, school=school, company=company, bound=step in STEPS)
    context: dict[str, Any] = {"offer": offer, "school": school, "company": company, "form": form}
    if step not in ("preview", "send") or not form.is_valid():
        status = 400 if step in ("preview", "send") else 200
        return render(request, "frontend/agreements/offer_draft.html", context, status=status)
    draft = form.draft()
    try:
        if step == "send":
            return _send(request, offer=offer, school=school, user=user, draft=draft)
        clauses = offer_agreement_preview(
            offer=offer, school=school, actor=user, draft=draft, now=now
        )
    except ApplicationError as error:
        if error.status_code in (403, 404):
            return _refused(request, offer, error.message)
        form.apply_service_error(error)
        return render(request, "frontend/agreements/offer_draft.html", context, status=400)
    language = reading_language(request.POST.get("lang"), user)
    other = "nl" if language == "en" else "en"
    context |= {
        "draft": draft,
        "language": language,
        "clauses": _in_language(clauses, language),
        "other_language": other,
        "other_clauses": _in_language(clauses, other),
    }
    return render(request, "frontend/agreements/offer_preview.html", context)


def _in_language(clauses: list[dict[str, str]], language: str) -> list[dict[str, str]]:
    return [
        {"key": c["key"], "title": c[f"title_{language}"], "text": c[f"text_{language}"]}
        for c in clauses
    ]


def _form(
    request: HttpRequest,
    prefilled: OfferAgreementDraft,
    *,
    school: "Organisation",
    company: "Organisation",
    bound: bool,
) -> OfferAgreementForm:
    parties = [
        (school, list(commitment_owners(school))),
        (company, list(commitment_owners(company))),
    ]
    rows = len(prefilled.commitments) + EXTRA_COMMITMENT_ROWS
    if bound:
        return OfferAgreementForm(request.POST, parties=parties, rows=rows)
    return OfferAgreementForm(initial=draft_initial(prefilled), parties=parties, rows=rows)


def _send(
    request: HttpRequest,
    *,
    offer: "Offer",
    school: "Organisation",
    user: "User",
    draft: OfferAgreementDraft,
) -> HttpResponse:
    now = timezone.now()
    with transaction.atomic():
        agreement = agreement_create_from_offer(
            offer=offer, school=school, actor=user, now=now, draft=draft
        )
        agreement_propose(agreement=agreement, actor=user, now=now)
    messages.success(
        request,
        _("De afspraak met %(company)s ligt ter acceptatie bij het bedrijf.")
        % {"company": offer.owner.current().name},
    )
    return redirect("frontend:agreement-detail", agreement.pk)
