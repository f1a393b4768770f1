"""Co-financing of a consortium: the pledges (who contributes what, in money or hours, for which
period and funder), recording a new pledge through agreements.services.pledge_create, and the
ledger report (pledged against realised, per funder and per partner) with its CSV download."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.agreements import services
from backend.agreements.models import PledgeKind
from backend.agreements.selectors import ledger_report
from backend.agreements.selectors.access import can_keep_ledger
from backend.agreements.selectors.governance import (
    funder_choices,
    pledge_partner_choices,
    pledges_visible_to,
    sees_whole_ledger,
)
from backend.core.errors import ApplicationError
from backend.organisations.selectors import organisations_visible_to
from frontend.forms import KoppelForm
from frontend.views.access import role_required
from frontend.views.governance.common import (
    SignedInRequest,
    T,
    apply_error,
    governed_consortium,
    require,
)
from frontend.views.governance.consortia import GOVERNANCE_ROLES

if TYPE_CHECKING:
    from backend.organisations.models import Consortium, Organisation


class PledgeForm(KoppelForm):
    partner: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Partner"), queryset=None
    )
    funder: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Financier"), queryset=None
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort bijdrage"), choices=PledgeKind.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Bedrag (euro)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Bij een bijdrage in geld."),
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Uren"),
        required=False,
        max_digits=9,
        decimal_places=1,
        help_text=gettext_lazy("Bij een bijdrage in uren (in natura)."),
    )
    period_start = forms.DateField(
        label=gettext_lazy("Periode van"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("Periode tot en met"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: Any, consortium: "Consortium", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = cast("forms.ModelChoiceField[Organisation]", self.fields["partner"])
        partner.queryset = pledge_partner_choices(user, consortium)
        funder = cast("forms.ModelChoiceField[Organisation]", self.fields["funder"])
        funder.queryset = funder_choices()


def _create_pledge(request: SignedInRequest, consortium: "Consortium", form: PledgeForm) -> bool:
    if not form.is_valid():
        return False
    try:
        pledge = services.pledge_create(
            consortium=consortium, actor=request.user, **form.cleaned_data
        )
    except (ApplicationError, ValidationError) as error:
        apply_error(form, error)
        return False
    messages.success(
        request, _("De toezegging van %(name)s is vastgelegd.") % {"name": pledge.partner.name}
    )
    return True


@role_required(*GOVERNANCE_ROLES)
def cofinancing_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """The pledges the person may see and, for the school side, the ledger report."""
    consortium = governed_consortium(request.user, pk)
    whole = sees_whole_ledger(request.user, consortium)
    # The school side keeps the whole ledger; a company records for itself (all it sees).
    may_keep = can_keep_ledger(request.user, consortium) or (
        pledge_partner_choices(request.user, consortium).exists()
    )
    return render(
        request,
        T + "cofinancing.html",
        {
            "consortium": consortium,
            "pledges": pledges_visible_to(request.user, consortium),
            "report": ledger_report(consortium) if whole else None,
            "may_keep": may_keep,
        },
    )


@role_required(*GOVERNANCE_ROLES)
def pledge_new_page(request: SignedInRequest, pk: int) -> HttpResponse:
    consortium = governed_consortium(request.user, pk)
    form = PledgeForm(request.POST or None, user=request.user, consortium=consortium)
    # Nobody to record for: a company that is no current member, a school that left.
    require(form.fields["partner"].queryset.exists())  # type: ignore[attr-defined]
    if request.method == "POST" and _create_pledge(request, consortium, form):
        return redirect("frontend:governance-cofinancing", pk=consortium.pk)
    return render(request, T + "pledge_form.html", {"consortium": consortium, "form": form})


class RealisationForm(KoppelForm):
    on = forms.DateField(
        label=gettext_lazy("Datum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Bedrag (euro)"), required=False, max_digits=12, decimal_places=2
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Uren"), required=False, max_digits=9, decimal_places=1
    )
    evidence = forms.CharField(
        label=gettext_lazy("Bewijs"),
        widget=forms.Textarea,
        help_text=gettext_lazy("Bijvoorbeeld een factuurnummer of urenregistratie."),
    )
    paid_directly_to: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Rechtstreeks betaald aan (bijvoorbeeld een opleider)"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paid = cast("forms.ModelChoiceField[Organisation]", self.fields["paid_directly_to"])
        paid.queryset = organisations_visible_to(user).order_by("name")


@role_required(*GOVERNANCE_ROLES)
def realisation_new_page(request: SignedInRequest, pk: int, pledge_pk: int) -> HttpResponse:
    """Record what a partner contributed against one of the consortium's pledges."""
    consortium = governed_consortium(request.user, pk)
    pledge = get_object_or_404(pledges_visible_to(request.user, consortium), pk=pledge_pk)
    require(can_keep_ledger(request.user, consortium, pledge.partner))
    form = RealisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.realisation_record(pledge=pledge, actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            apply_error(form, error)
        else:
            messages.success(request, _("De realisatie is vastgelegd."))
            return redirect("frontend:governance-cofinancing", pk=consortium.pk)
    return render(
        request,
        T + "realisation_form.html",
        {"consortium": consortium, "pledge": pledge, "form": form},
    )
