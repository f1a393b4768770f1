"""The core journeys in a real browser: a company posts a challenge through the guided brief
(autosave included), a teacher accepts it and maps it onto werkprocessen."""

import pytest
from playwright.sync_api import expect

from backend.offers.models import Coverage, Offer, OfferStatus, WerkprocesMapping

pytestmark = pytest.mark.browser


def post_challenge(page, *, title: str, school: str) -> None:
    """As a signed-in company contact: the guided brief, autosaved, then submitted."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Nieuwe uitdaging"
    ).click()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Wat is de vraag?").fill(
        "Klanten bellen hun bestelling nu door. Kunnen ze online bestellen en betalen?"
    )
    page.get_by_label("Wat zou u helpen?").fill("Een werkend voorbeeld dat wij kunnen testen.")
    # The draft saves itself a second after a change (htmx), without pressing anything.
    expect(page.locator("#autosave-status")).to_contain_text("Concept bewaard", timeout=8000)
    page.get_by_label("Start").fill("2027-02-01")
    page.get_by_label("Einde").fill("2027-03-15")
    page.get_by_label("Hoeveel studenten kunnen meedoen?").fill("4")
    page.get_by_label(school).check()
    page.get_by_role("button", name="Indienen bij de school").click()
    expect(page.locator("#offer-status")).to_have_text("Ingediend")


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
    page.get_by_role("link", name="Beoordeel “Online bestellen bij de bakker”").click()
    page.get_by_role("link", name="Werkprocessen koppelen").click()
    page.get_by_label("Code of woorden").press_sequentially("B1-K1-W2", delay=30)
    result = page.locator("#search-results li", has_text="B1-K1-W2")
    expect(result).to_be_visible()
    result.get_by_label("Dekking voor B1-K1-W2").select_option(Coverage.FULL)
    result.get_by_role("button", name="Koppelen B1-K1-W2").click()
    expect(page.locator("#mapped-list")).to_contain_text("B1-K1-W2")
    shot(page, "offer-mapping")

    page.get_by_role("link", name=offer.title).click()
    page.get_by_role("button", name="Accepteren en publiceren").click()
    expect(page.locator("#offer-status")).to_have_text("Gepubliceerd")
    offer.refresh_from_db()
    assert (offer.status, offer.reviewer) == (OfferStatus.PUBLISHED, cast.devries)
    mapping = WerkprocesMapping.objects.get(offer=offer)
    assert (mapping.werkproces.code, mapping.coverage) == ("B1-K1-W2", Coverage.FULL)

    login(page, cast.jan)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn aanbod").click()
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
