"""Umbrella and consortium agreements: the ones the person may read, a new umbrella agreement
with a company collective (agreements.services.umbrella_create) and a consortium agreement with
every current partner (consortium_agreement_create). Accepting happens on the agreement's own
page (frontend:agreement-detail)."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.roles import COORDINATING_ROLES
from backend.agreements import services
from backend.agreements.selectors.governance import (
    collective_choices,
    governance_agreements,
    umbrella_school_choices,
)
from backend.core.errors import ApplicationError
from backend.organisations.selectors import consortia_governed_by
from frontend.forms import KoppelForm
from frontend.views.access import role_required
from frontend.views.governance.common import SignedInRequest, T, apply_error

if TYPE_CHECKING:
    from backend.agreements.models import Agreement
    from backend.organisations.models import Consortium, Organisation


class UmbrellaForm(KoppelForm):
    prefix = "umbrella"
    school: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=None
    )
    collective: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Bedrijvencollectief"), queryset=None
    )
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Einde"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mentoring_hours = forms.IntegerField(
        label=gettext_lazy("Begeleidingsuren per student"), min_value=0, initial=0
    )
    provides = forms.CharField(
        label=gettext_lazy("Wat de bedrijven bieden"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = cast("forms.ModelChoiceField[Organisation]", self.fields["school"])
        school.queryset = umbrella_school_choices(user)
        collective = cast("forms.ModelChoiceField[Organisation]", self.fields["collective"])
        collective.queryset = collective_choices()


class ConsortiumAgreementForm(KoppelForm):
    prefix = "consortium"
    consortium: "forms.ModelChoiceField[Consortium]" = forms.ModelChoiceField(
        label=gettext_lazy("Consortium"), queryset=None
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Einde"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consortium = cast("forms.ModelChoiceField[Consortium]", self.fields["consortium"])
        consortium.queryset = consortia_governed_by(user)


def _create(
    request: SignedInRequest, form: UmbrellaForm | ConsortiumAgreementForm
) -> "Agreement | None":
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        if isinstance(form, UmbrellaForm):
            return services.umbrella_create(actor=request.user, now=timezone.now(), **data)
        return services.consortium_agreement_create(actor=request.user, now=timezone.now(), **data)
    except (ApplicationError, ValidationError) as error:
        apply_error(form, error)
        return None


@role_required(*COORDINATING_ROLES)
def governance_agreements_page(request: SignedInRequest) -> HttpResponse:
    action = request.POST.get("action") if request.method == "POST" else None
    umbrella_form = UmbrellaForm(request.POST if action == "umbrella" else None, user=request.user)
    consortium_form = ConsortiumAgreementForm(
        request.POST if action == "consortium" else None, user=request.user
    )
    if action in ("umbrella", "consortium"):
        form = umbrella_form if action == "umbrella" else consortium_form
        agreement = _create(request, form)
        if agreement is not None:
            messages.success(
                request,
                _("Concept “%(title)s” aangemaakt. Controleer het en stuur het naar de partijen.")
                % {"title": agreement.title},
            )
            return redirect("frontend:agreement-detail", pk=agreement.pk)
    return render(
        request,
        T + "agreements.html",
        {
            "agreements": governance_agreements(request.user),
            "umbrella_form": umbrella_form,
            "consortium_form": consortium_form,
            "action": action,
        },
    )
