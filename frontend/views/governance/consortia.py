"""The collaboration hub and a consortium's partners: who takes part, in which role, since when,
where each stands on the consortium agreement, and (for the lead's admins) adding and ending
partner memberships through organisations.services."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.roles import COMPANY_ROLES, COORDINATING_ROLES, SCHOOL_STAFF_ROLES
from backend.accounts.selectors import staff_school_ids, user_roles
from backend.agreements.selectors.access import can_read_ledger
from backend.agreements.selectors.governance import consortium_agreement_status
from backend.core.errors import ApplicationError
from backend.organisations import services
from backend.organisations.access import can_manage_consortium
from backend.organisations.models import ConsortiumRole
from backend.organisations.selectors import (
    consortia_governed_by,
    consortium_candidates,
    consortium_members,
)
from frontend.forms import KoppelForm
from frontend.views.access import role_required
from frontend.views.governance.common import (
    SignedInRequest,
    T,
    apply_error,
    governed_consortium,
    require,
)

if TYPE_CHECKING:
    from backend.organisations.models import Consortium, ConsortiumMembership, Organisation

GOVERNANCE_ROLES = (*COORDINATING_ROLES, *COMPANY_ROLES)


@role_required(*GOVERNANCE_ROLES)
def consortium_list_page(request: SignedInRequest) -> HttpResponse:
    """The collaboration hub: the person's consortia and the governance pages."""
    return render(
        request,
        T + "consortium_list.html",
        {
            "consortia": consortia_governed_by(request.user),
            "is_school_staff": bool(staff_school_ids(request.user)) or request.user.is_staff,
            "is_coordinating": request.user.is_staff
            or bool(set(COORDINATING_ROLES) & _roles(request)),
        },
    )


def _roles(request: SignedInRequest) -> set[str]:
    return user_roles(request.user)


class PartnerAddForm(KoppelForm):
    prefix = "add"
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("Organisatie"), queryset=None
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Rol in het consortium"), choices=ConsortiumRole.choices
    )
    joined_on = forms.DateField(
        label=gettext_lazy("Lid sinds"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, consortium: "Consortium", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        field.queryset = consortium_candidates(consortium)


class PartnerEndForm(KoppelForm):
    prefix = "end"
    membership: "forms.ModelChoiceField[ConsortiumMembership]" = forms.ModelChoiceField(
        label=gettext_lazy("Partner"), queryset=None, widget=forms.HiddenInput
    )
    left_on = forms.DateField(
        label=gettext_lazy("Lid tot"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, consortium: "Consortium", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[ConsortiumMembership]", self.fields["membership"])
        field.queryset = consortium_members(consortium).filter(left_on__isnull=True)


def _add_partner(request: SignedInRequest, consortium: "Consortium", form: PartnerAddForm) -> bool:
    if not form.is_valid():
        return False
    try:
        membership = services.consortium_member_add(
            consortium=consortium,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            joined_on=form.cleaned_data["joined_on"],
            actor=request.user,
        )
    except (ApplicationError, ValidationError) as error:
        apply_error(form, error)
        return False
    messages.success(
        request,
        _("%(name)s is partner van %(consortium)s.")
        % {"name": membership.organisation.name, "consortium": consortium.name},
    )
    return True


def _end_partner(request: SignedInRequest, consortium: "Consortium", form: PartnerEndForm) -> bool:
    if not form.is_valid():
        return False
    membership = form.cleaned_data["membership"]
    try:
        services.consortium_member_end(
            membership=membership, left_on=form.cleaned_data["left_on"], actor=request.user
        )
    except (ApplicationError, ValidationError) as error:
        apply_error(form, error)
        return False
    messages.success(
        request,
        _("Het lidmaatschap van %(name)s is beëindigd.") % {"name": membership.organisation.name},
    )
    return True


@role_required(*GOVERNANCE_ROLES)
def consortium_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    consortium = governed_consortium(request.user, pk)
    may_manage = can_manage_consortium(request.user, consortium)
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action")
    add_form = PartnerAddForm(data if action == "add" else None, consortium=consortium)
    end_form = PartnerEndForm(data if action == "end" else None, consortium=consortium)
    if request.method == "POST":
        require(may_manage)
        done = (action == "add" and _add_partner(request, consortium, add_form)) or (
            action == "end" and _end_partner(request, consortium, end_form)
        )
        if done:
            return redirect("frontend:governance-consortium-detail", pk=consortium.pk)
    members = list(consortium_members(consortium))
    status = consortium_agreement_status(consortium, [m.organisation_id for m in members])
    rows = [{"membership": m, "agreement": status.get(m.organisation_id)} for m in members]
    return render(
        request,
        T + "consortium_detail.html",
        {
            "consortium": consortium,
            "rows": rows,
            "agreement": next(iter(status.values())).agreement if status else None,
            "may_manage": may_manage,
            "may_read_ledger": can_read_ledger(request.user, consortium),
            "add_form": add_form,
            "end_form": end_form,
            # The row whose "end" form failed carries the field ids the error summary links to.
            "end_failed": request.POST.get("end-membership", "") if end_form.errors else "",
            "today": timezone.localdate(),
            "school_staff": bool(set(SCHOOL_STAFF_ROLES) & _roles(request)),
        },
    )
