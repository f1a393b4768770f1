"""The landing page: what needs this person's action today, from every area, most urgent first.

Each app contributes `dashboard_items_for(user, *, now)` in its selectors (backend.core.dashboard);
this view only sorts and groups them and adds a few role panels built from selectors."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.selectors import (
    company_ids,
    coordinator_school_ids,
    staff_school_ids,
    student_enrolment,
)
from backend.offers.models import Offer
from backend.offers.selectors import offer_status_summary, review_queue_for
from frontend.dashboard import items_for, sort_key
from frontend.dashboard.items import DashboardItem

AREA_LABELS = {
    "offers": _("Aanbod"),
    "rounds": _("Toewijzingsrondes"),
    "agreements": _("Afspraken"),
    "engagement": _("Experts, gastlessen en bijeenkomsten"),
}


def grouped_items(items: list[DashboardItem]) -> list[dict]:
    """Groups per area; the area with the most urgent (then earliest) item comes first."""
    by_area = sorted(items, key=lambda item: item.area)
    groups = []
    for area, members in groupby(by_area, key=lambda item: item.area):
        members = sorted(members, key=sort_key)
        groups.append(
            {
                "area": area,
                "label": AREA_LABELS.get(area, area),
                "items": members,
                "key": members[0],
            }
        )
    groups.sort(key=lambda group: sort_key(group["key"]))
    return groups


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _company_panel(user, now) -> dict | None:
    companies = company_ids(user)
    if not companies:
        return None
    offers = list(
        Offer.objects.filter(owner_id__in=companies)
        .select_related("reviewer")
        .prefetch_related("transitions__actor")
        .order_by("-updated_at")[:5]
    )
    return {
        "offers": [(offer, offer_status_summary(offer, now)) for offer in offers],
        "count": Offer.objects.filter(owner_id__in=companies).count(),
    }


def _staff_panel(user) -> dict | None:
    if not staff_school_ids(user):
        return None
    coordinator = bool(coordinator_school_ids(user))
    return {
        "review_count": review_queue_for(user).count(),
        "rounds_url": _url("frontend:round-list"),
        "new_round_url": _url("frontend:round-create") if coordinator else None,
        "attention_url": _url("frontend:agreement-attention") if coordinator else None,
        "experts_url": _url("frontend:engagement-expert-search"),
    }


def _student_panel(user) -> dict | None:
    enrolment = student_enrolment(user)
    if enrolment is None:
        return None
    return {
        "enrolment": enrolment,
        "challenges_url": _url("frontend:student-challenges"),
        "choices_url": _url("frontend:student-choices"),
        "assignment_url": _url("frontend:student-assignment"),
    }


@login_required
def dashboard(request):
    now = timezone.now()
    items = items_for(request.user, now=now)
    context = {
        "groups": grouped_items(items),
        "item_count": len(items),
        "urgent_count": sum(1 for item in items if item.urgency >= 2),
        "company": _company_panel(request.user, now),
        "staff": _staff_panel(request.user),
        "student": _student_panel(request.user),
        "agreements_url": _url("frontend:agreement-list"),
        "today": timezone.localdate(),
    }
    return render(request, "frontend/core/dashboard.html", context)
