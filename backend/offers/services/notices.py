"""What each side hears when an offer changes status (pain point: companies "hear nothing").

Messages are written in each recipient's language (`message_for`) and keyed per transition, so
a retried service call or task never sends the same news twice. They link to the offer's page."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import User
from backend.accounts.roles import COORDINATING_ROLES
from backend.core.links import PageLink
from backend.notifications.services import Message, message_for, notify_many
from backend.offers.models import Offer, OfferStatus, OfferTransition
from backend.offers.selectors import (
    company_contact_ids,
    offer_target_school_ids,
    school_staff_ids,
)

CATEGORY_COMPANY = "offer_status"
CATEGORY_SCHOOL = "offer_review"

COMPANY_TITLES = {
    OfferStatus.SUBMITTED: gettext_lazy("Uw aanbod “%(title)s” is ingediend"),
    OfferStatus.IN_REVIEW: gettext_lazy("Een docent beoordeelt nu uw aanbod “%(title)s”"),
    OfferStatus.PUBLISHED: gettext_lazy("Uw aanbod “%(title)s” is gepubliceerd"),
    OfferStatus.CHANGES_REQUESTED: gettext_lazy("De school vraagt een aanpassing van “%(title)s”"),
    OfferStatus.REJECTED: gettext_lazy("Uw aanbod “%(title)s” is afgewezen"),
    OfferStatus.RUNNING: gettext_lazy("Uw aanbod “%(title)s” is gestart"),
    OfferStatus.COMPLETED: gettext_lazy("Uw aanbod “%(title)s” is afgerond"),
    OfferStatus.ARCHIVED: gettext_lazy("Uw aanbod “%(title)s” is gearchiveerd"),
    OfferStatus.WITHDRAWN: gettext_lazy("Het aanbod “%(title)s” is ingetrokken"),
}
COMPANY_BODIES = {
    OfferStatus.SUBMITTED: gettext_lazy(
        "De school beoordeelt het; u hoort het zodra er een besluit is."
    ),
    OfferStatus.IN_REVIEW: gettext_lazy("U hoort het zodra er een besluit is."),
    OfferStatus.PUBLISHED: gettext_lazy("Studenten kunnen het nu zien en kiezen."),
    OfferStatus.CHANGES_REQUESTED: gettext_lazy(
        "Gevraagde aanpassing: %(note)s\nPas het aanbod aan en dien het opnieuw in."
    ),
    OfferStatus.REJECTED: gettext_lazy("Reden: %(note)s"),
}


def _company_title(offer: Offer, transition: OfferTransition) -> str:
    return str(COMPANY_TITLES[OfferStatus(transition.to_status)]) % {"title": offer.title}


def _company_body(transition: OfferTransition) -> str:
    body = COMPANY_BODIES.get(OfferStatus(transition.to_status))
    if body is None:
        return transition.note or ""
    return str(body) % {"note": transition.note}


def _school_title(offer: Offer, transition: OfferTransition) -> str:
    values = {"title": offer.title, "company": offer.owner.name}
    if transition.to_status == OfferStatus.WITHDRAWN:
        return _("%(company)s heeft “%(title)s” ingetrokken") % values
    if transition.from_status == OfferStatus.CHANGES_REQUESTED:
        return _("%(company)s heeft “%(title)s” aangepast en opnieuw ingediend") % values
    return _("Nieuw aanbod van %(company)s ter beoordeling: “%(title)s”") % values


def _recipients(ids: Iterable[int], exclude: int) -> list[User]:
    return list(User.objects.filter(pk__in=set(ids), is_active=True).exclude(pk=exclude))


def _school_side_ids(offer: Offer, transition: OfferTransition) -> list[int]:
    """The school hears of a submission, and of a withdrawal of what it had received: its
    coordinators and the teacher reviewing the offer."""
    reached_school = transition.to_status == OfferStatus.SUBMITTED or (
        transition.to_status == OfferStatus.WITHDRAWN
        and transition.from_status != OfferStatus.DRAFT
    )
    if not reached_school:
        return []
    ids = school_staff_ids(offer_target_school_ids(offer), COORDINATING_ROLES)
    if offer.reviewer_id:
        ids.append(offer.reviewer_id)
    return ids


def offer_transition_notify(*, offer: Offer, transition: OfferTransition) -> int:
    """Tell the other side about a transition; returns how many messages were new."""
    link = PageLink("offer-detail", offer.pk)
    key = f"offer:{offer.pk}:transition:{transition.pk}"
    # The company hears about every change of its offer, except the ones it made itself.
    messages: list[Message] = [
        message_for(
            user,
            category=CATEGORY_COMPANY,
            title=lambda: _company_title(offer, transition),
            body=lambda: _company_body(transition),
            link=link,
            dedupe_key=f"{key}:company",
        )
        for user in _recipients(company_contact_ids(offer.owner_id), exclude=transition.actor_id)
    ]
    messages += [
        message_for(
            user,
            category=CATEGORY_SCHOOL,
            title=lambda: _school_title(offer, transition),
            body=transition.note,
            link=link,
            dedupe_key=f"{key}:school",
        )
        for user in _recipients(_school_side_ids(offer, transition), exclude=transition.actor_id)
    ]
    return len(notify_many(messages=messages, now=transition.at))
