"""Dashboard items for the privacy officer: the way to their privacy home, with the open and the
overdue data requests of their institution. Built on backend.privacy selectors."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.privacy.access import is_privacy_officer, officer_schools
from backend.privacy.selectors.officer import officer_overview
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User

AREA = "privacy"


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    if not is_privacy_officer(user):
        return []
    overview = officer_overview(officer_schools(user), now=now)
    home = reverse("frontend:privacy-home")
    items = [
        DashboardItem(
            title=_("Privacy: verzoeken, inzagelog, bewaartermijnen en verwerkingsregister"),
            url=home,
            area=AREA,
            detail=ngettext(
                "%(count)d open verzoek", "%(count)d open verzoeken", overview.open_requests
            )
            % {"count": overview.open_requests},
        )
    ]
    if overview.overdue_requests:
        items.append(
            DashboardItem(
                title=ngettext(
                    "%(count)d verzoek over persoonsgegevens is over de termijn",
                    "%(count)d verzoeken over persoonsgegevens zijn over de termijn",
                    overview.overdue_requests,
                )
                % {"count": overview.overdue_requests},
                url=reverse("frontend:privacy-requests") + "?status=overdue",
                area=AREA,
                urgency=2,
            )
        )
    return items
