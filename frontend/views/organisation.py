"""A company's colleagues and invitations (the accounts invitation service sends the e-mail)."""

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.access import invitable_roles
from backend.accounts.roles import COMPANY_ROLES
from backend.accounts.selectors import open_invitations
from backend.accounts.services.invitations import invitation_create
from backend.core.errors import ApplicationError
from backend.organisations.selectors import acting_company, organisation_staff
from frontend.forms import apply_application_error
from frontend.forms.accounts import InviteColleagueForm
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.accounts.models import User


@role_required(*COMPANY_ROLES, allow_staff=False)
@require_http_methods(["GET", "POST"])
def organisation_team(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)
    organisation = acting_company(user)
    if organisation is None:
        return redirect("frontend:dashboard")
    form = InviteColleagueForm(request.POST or None, roles=invitable_roles(user, organisation))
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=user,
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(
                request,
                _("Uitnodiging verstuurd naar %(email)s.") % {"email": issued.invitation.email},
            )
            return redirect("frontend:organisation-team")
    context = {
        "organisation": organisation,
        "members": organisation_staff(organisation),
        "invitations": open_invitations(organisation, now=timezone.now()),
        "form": form,
    }
    return render(request, "frontend/core/organisation_team.html", context)
