"""Steps of the journeys, shared by the browser tests: each drives the real pages the way a
person would (labels and button names, not ids, wherever a person would read them)."""

import os
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from backend.offers.models import Coverage


def main_menu(page):
    """The main menu; on a phone it is folded behind the "Menu" button, which is pressed first."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="Hoofdmenu")


def post_challenge(page, *, title: str, school: str) -> None:
    """As a signed-in company contact: the guided brief, autosaved, then submitted."""
    main_menu(page).get_by_role("link", name="Nieuwe uitdaging").click()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Wat is de vraag?").fill(
        "Klanten bellen hun bestelling nu door. Kunnen ze online bestellen en betalen?"
    )
    page.get_by_label("Wat zou u helpen?").fill("Een werkend voorbeeld dat wij kunnen testen.")
    # The draft saves itself a second after a change (htmx), without pressing anything. A
    # textarea's change event fires when it loses focus: leave the last one on purpose, and
    # allow for a busy CI machine (this wait failed twice at 8 s under a load of 4-6).
    page.get_by_label("Wat zou u helpen?").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Concept bewaard", timeout=20_000)
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


def confirm_action(page, button, *, accept: bool = True, timeout_ms: int = 3000) -> str:
    """Click `button` (of a form with `data-confirm`) and answer the question it asks; returns
    the question. Works with the shared accessible `<dialog>` (buttons `[data-confirm-accept]`
    and `[data-confirm-cancel]`) and with the fallback `window.confirm`. Fails when the click
    asks nothing: an irreversible action must ask first."""
    asked: dict[str, str] = {}

    def answer(dialog):
        asked["question"] = dialog.message
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    try:
        button.click()
        if "question" in asked:
            return asked["question"]
        dialog = page.locator("dialog[open]")
        try:
            dialog.wait_for(state="visible", timeout=timeout_ms)
        except PlaywrightTimeoutError:
            if "question" in asked:  # a native confirm that came a little later
                return asked["question"]
            raise AssertionError(
                f"clicking {button} on {page.url} asked for no confirmation "
                "(no dialog[open] and no window.confirm)"
            ) from None
        question = dialog.inner_text()
        dialog.locator("[data-confirm-accept]" if accept else "[data-confirm-cancel]").click()
        expect(page.locator("dialog[open]")).to_have_count(0)
        return question
    finally:
        page.remove_listener("dialog", answer)


def journey_shots(page, role: str, step: str) -> None:
    """With KOPPEL_SCREENSHOTS=1: the page as it is now, in nl and en at 1280 and 360 px, saved
    to tests/browser/screenshots/<lang>/<width>/<role>-<step>.png (git-ignored). The same URL
    is opened in fresh contexts with this page's cookies, so the journey's own page is left as
    it is. Without the variable (CI) nothing is done."""
    if os.environ.get("KOPPEL_SCREENSHOTS") != "1":
        return
    from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS

    state = page.context.storage_state()
    host = urlsplit(page.url).hostname or "localhost"
    origin = f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
    for lang in ("nl", "en"):
        for viewport in (DESKTOP, PHONE):
            context = page.context.browser.new_context(
                base_url=origin, viewport=viewport, storage_state=state
            )
            context.add_cookies(
                [{"name": "django_language", "value": lang, "domain": host, "path": "/"}]
            )
            try:
                shot = context.new_page()
                shot.goto(page.url)
                path = SCREENSHOTS / lang / str(viewport["width"]) / f"{role}-{step}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                shot.screenshot(path=str(path), full_page=True)
            finally:
                context.close()
