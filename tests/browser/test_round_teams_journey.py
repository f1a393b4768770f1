"""Teams in a real browser: the coordinator sets the round's team rules, Sanne and Lotte name each
other on their phones, the run keeps them together, the round page says how many groups were
kept together, and Sanne reads with whom she was placed (the exact team search,
matching/teams.py)."""

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from backend.allocations import services
from backend.allocations.models import Assignment, ChoiceList, Phase, RoundTeamSettings
from tests.allocation_rounds import make_round
from tests.browser.journeys import confirm_action
from tests.factories import student

pytestmark = pytest.mark.browser


@pytest.fixture
def worker_in_request(monkeypatch):
    """Run each queued run as soon as the request that started it commits, in that request's
    thread (as in test_rounds_journey: one connection on SQLite's shared test database)."""

    def enqueue(run_id):
        transaction.on_commit(lambda: services.allocation_run_execute(run_id=run_id))

    monkeypatch.setattr(services.runs, "_enqueue", enqueue)


def _name_teammate(phone_page, login, user, round_id, teammate: str):
    """`user`, on a phone: rank the Webshop then the App, find `teammate` and save."""
    login(phone_page, user)
    phone_page.goto(f"/rounds/{round_id}/student/")
    expect(phone_page.locator("#teammates-help")).to_contain_text(
        "Alleen wensen die over en weer gaan tellen"
    )
    expect(phone_page.locator("#teammates-help")).to_contain_text("hoogstens 3 klasgenoten")
    phone_page.get_by_label("Positie voor Webshop voor Bakkerij Jansen (leeg = niet kiezen)").fill(
        "1"
    )
    phone_page.get_by_label("Positie voor App voor Pixelfabriek (leeg = niet kiezen)").fill("2")
    phone_page.get_by_label("Zoek een klasgenoot op naam").fill(teammate[:3])
    phone_page.locator("#teammate-results").get_by_label(teammate, exact=False).check()
    phone_page.get_by_role("button", name="Keuzes opslaan").click()
    expect(phone_page.locator(".message-success")).to_contain_text("Je keuzes zijn opgeslagen")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_coordinator_sets_team_rules_and_a_mutual_pair_is_placed_together(
    cast, browser, live_server, page, phone_page, login, worker_in_request
):
    allocation_round = make_round(cast, phase=Phase.CHOOSING)
    lotte = student(
        school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte", class_code="2A"
    )
    daan = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Daan")

    # The coordinator: a group is never split, at most two students of one class per team.
    login(page, cast.bos)
    page.goto(f"/rounds/{allocation_round.pk}/")
    page.get_by_role("link", name="Teaminstellingen").click()
    page.get_by_label("Altijd samen: een groep wordt nooit verdeeld").check()
    page.get_by_label("Hoogstens zoveel studenten uit één klas per team").fill("2")
    page.get_by_role("button", name="Teaminstellingen opslaan").click()
    expect(page.locator(".message-success")).to_contain_text("De teaminstellingen zijn opgeslagen")
    settings = RoundTeamSettings.objects.get(round=allocation_round)
    assert (settings.together, settings.max_per_class) == ("hard", 2)

    # Sanne and Lotte name each other; Daan wants the Webshop too, alone.
    _name_teammate(phone_page, login, cast.sanne, allocation_round.pk, "Lotte")
    _name_teammate(phone_page, login, lotte, allocation_round.pk, "Sanne")
    assert list(ChoiceList.objects.get(student=cast.sanne).teammates.all()) == [lotte]
    services.choice_list_submit(
        allocation_round=allocation_round,
        student=daan,
        offer_ids=[allocation_round.webshop.pk],
        now=timezone.now(),
    )

    # The run: the Webshop has one place, so the pair goes to the App together.
    page.goto(f"/rounds/{allocation_round.pk}/")
    confirm_action(page, page.get_by_role("button", name="Keuzes nu sluiten"))
    expect(page.locator("#round-phase")).to_have_text("indelen")
    page.get_by_role("button", name="Indeling starten").click()
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    page.reload()
    expect(page.locator("#teams-kept")).to_contain_text("1 van 1 groep bij elkaar geplaatst.")
    placed = dict(Assignment.objects.filter(round=allocation_round).values_list("student", "offer"))
    assert placed[cast.sanne.pk] == placed[lotte.pk] == allocation_round.app.pk
    assert placed[daan.pk] == allocation_round.webshop.pk
    confirm_action(page, page.get_by_role("button", name="Indeling publiceren"))
    expect(page.locator("#round-phase")).to_have_text("gepubliceerd (bezwaar mogelijk)")

    # Sanne reads with whom she was placed.
    login(phone_page, cast.sanne)
    phone_page.goto(f"/rounds/{allocation_round.pk}/student/")
    expect(phone_page.locator("#together-with")).to_have_text(
        "Je bent samen geplaatst met Lotte, zoals jullie allebei wilden."
    )
