"""Access table for the agreement pages: an agreement between Vista and Bakkerij Jansen with
student Sanne working under it. Everyone in it reads it; only the parties' coordinator and
company contact accept it or update commitments; the attention list is for coordinators."""

import dataclasses
import datetime as dt

from django.utils import timezone

from tests.frontend.role_access import COMPANY, COORDINATOR, EVERYONE, PRIVACY, Page


def _agreement(cast):
    from backend.agreements import services
    from backend.offers.models import OfferStatus
    from tests.factories import OfferFactory

    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        status=OfferStatus.PUBLISHED,
        schools=[cast.vista],
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        deliverables="een werkend prototype",
    )
    draft = services.offer_agreement_draft(
        offer=offer, school=cast.vista, actor=cast.bos, now=timezone.now()
    )
    agreement = services.agreement_create_from_offer(
        offer=offer,
        school=cast.vista,
        actor=cast.bos,
        now=timezone.now(),
        draft=dataclasses.replace(draft, mentoring_hours=6),
    )
    services.agreement_set_participants(
        agreement=agreement, students=[cast.sanne], actor=cast.bos, now=timezone.now()
    )
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=timezone.now())
    return agreement


def _agreement_kwargs(cast):
    return {"pk": _agreement(cast).pk}


def _commitment_kwargs(cast):
    return {"pk": _agreement(cast).commitments.filter(owner=cast.jan).first().pk}


PAGES = {
    # Not the privacy officer's business (issue 14).
    "frontend:agreement-list": Page(EVERYONE - PRIVACY),
    "frontend:agreement-attention": Page(COORDINATOR),
    "frontend:agreement-detail": Page(EVERYONE - PRIVACY, kwargs=_agreement_kwargs),
    "frontend:agreement-print": Page(EVERYONE - PRIVACY, kwargs=_agreement_kwargs),
    "frontend:agreement-accept": Page(COMPANY | COORDINATOR, kwargs=_agreement_kwargs),
    "frontend:agreement-commitment-status": Page(COMPANY | COORDINATOR, kwargs=_commitment_kwargs),
}
