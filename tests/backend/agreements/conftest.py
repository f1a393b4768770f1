import dataclasses
import datetime as dt

import pytest

from backend.agreements import services
from backend.offers.models import OfferKind, OfferStatus
from tests.factories import OfferFactory

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def offer(cast):
    return OfferFactory(
        kind=OfferKind.CHALLENGE,
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Nieuwe bestelwebsite",
        description="Bouw een bestelpagina voor onze taarten.",
        deliverables="een werkend prototype en een presentatie",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )


@pytest.fixture
def agreement(cast, offer, now):
    # The offer states no hours of guidance: the school fills them in while drafting.
    draft = services.offer_agreement_draft(offer=offer, school=cast.vista, actor=cast.bos, now=now)
    return services.agreement_create_from_offer(
        offer=offer,
        school=cast.vista,
        actor=cast.bos,
        now=now,
        draft=dataclasses.replace(draft, mentoring_hours=8),
    )


@pytest.fixture
def proposed(cast, agreement, now):
    return services.agreement_propose(agreement=agreement, actor=cast.bos, now=now)


@pytest.fixture
def accepted(cast, proposed, now):
    services.agreement_accept(agreement=proposed, actor=cast.jan, now=now)
    services.agreement_accept(agreement=proposed, actor=cast.bos, now=now)
    proposed.refresh_from_db()
    return proposed
