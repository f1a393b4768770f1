"""The whole story end to end, every step through the pages: a company posts a challenge, a
teacher accepts and maps it, students rank it (on a phone), the coordinator runs the allocation
(the progress bar reaches 100 %) and publishes it, a student sees the assignment and its
explanation, and the company accepts the agreement the coordinator proposes."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.agreements.models import Acceptance, Agreement, AgreementStatus
from backend.allocations.models import AllocationRound, Assignment, Phase
from backend.offers.models import Offer, OfferStatus
from tests.browser.journeys import confirm_action, main_menu, map_and_accept, post_challenge
from tests.factories import student

pytestmark = pytest.mark.browser

TITLE = "Online bestellen bij de bakker"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _create_round(page, *, name: str, school: str, challenge: str) -> None:
    main_menu(page).get_by_role("link", name="Rondes").click()
    page.get_by_role("link", name="Nieuwe ronde").click()
    page.get_by_label("Naam").fill(name)
    page.get_by_label("School", exact=True).select_option(label=school)
    page.get_by_label(challenge).check()
    page.get_by_label("Minimaal aantal keuzes").fill("1")
    page.get_by_label("Maximaal aantal keuzes").fill("2")
    now = timezone.now()
    page.get_by_label("Keuzes sluiten op").fill(_local(now + dt.timedelta(days=7)))
    page.get_by_label("Bezwaar mogelijk tot").fill(_local(now + dt.timedelta(days=14)))
    page.get_by_role("button", name="Ronde aanmaken").click()
    expect(page.locator("h1")).to_contain_text(name)


def _rank_on_a_phone(phone_page, login, user, *, round_name: str, challenge: str) -> None:
    login(phone_page, user)
    main_menu(phone_page).get_by_role("link", name="Mijn keuzes").click()
    phone_page.get_by_role("link", name=round_name).click()
    phone_page.get_by_label(f"Positie voor {challenge} (leeg = niet kiezen)").fill("1")
    phone_page.get_by_role("button", name="Keuzes opslaan").click()
    expect(phone_page.locator("#ranked-list")).to_contain_text(challenge)


def test_from_a_companys_question_to_an_accepted_agreement(cast, page, phone_page, login, shot):
    daan = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Daan")

    # 1. The company posts a challenge through the guided brief.
    login(page, cast.jan)
    post_challenge(page, title=TITLE, school="Vista college")

    # 2. A teacher maps it onto a werkproces and accepts it.
    login(page, cast.devries)
    map_and_accept(page, title=TITLE, code="B1-K1-W2")
    offer = Offer.objects.get(title=TITLE)
    assert offer.status == OfferStatus.PUBLISHED

    # 3. The coordinator makes a round with it and opens choosing.
    login(page, cast.bos)
    _create_round(page, name="Periode 3", school="Vista college", challenge=TITLE)
    confirm_action(page, page.get_by_role("button", name="Keuzes openen voor studenten"))
    expect(page.locator("#round-phase")).to_have_text("keuzes maken")
    round_ = AllocationRound.objects.get(name="Periode 3")
    assert round_.phase == Phase.CHOOSING

    # 4. Two students rank it, on their phones.
    for person in (cast.sanne, daan):
        _rank_on_a_phone(phone_page, login, person, round_name="Periode 3", challenge=TITLE)
    shot(phone_page, "journey-student-choices")

    # 5. The coordinator closes choosing, runs the matcher and watches the progress bar.
    page.goto(f"/rounds/{round_.pk}/")
    confirm_action(page, page.get_by_role("button", name="Keuzes nu sluiten"))
    page.get_by_role("button", name="Indeling starten").click()
    progress = page.locator("#run-progress progress")
    expect(progress).to_have_attribute("value", "100", timeout=20_000)
    expect(page.locator("#run-progress [data-status]")).to_have_attribute(
        "data-status", "succeeded"
    )
    shot(page, "journey-run-done")
    confirm_action(page, page.get_by_role("button", name="Indeling publiceren"))
    expect(page.locator("#round-phase")).to_have_text("gepubliceerd (bezwaar mogelijk)")
    round_.refresh_from_db()
    assert round_.phase == Phase.PUBLISHED
    assert set(Assignment.objects.filter(round=round_).values_list("student", "offer")) == {
        (cast.sanne.pk, offer.pk),
        (daan.pk, offer.pk),
    }

    # 6. A student sees the assignment and why.
    login(phone_page, cast.sanne)
    main_menu(phone_page).get_by_role("link", name="Mijn plaatsing").click()
    expect(phone_page.locator("#result")).to_contain_text(TITLE)
    expect(phone_page.locator("#explanation-summary")).not_to_be_empty()
    shot(phone_page, "journey-student-result")

    # 7. The coordinator proposes the agreement; the company reads and accepts it.
    page.goto(f"/aanbod/{offer.pk}/")
    page.get_by_role("button", name="Afspraak opstellen en voorleggen").click()
    # The draft: the offer fills most terms; the coordinator adds what the offer does not say,
    # reads the text, and sends it (irreversible, so it asks first).
    page.get_by_label("Begeleidingsuren van het bedrijf").fill("8")
    for label, text in (
        ("Wat het bedrijf biedt", "een werkplek en een vaste begeleider"),
        ("Wat de studenten opleveren", "een werkende bestelpagina"),
    ):
        if not page.get_by_label(label).input_value():
            page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Bekijk de tekst").click()
    confirm_action(page, page.get_by_role("button", name="Versturen ter acceptatie"))
    expect(page.get_by_role("button", name="Versturen ter acceptatie")).to_have_count(0)
    agreement = Agreement.objects.get(offer=offer)
    assert agreement.status == AgreementStatus.PROPOSED
    login(page, cast.jan)
    main_menu(page).get_by_role("link", name="Afspraken").click()
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("button", name="Afspraak accepteren").click()
    expect(page.get_by_role("button", name="Afspraak accepteren")).to_have_count(0)
    shot(page, "journey-agreement-accepted")
    acceptance = Acceptance.objects.get(version__agreement=agreement, organisation=cast.bakkerij)
    assert acceptance.person == cast.jan

    # 8. The school's coordinator accepts too: both parties have agreed.
    login(page, cast.bos)
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_role("button", name="Afspraak accepteren").click()
    expect(page.get_by_role("button", name="Afspraak accepteren")).to_have_count(0)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACCEPTED
