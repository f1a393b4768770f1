"""The round page's numbers are this round's current assignments (issue 12, "Wrong or stale
numbers"): occupancy per challenge counts only this round, and the metrics, "1e keus" and the
rank bars follow a coordinator's override at once; the run's own proposal is labelled as such.
Enum values (run mode and step, assignment source) reach people as words, not slugs."""

import csv
import io
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import (
    AllocationRun,
    Assignment,
    AssignmentSource,
    Phase,
    RoundChallenge,
)
from backend.allocations.selectors.access import round_enrolments
from tests.allocation_rounds import FUTURE, make_round

pytestmark = pytest.mark.django_db


def _other_round_with_placements(cast, allocation_round):
    """A second Vista round over the same two challenges, everyone placed there: 1 on the
    webshop, 3 on the app (more than the app's 2 places in the first round)."""
    other = services.allocation_round_create(
        actor=cast.bos,
        name="Blok 4",
        school=cast.vista,
        challenges=[allocation_round.webshop, allocation_round.app],
        min_choices=1,
        max_choices=2,
        choices_close_at=FUTURE,
        objections_close_at=FUTURE + timezone.timedelta(days=14),
        now=timezone.now(),
    )
    students = [cast.sanne, *cast.extra]
    for index, user in enumerate(students):
        Assignment.objects.create(
            round=other,
            student=user,
            offer=allocation_round.webshop if index == 0 else allocation_round.app,
            rank=1,
            source=AssignmentSource.ENGINE,
            changed_at=timezone.now(),
        )
    return other


