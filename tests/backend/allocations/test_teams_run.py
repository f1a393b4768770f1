"""A run with teams: the /2 problem it stores, the team outcome on the run (counts) and per
student (with whom, why not together, which rule decided), and what the student reads after
publication (the engine's exact team search, matching/teams.py, decides)."""

import dataclasses
import datetime as dt

from django.urls import reverse

import matching
from backend.allocations import engine_adapter, services
from backend.allocations.models import (
    AllocationRound,
    Assignment,
    AssignmentSource,
    Phase,
    RunPlacement,
)
from backend.allocations.selectors.student import result_for_student
from backend.allocations.services.teams import TeamChoices
from tests.backend.allocations.conftest import NOW, choose, close_and_run, open_round


def _settings(world, **choices):
    services.round_team_settings_set(
        allocation_round=world.round, actor=world.cast.bos, choices=TeamChoices(**choices), now=NOW
    )


def _explanation(run, user):
    return RunPlacement.objects.get(run=run, student_id=user.pk).explanation


def _publish(world):
    services.allocation_round_publish(
        allocation_round=world.round, actor=world.cast.bos, now=NOW + dt.timedelta(days=9)
    )
    world.round.refresh_from_db()


def test_a_plain_round_keeps_the_old_problem_and_stores_no_team_outcome(world):
    open_round(world)
    for user in world.students:
        choose(world, user, world.webshop, world.app)
    run = close_and_run(world)
    assert run.problem["format"] == "koppel-allocation/1"
    assert run.teams is None


def test_mutual_wishes_travel_in_the_stored_problem(world):
    open_round(world)
    sanne, lotte, daan = world.cast.sanne, *world.classmates[:2]
    choose(world, sanne, world.webshop, world.app, teammates=[lotte, daan])
    choose(world, lotte, world.webshop, world.app, teammates=[sanne])
    choose(world, daan, world.app)
    run = close_and_run(world)
    assert run.problem["format"] == "koppel-allocation/2"
    students = {s["id"]: s for s in run.problem["students"]}
    assert students[f"s{sanne.pk}"]["together"] == [f"s{lotte.pk}"]
    assert students[f"s{lotte.pk}"]["together"] == [f"s{sanne.pk}"]
    assert students[f"s{daan.pk}"]["together"] == []
    assert run.problem["options"]["together"] == "soft"
    assert run.teams is not None  # a team problem always has an outcome on the run


def test_a_mutual_pair_is_placed_together_and_the_student_reads_with_whom(world, client_for):
    _settings(world, together="hard")
    open_round(world)
    sanne, lotte, daan, noor = world.cast.sanne, *world.classmates
    # The webshop has one place: together, Sanne and Lotte can only go to the app (two places).
    choose(world, sanne, world.webshop, world.app, teammates=[lotte])
    choose(world, lotte, world.webshop, world.app, teammates=[sanne])
    choose(world, daan, world.webshop)
    choose(world, noor, world.webshop)
    run = close_and_run(world)
    assert run.teams["groups"] == 1
    assert run.teams["kept"] == 1
    placed = dict(Assignment.objects.filter(round=world.round).values_list("student", "offer"))
    assert placed[sanne.pk] == placed[lotte.pk] == world.app.pk
    assert _explanation(run, sanne)["together_with"] == [lotte.pk]
    assert _explanation(run, sanne)["group"] == {"kept": True, "reason": None}
    _publish(world)
    result = result_for_student(world.round, sanne, now=NOW + dt.timedelta(days=9))
    assert result.together_with == ["Lotte"]
    assert result.group_note == ""
    assert result.wishes == [("Lotte", True, True)]
    api = client_for(sanne).get(reverse("api:round-my-result", args=[world.round.pk])).json()
    assert api["together_with"] == ["Lotte"]
    assert api["together_note"] == ""
    assert api["rule_notes"] == []


def test_a_pair_without_a_common_choice_reads_why_not(world):
    open_round(world)
    sanne, lotte = world.cast.sanne, world.classmates[0]
    choose(world, sanne, world.webshop, teammates=[lotte])
    choose(world, lotte, world.app, teammates=[sanne])
    run = close_and_run(world)
    assert run.teams["groups"] == 1
    assert run.teams["kept"] == 0
    assert run.teams["not_kept"] == {"no_common_choice": 1}
    _publish(world)
    result = result_for_student(world.round, sanne, now=NOW + dt.timedelta(days=9))
    assert result.together_with == []
    assert result.group_note == (
        "Jullie konden niet samen: er was geen uitdaging die jullie allemaal hadden gekozen."
    )


