"""Where an offer stands, in words: "in beoordeling sinds 3 dagen, door Karin de Vries"."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.accounts.selectors import company_ids, organisation_ids_for
from frontend.dashboard.items import DashboardItem
from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors.visibility import (
    REVIEW_STATUSES,
    RUN_ROLES,
    offers_visible_to,
    review_queue_for,
    submitted_to_schools,
)

# A school is expected to decide on a submitted offer within this many days.
REVIEW_EXPECTED_DAYS = 7
# How long a rejection stays on the company's landing page.
REJECTION_VISIBLE_DAYS = 30

NEXT_STEP = {
    OfferStatus.DRAFT: gettext_lazy(
        "Het bedrijf vult het aanbod aan en dient het in bij een school."
    ),
    OfferStatus.SUBMITTED: gettext_lazy(
        "Een docent of coördinator van de school beoordeelt het aanbod."
    ),
    OfferStatus.IN_REVIEW: gettext_lazy(
        "De school beslist: publiceren, om een aanpassing vragen of afwijzen."
    ),
    OfferStatus.CHANGES_REQUESTED: gettext_lazy(
        "Het bedrijf past het aanbod aan en dient het opnieuw in."
    ),
    OfferStatus.PUBLISHED: gettext_lazy(
        "Studenten kunnen het aanbod zien; de coördinator start het als het begint."
    ),
    OfferStatus.REJECTED: gettext_lazy("Niets meer: het aanbod is afgewezen."),
    OfferStatus.RUNNING: gettext_lazy("De coördinator rondt het af als het klaar is."),
    OfferStatus.COMPLETED: gettext_lazy("De coördinator archiveert het aanbod."),
    OfferStatus.ARCHIVED: gettext_lazy("Niets meer: het aanbod is gearchiveerd."),
    OfferStatus.WITHDRAWN: gettext_lazy("Niets meer: het bedrijf heeft het aanbod ingetrokken."),
}


def offer_url(offer_or_id) -> str:
    """The page of an offer in the web app (the API detail when the page does not exist)."""
    pk = getattr(offer_or_id, "pk", offer_or_id)
    try:
        return reverse("frontend:offer-detail", args=[pk])
    except NoReverseMatch:
        return reverse("api:offer-detail", args=[pk])


@dataclass(frozen=True)
class StatusSummary:
    status: str
    label: str
    since: dt.datetime | None
    days: int | None
    by: str
    next_step: str
    expected_by: dt.date | None
    overdue: bool

    @property
    def text(self) -> str:
        parts = [str(self.label).capitalize()]
        if self.days is not None:
            parts.append(
                ngettext("sinds %(days)d dag", "sinds %(days)d dagen", self.days)
                % {"days": self.days}
                if self.days
                else _("sinds vandaag")
            )
        text = " ".join(parts)
        if self.by:
            text += ", " + _("door %(name)s") % {"name": self.by}
        return text


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def offer_status_summary(offer: Offer, now: dt.datetime) -> StatusSummary:
    """What state the offer is in, since when, who moved it, and what happens next (and when).

    In review the person is the reviewer; otherwise whoever made the last change (one query,
    none when `transitions` is prefetched)."""
    if offer.status in REVIEW_STATUSES and offer.reviewer_id:
        by = _person(offer.reviewer)
    else:
        transitions = list(offer.transitions.all())
        by = _person(transitions[-1].actor) if transitions else ""
    since = offer.status_changed_at
    days = (now.date() - since.date()).days if since else None
    expected_by = _expected_by(offer)
    return StatusSummary(
        status=offer.status,
        label=OfferStatus(offer.status).label,
        since=since,
        days=days,
        by=by,
        next_step=str(NEXT_STEP[OfferStatus(offer.status)]),
        expected_by=expected_by,
        overdue=bool(expected_by and now.date() > expected_by),
    )


def _expected_by(offer: Offer) -> dt.date | None:
    """When the next step is due: a decision a week after submission, the start of a
    published offer, the end of a running one."""
    if offer.status in REVIEW_STATUSES and offer.status_changed_at:
        return offer.status_changed_at.date() + dt.timedelta(days=REVIEW_EXPECTED_DAYS)
    if offer.status == OfferStatus.PUBLISHED:
        return offer.starts_on
    if offer.status == OfferStatus.RUNNING:
        return offer.ends_on
    return None


def _waiting_urgency(days: int) -> int:
    if days >= REVIEW_EXPECTED_DAYS:
        return 2
    return 1 if days >= 3 else 0


def dashboard_items_for(user, *, now: dt.datetime) -> list[DashboardItem]:
    """Offers that need this person: reviews waiting (staff), changes requested and recent
    rejections (companies), offers to start or complete (coordinators). Fixed query count."""
    if not user.is_authenticated:
        return []
    items: list[DashboardItem] = []
    today = now.date()
    for offer in review_queue_for(user)[:50]:
        days = (today - offer.status_changed_at.date()).days if offer.status_changed_at else 0
        items.append(
            DashboardItem(
                title=_("Beoordeel “%(title)s”") % {"title": offer.title},
                url=offer_url(offer),
                area="offers",
                detail=_("%(company)s wacht %(days)d dag(en) op een besluit")
                % {"company": offer.owner.name, "days": days},
                due=(offer.status_changed_at.date() if offer.status_changed_at else today)
                + dt.timedelta(days=REVIEW_EXPECTED_DAYS),
                urgency=_waiting_urgency(days),
            )
        )
    items += _company_items(user, now)
    items += _coordinator_items(user, today)
    return items


def _company_items(user, now: dt.datetime) -> list[DashboardItem]:
    companies = company_ids(user)
    if not companies:
        return []
    since = now - dt.timedelta(days=REJECTION_VISIBLE_DAYS)
    offers = Offer.objects.filter(owner_id__in=companies).filter(
        Q(status=OfferStatus.CHANGES_REQUESTED)
        | Q(status=OfferStatus.REJECTED, status_changed_at__gte=since)
    )
    items = []
    for offer in offers.order_by("status", "pk")[:50]:
        if offer.status == OfferStatus.CHANGES_REQUESTED:
            items.append(
                DashboardItem(
                    title=_("Pas “%(title)s” aan en dien het opnieuw in") % {"title": offer.title},
                    url=offer_url(offer),
                    area="offers",
                    detail=offer.change_request,
                    urgency=1,
                )
            )
        else:
            items.append(
                DashboardItem(
                    title=_("“%(title)s” is afgewezen") % {"title": offer.title},
                    url=offer_url(offer),
                    area="offers",
                    detail=offer.rejection_reason,
                    urgency=0,
                )
            )
    return items


def _coordinator_items(user, today: dt.date) -> list[DashboardItem]:
    schools = organisation_ids_for(user, *RUN_ROLES)
    if not schools:
        return []
    to_start = offers_visible_to(user).filter(
        submitted_to_schools(schools), status=OfferStatus.PUBLISHED, starts_on__lte=today
    )
    to_complete = offers_visible_to(user).filter(
        submitted_to_schools(schools), status=OfferStatus.RUNNING, ends_on__lt=today
    )
    items = [
        DashboardItem(
            title=_("Start “%(title)s”: het begint op %(date)s")
            % {"title": offer.title, "date": offer.starts_on.isoformat()},
            url=offer_url(offer),
            area="offers",
            due=offer.starts_on,
            urgency=2,
        )
        for offer in to_start.order_by("starts_on", "pk")[:50]
    ]
    items += [
        DashboardItem(
            title=_("Rond “%(title)s” af: het is geëindigd op %(date)s")
            % {"title": offer.title, "date": offer.ends_on.isoformat()},
            url=offer_url(offer),
            area="offers",
            due=offer.ends_on,
            urgency=1,
        )
        for offer in to_complete.order_by("ends_on", "pk")[:50]
    ]
    return items
