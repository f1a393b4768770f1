"""What each side hears when an offer changes status (pain point: companies "hear nothing").

Messages are written in each recipient's language and keyed per transition, so a retried
service call or task never sends the same news twice."""

from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.accounts.models import User
from backend.notifications.services import Message, notify_many
from backend.offers.models import Offer, OfferStatus, OfferTransition
from backend.offers.selectors import (
    RUN_ROLES,
    company_contact_ids,
    offer_target_school_ids,
    offer_url,
    school_staff_ids,
)

CATEGORY_COMPANY = "offer_status"
CATEGORY_SCHOOL = "offer_review"


def _company_text(offer: Offer, transition: OfferTransition) -> tuple[str, str]:
    values = {"title": offer.title, "note": transition.note}
    titles = {
        OfferStatus.SUBMITTED: _("Uw aanbod “%(title)s” is ingediend"),
        OfferStatus.IN_REVIEW: _("Een docent beoordeelt nu uw aanbod “%(title)s”"),
        OfferStatus.PUBLISHED: _("Uw aanbod “%(title)s” is gepubliceerd"),
        OfferStatus.CHANGES_REQUESTED: _("De school vraagt een aanpassing van “%(title)s”"),
        OfferStatus.REJECTED: _("Uw aanbod “%(title)s” is afgewezen"),
        OfferStatus.RUNNING: _("Uw aanbod “%(title)s” is gestart"),
        OfferStatus.COMPLETED: _("Uw aanbod “%(title)s” is afgerond"),
        OfferStatus.ARCHIVED: _("Uw aanbod “%(title)s” is gearchiveerd"),
        OfferStatus.WITHDRAWN: _("Het aanbod “%(title)s” is ingetrokken"),
    }
    bodies = {
        OfferStatus.SUBMITTED: _("De school beoordeelt het; u hoort het zodra er een besluit is."),
        OfferStatus.IN_REVIEW: _("U hoort het zodra er een besluit is."),
        OfferStatus.PUBLISHED: _("Studenten kunnen het nu zien en kiezen."),
        OfferStatus.CHANGES_REQUESTED: _(
            "Gevraagde aanpassing: %(note)s\nPas het aanbod aan en dien het opnieuw in."
        ),
        OfferStatus.REJECTED: _("Reden: %(note)s"),
    }
    title = titles[OfferStatus(transition.to_status)] % values
    body = bodies.get(OfferStatus(transition.to_status), "")
    body = body % values if body else (transition.note or "")
    return title, body


def _school_text(offer: Offer, transition: OfferTransition) -> tuple[str, str]:
    values = {"title": offer.title, "company": offer.owner.name, "note": transition.note}
    if transition.to_status == OfferStatus.WITHDRAWN:
        return (
            _("%(company)s heeft “%(title)s” ingetrokken") % values,
            transition.note,
        )
    if transition.from_status == OfferStatus.CHANGES_REQUESTED:
        title = _("%(company)s heeft “%(title)s” aangepast en opnieuw ingediend") % values
    else:
        title = _("Nieuw aanbod van %(company)s ter beoordeling: “%(title)s”") % values
    return title, transition.note


def _recipients(ids, exclude: int) -> list[User]:
    return list(User.objects.filter(pk__in=set(ids), is_active=True).exclude(pk=exclude))


def offer_transition_notify(*, offer: Offer, transition: OfferTransition) -> int:
    """Tell the other side about a transition; returns how many messages were new."""
    url = offer_url(offer)
    key = f"offer:{offer.pk}:transition:{transition.pk}"
    messages: list[Message] = []
    # The company hears about every change of its offer, except the ones it made itself.
    for user in _recipients(company_contact_ids(offer.owner_id), exclude=transition.actor_id):
        with override(user.preferred_language):
            title, body = _company_text(offer, transition)
        messages.append(
            Message(user.pk, CATEGORY_COMPANY, str(title), str(body), url, f"{key}:company")
        )
    school_side: list[int] = []
    if transition.to_status == OfferStatus.SUBMITTED or (
        transition.to_status == OfferStatus.WITHDRAWN
        and transition.from_status != OfferStatus.DRAFT
    ):
        school_side = school_staff_ids(offer_target_school_ids(offer), RUN_ROLES)
        if offer.reviewer_id:
            school_side.append(offer.reviewer_id)
    for user in _recipients(school_side, exclude=transition.actor_id):
        with override(user.preferred_language):
            title, body = _school_text(offer, transition)
        messages.append(
            Message(user.pk, CATEGORY_SCHOOL, str(title), str(body), url, f"{key}:school")
        )
    return len(notify_many(messages=messages, now=transition.at))
