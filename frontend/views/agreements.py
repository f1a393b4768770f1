"""Agreement pages: read and accept in Dutch or English, coordinators' attention list,
commitment updates with a note, and a printable agreement. Same services as the API."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.permissions import signed_in_user
from backend.accounts.selectors import coordinator_school_ids
from backend.agreements import services
from backend.agreements.models import AgreementStatus, CommitmentStatus
from backend.agreements.selectors import (
    agreement_detail,
    agreement_events,
    agreement_list,
    attention_for_coordinator,
    my_pending_commitments,
    parties_still_to_accept,
    visible_commitment,
    waiting_for_acceptance,
)
from backend.agreements.selectors.access import AgreementRights, acting_party
from backend.agreements.selectors.completeness import missing_terms, term_problem
from backend.agreements.selectors.detail import detail_data, reading_language
from backend.agreements.selectors.history import commitment_history_lines
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.engagement.selectors.reliability import (
    reliability_for_organisation,
    reliability_for_person,
)
from frontend.forms import apply_application_error
from frontend.views.access import not_for_privacy_officer

if TYPE_CHECKING:
    from backend.agreements.models import Agreement


def _agreement_or_404(request: HttpRequest, pk: int) -> "Agreement":
    agreement = agreement_detail(signed_in_user(request), pk)
    if agreement is None:
        raise Http404
    return agreement


def _language(request: HttpRequest) -> str:
    return reading_language(request.GET.get("lang"), signed_in_user(request))


@login_required
@not_for_privacy_officer
def agreement_list_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "frontend/agreements/list.html",
        {
            "agreements": agreement_list(user)[:200],
            "waiting": waiting_for_acceptance(user),
            "my_commitments": [
                (
                    c,
                    [
                        p.organisation.name
                        for p in c.agreement.parties.all()
                        if p.organisation_id != c.organisation_id
                    ],
                )
                for c in my_pending_commitments(user).prefetch_related(
                    "agreement__parties__organisation"
                )
            ],
            "is_coordinator": bool(coordinator_school_ids(user)),
            "now": timezone.now(),
        },
    )


@login_required
@not_for_privacy_officer
def agreement_attention_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not coordinator_school_ids(user):
        raise DjangoPermissionDenied
    return render(
        request,
        "frontend/agreements/attention.html",
        {"attention": attention_for_coordinator(user, now=timezone.now())},
    )


def _context(request: HttpRequest, agreement: "Agreement") -> dict[str, Any]:
    now = timezone.now()
    language = _language(request)
    owners = {c.owner_id: c.owner for c in agreement.commitments.all()}
    return {
        "agreement": agreement,
        "data": detail_data(agreement, signed_in_user(request), language),
        "language": language,
        "reliability": [
            (party.organisation, reliability_for_organisation(party.organisation, now=now))
            for party in agreement.parties.all()
        ],
        "owners": [(owner, reliability_for_person(owner, now=now)) for owner in owners.values()],
        "events": agreement_events(agreement),
        **_acceptance_state(agreement),
    }


def _acceptance_state(agreement: "Agreement") -> dict[str, Any]:
    """What the header says about acceptance, the versions' editability and what is missing.
    "geaccepteerd" only when every party accepted the current version; otherwise who is still
    awaited. A version is locked once any party accepted it (the rule the service enforces)."""
    versions = list(agreement.versions.all())
    current = versions[-1]
    parties = list(agreement.parties.all())
    waiting_ids = {p.pk for p in parties_still_to_accept(agreement, current)}
    waiting = [p.organisation.name for p in parties if p.pk in waiting_ids]
    asks_acceptance = agreement.is_open and agreement.status != AgreementStatus.DRAFT
    missing = missing_terms(agreement.template, current.terms) if agreement.is_open else []
    return {
        "waiting_for": waiting if asks_acceptance else [],
        "party_count": len(parties),
        "versions": [
            {"version": v, "locked": bool(v.acceptances.all()), "current": v is current}
            for v in versions
        ],
        "missing": [m.label for m in missing],
        "term_problem": term_problem(
            agreement.starts_on, agreement.ends_on, today=timezone.localdate()
        )
        if agreement.status == AgreementStatus.DRAFT
        else "",
    }


@login_required
@not_for_privacy_officer
def agreement_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_or_404(request, pk)
    return render(request, "frontend/agreements/detail.html", _context(request, agreement))


@login_required
@not_for_privacy_officer
def agreement_print_page(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_or_404(request, pk)
    return render(request, "frontend/agreements/print.html", _context(request, agreement))


@login_required
@not_for_privacy_officer
def agreement_accept_page(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_or_404(request, pk)
    # Who may accept is checked before the method: students and teachers are refused outright.
    if acting_party(signed_in_user(request), agreement) is None:
        raise DjangoPermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.agreement_accept(
            agreement=agreement,
            actor=signed_in_user(request),
            now=timezone.now(),
            version_number=parse_id(request.POST.get("version")),
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except ApplicationError as error:
        if error.status_code == 403:
            raise DjangoPermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("Je hebt de afspraak geaccepteerd."))
    return redirect(f"{request.path.rsplit('accept/', 1)[0]}?lang={_language(request)}")


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Nieuwe status"))
    note = forms.CharField(
        label=gettext_lazy("Notitie"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Wat is er gebeurd? Verplicht."),
    )

    def __init__(self, *args: Any, statuses: tuple[CommitmentStatus, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [(s.value, s.label) for s in statuses]


@login_required
@not_for_privacy_officer
def commitment_status_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    commitment = visible_commitment(user, pk)
    if commitment is None:
        raise Http404
    rights = AgreementRights(user, commitment.agreement)
    if not rights.may_update_commitment(commitment):
        raise DjangoPermissionDenied
    form = CommitmentStatusForm(
        request.POST or None, statuses=rights.settable_commitment_statuses()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_set_status(
                commitment=commitment, actor=user, now=timezone.now(), **form.cleaned_data
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("Toezegging bijgewerkt."))
            return redirect("frontend:agreement-detail", pk=commitment.agreement_id)
    return render(
        request,
        "frontend/agreements/commitment_status.html",
        {"commitment": commitment, "form": form, "history": commitment_history_lines(commitment)},
        status=400 if request.method == "POST" else 200,
    )
