"""backend.offers.access: the one home of who may do what with an offer, and the status
families the pages, services and APIs share."""

import pytest

from backend.offers.access import (
    OfferActions,
    may_curate,
    may_see_history,
    may_use_review_queue,
    offer_actions,
    reviews_offer,
    runs_offer,
)
from backend.offers.models import OfferStatus

S = OfferStatus
NOTHING = OfferActions(
    edit=False, withdraw=False, review=False, start_review=False, map_werkprocessen=False
)


@pytest.mark.parametrize(
    ("status", "editable", "awaiting", "public", "final", "mappable"),
    [
        (S.DRAFT, True, False, False, False, False),
        (S.SUBMITTED, False, True, False, False, True),
        (S.IN_REVIEW, False, True, False, False, True),
        (S.CHANGES_REQUESTED, True, False, False, False, True),
        (S.PUBLISHED, False, False, True, False, True),
        (S.RUNNING, False, False, True, False, True),
        (S.REJECTED, False, False, False, True, False),
        (S.COMPLETED, False, False, False, True, False),
        (S.ARCHIVED, False, False, False, True, False),
        (S.WITHDRAWN, False, False, False, True, False),
    ],
)
def test_every_status_belongs_to_its_families(
    make_offer, status, editable, awaiting, public, final, mappable
):
    offer = make_offer(status, history=False)
    assert (
        offer.is_editable,
        offer.awaiting_decision,
        offer.is_public,
        offer.is_final,
        offer.is_mappable,
    ) == (editable, awaiting, public, final, mappable)


def test_the_company_edits_a_draft_and_may_withdraw_it(cast, make_offer):
    offer = make_offer(S.DRAFT)
    assert offer_actions(cast.jan, offer) == OfferActions(
        edit=True, withdraw=True, review=False, start_review=False, map_werkprocessen=False
    )


def test_a_teacher_of_the_school_reviews_a_submitted_offer(cast, make_offer):
    offer = make_offer(S.SUBMITTED)
    assert offer_actions(cast.devries, offer) == OfferActions(
        edit=False, withdraw=False, review=True, start_review=True, map_werkprocessen=True
    )
    assert reviews_offer(cast.devries, offer)
    assert not runs_offer(cast.devries, offer)


def test_only_coordinators_run_a_published_offer(cast, make_offer):
    offer = make_offer(S.PUBLISHED)
    assert runs_offer(cast.bos, offer)
    assert offer_actions(cast.bos, offer).map_werkprocessen
    assert not offer_actions(cast.bos, offer).review


def test_outsiders_may_do_nothing(cast, make_offer):
    offer = make_offer(S.SUBMITTED)
    for outsider in (cast.eva, cast.peters, cast.sanne):
        assert offer_actions(outsider, offer) == NOTHING
        assert not may_curate(outsider, offer)
        assert not may_see_history(outsider, offer)
    assert not may_use_review_queue(cast.eva)
    assert may_use_review_queue(cast.peters)
