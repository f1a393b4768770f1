"""Dashboard items for the agreements area: agreements waiting for my acceptance, my commitments
due within a week or overdue, and for coordinators overdue commitments of others and agreements
that need re-confirmation. Built on the agreements selectors; titles, links and urgency here."""

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from backend.accounts.selectors import coordinator_school_ids
from backend.agreements.selectors import (
    attention_for_coordinator,
    commitments_due_soon,
    waiting_for_acceptance,
)
from frontend.dashboard.items import DashboardItem

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.agreements.models import Agreement, Commitment

AREA = "agreements"


def items_for(user: "User", *, now: dt.datetime) -> list[DashboardItem]:
    if not user.is_authenticated:
        return []
    today = now.date()
    items = [_waiting(agreement) for agreement in waiting_for_acceptance(user)]
    items += [_mine(commitment, today) for commitment in commitments_due_soon(user, today=today)]
    if coordinator_school_ids(user):
        attention = attention_for_coordinator(user, now=now)
        items += [_late_elsewhere(c) for c in attention.overdue if c.owner_id != user.pk]
        items += [_to_reconfirm(agreement) for agreement in attention.reconfirm]
    return items


def _url(agreement_id: int) -> str:
    return reverse("frontend:agreement-detail", args=[agreement_id])


def _waiting(agreement: "Agreement") -> DashboardItem:
    return DashboardItem(
        title=_("Afspraak wacht op uw acceptatie: %(title)s") % {"title": agreement.title},
        url=_url(agreement.pk),
        area=AREA,
        urgency=1,
    )


def _mine(commitment: "Commitment", today: dt.date) -> DashboardItem:
    late = commitment.is_late(today)
    title = _("Te laat: %(what)s") if late else _("Binnenkort: %(what)s")
    return DashboardItem(
        title=title % {"what": commitment.title},
        url=_url(commitment.agreement_id),
        area=AREA,
        detail=commitment.agreement.title,
        due=commitment.due_on,
        urgency=2 if late or commitment.due_on == today else 1,
    )


def _late_elsewhere(commitment: "Commitment") -> DashboardItem:
    return DashboardItem(
        title=_("Te laat bij %(owner)s: %(what)s")
        % {"owner": commitment.owner, "what": commitment.title},
        url=_url(commitment.agreement_id),
        area=AREA,
        detail=commitment.agreement.title,
        due=commitment.due_on,
        urgency=2,
    )


def _to_reconfirm(agreement: "Agreement") -> DashboardItem:
    return DashboardItem(
        title=_("Opnieuw bevestigen nodig: %(title)s") % {"title": agreement.title},
        url=_url(agreement.pk),
        area=AREA,
        urgency=1,
    )
