"""Agreement pages: read and accept in Dutch or English, coordinators' attention list,
commitment updates with a note, and a printable agreement. Same services as the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.selectors import coordinator_school_ids
from backend.agreements import services
from backend.agreements.apis.common import detail_data
from backend.agreements.models import CommitmentStatus
from backend.agreements.selectors import (
    acting_party,
    agreement_detail,
    agreement_events,
    agreement_list,
    attention_for_coordinator,
    commitments_visible_to,
    is_school_coordinator_for,
    reliability_for_organisation,
    reliability_for_person,
    waiting_for_acceptance,
)
from backend.agreements.services.commitments import may_update_commitment
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from frontend.forms import apply_application_error


def _agreement_or_404(request, pk):
    agreement = agreement_detail(request.user, pk)
    if agreement is None:
        raise Http404
    return agreement


def _language(request) -> str:
    language = request.GET.get("lang")
    if language in ("nl", "en"):
        return language
    return (
        request.user.preferred_language if request.user.preferred_language in ("nl", "en") else "nl"
    )


@login_required
def agreement_list_page(request):
    now = timezone.now()
    return render(
        request,
        "frontend/agreements/list.html",
        {
            "agreements": agreement_list(request.user)[:200],
            "waiting": waiting_for_acceptance(request.user),
            "my_commitments": commitments_visible_to(request.user).filter(
                owner=request.user, status__in=["open", "overdue"]
            ),
            "is_coordinator": bool(coordinator_school_ids(request.user)),
            "now": now,
        },
    )


@login_required
def agreement_attention_page(request):
    if not coordinator_school_ids(request.user):
        raise DjangoPermissionDenied
    return render(
        request,
        "frontend/agreements/attention.html",
        attention_for_coordinator(request.user, now=timezone.now()),
    )


def _context(request, agreement):
    now = timezone.now()
    language = _language(request)
    data = detail_data(agreement, request.user, language)
    return {
        "agreement": agreement,
        "data": data,
        "language": language,
        "reliability": [
            (party.organisation, reliability_for_organisation(party.organisation, now=now))
            for party in agreement.parties.all()
        ],
        "owners": [
            (owner, reliability_for_person(owner, now=now))
            for owner in {c.owner_id: c.owner for c in agreement.commitments.all()}.values()
        ],
        "events": agreement_events(agreement),
    }


@login_required
def agreement_detail_page(request, pk):
    agreement = _agreement_or_404(request, pk)
    return render(request, "frontend/agreements/detail.html", _context(request, agreement))


@login_required
def agreement_print_page(request, pk):
    agreement = _agreement_or_404(request, pk)
    return render(request, "frontend/agreements/print.html", _context(request, agreement))


@login_required
def agreement_accept_page(request, pk):
    agreement = _agreement_or_404(request, pk)
    # Who may accept is checked before the method: students and teachers are refused outright.
    if acting_party(request.user, agreement) is None:
        raise DjangoPermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = request.POST.get("version")
    try:
        services.agreement_accept(
            agreement=agreement,
            actor=request.user,
            now=timezone.now(),
            version_number=parse_id(version),
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

    def __init__(self, *args, coordinator: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the school's coordinator may waive a commitment or mark it broken.
        statuses = (
            (CommitmentStatus.DONE, CommitmentStatus.WAIVED, CommitmentStatus.BROKEN)
            if coordinator
            else (CommitmentStatus.DONE,)
        )
        self.fields["status"].choices = [(s.value, s.label) for s in statuses]


@login_required
def commitment_status_page(request, pk):
    commitment = commitments_visible_to(request.user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    if not may_update_commitment(request.user, commitment):
        raise DjangoPermissionDenied
    form = CommitmentStatusForm(
        request.POST or None,
        coordinator=is_school_coordinator_for(request.user, commitment.agreement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_set_status(
                commitment=commitment, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("Toezegging bijgewerkt."))
            return redirect("frontend:agreement-detail", pk=commitment.agreement_id)
    return render(
        request,
        "frontend/agreements/commitment_status.html",
        {
            "commitment": commitment,
            "form": form,
            "history": commitment.updates.select_related("actor", "from_owner", "to_owner"),
        },
        status=400 if request.method == "POST" else 200,
    )
