"""A person's data (AVG art. 15 and 20): the student's own readable page and JSON download, and
the same for the school's privacy officer, who finds the student first and says why they look
(the export is then recorded in the access log). A student of another school is a 404."""

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from backend.accounts.models import Role
from backend.accounts.permissions import signed_in_user
from backend.privacy.selectors.export import (
    PersonalData,
    export_json,
    officer_student,
    officer_student_search,
)
from backend.privacy.services.export import export_for
from frontend.forms import KoppelForm
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.accounts.models import User

STUDENTS_PER_PAGE = 25
SEARCH_LIMIT = 100


class ExportReasonForm(KoppelForm):
    reden = forms.CharField(
        label=_("Reden (niet verplicht)"),
        help_text=_("Bijvoorbeeld: verzoek om inzage #12. De reden komt in het inzagelog."),
        max_length=300,
        required=False,
    )


@role_required(Role.STUDENT, allow_staff=False)
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    data = export_for(subject=user, reader=user, purpose="frontend:my-data")
    return _page(request, data, own=True, json_url=reverse("frontend:my-data-json"))


@role_required(Role.STUDENT, allow_staff=False)
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return _download(export_for(subject=user, reader=user, purpose="frontend:my-data-json"))


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_GET
def student_search(request: HttpRequest) -> HttpResponse:
    """The students of the officer's schools by name, 25 a page, searched by name or number."""
    officer = signed_in_user(request)
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_LIMIT]
    page = Paginator(officer_student_search(officer, query), STUDENTS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    context = {"page": page, "query": query, "query_string": urlencode({"q": query})}
    return render(request, "frontend/privacy/export_search.html", context)


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_http_methods(["GET", "POST"])
def student_data(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: who the student is and a short form asking why. POST (or GET with ?reden=): the
    student's data, recorded in the access log with the reason."""
    officer = signed_in_user(request)
    student = _student(officer, pk)
    submitted = request.POST if request.method == "POST" else None
    if submitted is None and "reden" in request.GET:
        submitted = request.GET
    form = ExportReasonForm(submitted)
    if submitted is not None and form.is_valid():
        reason = form.cleaned_data["reden"]
        data = export_for(
            subject=student,
            reader=officer,
            purpose="frontend:privacy-student-data",
            reason=reason,
        )
        json_url = reverse("frontend:privacy-student-data-json", args=[student.pk])
        return _page(
            request, data, own=False, json_url=f"{json_url}?{urlencode({'reden': reason})}"
        )
    response = render(
        request, "frontend/privacy/export_reason.html", {"student": student, "form": form}
    )
    add_never_cache_headers(response)
    return response


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
@require_GET
def student_data_json(request: HttpRequest, pk: int) -> HttpResponse:
    officer = signed_in_user(request)
    student = _student(officer, pk)
    form = ExportReasonForm(request.GET)
    reason = form.cleaned_data["reden"] if form.is_valid() else ""
    data = export_for(
        subject=student,
        reader=officer,
        purpose="frontend:privacy-student-data-json",
        reason=reason,
    )
    return _download(data)


def _student(officer: "User", pk: int) -> "User":
    student = officer_student(officer, pk)
    if student is None:
        raise Http404
    return student


def _page(request: HttpRequest, data: PersonalData, *, own: bool, json_url: str) -> HttpResponse:
    context: dict[str, Any] = {"data": data, "own": own, "json_url": json_url}
    response = render(request, "frontend/privacy/export_data.html", context)
    add_never_cache_headers(response)
    return response


def _download(data: PersonalData) -> HttpResponse:
    """The JSON file (art. 20): a download that no cache keeps."""
    body = json.dumps(export_json(data), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localtime(data.generated_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="koppel-gegevens-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response