def _page(client, allocation_round) -> str:
    response = client.get(reverse("frontend:round-detail", args=[allocation_round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _stat(page: str, name: str) -> int:
    found = re.search(rf'id="stat-{name}"><span class="value">(\d+)</span>', page)
    assert found, name
    return int(found.group(1))


def _occupancy(page: str) -> dict[int, tuple[int, int]]:
    """{offer id: (taken, places)} from the "Uitdagingen in deze ronde" list."""
    return {
        int(offer_id): (int(taken), int(places))
        for offer_id, taken, places in re.findall(
            r'<li data-offer="(\d+)">[^<]*\((\d+) van (\d+) plaats(?:en)? bezet\)', page
        )
    }


def _rank_bars(page: str) -> str:
    """The rank chart's numbers as its description reads them out."""
    found = re.search(
        r'<desc id="[^"]+">Aantal studenten per keus in de huidige indeling\. ([^<]*)</desc>', page
    )
    assert found
    return found.group(1)


def _db_figures(allocation_round):
    """What the database says about this round alone."""
    assignments = Assignment.objects.filter(round=allocation_round)
    per_offer = Counter(assignments.values_list("offer_id", flat=True))
    ranks = Counter(assignments.exclude(rank=None).values_list("rank", flat=True))
    waiting = (
        round_enrolments(allocation_round)
        .exclude(student_id__in=assignments.values("student_id"))
        .count()
    )
    capacities = {
        entry.offer_id: entry.capacity or entry.offer.max_students
        for entry in RoundChallenge.objects.filter(round=allocation_round).select_related("offer")
    }
    bars = "; ".join(
        [f"{rank}e keus: {n}" for rank, n in sorted(ranks.items())] + [f"niet ingedeeld: {waiting}"]
    )
    return {
        "assigned": assignments.count(),
        "unassigned": waiting,
        "first": ranks.get(1, 0),
        "occupancy": {pk: (per_offer.get(pk, 0), places) for pk, places in capacities.items()},
        "bars": bars,
    }


def _assert_page_matches_db(page, allocation_round):
    expected = _db_figures(allocation_round)
    assert _stat(page, "assigned") == expected["assigned"]
    assert _stat(page, "unassigned") == expected["unassigned"]
    assert _stat(page, "first-choice") == expected["first"]
    assert _occupancy(page) == expected["occupancy"]
    assert _rank_bars(page) == expected["bars"]
    return expected


def test_the_round_page_counts_this_rounds_current_assignments_and_follows_an_override(
    people, page_client
):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    webshop, app = allocation_round.webshop, allocation_round.app
    _other_round_with_placements(people, allocation_round)
    client = page_client(people.bos)

    page = _page(client, allocation_round)
    # After the run: the webshop's 1 place and the app's 2 are taken, one student waits; the
    # other round's 4 placements on the same challenges are not counted here.
    expected = _assert_page_matches_db(page, allocation_round)
    assert expected["occupancy"] == {webshop.pk: (1, 1), app.pk: (2, 2)}
    assert (expected["assigned"], expected["unassigned"], expected["first"]) == (3, 1, 1)
    assert "1e keus: 1; 2e keus: 2; niet ingedeeld: 1" in page
    assert "Webshop voor Bakkerij Jansen — Bakkerij Jansen (1 van 1 plaats bezet)" in page
    run = allocation_round.run
    proposal = (
        f"Oorspronkelijk voorstel van run {run.pk}: 3 studenten ingedeeld, 1 niet ingedeeld, "
        "1 met de 1e keus."
    )
    assert proposal in page
    assert f"Eerlijkheid per groep (voorstel van run {run.pk})" in page

    # The coordinator gives the app a third place and moves the webshop's student there.
    RoundChallenge.objects.filter(round=allocation_round, offer=app).update(capacity=3)
    moved = Assignment.objects.get(round=allocation_round, offer=webshop).student
    response = client.post(
        reverse(
            "frontend:round-assignment-action", args=[allocation_round.pk, moved.pk, "override"]
        ),
        {"offer": app.pk},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(round=allocation_round, student=moved).offer == app

    page = _page(client, allocation_round)
    expected = _assert_page_matches_db(page, allocation_round)
    assert expected["occupancy"] == {webshop.pk: (0, 1), app.pk: (3, 3)}
    assert _stat(page, "first-choice") == 0
    assert "2e keus: 3; niet ingedeeld: 1" in page
    # The engine's own proposal is unchanged, and labelled as the run's.
    assert proposal in page

    # The waiting student goes to the free webshop place: nobody waits any more.
    waiting = (
        round_enrolments(allocation_round)
        .exclude(student_id__in=Assignment.objects.filter(round=allocation_round).values("student"))
        .get()
        .student
    )
    services.assignment_override(
        allocation_round=allocation_round, student=waiting, offer=webshop, actor=people.bos
    )
    page = _page(client, allocation_round)
    expected = _assert_page_matches_db(page, allocation_round)
    assert (expected["assigned"], expected["unassigned"], expected["first"]) == (4, 0, 1)
    assert "1e keus: 1; 2e keus: 3; niet ingedeeld: 0" in page


def test_runs_and_their_step_show_in_words_not_as_stored_values(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    client = page_client(people.bos)
    page = _page(client, allocation_round)
    assert "optimaal (zo hoog mogelijke keuzes) · seed" in page
    assert ">optimal ·" not in page
    # A finished run says "klaar" once, without the engine's last step ("done").
    assert "klaar" in page
    assert "done" not in page
    compare = client.get(
        reverse("frontend:round-compare", args=[allocation_round.pk])
    ).content.decode()
    assert "optimaal (zo hoog mogelijke keuzes) · seed" in compare
    assert " · optimal · " not in compare

    AllocationRun.objects.filter(pk=allocation_round.run.pk).update(
        status="running", stage="explaining"
    )
    partial = client.get(
        reverse("frontend:round-run-progress", args=[allocation_round.pk, allocation_round.run.pk])
    ).content.decode()
    assert "uitleg schrijven" in partial
    assert "explaining" not in partial


def test_the_csv_names_who_placed_each_student_in_words(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    waiting = (
        round_enrolments(allocation_round)
        .exclude(student_id__in=Assignment.objects.filter(round=allocation_round).values("student"))
        .get()
        .student
    )
    RoundChallenge.objects.filter(round=allocation_round, offer=allocation_round.app).update(
        capacity=3
    )
    services.assignment_override(
        allocation_round=allocation_round,
        student=waiting,
        offer=allocation_round.app,
        actor=people.bos,
    )
    response = page_client(people.bos).get(
        reverse("frontend:round-export", args=[allocation_round.pk, "challenge"])
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_student = {row["voornaam"]: row["bron"] for row in rows}
    assert by_student[waiting.first_name] == "handmatig"
    assert sorted(by_student.values()) == ["handmatig", "matcher", "matcher", "matcher"]
    assert not {"engine", "override"} & set(by_student.values())
