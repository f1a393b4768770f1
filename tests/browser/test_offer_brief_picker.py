"""The offer brief's programme picker in a real browser: type to filter, tick, see the summary;
and the guest lesson brief from start to the offer page."""

import pytest
from playwright.sync_api import expect

from backend.offers.models import Offer

pytestmark = pytest.mark.browser


def test_the_programme_filter_hides_what_does_not_match_and_summarises_the_choice(
    cast, page, login
):
    login(page, cast.jan)
    page.goto("/aanbod/nieuw/")
    picker = page.locator("#programme-picker")
    niveau2 = picker.locator(f"#id_programmes_{cast.ict_niveau2.pk}")
    niveau4 = picker.locator(f"#id_programmes_{cast.ict_niveau4.pk}")
    expect(picker.get_by_role("searchbox")).to_be_visible()
    expect(picker.locator("[data-programme-summary]")).to_contain_text("Nog geen opleiding")

    picker.get_by_label("Zoek een opleiding").fill(cast.ict_niveau2.crebo)

    expect(niveau2).to_be_visible()
    expect(niveau4).to_be_hidden()
    niveau2.check()
    expect(picker.locator("[data-programme-summary]")).to_contain_text(
        f"Gekozen: {cast.ict_niveau2.title}"
    )
    picker.get_by_label("Zoek een opleiding").fill("bestaat-niet")
    expect(niveau2).to_be_visible()  # a ticked programme never disappears
    expect(niveau4).to_be_hidden()


def test_a_company_offers_a_guest_lesson_with_a_time(cast, page, login):
    login(page, cast.jan)
    page.goto("/aanbod/nieuw/?soort=guest_lesson")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bied een gastles aan")
    page.get_by_label("Onderwerp").fill("Brood bakken voor beginners")
    page.get_by_label("Wat vertelt of doet u?").fill("Samen deeg kneden en bakken.")
    page.get_by_label("Datum", exact=False).first.fill("2027-03-10")
    page.get_by_label("Begintijd").fill("13:00")
    page.get_by_label("Duur in minuten").fill("90")
    page.get_by_role("button", name="Concept opslaan").click()

    expect(page.locator(".message-success")).to_contain_text("Concept opgeslagen")
    offer = Offer.objects.get()
    page.goto(f"/aanbod/{offer.pk}/")
    expect(page.locator("main")).to_contain_text("10 maart 2027, 13:00–14:30")
