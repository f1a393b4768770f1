"""What needs my action today: one item on a person's landing page."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Badge:
    """The word beside an item ("te laat", "vandaag", ...) and its badge class."""

    label: str
    css: str


@dataclass(frozen=True)
class DashboardItem:
    """One thing a person should look at. `urgency`: 0 info, 1 soon, 2 today/overdue."""

    title: str
    url: str
    area: str  # "offers", "rounds", "agreements", "engagement"
    detail: str = ""
    due: dt.date | None = None
    urgency: int = 0

    def badge(self, today: dt.date) -> Badge | None:
        """One badge, from the due date first: past it is "te laat" (never also "vandaag"),
        due today is "vandaag"; without a date an urgent item is "dringend"."""
        if self.due is not None and self.due < today:
            return Badge(_("te laat"), "badge-danger")
        if self.due == today:
            return Badge(_("vandaag"), "badge-danger")
        if self.urgency >= 2 and self.due is None:
            return Badge(_("dringend"), "badge-danger")
        if self.urgency >= 1:
            return Badge(_("binnenkort"), "badge-warn")
        return None
