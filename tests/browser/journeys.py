"""Steps of the journeys, shared by the browser tests: each drives the real pages the way a
person would (labels and button names, not ids, wherever a person would read them)."""

from playwright.sync_api import expect

from backend.offers.models import Coverage


def main_menu(page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def post_challenge(page, *, title: str, school: str) -> None:
    """As a signed-in company contact: the guided brief, autosaved, then submitted."""
    main_menu(page).get_by_role("link", name="Nieuwe uitdaging").click()
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


def map_and_accept(page, *, title: str, code: str) -> None:
    """As a signed-in teacher: from the dashboard to the offer, map one werkproces (search as
    you type), then accept and publish."""
    page.get_by_role("link", name=f"Beoordeel “{title}”").click()
    page.get_by_role("link", name="Werkprocessen koppelen").click()
    page.get_by_label("Code of woorden").press_sequentially(code, delay=30)
    result = page.locator("#search-results li", has_text=code)
    expect(result).to_be_visible()
    result.get_by_label(f"Dekking voor {code}").select_option(Coverage.FULL)
    result.get_by_role("button", name=f"Koppelen {code}").click()
    expect(page.locator("#mapped-list")).to_contain_text(code)
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Accepteren en publiceren").click()
    expect(page.locator("#offer-status")).to_have_text("Gepubliceerd")
