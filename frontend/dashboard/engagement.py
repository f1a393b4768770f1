"""Dashboard items for the engagement area. TEMPORARY shim: the items move here from
backend.engagement.selectors (the backend must not build presentation)."""

import datetime as dt

from frontend.dashboard.items import DashboardItem


def items_for(user, *, now: dt.datetime) -> list[DashboardItem]:
    from backend.engagement.selectors import dashboard_items_for

    return dashboard_items_for(user, now=now)
