"""No page view loads a run's full `problem` or `result` (tens of MB at 100,000 students): pages
read the run's metrics and its RunPlacement rows; only the downloads read the documents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import AllocationRun, Phase
from tests.allocation_rounds import make_round

pytestmark = pytest.mark.django_db

RUN_TABLE = '"allocations_allocationrun"'


def reads_documents(queries) -> list[str]:
    """The SELECTs that read the `problem` or `result` column of a run."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and (f'{RUN_TABLE}."problem"' in q["sql"] or f'{RUN_TABLE}."result"' in q["sql"])
    ]


def reads_placements(queries) -> bool:
    return any("allocations_runplacement" in q["sql"] for q in queries)


def render(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), queries


@pytest.fixture
def reviewed(people):
    """Vista's round in review with two successful runs (optimal, then stable: applied)."""
    allocation_round = make_round(people, phase=Phase.REVIEW)
    second = services.allocation_run_start(
        allocation_round=allocation_round, actor=people.bos, mode="stable", seed=7
    )
    services.allocation_run_execute(run_id=second.pk)
    allocation_round.refresh_from_db()
    assert allocation_round.applied_run_id == second.pk
    allocation_round.second = second
    return allocation_round


def test_the_detector_sees_a_full_run_load(reviewed):
    with CaptureQueriesContext(connection) as queries:
        AllocationRun.objects.get(pk=reviewed.run.pk)
    assert len(reads_documents(queries)) == 1


def test_coordinator_pages_of_a_round_in_review_never_load_run_documents(
    reviewed, people, page_client
):
    bos = page_client(people.bos)
    first, second = reviewed.run.pk, reviewed.second.pk
    unassigned = [
        u for u in (people.sanne, *people.extra) if u.pk not in _placed_students(reviewed)
    ]
    pages = {
        "round": reverse("frontend:round-detail", args=[reviewed.pk]),
        "compare": reverse("frontend:round-compare", args=[reviewed.pk]) + f"?a={first}&b={second}",
        "compare (default runs)": reverse("frontend:round-compare", args=[reviewed.pk]),
        "unassigned": reverse("frontend:round-unassigned", args=[reviewed.pk]),
        "student's assignment": reverse(
            "frontend:round-assignment", args=[reviewed.pk, people.sanne.pk]
        ),
        "unassigned student's page": reverse(
            "frontend:round-assignment", args=[reviewed.pk, unassigned[0].pk]
        ),
        "run progress": reverse("frontend:round-run-progress", args=[reviewed.pk, second]),
        "objections": reverse("frontend:round-objections", args=[reviewed.pk]),
    }
    for label, url in pages.items():
        html, queries = render(bos, url)
        assert reads_documents(queries) == [], label
    # The compare page compares the runs' placements and lists both runs.
    html, queries = render(bos, pages["compare"])
    assert reads_placements(queries)
    assert f"{first} · " in html
    assert f"{second} · " in html
    # The export names why a student has no place from the applied run's placements.
    with CaptureQueriesContext(connection) as queries:
        response = bos.get(reverse("frontend:round-export", args=[reviewed.pk, "class"]))
    assert response.status_code == 200
    assert reads_documents(queries) == []


def _placed_students(allocation_round):
    return {a.student_id for a in allocation_round.assignments.all()}


def test_student_and_company_pages_after_publication_never_load_run_documents(
    reviewed, people, page_client
):
    services.allocation_round_publish(allocation_round=reviewed, actor=people.bos)
    services.objection_submit(
        allocation_round=reviewed, student=people.sanne, reason="Liever iets anders"
    )
    sanne = page_client(people.sanne)
    student_pages = {
        "student round": reverse("frontend:round-student", args=[reviewed.pk]),
        "student assignment": reverse("frontend:student-assignment"),
        "student challenges": reverse("frontend:student-challenges"),
        "student choices": reverse("frontend:student-choices"),
    }
    for label, url in student_pages.items():
        _html, queries = render(sanne, url)
        assert reads_documents(queries) == [], label
    _html, queries = render(sanne, student_pages["student assignment"])
    assert reads_placements(queries)

    html, queries = render(page_client(people.jan), reverse("frontend:round-teams"))
    assert reads_documents(queries) == []
    assert "Webshop voor Bakkerij Jansen" in html

    bos = page_client(people.bos)
    for url in (
        reverse("frontend:round-detail", args=[reviewed.pk]),
        reverse("frontend:round-objections", args=[reviewed.pk]),
    ):
        html, queries = render(bos, url)
        assert reads_documents(queries) == [], url
    assert "Liever iets anders" in html


def test_the_downloads_still_read_the_full_documents(reviewed, people, client_for):
    bos = client_for(people.bos)
    for name, kind in (("api:run-problem", "problem"), ("api:run-result", "result")):
        response = bos.get(reverse(name, args=[reviewed.run.pk]))
        assert response.status_code == 200
        stored = getattr(AllocationRun.objects.get(pk=reviewed.run.pk), kind)
        assert response.json() == stored
