"""Irreversible actions ask first, in the shared confirm dialog (or the browser's confirm where
there is no <dialog>): cancelling changes nothing in the database, confirming does the action.
The rounds (close choices, a run that replaces the applied one, publish) are covered in
test_rounds_journey.py; this module covers the other areas' irreversible buttons."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.offers.models import Offer, OfferStatus
from tests.browser.journeys import confirm_action, journey_shots
from tests.factories import OfferFactory

pytestmark = pytest.mark.browser


def test_withdrawing_an_offer_asks_first_and_cancel_keeps_it(cast, page, login):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Instagram voor de bakkerij",
        status=OfferStatus.SUBMITTED,
        status_changed_at=timezone.now(),
        schools=[cast.vista],
    )
    login(page, cast.jan)
    page.goto(f"/aanbod/{offer.pk}/")
    journey_shots(page, "company", "offer-submitted")

    question = confirm_action(page, page.get_by_role("button", name="Intrekken"), accept=False)
    assert "intrekken" in question, question
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.SUBMITTED
    expect(page.locator("#offer-status")).not_to_have_text("Ingetrokken")

    confirm_action(page, page.get_by_role("button", name="Intrekken"))
    expect(page.locator("#offer-status")).to_have_text("Ingetrokken")
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.WITHDRAWN
    journey_shots(page, "company", "offer-withdrawn")
