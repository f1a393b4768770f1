"""Requests about personal data (AVG art. 15-17, 20): the student files one from their privacy
page; the school's privacy officer sees the queue, handles a request and, for an erasure,
erases the student after a confirmation that shows what will be removed and what is kept."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import Role
from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.privacy import register
from backend.privacy.models import RequestKind, RequestStatus
from backend.privacy.selectors.requests import (
    QUEUE_FILTERS,
    erasure_plan,
    is_overdue,
    may_be_erased_for,
    request_for_officer,
    requests_for_officer,
    requests_for_subject,
    subject_summary,
)
from backend.privacy.services.erasure import erase_person
from backend.privacy.services.requests import close_request, submit_request
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required

if TYPE_CHECKING:
    from backend.privacy.models import DataRequest

T = "frontend/privacy/"
PAGE_SIZE = 25
FILTER_LABELS = {
    "open": gettext_lazy("open"),
    "overdue": gettext_lazy("te laat"),
    "closed": gettext_lazy("afgesloten"),
}


class RequestForm(KoppelForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Wat wil je vragen?"),
        choices=[
            (RequestKind.CORRECTION, gettext_lazy("Gegevens laten verbeteren (correctie)")),
            (RequestKind.ERASURE, gettext_lazy("Gegevens laten verwijderen")),
            (RequestKind.ACCESS, gettext_lazy("Een kopie van al je gegevens (inzage)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies wat je wilt vragen.")},
    )
    details = forms.CharField(
        label=gettext_lazy("Toelichting"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Bij correctie: welke gegevens kloppen niet en wat moet het zijn? "
            "Bij verwijdering mag je uitleggen waarom."
        ),
    )


@role_required(Role.STUDENT, allow_staff=False)
def request_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_request(
                subject=user,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                by=user,
                now=timezone.now(),
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(
                request,
                _("Je verzoek is verstuurd. De school handelt het binnen een maand af."),
            )
            return redirect("frontend:my-request-new")
    return render(
        request,
        T + "requests_new.html",
        {"form": form, "my_requests": list(requests_for_subject(user)[:50])},
    )


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
def request_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = request.GET.get("status", "")
    if status not in QUEUE_FILTERS:
        status = ""
    paginator = Paginator(requests_for_officer(user, status or None), PAGE_SIZE)
    number = parse_id(request.GET.get("pagina", "")) or 1
    page = paginator.page(min(number, paginator.num_pages))
    today = timezone.localdate()

    def url(page_number: int) -> str:
        query = {"status": status} if status else {}
        if page_number > 1:
            query["pagina"] = str(page_number)
        return f"{request.path}?{urlencode(query)}" if query else request.path

    return render(
        request,
        T + "requests_list.html",
        {
            "page": page,
            "rows": [(r, r.status == RequestStatus.SUBMITTED and r.due_on < today) for r in page],
            "status": status,
            "filters": list(FILTER_LABELS.items()),
            "previous_url": url(page.number - 1) if page.has_previous() else "",
            "next_url": url(page.number + 1) if page.has_next() else "",
        },
    )


class CloseForm(KoppelForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Besluit"),
        choices=[
            (RequestStatus.DONE, gettext_lazy("Afgehandeld")),
            (RequestStatus.REFUSED, gettext_lazy("Afgewezen")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies of het verzoek is afgehandeld of afgewezen.")
        },
    )
    outcome = forms.CharField(
        label=gettext_lazy("Uitkomst voor de student"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Wat is er gedaan, of waarom wordt het verzoek afgewezen? De student leest dit."
        ),
    )


def _detail_context(data_request: "DataRequest", form: CloseForm) -> dict[str, Any]:
    is_erasure = data_request.kind == RequestKind.ERASURE
    may_erase = may_be_erased_for(data_request)
    return {
        "data_request": data_request,
        "overdue": is_overdue(data_request),
        "summary": subject_summary(data_request),
        "form": form,
        "is_open": data_request.status == RequestStatus.SUBMITTED,
        "plan": erasure_plan(data_request.subject) if is_erasure and may_erase else None,
        "may_erase": may_erase,
        "report": _report_rows(data_request.report),
        "report_mentions": sum((data_request.report or {}).get("mentions", {}).values()),
    }


def _report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored report's rows, with the model's name and the erasure's label."""
    rows = []
    for row in (report or {}).get("models", []):
        name, keep_reason = row["label"], row.get("keep_reason", "")
        try:
            declaration = register.declaration_for(row["label"])
        except KeyError:
            pass  # a model removed since: the stored (Dutch) texts
        else:
            name = str(declaration.model._meta.verbose_name_plural)
            keep_reason = str(declaration.keep_reason) if keep_reason else ""
        action = register.Erasure(row["erasure"]).label
        rows.append({**row, "name": name, "keep_reason": keep_reason, "action": action})
    return rows


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    data_request = request_for_officer(user, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST":
        if data_request.status != RequestStatus.SUBMITTED:
            raise Http404
        if form.is_valid():
            try:
                close_request(
                    request=data_request,
                    by=user,
                    status=form.cleaned_data["status"],
                    outcome=form.cleaned_data["outcome"],
                    now=timezone.now(),
                )
            except ApplicationError as error:
                apply_application_error(form, error)
            else:
                messages.success(
                    request, _("Het verzoek is afgesloten; de student krijgt bericht.")
                )
                return redirect("frontend:privacy-request", pk=data_request.pk)
    return render(request, T + "requests_detail.html", _detail_context(data_request, form))


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
def request_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what erasure would remove and keep, and the button. POST: erase, then the detail
    page with the report."""
    user = signed_in_user(request)
    data_request = request_for_officer(user, pk)
    may_erase = may_be_erased_for(data_request)
    if request.method == "POST":
        if not may_erase:
            raise Http404
        try:
            report = erase_person(
                person=data_request.subject, by=user, request=data_request, now=timezone.now()
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "De student is gewist: %(deleted)s rijen verwijderd, %(pseudo)s gepseudonimiseerd, %(kept)s bewaard."
                )
                % {
                    "deleted": report.count(register.Erasure.DELETE),
                    "pseudo": report.count(register.Erasure.PSEUDONYMISE),
                    "kept": report.count(register.Erasure.KEEP),
                },
            )
        return redirect("frontend:privacy-request", pk=data_request.pk)
    return render(
        request,
        T + "requests_erase.html",
        {
            "data_request": data_request,
            "summary": subject_summary(data_request),
            "plan": erasure_plan(data_request.subject) if may_erase else None,
            "may_erase": may_erase,
        },
    )
