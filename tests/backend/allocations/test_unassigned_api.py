"""GET /api/rounds/<id>/unassigned/: the round's students without a place, a page at a time,
each with at most 30 eligible challenges with room (filtered with `q`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.allocations.apis import review
from backend.allocations.models import Assignment, AssignmentSource
from backend.allocations.selectors.roster import StudentCursor
from tests.backend.allocations.conftest import NOW, to_review
from tests.factories import student


def url(round_id, **query):
    base = reverse("api:round-unassigned", args=[round_id])
    if not query:
        return base
    return base + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def _more_students(world, n, prefix="Extra"):
    return [
        student(
            school=world.cast.vista,
            kwalificatie=world.cast.ict_niveau2,
            first_name=f"{prefix}{i:02d}",
            class_code="ICT2B",
        )
        for i in range(n)
    ]


def test_staff_of_the_school_see_it_others_are_refused(world, client_for):
    assert client_for(world.cast.bos).get(url(world.round.pk)).status_code == 200
    # Teachers of the round's school read the review lists too (the same rule as assignments).
    assert client_for(world.cast.devries).get(url(world.round.pk)).status_code == 200
    # A student of the (draft) round, a company or another school's coordinator: not found.
    assert client_for(world.cast.sanne).get(url(world.round.pk)).status_code == 404
    assert client_for(world.cast.jan).get(url(world.round.pk)).status_code == 404
    assert client_for(world.cast.peters).get(url(world.round.pk)).status_code == 404
    assert client_for(world.cast.bos).get(url(999_999)).status_code == 404


def test_lists_the_students_without_a_place_with_the_challenges_with_room(world, client_for):
    world.vog.required_certificates = []
    world.vog.save()
    to_review(world)
    left = next(u for u in world.students if not Assignment.objects.filter(student=u).exists())
    body = client_for(world.cast.bos).get(url(world.round.pk)).json()
    assert (body["count"], body["count_capped"], body["more_options"]) == (1, False, False)
    assert (body["next"], body["previous"]) == (None, None)
    [row] = body["results"]
    assert row["student_id"] == left.pk
    # Webshop and App are full; Zorgrobot has 2 places; Data-analyse is for niveau 4.
    assert row["options"] == [{"offer_id": world.vog.pk, "title": "Zorgrobot", "places_left": 2}]


def test_pages_by_name_with_next_and_previous_links(world, client_for):
    _more_students(world, 7)
    bos = client_for(world.cast.bos)
    first = bos.get(url(world.round.pk, page_size=4)).json()
    assert first["count"] == 11
    assert first["previous"] is None
    seen = [r["student_id"] for r in first["results"]]
    page = first
    while page["next"]:
        page = bos.get(page["next"]).json()
        assert 1 <= len(page["results"]) <= 4
        seen += [r["student_id"] for r in page["results"]]
    assert len(seen) == len(set(seen)) == 11
    # The last page's previous link leads back to the page before it.
    back = bos.get(page["previous"]).json()
    assert [r["student_id"] for r in back["results"]] == seen[4:8]
    # Every student of the school's round, and nobody else.
    assert Assignment.objects.filter(round=world.round).count() == 0
    assert world.cast.ahmed.pk not in seen
    # The links keep the other parameters.
    assert "page_size=4" in first["next"]


def test_q_filters_the_challenges_and_options_are_capped(world, client_for, monkeypatch):
    bos = client_for(world.cast.bos)
    body = bos.get(url(world.round.pk, q="pixel")).json()
    # The niveau-2 students may do the App (Pixelfabriek) but not Data-analyse or the Zorgrobot
    # (VOG); the Webshop is at Bakkerij Jansen, so `q` leaves it out.
    for row in body["results"]:
        assert [o["title"] for o in row["options"]] == ["App voor Pixelfabriek"]
    monkeypatch.setattr(review, "UNASSIGNED_OPTIONS", 1)
    capped = bos.get(url(world.round.pk)).json()
    assert capped["more_options"] is True
    assert all(len(row["options"]) == 1 for row in capped["results"])


def test_a_fixed_number_of_queries_for_a_small_and_a_larger_round(
    world, client_for, django_assert_num_queries
):
    bos = client_for(world.cast.bos)
    bos.get(url(world.round.pk))  # the session and the like, once
    with CaptureQueriesContext(connection) as small:
        assert len(bos.get(url(world.round.pk, page_size=3)).json()["results"]) == 3
    _more_students(world, 30)
    Assignment.objects.create(
        round=world.round,
        student=world.classmates[0],
        offer=world.app,
        source=AssignmentSource.OVERRIDE,
        changed_at=NOW,
    )
    with django_assert_num_queries(len(small)):
        body = bos.get(url(world.round.pk, page_size=3)).json()
    assert len(body["results"]) == 3
    assert body["count"] == 33


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "51"}, "page_size"),
        ({"page_size": "veel"}, "page_size"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "W10"}, "before"),  # "[]": no name and id
        ({"q": "x" * 101}, "q"),
    ],
)
def test_garbage_paging_or_search_is_a_400_naming_the_parameter(world, client_for, query, field):
    response = client_for(world.cast.bos).get(url(world.round.pk, **query))
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"], response.json()


def test_after_and_before_together_are_refused(world, client_for):
    cursor = StudentCursor("Achter", "Eva", 1).encode()
    response = client_for(world.cast.bos).get(url(world.round.pk, after=cursor, before=cursor))
    assert response.status_code == 400
    assert "before" in response.json()["extra"]["fields"]


def test_the_round_page_and_the_api_list_the_same_students(world, client_for, client):
    _more_students(world, 3)
    api = client_for(world.cast.bos).get(url(world.round.pk)).json()["results"]
    client.force_login(world.cast.bos)
    page = client.get(reverse("frontend:round-unassigned", args=[world.round.pk]))
    assert page.status_code == 200
    names = [row.name for row in page.context["leftovers"]]
    assert [row["name"] for row in api] == names


def test_the_rest_of_the_challenges_is_read_when_the_first_batch_is_not_enough(
    world, client_for, monkeypatch
):
    from backend.allocations.selectors import review as selectors

    bos = client_for(world.cast.bos)
    whole = bos.get(url(world.round.pk)).json()
    # Only the first challenge by title (App) in the first batch: the Webshop comes second.
    monkeypatch.setattr(selectors, "BATCHES", (1, None))
    with CaptureQueriesContext(connection) as two_batches:
        assert bos.get(url(world.round.pk)).json() == whole
    monkeypatch.setattr(selectors, "BATCHES", (200, None))
    with CaptureQueriesContext(connection) as one_batch:
        bos.get(url(world.round.pk))
    # The second batch reads the challenges with room and their rules once more (a fixed
    # number of queries).
    assert 0 < len(two_batches) - len(one_batch) <= 8
    assert {o["title"] for o in whole["results"][0]["options"]} == {
        "App voor Pixelfabriek",
        "Webshop voor Bakkerij Jansen",
    }
