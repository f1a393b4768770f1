"""Company page: the teams assigned to the company's challenges (first name, level and
programme only)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import COMPANY_ROLES
from backend.allocations.selectors.review import company_teams
from frontend.views.access import role_required


@role_required(*COMPANY_ROLES)
def round_teams(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/rounds/round_teams.html",
        {"teams": company_teams(signed_in_user(request))},
    )
