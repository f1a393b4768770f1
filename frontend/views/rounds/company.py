"""Company page: the teams assigned to the company's challenges (first name, level and
programme only)."""

from django.shortcuts import render

from backend.allocations.selectors.review import company_teams
from frontend.views.access import COMPANY_ROLES, role_required


@role_required(*COMPANY_ROLES)
def round_teams(request):
    return render(
        request, "frontend/rounds/round_teams.html", {"teams": company_teams(request.user)}
    )
