"""Screenshots of the main pages in Dutch and English at desktop and phone widths, written to
tests/browser/screenshots/<lang>/<width>/ for a reviewer (not committed). Each page is also
checked for the basics a screenshot cannot prove: one <h1>, the page language, no horizontal
scrolling at phone width, and a visible focus outline on the first link."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.offers.models import Coverage, OfferStatus, WerkprocesMapping
from backend.offers.services.coverage import coverage_sync_offer
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import OfferFactory

pytestmark = pytest.mark.browser


def _offers(cast):
    submitted = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Online bestellen bij de bakker",
        description="Klanten bellen hun bestelling nu door. Kan dat online?",
        status=OfferStatus.SUBMITTED,
        status_changed_at=timezone.now() - dt.timedelta(days=3),
    )
    submitted.schools.set([cast.vista])
    published = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Instagram voor de bakkerij",
        status=OfferStatus.PUBLISHED,
        niveau_min=2,
        niveau_max=4,
        status_changed_at=timezone.now() - dt.timedelta(days=10),
        reviewer=cast.devries,
    )
    published.schools.set([cast.vista])
    WerkprocesMapping.objects.create(
        offer=published,
        werkproces=cast.ict_niveau2.werkprocessen().get(code="B1-K1-W1"),
        coverage=Coverage.FULL,
        mapped_by=cast.devries,
    )
    coverage_sync_offer(published.pk)  # made past the services: counted as they count
    return submitted, published


def _check(page, *, phone: bool):
    expect(page.locator("h1")).to_have_count(1)
    if phone:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px on a phone"


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_the_main_pages(
    lang, viewport, cast, browser, live_server, login, switch_language, shot
):
    submitted, published = _offers(cast)
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    phone = viewport == PHONE
    try:
        page.goto("/login/")
        if lang == "en":
            switch_language(page, "en")
        _check(page, phone=phone)
        expect(page.locator("#id_username")).to_be_focused()
        shot(page, "login")

        pages = {
            "company": (
                cast.jan,
                [
                    ("dashboard-company", "/"),
                    ("offer-brief", "/aanbod/nieuw/"),
                    ("offer-list", "/aanbod/"),
                    ("offer-detail-company", f"/aanbod/{submitted.pk}/"),
                    ("colleagues", "/organisatie/collegas/"),
                ],
            ),
            "teacher": (
                cast.devries,
                [
                    ("dashboard-teacher", "/"),
                    ("review-queue", "/beoordelen/"),
                    ("offer-detail-teacher", f"/aanbod/{submitted.pk}/"),
                    ("offer-mapping", f"/aanbod/{published.pk}/werkprocessen/?q=B1"),
                    ("coverage", f"/dekking/?opleiding={cast.ict_niveau2.pk}"),
                ],
            ),
            "student": (cast.sanne, [("dashboard-student", "/")]),
        }
        for user, urls in pages.values():
            login(page, user)
            if lang == "en":
                switch_language(page, "en")
            for name, url in urls:
                page.goto(url)
                assert page.evaluate("document.documentElement.lang") == lang, url
                _check(page, phone=phone)
                if name.startswith("dashboard"):
                    # Keyboard users: the first Tab reaches the skip link, which shows itself.
                    page.keyboard.press("Tab")
                    expect(page.locator(".skip-link")).to_be_focused()
                    expect(page.locator(".skip-link")).to_be_in_viewport()
                    page.keyboard.press("Shift+Tab")
                shot(page, name)
    finally:
        context.close()
