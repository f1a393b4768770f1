import datetime as dt

import pytest
from django.urls import reverse

from backend.allocations import services
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    ChoiceList,
    Objection,
    Phase,
)
from tests.backend.allocations.conftest import NOW, choose, open_round, to_review
from tests.factories import student

FUTURE = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def _future_round(world):
    """The fixture round with deadlines in the real future, so API calls (real clock) are open."""
    AllocationRound.objects.filter(pk=world.round.pk).update(
        choices_close_at=FUTURE, objections_close_at=FUTURE + dt.timedelta(days=14)
    )
    world.round.refresh_from_db()


def test_a_coordinator_creates_a_round_through_the_api(cast, client_for):
    response = client_for(cast.bos).post(
        url("round-list"),
        {
            "name": "Blok 4",
            "school": cast.vista.pk,
            "choices_close_at": "2030-03-01T12:00:00Z",
            "objections_close_at": "2030-03-15T12:00:00Z",
            "min_choices": 2,
            "max_choices": 4,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phase"] == "preparing"
    assert response.json()["school"] == "Vista college"


def test_creating_a_round_is_refused_for_other_roles_and_changes_nothing(cast, client_for):
    payload = {
        "name": "x",
        "school": cast.vista.pk,
        "choices_close_at": "2030-03-01T12:00:00Z",
        "objections_close_at": "2030-03-15T12:00:00Z",
    }
    for user in (cast.devries, cast.sanne, cast.jan, cast.peters):
        assert client_for(user).post(url("round-list"), payload, format="json").status_code == 403
    assert not AllocationRound.objects.exists()


def test_round_settings_errors_name_the_field(cast, client_for):
    response = client_for(cast.bos).post(
        url("round-list"),
        {
            "name": "x",
            "school": cast.vista.pk,
            "choices_close_at": "2030-03-01T12:00:00Z",
            "objections_close_at": "2030-02-01T12:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["objections_close_at"] == [
        "De bezwaartermijn moet na de sluiting van de keuzes eindigen."
    ]


def test_who_sees_which_rounds(world, client_for, django_assert_max_num_queries):
    open_round(world)
    gilde_round = services.allocation_round_create(
        actor=world.cast.peters,
        name="Gilde ronde",
        school=world.cast.gilde,
        choices_close_at=NOW + dt.timedelta(days=7),
        objections_close_at=NOW + dt.timedelta(days=14),
        now=NOW,
    )

    def names(user):
        with django_assert_max_num_queries(8):
            response = client_for(user).get(url("round-list"))
        assert response.status_code == 200
        return {r["name"] for r in response.json()["results"]}

    assert names(world.cast.bos) == {"Blok 3 challenges"}
    assert names(world.cast.devries) == {"Blok 3 challenges"}
    assert names(world.cast.peters) == {"Gilde ronde"}
    assert names(world.cast.sanne) == {"Blok 3 challenges"}
    assert names(world.cast.ahmed) == set()  # Gilde's round is still being prepared
    assert names(world.cast.jan) == set()
    # Someone else's round does not exist for you (404, as for an unused id).
    assert client_for(world.cast.peters).get(url("round-detail", world.round.pk)).status_code == 404
    assert client_for(world.cast.ahmed).get(url("round-detail", world.round.pk)).status_code == 404
    assert client_for(world.cast.sanne).get(url("round-detail", gilde_round.pk)).status_code == 404


def test_the_round_list_query_count_does_not_grow_with_rounds(
    world, client_for, django_assert_max_num_queries
):
    for i in range(5):
        services.allocation_round_create(
            actor=world.cast.bos,
            name=f"Ronde {i}",
            school=world.cast.vista,
            choices_close_at=NOW + dt.timedelta(days=7),
            objections_close_at=NOW + dt.timedelta(days=14),
            now=NOW,
        )
    with django_assert_max_num_queries(8):
        assert len(client_for(world.cast.bos).get(url("round-list")).json()["results"]) == 6


def test_phase_moves_through_the_api_are_for_the_coordinator(world, client_for):
    _future_round(world)
    # De Vries sees the round but may not manage it; the others may not know it exists.
    assert client_for(world.cast.devries).post(url("round-open", world.round.pk)).status_code == 403
    for user in (world.cast.sanne, world.cast.eva, world.cast.peters):
        assert client_for(user).post(url("round-open", world.round.pk)).status_code == 404
    world.round.refresh_from_db()
    assert world.round.phase == Phase.PREPARING
    response = client_for(world.cast.bos).post(url("round-open", world.round.pk))
    assert (response.status_code, response.json()["phase"]) == (200, "choosing")
    response = client_for(world.cast.bos).post(url("round-open", world.round.pk))
    assert response.status_code == 409
    assert response.json()["message"].startswith("Dit kan alleen in de fase voorbereiding")


def test_a_student_sees_open_challenges_and_why_they_fit(world, client_for):
    from backend.curriculum.models import Werkproces
    from backend.offers.models import WerkprocesMapping

    _future_round(world)
    open_round(world)
    werkproces = Werkproces.objects.get(
        code="P1-K1-W1", kerntaak__dossier=world.cast.ict_niveau2.dossier
    )
    WerkprocesMapping.objects.create(
        offer=world.app, werkproces=werkproces, coverage="full", mapped_by=world.cast.devries
    )
    response = client_for(world.cast.sanne).get(url("round-open-challenges", world.round.pk))
    assert response.status_code == 200
    items = response.json()["results"]
    # Data-analyse (niveau 4) and Zorgrobot (VOG) are not open to Sanne.
    assert [i["title"] for i in items] == ["App voor Pixelfabriek", "Webshop voor Bakkerij Jansen"]
    assert items[0]["fits"] == [{"code": "P1-K1-W1", "title": "Werkproces P1-K1-W1"}]
    assert (
        client_for(world.cast.ahmed).get(url("round-open-challenges", world.round.pk)).status_code
        == 404
    )
    assert (
        client_for(world.cast.bos).get(url("round-open-challenges", world.round.pk)).status_code
        == 403
    )


def test_a_student_submits_and_reads_only_their_own_choices(world, client_for):
    _future_round(world)
    open_round(world)
    sanne = client_for(world.cast.sanne)
    response = sanne.put(
        url("round-my-choices", world.round.pk),
        {"choices": [world.app.pk, world.webshop.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [c["title"] for c in response.json()["choices"]] == [
        "App voor Pixelfabriek",
        "Webshop voor Bakkerij Jansen",
    ]
    lotte = client_for(world.classmates[0]).get(url("round-my-choices", world.round.pk)).json()
    assert lotte["choices"] == []
    bad = sanne.put(
        url("round-my-choices", world.round.pk), {"choices": [world.expert.pk]}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["extra"]["fields"]["choices"] == [
        "Je kunt 'Data-analyse' niet kiezen: deze is alleen voor niveau 4."
    ]
    assert (
        client_for(world.cast.ahmed)
        .put(url("round-my-choices", world.round.pk), {"choices": [world.app.pk]}, format="json")
        .status_code
        == 404
    )
    assert ChoiceList.objects.count() == 1


def test_run_start_poll_and_download(world, client_for, django_capture_on_commit_callbacks):
    _future_round(world)
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    services.allocation_round_close_choosing(
        allocation_round=world.round, actor=world.cast.bos, now=NOW
    )
    assert (
        client_for(world.cast.devries)
        .post(url("round-runs", world.round.pk), {}, format="json")
        .status_code
        == 403
    )
    assert not AllocationRun.objects.exists()
    bos = client_for(world.cast.bos)
    with django_capture_on_commit_callbacks(execute=True):
        response = bos.post(
            url("round-runs", world.round.pk), {"mode": "stable", "seed": 5}, format="json"
        )
    assert response.status_code == 202
    run_id = response.json()["id"]
    polled = client_for(world.cast.devries).get(url("run-detail", run_id)).json()
    assert (polled["status"], polled["percent"], polled["stage"]) == ("succeeded", 100, "done")
    assert polled["metrics"]["assigned"] == 3
    problem = bos.get(url("run-problem", run_id))
    assert problem["Content-Type"] == "application/json"
    assert problem.json()["options"] == {"mode": "stable", "seed": 5, "coverage_weight": 0.0}
    assert bos.get(url("run-result", run_id)).json()["format"] == "koppel-allocation-result/1"
    assert client_for(world.cast.peters).get(url("run-problem", run_id)).status_code == 404
    assert client_for(world.cast.sanne).get(url("run-detail", run_id)).status_code == 403


def test_review_endpoints_for_staff_and_refusals(world, client_for, django_assert_max_num_queries):
    to_review(world)
    bos = client_for(world.cast.bos)
    with django_assert_max_num_queries(10):
        assignments = bos.get(url("round-assignments", world.round.pk)).json()["results"]
    assert len(assignments) == 3
    assert "care_notes" not in assignments[0]
    assert (
        client_for(world.cast.devries).get(url("round-assignments", world.round.pk)).status_code
        == 200
    )
    # Sanne takes part (403); Jan and Peters may not know the round exists (404).
    assert (
        client_for(world.cast.sanne).get(url("round-assignments", world.round.pk)).status_code
        == 403
    )
    for user in (world.cast.jan, world.cast.peters):
        assert client_for(user).get(url("round-assignments", world.round.pk)).status_code == 404
    student_id = assignments[0]["student_id"]
    assert (
        client_for(world.cast.devries)
        .post(url("assignment-lock", world.round.pk, student_id))
        .status_code
        == 403
    )
    assert not Assignment.objects.filter(locked=True).exists()
    locked = bos.post(url("assignment-lock", world.round.pk, student_id)).json()
    assert (locked["locked"], locked["source"]) == (True, "locked")
    left = next(u for u in world.students if not Assignment.objects.filter(student=u).exists())
    full = bos.post(
        url("assignment-override", world.round.pk, left.pk),
        {"offer": world.webshop.pk},
        format="json",
    )
    assert full.status_code == 400
    assert full.json()["extra"]["fields"]["offer"] == [
        "Deze uitdaging is vol: 1 van 1 plaatsen bezet."
    ]
    unassigned = bos.get(url("round-unassigned", world.round.pk)).json()["results"]
    assert [u["student_id"] for u in unassigned] == [left.pk]
    export = bos.get(url("round-export", world.round.pk) + "?by=class")
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().splitlines()[0].startswith("klas,")
    assert client_for(world.cast.jan).get(url("round-export", world.round.pk)).status_code == 404
    events = bos.get(url("round-events", world.round.pk)).json()["results"]
    assert [e["kind"] for e in events][:2] == ["created", "phase"]


def test_compare_two_runs_through_the_api(world, client_for):
    first = to_review(world)
    from tests.backend.allocations.conftest import start_and_run

    second = start_and_run(world, mode="stable", seed=2)
    response = client_for(world.cast.bos).get(
        url("round-compare", world.round.pk) + f"?a={first.pk}&b={second.pk}"
    )
    assert response.status_code == 200
    assert response.json()["a"]["assigned"] == 3
    assert (
        client_for(world.cast.bos).get(url("round-compare", world.round.pk) + "?a=1").status_code
        == 400
    )


def test_publish_result_objection_and_teams_through_the_api(world, client_for):
    to_review(world)
    _future_round(world)
    assert (
        client_for(world.cast.devries).post(url("round-publish", world.round.pk)).status_code == 403
    )
    assert client_for(world.cast.bos).post(url("round-publish", world.round.pk)).status_code == 200
    sanne = client_for(world.cast.sanne)
    result = sanne.get(url("round-my-result", world.round.pk)).json()
    assert result["summary"].startswith("Je bent")
    assert result["can_object"] is True
    if result["offer_id"]:
        assert all(set(m) == {"first_name", "level", "programme"} for m in result["team"])
    response = sanne.post(
        url("round-my-objection", world.round.pk), {"reason": "Ik wil iets anders"}, format="json"
    )
    assert response.status_code == 201
    objection_id = response.json()["id"]
    assert (
        client_for(world.cast.devries).get(url("round-objections", world.round.pk)).status_code
        == 200
    )
    assert (
        client_for(world.cast.devries)
        .post(url("objection-decline", objection_id), {"answer": "nee"}, format="json")
        .status_code
        == 403
    )
    assert Objection.objects.get().status == "open"
    declined = client_for(world.cast.bos).post(
        url("objection-decline", objection_id), {"answer": "Helaas vol."}, format="json"
    )
    assert declined.json()["status"] == "declined"
    teams = client_for(world.cast.jan).get(url("team-list")).json()
    assert [t["offer"] for t in teams] == ["Webshop voor Bakkerij Jansen"]
    assert set(teams[0]["members"][0]) == {"first_name", "level", "programme"}
    assert client_for(world.cast.sanne).get(url("team-list")).status_code == 403


def test_the_openapi_schema_documents_the_round_endpoints(cast, client_for):
    response = client_for(cast.bos).get(reverse("api-schema") + "?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/allocations/rounds/",
        "/api/allocations/rounds/{round_id}/runs/",
        "/api/allocations/runs/{run_id}/",
        "/api/allocations/rounds/{round_id}/publish/",
        "/api/allocations/rounds/{round_id}/my-choices/",
        "/api/allocations/objections/{objection_id}/accept/",
        "/api/allocations/teams/",
    ):
        assert path in paths


@pytest.mark.parametrize("extra_students", [0, 10])
def test_open_challenges_query_count_is_fixed(
    world, client_for, django_assert_max_num_queries, extra_students
):
    _future_round(world)
    open_round(world)
    for i in range(extra_students):
        student(school=world.cast.vista, kwalificatie=world.cast.ict_niveau2, first_name=f"X{i}")
    with django_assert_max_num_queries(20):
        assert (
            client_for(world.cast.sanne)
            .get(url("round-open-challenges", world.round.pk))
            .status_code
            == 200
        )
