"""The company mentor's feedback on their team: the list of requests (open first, soonest due
first) and the form per student (one radio row per werkproces, a comment, one button).

The company sees a student as first name, niveau and team (the activity) only. A request of
another company, or of a student no longer on the team, is a 404: it is not theirs to see."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError, NotFound
from backend.core.errors import PermissionDenied as DomainPermissionDenied
from backend.learning.selectors.company_feedback import (
    company_feedback_for_contact,
    feedback_for_company,
)
from backend.learning.services.company_feedback import company_feedback_submit
from frontend.forms import apply_application_error
from frontend.forms.learning_feedback import CompanyRatingForm
from frontend.views.access import COMPANY_ROLES, role_required

T = "frontend/learning/"


@role_required(*COMPANY_ROLES)
def feedback_list(request: HttpRequest) -> HttpResponse:
    rows = feedback_for_company(signed_in_user(request), today=timezone.localdate())
    return render(
        request,
        T + "company_feedback_list.html",
        {
            "open_rows": [row for row in rows if row.is_open],
            "done_rows": [row for row in rows if not row.is_open],
        },
    )


@role_required(*COMPANY_ROLES)
def feedback_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    try:
        item = company_feedback_for_contact(user, pk)
    except NotFound as error:
        raise Http404(error.message) from error
    feedback = item.feedback
    if feedback.submitted_at is not None:
        if request.method == "POST":
            messages.error(request, _already_submitted(feedback.submitted_at))
            return redirect("frontend:company-feedback-form", pk=feedback.pk)
        return render(request, T + "company_feedback_form.html", {"item": item, "form": None})
    form = CompanyRatingForm(request.POST or None, werkprocessen=item.werkprocessen)
    if request.method == "POST" and form.is_valid():
        try:
            company_feedback_submit(
                feedback=feedback,
                actor=user,
                levels=form.levels(),
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
            )
        except DomainPermissionDenied as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(
                request,
                _("Dank u wel. Uw feedback over %(name)s is verstuurd.")
                % {"name": item.first_name},
            )
            return redirect("frontend:company-feedback-list")
    return render(request, T + "company_feedback_form.html", {"item": item, "form": form})


def _already_submitted(submitted_at: dt.datetime) -> str:
    return _("Deze feedback is al ingevuld op %(date)s; u kunt hem niet nog eens invullen.") % {
        "date": formats.date_format(timezone.localtime(submitted_at), "j F Y")
    }
