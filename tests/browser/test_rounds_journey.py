"""An allocation round in a real browser: students rank (with the keyboard on a phone), the
coordinator closes the choices, starts a run and watches the progress bar move, publishes, and a
student reads their assignment and the explanation."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone
from playwright.sync_api import expect

from backend.allocations import services
from backend.allocations.models import (
    AllocationRun,
    Assignment,
    ChoiceList,
    Phase,
    RoundChallenge,
)
from backend.allocations.selectors.access import round_enrolments
from tests.allocation_rounds import make_round
from tests.browser.journeys import confirm_action, journey_shots
from tests.factories import student

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_worker(monkeypatch):
    """Run each queued run in a background thread, pausing at every progress step, as a busy
    worker would, so the page's progress bar has something to show."""
    original = services.runs._progress

    def slow(run_id, claimed_at):
        report = original(run_id, claimed_at)

        def step(stage, percent):
            report(stage, percent)
            time.sleep(0.8)

        return step

    def execute(run_id):
        try:
            services.allocation_run_execute(run_id=run_id)
        finally:
            connection.close()

    def enqueue(run_id):
        transaction.on_commit(lambda: threading.Thread(target=execute, args=(run_id,)).start())

    monkeypatch.setattr(services.runs, "_progress", slow)
    monkeypatch.setattr(services.runs, "_enqueue", enqueue)


def test_students_rank_the_coordinator_runs_and_publishes_and_a_student_reads_why(
    cast, browser, live_server, page, phone_page, login, slow_worker
):
    allocation_round = make_round(cast, phase=Phase.CHOOSING)
    webshop, app = allocation_round.webshop, allocation_round.app

    # Sanne, on a 360 px phone: numbers in the boxes, then ↓ with the keyboard, then save.
    login(phone_page, cast.sanne)
    phone_page.goto(f"/rounds/{allocation_round.pk}/student/")
    phone_page.get_by_label("Positie voor Webshop voor Bakkerij Jansen (leeg = niet kiezen)").fill(
        "1"
    )
    phone_page.get_by_label("Positie voor App voor Pixelfabriek (leeg = niet kiezen)").fill("2")
    phone_page.get_by_role("button", name="Keuzes opslaan").click()
    expect(phone_page.locator(".message-success")).to_contain_text("Je keuzes zijn opgeslagen")
    down = phone_page.get_by_role("button", name="Webshop voor Bakkerij Jansen omlaag")
    down.focus()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("#ranked-list li").first).to_contain_text("App voor Pixelfabriek")
    phone_page.get_by_role("button", name="Keuzes opslaan").click()
    expect(phone_page.locator(".message-success")).to_contain_text("Je keuzes zijn opgeslagen")
    assert list(
        ChoiceList.objects.get(student=cast.sanne)
        .choices.order_by("position")
        .values_list("offer__title", flat=True)
    ) == [
        "App voor Pixelfabriek",
        "Webshop voor Bakkerij Jansen",
    ]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    for name in ("Lotte", "Daan"):
        classmate = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name=name)
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=classmate,
            offer_ids=[webshop.pk, app.pk],
            now=timezone.now(),
        )

    # The coordinator closes the choices, starts a run and watches the progress bar.
    login(page, cast.bos)
    page.goto(f"/rounds/{allocation_round.pk}/")
    confirm_action(page, page.get_by_role("button", name="Keuzes nu sluiten"))
    expect(page.locator("#round-phase")).to_have_text("indelen")
    page.get_by_label("Methode").select_option("optimal")
    page.get_by_role("button", name="Indeling starten").click()
    bar = page.locator("#run-progress progress")
    seen = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not page.locator("#result").count():
        if bar.count():
            value = bar.get_attribute("value")
            if value is not None:
                seen.add(int(value))
        page.wait_for_timeout(200)
    assert any(0 < value < 100 for value in seen), seen  # it moved while the run was going
    expect(page.locator("#result")).to_be_visible()
    assert AllocationRun.objects.get().status == "succeeded"
    confirm_action(page, page.get_by_role("button", name="Indeling publiceren"))
    expect(page.locator("#round-phase")).to_have_text("gepubliceerd (bezwaar mogelijk)")
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.PUBLISHED

    # Sanne reads her assignment and why.
    placed = Assignment.objects.get(round=allocation_round, student=cast.sanne)
    phone_page.goto(f"/rounds/{allocation_round.pk}/student/")
    expect(phone_page.locator("#my-result")).to_be_visible()
    expect(phone_page.locator("#explanation-summary")).to_contain_text(
        f"Je bent ingedeeld bij '{placed.offer.title}'"
    )


