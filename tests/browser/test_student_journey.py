"""A student's journey in a real browser: dashboard → Uitdagingen → a challenge → add it to the
choices → why it fits stays visible → find a teammate with the keyboard (htmx search) → save."""

import pytest
from playwright.sync_api import expect

from backend.allocations.models import ChoiceList, Phase
from backend.curriculum.models import Werkproces
from backend.offers.models import Coverage, WerkprocesMapping
from tests.allocation_rounds import make_round
from tests.factories import student

pytestmark = pytest.mark.browser


def test_a_student_finds_a_challenge_adds_it_and_names_a_teammate(cast, page, login):
    allocation_round = make_round(cast, phase=Phase.CHOOSING)
    WerkprocesMapping.objects.create(
        offer=allocation_round.app,
        werkproces=Werkproces.objects.get(
            code="B1-K1-W1", kerntaak__dossier=cast.ict_niveau2.dossier
        ),
        coverage=Coverage.FULL,
        mapped_by=cast.devries,
    )
    finns = [
        student(
            school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Finn", class_code=code
        )
        for code in ("2A", "2B")
    ]

    login(page, cast.sanne)
    page.get_by_role("link", name="Uitdagingen bekijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uitdagingen")
    expect(page.locator("#result-count")).to_have_text("2 uitdagingen")
    page.get_by_role("link", name="App voor Pixelfabriek").click()
    expect(page.get_by_role("heading", name="Waarom dit bij je past", exact=True)).to_be_visible()
    page.get_by_role("button", name="Toevoegen aan mijn keuzes").click()
    expect(page.locator(".message-success")).to_contain_text("staat nu bij je keuzes, op plek 1")
    expect(page.locator("#rank")).to_have_text("Je staat op plek 1 bij je keuzes.")

    page.get_by_role("link", name="Volgorde aanpassen").click()
    ranked = page.locator("#ranked-list")
    expect(ranked).to_contain_text("App voor Pixelfabriek")
    expect(ranked).to_contain_text("Werkproces B1-K1-W1")

    search = page.get_by_label("Zoek een klasgenoot op naam")
    search.focus()
    page.keyboard.type("fin")
    expect(page.locator("#teammate-status")).to_have_text("2 klasgenoten gevonden.")
    expect(page.locator("#teammate-results")).to_contain_text("Finn A. · klas 2B · niveau 2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first result: Finn, klas 2A
    expect(page.get_by_role("checkbox", name="Finn A. · klas 2A · niveau 2")).to_be_checked()
    page.get_by_role("button", name="Keuzes opslaan").click()
    expect(page.locator(".message-success")).to_contain_text("Je keuzes zijn opgeslagen")
    assert list(ChoiceList.objects.get(student=cast.sanne).teammates.all()) == [finns[0]]
    expect(page.locator(".teammate-chosen")).to_contain_text("Finn A. · klas 2A · niveau 2")
