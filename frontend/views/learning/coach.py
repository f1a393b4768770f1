"""The coach's and teacher's overviews: their school's students with open werkprocessen, pending
validations and open company feedback, the nearest exam or BPV date first (filters: one class,
only my coachees); and the company feedback that has not come in yet, the most overdue first."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.learning.selectors.coach import class_overview as overview_of
from backend.learning.selectors.coach import missing_feedback as missing_feedback_of
from frontend.views.access import role_required

PAGE_SIZE = 50
MAX_CLASS_CODE = 30  # StudentEnrolment.class_code


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _is_mine(request: HttpRequest) -> bool:
    return request.GET.get("mine") == "1"


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
def class_overview(request: HttpRequest) -> HttpResponse:
    class_code = request.GET.get("klas", "").strip()[:MAX_CLASS_CODE]
    mine = _is_mine(request)
    overview = overview_of(
        signed_in_user(request),
        class_code=class_code,
        mine=mine,
        today=timezone.localdate(),
        page=_page_number(request.GET.get("page")),
    )
    filters = {k: v for k, v in {"klas": class_code, "mine": "1" if mine else ""}.items() if v}

    def page_url(number: int) -> str:
        return "?" + urlencode({**filters, "page": number})

    page = overview.page
    return render(
        request,
        "frontend/learning/coach_overview.html",
        {
            "overview": overview,
            "filtered": bool(filters),
            "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
            "next_url": page_url(page.next_page_number()) if page.has_next() else "",
        },
    )


@role_required(*SCHOOL_STAFF_ROLES, allow_staff=False)
def missing_feedback(request: HttpRequest) -> HttpResponse:
    mine = _is_mine(request)
    paginator = Paginator(missing_feedback_of(signed_in_user(request), mine=mine), PAGE_SIZE)
    page = paginator.get_page(_page_number(request.GET.get("page")))
    filters = {"mine": "1"} if mine else {}

    def page_url(number: int) -> str:
        return "?" + urlencode({**filters, "page": number})

    today = timezone.localdate()
    return render(
        request,
        "frontend/learning/coach_missing_feedback.html",
        {
            "page": page,
            "rows": [(feedback, feedback.due_on < today) for feedback in page.object_list],
            "mine": mine,
            "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
            "next_url": page_url(page.next_page_number()) if page.has_next() else "",
        },
    )