@pytest.fixture
def worker_in_request(monkeypatch):
    """Run each queued run as soon as the request that started it commits, in that request's
    thread: no second connection writing while the page reads (SQLite's shared in-memory test
    database answers "table is locked" to that)."""

    def enqueue(run_id):
        transaction.on_commit(lambda: services.allocation_run_execute(run_id=run_id))

    monkeypatch.setattr(services.runs, "_enqueue", enqueue)


def _number(page, selector: str) -> int:
    return int(page.locator(f"{selector} .value").inner_text().strip())


def _page_figures(page) -> dict:
    """What the coordinator reads on the round page: the three figures and, per challenge,
    "N van M" from the list of challenges."""
    occupancy = {}
    for item in page.locator("#occupancy li[data-offer]").all():
        text = item.inner_text()
        found = re.search(r"(\d+) (?:van|of) (\d+)", text)
        assert found, f"no 'N van M' in the challenge line {text!r}"
        occupancy[int(item.get_attribute("data-offer"))] = (int(found[1]), int(found[2]))
    return {
        "assigned": _number(page, "#stat-assigned"),
        "unassigned": _number(page, "#stat-unassigned"),
        "first_choice": _number(page, "#stat-first-choice"),
        "occupancy": occupancy,
    }


def _db_figures(allocation_round) -> dict:
    """The same figures counted straight from the Assignment rows."""
    assignments = Assignment.objects.filter(round=allocation_round)
    participants = round_enrolments(allocation_round).count()
    occupancy = {}
    for entry in RoundChallenge.objects.filter(round=allocation_round).select_related("offer"):
        capacity = entry.capacity if entry.capacity is not None else entry.offer.max_students
        occupancy[entry.offer_id] = (assignments.filter(offer_id=entry.offer_id).count(), capacity)
    return {
        "assigned": assignments.count(),
        "unassigned": participants - assignments.count(),
        "first_choice": assignments.filter(rank=1).count(),
        "occupancy": occupancy,
    }


