"""Retention for the school's privacy officer: how long each category is kept (with the default
beside it and a form to change it), the runs of the daily task and the officer's dry runs, a
button for a dry run now, and what one run removed (or would remove). Another school's run is a
404."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.accounts.models import Role
from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.privacy.retention import MAX_MONTHS
from backend.privacy.selectors.retention import (
    PeriodRow,
    officer_retention_schools,
    retention_periods,
    retention_run_for,
    retention_run_lines,
    retention_runs,
)
from backend.privacy.services.retention import apply_retention, retention_periods_set
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.organisations.models import Organisation

RUNS_PER_PAGE = 20
T = "frontend/privacy/"


class RetentionPeriodsForm(KoppelForm):
    """One whole number of months per rule, 0 to 240."""

    def __init__(self, *args: Any, rows: list[PeriodRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        message = gettext_lazy("Kies een termijn van 0 tot en met %(max)d maanden.") % {
            "max": MAX_MONTHS
        }
        for row in rows:
            self.fields[row.rule.value] = forms.IntegerField(
                label=capfirst(row.rule.label),
                min_value=0,
                max_value=MAX_MONTHS,
                help_text=gettext_lazy("Standaard: %(months)d maanden.") % {"months": row.default},
                error_messages={
                    "min_value": message,
                    "max_value": message,
                    "invalid": gettext_lazy("Vul een heel aantal maanden in."),
                    "required": gettext_lazy("Vul een aantal maanden in (0 tot en met 240)."),
                },
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_MONTHS, "step": 1}),
            )


def _school(user: "User", raw: str | None) -> "Organisation":
    """The officer's school the page is about: the one asked for (`school`), else their first.
    A school that is not theirs is a 404."""
    schools = officer_retention_schools(user)
    school = schools.filter(pk=parse_id(raw) or 0).first() if raw else schools.first()
    if school is None:
        raise Http404
    return school


def _page_url(school: "Organisation") -> str:
    return reverse("frontend:privacy-retention") + "?" + urlencode({"school": school.pk})


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    source = request.POST if request.method == "POST" else request.GET
    school = _school(user, source.get("school"))
    rows = retention_periods(school)
    if request.method == "POST":
        form = RetentionPeriodsForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                retention_periods_set(
                    school=school, months=form.cleaned_data, by=user, now=timezone.now()
                )
            except ApplicationError as error:
                apply_application_error(form, error)
            else:
                messages.success(request, _("De bewaartermijnen zijn opgeslagen."))
                return redirect(_page_url(school))
    else:
        form = RetentionPeriodsForm(initial={row.rule.value: row.months for row in rows}, rows=rows)
    paginator = Paginator(retention_runs([school]), RUNS_PER_PAGE)
    number = parse_id(request.GET.get("pagina", "")) or 1
    page = paginator.page(min(number, paginator.num_pages))
    return render(
        request,
        T + "retention_periods.html",
        {
            "school": school,
            "schools": list(officer_retention_schools(user)),
            "rows": rows,
            "form": form,
            "page": page,
            "query_string": urlencode({"school": school.pk}),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_POST
def retention_dry_run(request: HttpRequest) -> HttpResponse:
    """Count now what the school's periods would remove; show the run."""
    user = signed_in_user(request)
    school = _school(user, request.POST.get("school"))
    run = apply_retention(school, as_of=timezone.now(), dry_run=True, by=user)
    return redirect("frontend:privacy-retention-run", pk=run.pk)


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_GET
def retention_run(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = retention_run_for(officer_retention_schools(user), pk)
    if run is None:
        raise Http404
    return render(
        request,
        T + "retention_run.html",
        {"run": run, "lines": retention_run_lines(run), "page_url": _page_url(run.school)},
    )
