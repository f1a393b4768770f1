"""What needs my action today: one item on a person's landing page."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DashboardItem:
    """One thing a person should look at. `urgency`: 0 info, 1 soon, 2 today/overdue."""

    title: str
    url: str
    area: str  # "offers", "rounds", "agreements", "engagement"
    detail: str = ""
    due: dt.date | None = None
    urgency: int = 0