def test_the_numbers_on_the_round_page_are_the_database_after_a_run_an_override_and_publishing(
    cast, browser, live_server, page, phone_page, login, worker_in_request
):
    """Webshop (1 place) and App (3 places); Sanne and Lotte want the Webshop first, Daan the
    App. The coordinator closes the choices (asked first), runs, moves the Webshop student to
    the App, cannot replace that with a new run without being asked, publishes (asked first);
    Sanne reads her placement and why; Pixelfabriek sees its team by first name only."""
    allocation_round = make_round(cast, app_places=3)
    webshop, app = allocation_round.webshop, allocation_round.app
    lotte = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Lotte")
    daan = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Daan")
    for person, ranked in ((cast.sanne, [webshop, app]), (lotte, [webshop, app]), (daan, [app])):
        services.choice_list_submit(
            allocation_round=allocation_round,
            student=person,
            offer_ids=[offer.pk for offer in ranked],
            now=timezone.now(),
        )

    login(page, cast.bos)
    page.goto(f"/rounds/{allocation_round.pk}/")
    journey_shots(page, "coordinator", "round-choosing")

    # Closing the choices asks first; cancelling leaves the round open.
    close = page.get_by_role("button", name="Keuzes nu sluiten")
    question = confirm_action(page, close, accept=False)
    assert "Keuzes nu sluiten?" in question, question
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.CHOOSING
    confirm_action(page, page.get_by_role("button", name="Keuzes nu sluiten"))
    expect(page.locator("#round-phase")).to_have_text("indelen")
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.ALLOCATING

    # The first run replaces nothing, so it asks nothing.
    page.get_by_label("Methode").select_option("optimal")
    page.get_by_role("button", name="Indeling starten").click()
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    page.reload()
    after_run = _db_figures(allocation_round)
    assert _page_figures(page) == after_run
    assert after_run["assigned"] == 3
    assert after_run["first_choice"] == 2  # Daan and one of Sanne and Lotte
    assert after_run["occupancy"] == {webshop.pk: (1, 1), app.pk: (2, 3)}
    journey_shots(page, "coordinator", "round-after-run")

    # Override: the student on the Webshop moves to the App.
    moved = Assignment.objects.get(round=allocation_round, offer=webshop).student
    page.locator(f"#student-{moved.pk}").get_by_role("link", name="Verplaatsen").click()
    page.get_by_label("Nieuwe uitdaging").select_option(str(app.pk))
    page.get_by_role("button", name="Verplaatsen").click()
    page.goto(f"/rounds/{allocation_round.pk}/")
    after_override = _db_figures(allocation_round)
    assert _page_figures(page) == after_override
    assert after_override["occupancy"] == {webshop.pk: (0, 1), app.pk: (3, 3)}
    assert after_override["first_choice"] == after_run["first_choice"] - 1
    assert after_override["assigned"] == after_run["assigned"]
    journey_shots(page, "coordinator", "round-after-override")

    # A new run would replace the applied one: it asks first, and cancelling starts nothing.
    runs_before = AllocationRun.objects.filter(round=allocation_round).count()
    question = confirm_action(
        page, page.get_by_role("button", name="Indeling starten"), accept=False
    )
    assert "Een nieuwe indeling starten?" in question, question
    assert AllocationRun.objects.filter(round=allocation_round).count() == runs_before

    # Publishing asks first (naming how many students hear about it); cancel changes nothing.
    question = confirm_action(
        page, page.get_by_role("button", name="Indeling publiceren"), accept=False
    )
    assert "Publiceren stuurt 3 studenten hun plaatsing" in question, question
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.REVIEW
    confirm_action(page, page.get_by_role("button", name="Indeling publiceren"))
    expect(page.locator("#round-phase")).to_have_text("gepubliceerd (bezwaar mogelijk)")
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.PUBLISHED
    assert _page_figures(page) == after_override  # publishing changes no number
    journey_shots(page, "coordinator", "round-published")

    # Sanne, on her phone, reads where she is placed and why.
    placed = Assignment.objects.get(round=allocation_round, student=cast.sanne)
    login(phone_page, cast.sanne)
    phone_page.goto(f"/rounds/{allocation_round.pk}/student/")
    result = phone_page.locator("#my-result").locator("xpath=..")
    expect(result).to_contain_text(placed.offer.title)
    expect(result).to_contain_text(placed.offer.owner.name)
    # "Je bent ingedeeld bij …" after the run, "De coördinator heeft je ingedeeld bij …, je 2e
    # keus." when the coordinator moved her.
    summary = phone_page.locator("#explanation-summary")
    expect(summary).to_contain_text(f"ingedeeld bij '{placed.offer.title}'")
    if placed.rank:
        expect(summary).to_contain_text(f"je {placed.rank}e keus")
    journey_shots(phone_page, "student", "round-result")

    # Pixelfabriek sees its team: first names, no surnames, no ranks or grades.
    team = list(
        Assignment.objects.filter(round=allocation_round, offer=app).select_related("student")
    )
    assert len(team) == 3
    login(page, cast.eva)
    page.goto("/rounds/teams/")
    card = page.locator("article", has_text=app.title)
    expect(card.locator("li")).to_have_count(len(team))
    text = card.inner_text()
    for assignment in team:
        assert assignment.student.first_name in text
        assert assignment.student.last_name not in text, (
            f"the company sees the surname {assignment.student.last_name!r}: {text!r}"
        )
    assert not re.search(r"\b\d+e keus\b|cijfer|grade", text, re.IGNORECASE), text
    journey_shots(page, "company", "round-teams")
