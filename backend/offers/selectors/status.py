"""Where an offer stands, in words: "in beoordeling sinds 3 dagen, door Karin de Vries"."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.accounts.models import User
from backend.accounts.roles import COORDINATING_ROLES
from backend.accounts.selectors import company_ids, organisation_ids_for
from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors.visibility import offers_visible_to, submitted_to_schools

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


@dataclass(frozen=True)
class StatusSummary:
    status: str
    label: "StrOrPromise"
    since: dt.datetime | None
    days: int | None
    by: str
    next_step: str
    expected_by: dt.date | None
    overdue: bool
    awaiting_decision: bool = False

    @property
    def expected_text(self) -> str:
        """What is expected by `expected_by`, in words: "besluit verwacht vóór 6 maart" while
        the school has yet to decide, "start gepland op 15 april" once published."""
        if self.expected_by is None:
            return ""
        if self.awaiting_decision:
            template = _("besluit verwacht vóór %(date)s")
        elif self.status == OfferStatus.PUBLISHED:
            template = _("start gepland op %(date)s")
        else:
            template = _("einde gepland op %(date)s")
        return template % {"date": date_format(self.expected_by, "j F")}

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


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


def offer_status_summary(offer: Offer, now: dt.datetime) -> StatusSummary:
    """What state the offer is in, since when, who moved it, and what happens next (and when).

    In review the person is the reviewer; otherwise whoever made the last change, so a
    resubmitted offer names the company contact who resubmitted it, not the teacher who asked
    for the changes (one query, none when `transitions` is prefetched)."""
    if offer.status == OfferStatus.IN_REVIEW and offer.reviewer_id:
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
        awaiting_decision=offer.awaiting_decision,
    )


def _expected_by(offer: Offer) -> dt.date | None:
    """When the next step is due: a decision a week after submission, the start of a
    published offer, the end of a running one."""
    if offer.awaiting_decision and offer.status_changed_at:
        return offer.status_changed_at.date() + dt.timedelta(days=REVIEW_EXPECTED_DAYS)
    if offer.status == OfferStatus.PUBLISHED:
        return offer.starts_on
    if offer.status == OfferStatus.RUNNING:
        return offer.ends_on
    return None


def review_due(offer: Offer, *, today: dt.date) -> tuple[int, dt.date]:
    """How many days a submitted offer has waited for a decision, and when it is due."""
    submitted_on = offer.status_changed_at.date() if offer.status_changed_at else today
    return (today - submitted_on).days, submitted_on + dt.timedelta(days=REVIEW_EXPECTED_DAYS)


def offers_needing_company(user: User, *, now: dt.datetime) -> QuerySet[Offer]:
    """The person's companies' offers that need them: changes requested, or rejected in the
    last REJECTION_VISIBLE_DAYS. Changes requested first, each oldest first."""
    companies = company_ids(user)
    if not companies:
        return Offer.objects.none()
    since = now - dt.timedelta(days=REJECTION_VISIBLE_DAYS)
    return (
        Offer.objects.filter(owner_id__in=companies)
        .filter(
            Q(status=OfferStatus.CHANGES_REQUESTED)
            | Q(status=OfferStatus.REJECTED, status_changed_at__gte=since)
        )
        .order_by("status", "pk")
    )


def _run_by(user: User) -> QuerySet[Offer]:
    """Offers at the schools where this person coordinates (none for anyone else)."""
    schools = organisation_ids_for(user, *COORDINATING_ROLES)
    if not schools:
        return Offer.objects.none()
    return offers_visible_to(user).filter(submitted_to_schools(schools))


def offers_to_start(user: User, *, today: dt.date) -> QuerySet[Offer]:
    """Published offers at the person's coordinated schools that should have started by
    `today`, the earliest start first."""
    return (
        _run_by(user)
        .filter(status=OfferStatus.PUBLISHED, starts_on__lte=today)
        .order_by("starts_on", "pk")
    )


def offers_to_complete(user: User, *, today: dt.date) -> QuerySet[Offer]:
    """Running offers at the person's coordinated schools that ended before `today`."""
    return (
        _run_by(user)
        .filter(status=OfferStatus.RUNNING, ends_on__lt=today)
        .order_by("ends_on", "pk")
    )
