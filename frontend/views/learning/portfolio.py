"""The portfolio: a student's coverage matrix of their kwalificatie (basisdeel and profieldeel
werkprocessen by kerntaak), with the activities and evidence behind each cell and what is still
open, and a printable version of it.

The student sees their own (mijn-leren/portfolio/); school staff of the student's school see it
under leren/studenten/<pk>/portfolio/ with, on top, the forms to issue a badge for a demonstrated
werkproces or a complete kerntaak and links to the self-assessments that wait for validation.
Anyone else gets a 404 for a student that is not theirs."""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES, STUDENT_ROLES
from backend.learning.selectors.portfolio import portfolio_of, student_for_staff
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from backend.accounts.models import User


def _context(student: "User", *, staff: bool) -> dict[str, Any]:
    return {
        "portfolio": portfolio_of(student),
        "staff": staff,
        "today": timezone.localdate(),
    }


@role_required(*STUDENT_ROLES, allow_staff=False)
def my_portfolio(request: HttpRequest) -> HttpResponse:
    context = _context(signed_in_user(request), staff=False)
    return render(request, "frontend/learning/portfolio.html", context)


@role_required(*STUDENT_ROLES, allow_staff=False)
def my_portfolio_print(request: HttpRequest) -> HttpResponse:
    context = _context(signed_in_user(request), staff=False)
    return render(request, "frontend/learning/portfolio_print.html", context)


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
@domain_errors
def student_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_for_staff(signed_in_user(request), pk)
    context = _context(student, staff=True)
    return render(request, "frontend/learning/portfolio.html", context)


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
@domain_errors
def student_portfolio_print(request: HttpRequest, pk: int) -> HttpResponse:
    student = student_for_staff(signed_in_user(request), pk)
    context = _context(student, staff=True)
    return render(request, "frontend/learning/portfolio_print.html", context)
