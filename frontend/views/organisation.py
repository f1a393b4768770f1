"""A company's colleagues and invitations (the accounts invitation service sends the e-mail)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.models import Invitation
from backend.accounts.selectors import company_ids
from backend.accounts.services.invitations import invitable_roles, invitation_create
from backend.core.errors import ApplicationError
from backend.organisations.models import Organisation
from backend.organisations.selectors import organisation_staff
from frontend.forms import apply_application_error
from frontend.forms.accounts import InviteColleagueForm
from frontend.views.access import COMPANY_ROLES, role_required


@role_required(*COMPANY_ROLES, allow_staff=False)
@require_http_methods(["GET", "POST"])
def organisation_team(request):
    organisation = (
        Organisation.objects.filter(pk__in=company_ids(request.user)).order_by("pk").first()
    )
    if organisation is None:
        return redirect("frontend:dashboard")
    roles = invitable_roles(request.user, organisation)
    form = InviteColleagueForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
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
        "invitations": Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at"),
        "form": form,
    }
    return render(request, "frontend/core/organisation_team.html", context)
