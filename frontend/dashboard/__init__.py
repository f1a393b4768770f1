"""The landing page's "what needs my action today": each area contributes its items, built on
that area's selectors. Presentation (titles, links, urgency) lives here, not in the domain."""

import datetime as dt
from typing import TYPE_CHECKING

from frontend.dashboard import agreements, engagement, learning, offers, privacy, rounds
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User

AREAS = (offers, rounds, agreements, engagement, learning, privacy)
FAR_FUTURE = dt.date.max


def sort_key(item: DashboardItem) -> tuple[int, dt.date, str]:
    return (-item.urgency, item.due or FAR_FUTURE, str(item.title))


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    """Everything that needs `user`'s attention, most urgent first."""
    items = [item for area in AREAS for item in area.items_for(user, now=now)]
    return sorted(items, key=sort_key)
