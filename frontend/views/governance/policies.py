"""VOG policy per school: which activities (guest teaching, mentoring students) require which
certificate. School staff read their own schools' policies; the school's institution admin adds
and removes them through organisations.services (certificate_policy_create / _delete)."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.access import can_manage_organisation
from backend.accounts.models import CertificateKind
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.accounts.selectors import staff_school_ids
from backend.core.errors import ApplicationError
from backend.organisations import services
from backend.organisations.models import PolicySubject
from backend.organisations.selectors import certificate_policies_of_schools, schools_by_ids
from frontend.forms import KoppelForm
from frontend.views.access import role_required
from frontend.views.governance.common import SignedInRequest, T, apply_error, require

if TYPE_CHECKING:
    from backend.organisations.models import CertificatePolicy, Organisation


class PolicyForm(KoppelForm):
    school: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=None
    )
    certificate = forms.ChoiceField(
        label=gettext_lazy("Certificaat"), choices=CertificateKind.choices, initial="VOG"
    )
    applies_to = forms.ChoiceField(
        label=gettext_lazy("Vereist voor"), choices=PolicySubject.choices
    )
    note = forms.CharField(label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Organisation]", self.fields["school"]).queryset = schools


def _schools(request: SignedInRequest) -> list["Organisation"]:
    return list(schools_by_ids(staff_school_ids(request.user)))


def _create(request: SignedInRequest, form: PolicyForm) -> bool:
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    try:
        services.certificate_policy_create(
            organisation=data.pop("school"), actor=request.user, **data
        )
    except (ApplicationError, ValidationError) as error:
        apply_error(form, error)
        return False
    messages.success(request, _("Het beleid is opgeslagen."))
    return True


def _delete(request: SignedInRequest, policies: list["CertificatePolicy"]) -> None:
    wanted = request.POST.get("policy", "")
    policy = next((p for p in policies if str(p.pk) == wanted), None)
    require(policy is not None)
    assert policy is not None
    try:
        services.certificate_policy_delete(policy=policy, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return
    messages.success(request, _("Het beleid is verwijderd."))


@role_required(*SCHOOL_STAFF_ROLES)
def policy_page(request: SignedInRequest) -> HttpResponse:
    schools = _schools(request)
    managed = [s for s in schools if can_manage_organisation(request.user, s)]
    policies = list(certificate_policies_of_schools(s.pk for s in schools))
    form = PolicyForm(
        request.POST if request.POST.get("action") == "add" else None,
        schools=schools_by_ids(s.pk for s in managed),
    )
    if request.method == "POST":
        require(bool(managed))
        if request.POST.get("action") == "delete":
            _delete(request, [p for p in policies if p.organisation in managed])
            return redirect("frontend:governance-policies")
        if _create(request, form):
            return redirect("frontend:governance-policies")
    managed_ids = {s.pk for s in managed}
    rows = [
        {
            "school": school,
            "policies": [p for p in policies if p.organisation_id == school.pk],
            "may_edit": school.pk in managed_ids,
        }
        for school in schools
    ]
    return render(
        request,
        T + "policies.html",
        {"rows": rows, "form": form if managed else None, "manages_school": bool(managed)},
    )