def test_a_wish_that_is_not_returned_is_explained_to_the_student(world):
    open_round(world)
    sanne, lotte = world.cast.sanne, world.classmates[0]
    choose(world, sanne, world.app, teammates=[lotte])
    choose(world, lotte, world.app)
    close_and_run(world)
    _publish(world)
    result = result_for_student(world.round, sanne, now=NOW + dt.timedelta(days=9))
    assert result.wishes == [("Lotte", True, False)]
    assert result.group_note.startswith("Je noemde klasgenoten om mee samen te werken, maar geen")


def test_a_hard_rule_per_class_binds_and_is_named(world):
    _settings(world, max_per_class=1)
    open_round(world)
    lotte, daan, noor = world.classmates
    for user in (lotte, daan):  # both of class ICT2A, the app has two places
        choose(world, user, world.app)
    choose(world, noor, world.webshop)
    run = close_and_run(world)
    placed = set(
        Assignment.objects.filter(round=world.round, offer=world.app).values_list(
            "student", flat=True
        )
    )
    assert len(placed & {lotte.pk, daan.pk}) == 1
    (bound,) = [r for r in run.teams["bound_rules"] if r["kind"] == "max_per_class"]
    assert bound == {
        "offer_id": world.app.pk,
        "kind": "max_per_class",
        "hard": True,
        "value": 1,
        "count": 1,
        "students": bound["students"],
    }
    assert bound["students"] >= 1
    assert run.teams["gap"] == 0.0


def test_rotation_keeps_a_student_from_a_host_she_already_had(world):
    cast = world.cast
    earlier = AllocationRound.objects.create(
        name="Blok 2",
        school=cast.vista,
        choices_close_at=NOW - dt.timedelta(days=60),
        objections_close_at=NOW - dt.timedelta(days=40),
        phase=Phase.CLOSED,
        created_by=cast.bos,
    )
    Assignment.objects.create(
        round=earlier,
        student=cast.sanne,
        offer=world.webshop,
        source=AssignmentSource.ENGINE,
        changed_at=NOW - dt.timedelta(days=50),
    )
    _settings(world, rotation="hard")
    open_round(world)
    choose(world, cast.sanne, world.webshop, world.app)
    run = close_and_run(world)
    students = {s["id"]: s for s in run.problem["students"]}
    assert students[f"s{cast.sanne.pk}"]["history"] == [f"h{cast.bakkerij.pk}"]
    assert Assignment.objects.get(round=world.round, student=cast.sanne).offer == world.app


def test_the_run_stores_the_engines_team_outcome_as_counts(world, monkeypatch):
    """Whatever the engine reports is stored as counts on the run and per student in the
    placements (a stand-in outcome on the real result: this is about the backend's side)."""
    real_solve = matching.solve

    def solve_with_teams(problem, **kwargs):
        result = real_solve(problem, **kwargs)
        ids = sorted(s.id for s in problem.students)
        explanations = dict(result.explanations)
        explanations[ids[0]] = dataclasses.replace(
            explanations[ids[0]], rules=("min_level",), together_with=()
        )
        return dataclasses.replace(
            result,
            explanations=explanations,
            gap=0.04,
            groups=(
                matching.GroupOutcome(tuple(ids[:2]), "together", None, kept=False, reason="rule"),
            ),
            bound_rules=(matching.RuleBinding(f"c{world.app.pk}", "min_level", True, (ids[0],)),),
        )

    monkeypatch.setattr(engine_adapter.matching, "solve", solve_with_teams)
    _settings(world, min_level=2)
    open_round(world)
    for user in world.students:
        choose(world, user, world.app)
    run = close_and_run(world)
    assert run.teams == {
        "reported": True,
        "gap": 0.04,
        "groups": 1,
        "kept": 0,
        "not_kept": {"rule": 1},
        "classes": 0,
        "classes_kept": 0,
        "bound_rules": [
            {
                "offer_id": world.app.pk,
                "kind": "min_level",
                "hard": True,
                "value": 2,
                "count": 1,
                "students": 1,
            }
        ],
    }
    first = min(world.students, key=lambda u: f"s{u.pk}")  # ids[0] above
    assert _explanation(run, first)["rules"] == ["min_level"]
    others = [u for u in world.students if u != first]
    assert all("rules" not in _explanation(run, u) for u in others)
