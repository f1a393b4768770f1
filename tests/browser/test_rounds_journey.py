"""An allocation round in a real browser: students rank (with the keyboard on a phone), the
coordinator closes the choices, starts a run and watches the progress bar move, publishes, and a
student reads their assignment and the explanation."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone
from playwright.sync_api import expect

from backend.allocations import services
from backend.allocations.models import AllocationRun, Assignment, ChoiceList, Phase
from tests.allocation_rounds import make_round
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
    page.get_by_role("button", name="Keuzes nu sluiten").click()
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
    page.get_by_role("button", name="Indeling publiceren").click()
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
