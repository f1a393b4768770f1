"""The agreements journey in a real browser: the company contact finds the agreement waiting for
acceptance, reads it in English, accepts it; the coordinator's acceptance makes it accepted."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.agreements import services
from backend.agreements.models import Acceptance, AgreementStatus
from backend.offers.models import OfferStatus
from tests.factories import OfferFactory

pytestmark = pytest.mark.browser


def test_the_company_reads_the_agreement_in_english_and_accepts_it(cast, page, login, shot):
    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Online bestellen bij de bakker",
        status=OfferStatus.PUBLISHED,
        starts_on=dt.date(2027, 3, 15),
        ends_on=dt.date(2027, 4, 15),
        schools=[cast.vista],
    )
    agreement = services.agreement_create_from_offer(
        offer=offer, school=cast.vista, actor=cast.bos, now=timezone.now()
    )
    services.agreement_change(
        agreement=agreement,
        actor=cast.bos,
        now=timezone.now(),
        mentoring_hours=8,
        deliverables="een bestelpagina",
    )
    services.agreement_propose(agreement=agreement, actor=cast.bos, now=timezone.now())

    login(page, cast.jan)
    page.goto("/agreements/")
    page.locator("section", has_text="Wacht op jouw acceptatie").get_by_role(
        "link", name="Online bestellen bij de bakker"
    ).click()
    expect(page.locator("#clause-parties-engagement")).to_contain_text(
        "Ze loopt van 15 maart 2027 tot en met 15 april 2027."
    )
    page.get_by_role("link", name="English").click()
    expect(page.locator("#clause-parties-engagement")).to_contain_text(
        "It runs from 15 March 2027 up to and including 15 April 2027."
    )
    expect(page.locator("#clause-data-protection")).to_contain_text("Data protection (GDPR)")
    shot(page, "agreement-to-accept")
    page.get_by_role("button", name="Afspraak accepteren").click()
    expect(page.get_by_text("Je hebt de afspraak geaccepteerd.")).to_be_visible()
    expect(page.get_by_role("button", name="Afspraak accepteren")).to_have_count(0)
    assert page.url.endswith("?lang=en")
    acceptance = Acceptance.objects.get()
    assert (acceptance.person, acceptance.organisation, acceptance.version.number) == (
        cast.jan,
        cast.bakkerij,
        1,
    )
    assert acceptance.ip_address == "127.0.0.1"
    assert "Chrome" in acceptance.user_agent

    login(page, cast.bos)
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_role("button", name="Afspraak accepteren").click()
    expect(page.locator("h1 .badge")).to_have_text("geaccepteerd")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACCEPTED
    page.goto(f"/agreements/{agreement.pk}/print/")
    expect(page.get_by_role("heading", name="Logboek")).to_be_visible()
    shot(page, "agreement-print")
