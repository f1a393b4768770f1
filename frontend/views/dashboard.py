"""The landing page: what needs this person's action today, from every area, most urgent first.

Each area contributes its items in frontend/dashboard/ (built on that area's selectors); this view
only sorts and groups them and adds a few role panels, also built from selectors."""

import datetime as dt
from itertools import groupby
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.permissions import signed_in_user
from backend.accounts.selectors import (
    company_ids,
    coordinator_school_ids,
    staff_school_ids,
    student_enrolment,
)
from backend.offers.selectors import offer_status_summary, offers_visible_to, review_queue_for
from frontend.dashboard import items_for, sort_key
from frontend.dashboard.items import Badge, DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User

AREA_LABELS = {
    "offers": _("Aanbod"),
    "rounds": _("Toewijzingsrondes"),
    "agreements": _("Afspraken"),
    "engagement": _("Experts, gastlessen en bijeenkomsten"),
    "privacy": _("Privacy"),
    "learning": _("Leren"),
}
LATEST_OFFERS = 5


class ItemGroup(TypedDict):
    """One area's items on the dashboard; `key` is its most urgent item (the group's place);
    `rows` pairs each item with its badge on `today`."""

    area: str
    label: str | Promise
    items: list[DashboardItem]
    rows: list[tuple[DashboardItem, Badge | None]]
    key: DashboardItem


def _group(area: str, members: list[DashboardItem], today: dt.date) -> ItemGroup:
    members = sorted(members, key=sort_key)
    return {
        "area": area,
        "label": AREA_LABELS.get(area, area),
        "items": members,
        "rows": [(item, item.badge(today)) for item in members],
        "key": members[0],
    }


def grouped_items(items: list[DashboardItem], today: dt.date | None = None) -> list[ItemGroup]:
    """Groups per area; the area with the most urgent (then earliest) item comes first."""
    today = today or timezone.localdate()
    by_area = sorted(items, key=lambda item: item.area)
    groups = [
        _group(area, list(members), today) for area, members in groupby(by_area, lambda i: i.area)
    ]
    return sorted(groups, key=lambda group: sort_key(group["key"]))


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _company_panel(user: "User", now: dt.datetime) -> dict[str, Any] | None:
    companies = company_ids(user)
    if not companies:
        return None
    own_offers = offers_visible_to(user).filter(owner_id__in=companies)
    latest = own_offers.order_by("-updated_at")[:LATEST_OFFERS]
    return {
        "offers": [(offer, offer_status_summary(offer, now)) for offer in latest],
        "count": own_offers.count(),
    }


def _staff_panel(user: "User") -> dict[str, Any] | None:
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


def _student_panel(user: "User") -> dict[str, Any] | None:
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
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    now = timezone.now()
    items = items_for(user, now=now)
    context = {
        "groups": grouped_items(items, timezone.localdate(now)),
        "item_count": len(items),
        "urgent_count": sum(1 for item in items if item.urgency >= 2),
        "company": _company_panel(user, now),
        "staff": _staff_panel(user),
        "student": _student_panel(user),
        "agreements_url": _url("frontend:agreement-list"),
        "today": timezone.localdate(),
    }
    return render(request, "frontend/core/dashboard.html", context)
