"""The privacy officer's access log (inzagelog): who read which student's care notes, exported
their data or opened their full record, newest first, a page at a time, with filters by student
and kind. Read-only: the log cannot be changed (backend.accounts.services.sensitive_reads)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backend.accounts.models import PersonalDataReadKind, Role
from backend.accounts.permissions import signed_in_user
from backend.privacy.selectors.access_log import access_log_page
from frontend.views.access import role_required


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@role_required(Role.PRIVACY_OFFICER, allow_staff=False)
def access_log(request: HttpRequest) -> HttpResponse:
    student = request.GET.get("student", "").strip()[:100]
    kind = request.GET.get("kind", "")
    log = access_log_page(
        signed_in_user(request),
        student=student,
        kind=kind,
        page=_page_number(request.GET.get("page")),
    )

    def page_url(page: int) -> str:
        return "?" + urlencode({**{k: v for k, v in log.filters.items() if v}, "page": page})

    return render(
        request,
        "frontend/privacy/access_log.html",
        {
            "log": log,
            "kinds": PersonalDataReadKind.choices,
            "previous_url": page_url(log.previous_page) if log.has_previous else "",
            "next_url": page_url(log.next_page) if log.has_next else "",
        },
    )
