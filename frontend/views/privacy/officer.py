"""The privacy officer's pages: the home (what needs attention and the way to every officer page)
and the processing register of their institution, with the school's own retention periods."""

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from backend.accounts.models import Role
from backend.accounts.permissions import signed_in_user
from backend.core.ids import parse_id
from backend.privacy.access import officer_schools
from backend.privacy.selectors.officer import RECENT_READS_DAYS, officer_overview
from backend.privacy.selectors.register import register_models, register_rows
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.organisations.models import Organisation

T = "frontend/privacy/"


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    schools = list(officer_schools(user))
    return render(
        request,
        T + "officer_home.html",
        {
            "schools": schools,
            "overview": officer_overview(schools, now=timezone.now()),
            "recent_days": RECENT_READS_DAYS,
        },
    )


def _school(schools: list["Organisation"], raw: str | None) -> "Organisation":
    """The officer's school the page is about: the one asked for, else their first; another
    school is a 404."""
    wanted = parse_id(raw or "")
    school = (
        next((s for s in schools if s.pk == wanted), None) if raw else next(iter(schools), None)
    )
    if school is None:
        raise Http404
    return school


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    schools = list(officer_schools(user))
    school = _school(schools, request.GET.get("school"))
    return render(
        request,
        T + "officer_register.html",
        {
            "school": school,
            "schools": schools,
            "categories": register_rows(school),
            "models": register_models(),
        },
    )
