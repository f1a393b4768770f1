"""Dashboard items for the learning loop: students see the werkprocessen that wait for their
self-assessment (and where their coach asked for more evidence), school staff the
self-assessments that wait for validation and company feedback past its date, companies the
students they are asked to give feedback on. Built on backend.learning selectors."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from backend.accounts.models import Role
from backend.accounts.selectors import company_ids, staff_school_ids, user_has_role
from backend.learning.selectors.coach import (
    feedback_requested_from_company,
    overdue_feedback_count,
    pending_validation_count,
)
from backend.learning.selectors.portfolio import (
    more_evidence_requested,
    werkprocessen_awaiting_self_assessment,
)
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User

AREA = "learning"
# Company feedback due within this many days is "soon" on the company's dashboard.
SOON_DAYS = 2


def _student_items(user: "User", today: dt.date) -> list[DashboardItem]:
    items = []
    hub = reverse("frontend:my-activities")
    more = more_evidence_requested(user).count()
    if more:
        items.append(
            DashboardItem(
                title=ngettext(
                    "Je coach vraagt meer bewijs voor %(count)d werkproces",
                    "Je coach vraagt meer bewijs voor %(count)d werkprocessen",
                    more,
                )
                % {"count": more},
                url=hub,
                area=AREA,
                urgency=1,
            )
        )
    waiting = werkprocessen_awaiting_self_assessment(user, today=today)
    if waiting:
        items.append(
            DashboardItem(
                title=ngettext(
                    "%(count)d werkproces wacht op je zelfbeoordeling",
                    "%(count)d werkprocessen wachten op je zelfbeoordeling",
                    waiting,
                )
                % {"count": waiting},
                url=hub,
                area=AREA,
            )
        )
    return items


def _staff_items(user: "User", today: dt.date) -> list[DashboardItem]:
    items = []
    pending = pending_validation_count(user)
    if pending:
        items.append(
            DashboardItem(
                title=ngettext(
                    "%(count)d zelfbeoordeling wacht op validatie",
                    "%(count)d zelfbeoordelingen wachten op validatie",
                    pending,
                )
                % {"count": pending},
                url=reverse("frontend:validation-queue"),
                area=AREA,
                urgency=1,
            )
        )
    overdue = overdue_feedback_count(user, today=today)
    if overdue:
        items.append(
            DashboardItem(
                title=ngettext(
                    "Feedback van het bedrijf is te laat voor %(count)d student",
                    "Feedback van bedrijven is te laat voor %(count)d studenten",
                    overdue,
                )
                % {"count": overdue},
                url=reverse("frontend:coach-missing-feedback"),
                area=AREA,
                # Past its date: "dringend", never "binnenkort" beside a title that says "te laat".
                urgency=2,
            )
        )
    return items


def _company_items(user: "User", today: dt.date) -> list[DashboardItem]:
    requests = feedback_requested_from_company(user)
    if not requests.students:
        return []
    due = requests.first_due_on
    urgency = 2 if due is not None and due <= today else 1
    if due is not None and due > today + dt.timedelta(days=SOON_DAYS):
        urgency = 0
    return [
        DashboardItem(
            title=ngettext(
                "Feedback gevraagd voor %(count)d student",
                "Feedback gevraagd voor %(count)d studenten",
                requests.students,
            )
            % {"count": requests.students},
            url=reverse("frontend:company-feedback-list"),
            area=AREA,
            due=due,
            urgency=urgency,
        )
    ]


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    today = timezone.localdate(now)
    items: list[DashboardItem] = []
    if user_has_role(user, Role.STUDENT):
        items += _student_items(user, today)
    if staff_school_ids(user):
        items += _staff_items(user, today)
    if company_ids(user):
        items += _company_items(user, today)
    return items
