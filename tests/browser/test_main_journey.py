"""The core journeys in a real browser: a company posts a challenge through the guided brief
(autosave included), a teacher accepts it and maps it onto werkprocessen."""

import re

import pytest
from playwright.sync_api import expect

from backend.offers.models import Offer, OfferStatus, WerkprocesMapping

pytestmark = pytest.mark.browser


def test_a_company_signs_in_and_lands_on_its_dashboard(cast, page, login, shot):
    login(page, cast.jan)
    expect(page.locator("h1")).to_contain_text("Jan")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Mijn aanbod")
    shot(page, "dashboard-company")
