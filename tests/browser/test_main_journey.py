"""The core journeys in a real browser: a company posts a challenge through the guided brief
(autosave included), a teacher accepts it and maps it onto werkprocessen."""

import pytest
from playwright.sync_api import expect

from backend.offers.models import Coverage, Offer, OfferStatus, WerkprocesMapping
from tests.browser.journeys import main_menu, map_and_accept, post_challenge

pytestmark = pytest.mark.browser


def test_a_company_posts_a_challenge_and_a_teacher_accepts_and_maps_it(cast, page, login, shot):
    login(page, cast.jan)
    post_challenge(page, title="Online bestellen bij de bakker", school="Vista college")
    shot(page, "offer-submitted")
    offer = Offer.objects.get(title="Online bestellen bij de bakker")
    assert Offer.objects.count() == 1  # the autosaved draft was submitted, not copied
    assert (offer.status, offer.owner, offer.contact) == (
        OfferStatus.SUBMITTED,
        cast.bakkerij,
        cast.jan,
    )

    login(page, cast.devries)
    map_and_accept(page, title=offer.title, code="B1-K1-W2")
    offer.refresh_from_db()
    assert (offer.status, offer.reviewer) == (OfferStatus.PUBLISHED, cast.devries)
    mapping = WerkprocesMapping.objects.get(offer=offer)
    assert (mapping.werkproces.code, mapping.coverage) == ("B1-K1-W2", Coverage.FULL)

    login(page, cast.jan)
    main_menu(page).get_by_role("link", name="Mijn aanbod").click()
    expect(page.locator(".offer-list")).to_contain_text(
        "Gepubliceerd sinds vandaag, door Karin de Vries"
    )


def test_the_brief_works_without_javascript(cast, browser, live_server, login):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="nl-NL"
    )
    page = context.new_page()
    try:
        login(page, cast.jan)
        page.goto("/aanbod/nieuw/")
        page.get_by_label("Titel").fill("Zonder JavaScript")
        page.get_by_label("Wat is de vraag?").fill("Het werkt ook zonder scripts.")
        page.get_by_role("button", name="Concept opslaan").click()
        expect(page.locator(".message-success")).to_contain_text("Concept opgeslagen")
        assert Offer.objects.get().title == "Zonder JavaScript"
    finally:
        context.close()
