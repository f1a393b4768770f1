"""Dashboard items for the offers area: reviews waiting (school staff), changes requested and
recent rejections (companies), offers to start or complete (coordinators). Built on the offers
selectors; titles, links and urgency here. A fixed number of queries."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.offers.selectors import (
    REVIEW_EXPECTED_DAYS,
    offers_needing_company,
    offers_to_complete,
    offers_to_start,
    review_due,
    review_queue_for,
)
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.offers.models import Offer

AREA = "offers"
# At most this many items of one kind: the landing page is a to-do list, not an archive.
LIMIT = 50


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    if not user.is_authenticated:
        return []
    today = now.date()
    items = [_to_review(offer, today) for offer in review_queue_for(user)[:LIMIT]]
    items += [_for_company(offer) for offer in offers_needing_company(user, now=now)[:LIMIT]]
    items += [_to_start(offer) for offer in offers_to_start(user, today=today)[:LIMIT]]
    items += [_to_complete(offer) for offer in offers_to_complete(user, today=today)[:LIMIT]]
    return items


def _url(offer: "Offer") -> str:
    return reverse("frontend:offer-detail", args=[offer.pk])


def _waiting_urgency(days: int) -> int:
    if days >= REVIEW_EXPECTED_DAYS:
        return 2
    return 1 if days >= 3 else 0


def _waiting_text(company: str, days: int) -> str:
    if days <= 0:
        return _("%(company)s wacht sinds vandaag op een besluit") % {"company": company}
    return ngettext(
        "%(company)s wacht %(days)d dag op een besluit",
        "%(company)s wacht %(days)d dagen op een besluit",
        days,
    ) % {"company": company, "days": days}


def _to_review(offer: "Offer", today: dt.date) -> DashboardItem:
    days, due = review_due(offer, today=today)
    return DashboardItem(
        title=_("Beoordeel “%(title)s”") % {"title": offer.title},
        url=_url(offer),
        area=AREA,
        detail=_waiting_text(offer.owner.name, days),
        due=due,
        urgency=_waiting_urgency(days),
    )


def _for_company(offer: "Offer") -> DashboardItem:
    if offer.changes_requested:
        return DashboardItem(
            title=_("Pas “%(title)s” aan en dien het opnieuw in") % {"title": offer.title},
            url=_url(offer),
            area=AREA,
            detail=offer.change_request,
            urgency=1,
        )
    return DashboardItem(
        title=_("“%(title)s” is afgewezen") % {"title": offer.title},
        url=_url(offer),
        area=AREA,
        detail=offer.rejection_reason,
        urgency=0,
    )


def _day(date: dt.date | None) -> str:
    """A date as people read it ("2 december 2026"), in the page's language."""
    return date_format(date, "j F Y") if date else ""


def _to_start(offer: "Offer") -> DashboardItem:
    return DashboardItem(
        title=_("Start “%(title)s”: het begint op %(date)s")
        % {"title": offer.title, "date": _day(offer.starts_on)},
        url=_url(offer),
        area=AREA,
        due=offer.starts_on,
        urgency=2,
    )


def _to_complete(offer: "Offer") -> DashboardItem:
    return DashboardItem(
        title=_("Rond “%(title)s” af: het is geëindigd op %(date)s")
        % {"title": offer.title, "date": _day(offer.ends_on)},
        url=_url(offer),
        area=AREA,
        due=offer.ends_on,
        urgency=1,
    )
