"""The exact team solver (matching/teams.py): one tiny instance per rule with a known answer,
the routing between the flow path and the exact path, the reported groups and bound rules,
and determinism."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from matching import Challenge, Host, Lock, Options, Problem, Student, check, solve
from matching.serialize import problem_from_dict
from matching.types import ClassUnit, GroupOutcome, Rule, RuleBinding

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "matching" / "golden" / "teams"
CASES = sorted(GOLDEN.glob("*.json"))


def _student(sid: str, *prefs: str, **extra: Any) -> Student:
    fields: dict[str, Any] = {"level": 3, "programme": "25604", "school": "vista"}
    fields.update(extra)
    return Student(sid, preferences=prefs, **fields)


def _problem(
    students: list[Student],
    challenges: list[Challenge],
    hosts: tuple[str, ...] = ("h1",),
    locked: tuple[Lock, ...] = (),
    units: tuple[ClassUnit, ...] = (),
    **options: Any,
) -> Problem:
    return Problem(
        tuple(students),
        tuple(challenges),
        tuple(Host(h) for h in hosts),
        locked,
        Options(**options),
        units,
    )


def _placed(problem: Problem) -> tuple[dict[str, str], Any]:
    result = solve(problem)
    assert check(problem, result).violations == ()
    return {a.student: a.challenge for a in result.assignments}, result


def test_a_problem_without_team_features_takes_the_flow_path() -> None:
    problem = _problem(
        [_student("sanne", "c1"), _student("ahmed", "c1", together=("sanne",))],
        [Challenge("c1", "h1", max=2)],
    )  # an unreciprocated wish is still a together list: the exact path runs
    assert solve(problem).gap == 0.0
    plain = _problem([_student("sanne", "c1")], [Challenge("c1", "h1", max=1)])
    result = solve(plain)
    assert (result.gap, result.groups, result.bound_rules) == (None, (), ())


def test_together_off_and_empty_history_take_the_flow_path() -> None:
    problem = _problem(
        [_student("sanne", "c1", together=("ahmed",)), _student("ahmed", "c1", history=("h1",))],
        [Challenge("c1", "h1", max=2)],
        together="off",
        rotation="off",
    )
    assert solve(problem).gap is None


def test_a_hard_group_goes_where_all_members_fit() -> None:
    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",)),
            _student("ahmed", "c2", "c1", together=("sanne",)),
        ],
        [Challenge("c1", "h1", max=1), Challenge("c2", "h1", max=2)],
        together="hard",
    )
    placed, result = _placed(problem)
    assert placed == {"sanne": "c2", "ahmed": "c2"}
    assert result.groups == (GroupOutcome(("ahmed", "sanne"), "together", "c2", True, None),)
    assert result.gap == 0.0
    assert result.explanations["sanne"].together_with == ("ahmed",)


def test_a_hard_group_without_a_common_choice_stays_out_whole() -> None:
    students = [
        _student("sanne", "c1", together=("ahmed",)),
        _student("ahmed", "c2", together=("sanne",)),
    ]
    challenges = [Challenge("c1", "h1", max=2), Challenge("c2", "h1", max=2)]
    placed, result = _placed(_problem(students, challenges, together="hard"))
    assert placed == {}
    assert result.groups[0].reason == "no_common_choice"
    placed, result = _placed(_problem(students, challenges, together="soft"))
    assert placed == {"sanne": "c1", "ahmed": "c2"}
    assert (result.groups[0].kept, result.groups[0].reason) == (False, "no_common_choice")


@pytest.mark.parametrize(
    ("weight", "expected", "reason"),
    [
        (2.0, {"sanne": "c2", "ahmed": "c2"}, None),
        (0.5, {"sanne": "c1", "ahmed": "c2"}, "cheaper_apart"),
    ],
)
def test_a_soft_group_is_kept_when_the_bonus_outweighs_the_ranks(
    weight: float, expected: dict[str, str], reason: str | None
) -> None:
    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",)),
            _student("ahmed", "c2", "c1", together=("sanne",)),
        ],
        [Challenge("c1", "h1", max=2), Challenge("c2", "h1", max=2)],
        together="soft",
        together_weight=weight,
        seed=1,
    )
    placed, result = _placed(problem)
    # Apart costs 1 + 1; together costs 1 + 2 - weight.
    if reason is None:
        assert placed in ({"sanne": "c2", "ahmed": "c2"}, {"sanne": "c1", "ahmed": "c1"})
        assert result.groups[0].kept
    else:
        assert placed == expected
        assert result.groups[0].reason == reason


def test_the_minimum_is_exact_where_closing_first_and_repairing_is_not() -> None:
    # c1 runs with 3 or nobody. Closing it sends everyone to second choices; the optimum
    # fills it with three students who rank it first or second.
    problem = _problem(
        [
            _student("s1", "c1", "c2"),
            _student("s2", "c2", "c1"),
            _student("s3", "c2", "c1"),
            _student("s4", "c2"),
        ],
        [Challenge("c1", "h1", max=3, min=3), Challenge("c2", "h1", max=1)],
    )
    placed, result = _placed(problem)
    assert result.metrics.assigned == 4
    assert placed["s4"] == "c2"
    assert {placed[s] for s in ("s1", "s2", "s3")} == {"c1"}
    assert result.gap == 0.0


def test_a_hard_max_per_class_rule_sends_the_second_classmate_elsewhere() -> None:
    problem = _problem(
        [
            _student("sanne", "c1", "c2", klass="2a"),
            _student("ahmed", "c1", "c2", klass="2a"),
        ],
        [
            Challenge("c1", "h1", max=3, rules=(Rule("max_per_class", 1),)),
            Challenge("c2", "h1", max=3),
        ],
        seed=1,
    )
    placed, result = _placed(problem)
    assert sorted(placed.values()) == ["c1", "c2"]
    second = next(s for s, c in placed.items() if c == "c2")
    assert result.bound_rules == (RuleBinding("c1", "max_per_class", True, (second,)),)
    assert result.explanations[second].rules == ("max_per_class",)


def test_a_soft_max_per_class_rule_costs_its_weight_per_extra_classmate() -> None:
    students = [
        _student("sanne", "c1", "c2", klass="2a"),
        _student("ahmed", "c1", "c2", klass="2a"),
    ]
    for weight, apart in ((2.0, True), (0.5, False)):
        problem = _problem(
            students,
            [
                Challenge(
                    "c1", "h1", max=3, rules=(Rule("max_per_class", 1, hard=False, weight=weight),)
                ),
                Challenge("c2", "h1", max=3),
            ],
        )
        placed, _ = _placed(problem)
        assert (sorted(placed.values()) == ["c1", "c2"]) is apart


def test_a_hard_min_level_rule_moves_a_student_of_that_level_in() -> None:
    problem = _problem(
        [_student("sanne", "c1", level=2), _student("ahmed", "c2", "c1", level=4)],
        [
            Challenge("c1", "h1", max=2, rules=(Rule("min_level", 4, 1),)),
            Challenge("c2", "h1", max=1),
        ],
    )
    placed, result = _placed(problem)
    assert placed == {"sanne": "c1", "ahmed": "c1"}  # else sanne stays out
    assert RuleBinding("c1", "min_level", True, ("ahmed",)) in result.bound_rules


def test_a_hard_mixed_schools_rule_needs_two_schools_when_the_pool_has_them() -> None:
    problem = _problem(
        [
            _student("sanne", "c1", "c2", school="vista"),
            _student("fenna", "c1", "c2", school="vista"),
            _student("ahmed", "c2", "c1", school="gilde"),
        ],
        [
            Challenge("c1", "h1", max=2, rules=(Rule("mixed_schools", 2),)),
            Challenge("c2", "h1", max=1),
        ],
    )
    placed, _ = _placed(problem)
    assert placed["ahmed"] == "c1"
    assert sorted(placed.values()) == ["c1", "c1", "c2"]


def test_mixed_schools_does_not_bind_when_the_pool_has_one_school() -> None:
    problem = _problem(
        [_student("sanne", "c1", school="vista"), _student("fenna", "c1", school="vista")],
        [Challenge("c1", "h1", max=2, rules=(Rule("mixed_schools", 2),))],
    )
    placed, _ = _placed(problem)
    assert placed == {"sanne": "c1", "fenna": "c1"}


@pytest.mark.parametrize(
    ("rotation", "weight", "expected"),
    [("hard", 2.0, "c2"), ("soft", 2.0, "c2"), ("soft", 0.5, "c1"), ("off", 2.0, "c1")],
)
def test_rotation_keeps_a_student_from_a_host_they_had(
    rotation: str, weight: float, expected: str
) -> None:
    problem = _problem(
        [_student("sanne", "c1", "c2", history=("bakkerij",))],
        [Challenge("c1", "bakkerij", max=1), Challenge("c2", "garage", max=1)],
        hosts=("bakkerij", "garage"),
        rotation=rotation,
        rotation_weight=weight,
    )
    placed, result = _placed(problem)
    assert placed == {"sanne": expected}
    if rotation != "off" and expected == "c2":
        assert result.bound_rules == (
            RuleBinding("c1", "rotation", rotation == "hard", ("sanne",)),
        )


def test_a_class_unit_goes_whole_to_the_first_choice_with_room() -> None:
    members = [_student(f"k{i}", klass="2b") for i in range(3)]
    problem = _problem(
        [*members, _student("sanne", "c2")],
        [Challenge("c1", "h1", max=2), Challenge("c2", "h1", max=4)],
        units=(ClassUnit("2b", ("c1", "c2")),),
    )
    placed, result = _placed(problem)
    assert placed == {"k0": "c2", "k1": "c2", "k2": "c2", "sanne": "c2"}
    assert result.groups == (GroupOutcome(("k0", "k1", "k2"), "class", "c2", True, None),)


def test_a_lock_overrides_the_group_and_the_rotation() -> None:
    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",), history=("h1",)),
            _student("ahmed", "c2", together=("sanne",)),
        ],
        [Challenge("c1", "h1", max=2), Challenge("c2", "h2", max=2)],
        hosts=("h1", "h2"),
        locked=(Lock("sanne", "c1"),),
        together="hard",
    )
    placed, _ = _placed(problem)
    assert placed == {"sanne": "c1", "ahmed": "c2"}


def test_the_same_input_gives_the_same_allocation() -> None:
    from bench.engine_gen_teams import generate_teams

    # Proven optimal, so the same allocation must come back (a search cut off by the wall
    # clock is not guaranteed to repeat).
    problem = generate_teams(60, seed=4, variant="rules", time_limit=10.0)
    first, second = solve(problem), solve(problem)
    assert first.gap == 0.0
    assert first.assignments == second.assignments
    assert (first.groups, first.bound_rules, first.gap) == (
        second.groups,
        second.bound_rules,
        second.gap,
    )
    assert check(problem, first).violations == ()


def test_there_is_a_golden_team_case_per_rule() -> None:
    assert {p.stem for p in CASES} >= {
        "together_hard",
        "together_soft",
        "minimum_exact",
        "max_per_class",
        "min_level",
        "mixed_schools",
        "rotation",
        "class_unit",
    }


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_it_reproduces_the_golden_team_case(path: Path) -> None:
    case = json.loads(path.read_text())
    assert case["reason"].strip()
    problem = problem_from_dict(case["problem"])
    expected = case["expected"]
    result = solve(problem)
    assert {a.student: a.challenge for a in result.assignments} == expected["assignments"]
    assert {u.student: u.reason for u in result.unassigned} == expected["unassigned"]
    assert [[list(g.members), g.kind, g.challenge, g.kept, g.reason] for g in result.groups] == (
        expected["groups"]
    )
    assert [[b.challenge, b.kind, b.hard, list(b.students)] for b in result.bound_rules] == (
        expected["bound_rules"]
    )
    assert result.gap == 0.0
    assert check(problem, result).ok


def _model(problem: Problem) -> Any:
    from matching.groups import mutual_groups
    from matching.instance import build_instance, build_team_index
    from matching.teams import TeamModel

    inst = build_instance(problem)
    return TeamModel(inst, build_team_index(inst, mutual_groups(problem)), problem.options)


def test_the_lp_bound_of_the_count_sees_a_hard_group_the_flow_does_not() -> None:
    from matching.relax import lp_bound

    # A hard group of three and a single student for one challenge of two seats: the flow
    # relaxation (groups ignored) places two, but only the single can go: the bound is 1.
    trio = ("sanne", "ahmed", "eva")
    problem = _problem(
        [_student(m, "c1", together=tuple(o for o in trio if o != m)) for m in trio]
        + [_student("jan", "c1")],
        [Challenge("c1", "h1", max=2)],
        together="hard",
    )
    model = _model(problem)
    model.model.maximize(model.count_expr)
    assert lp_bound(model.model.proto, 5.0) == pytest.approx(-1.0)  # stored minimised
    placed, result = _placed(problem)
    assert placed == {"jan": "c1"}
    assert result.gap == 0.0


def test_improve_start_places_a_hard_group_whole_where_it_fits() -> None:
    from matching.teams import improve_start

    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",)),
            _student("ahmed", "c1", "c2", together=("sanne",)),
            _student("eva", "c1"),
        ],
        [Challenge("c1", "h1", max=2), Challenge("c2", "h1", max=2)],
        together="hard",
    )
    model = _model(problem)
    index = model.inst.student_index
    start = [-1] * 3
    start[index["eva"]] = model.inst.challenge_index["c1"]
    assign = improve_start(model, start)
    c2 = model.inst.challenge_index["c2"]
    assert assign[index["sanne"]] == assign[index["ahmed"]] == c2  # c1 has one seat left
    assert assign[index["eva"]] == model.inst.challenge_index["c1"]


def test_improve_start_moves_a_soft_group_together_when_it_pays() -> None:
    from matching.teams import improve_start

    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",)),
            _student("ahmed", "c2", "c1", together=("sanne",)),
        ],
        [Challenge("c1", "h1", max=2), Challenge("c2", "h1", max=2)],
        together="soft",
        together_weight=2.0,
    )
    model = _model(problem)
    c1, c2 = model.inst.challenge_index["c1"], model.inst.challenge_index["c2"]
    index = model.inst.student_index
    start = [-1, -1]
    start[index["sanne"]], start[index["ahmed"]] = c1, c2  # both first choices, apart
    assign = improve_start(model, start)
    assert assign[index["sanne"]] == assign[index["ahmed"]]  # one rank given up, 2 earned


def test_improve_start_does_not_empty_a_team_below_its_minimum() -> None:
    from matching.teams import improve_start

    problem = _problem(
        [
            _student("sanne", "c1", "c2", together=("ahmed",)),
            _student("ahmed", "c2", "c1", together=("sanne",)),
            _student("eva", "c2"),
        ],
        [Challenge("c1", "h1", max=3), Challenge("c2", "h1", max=3, min=2)],
        together="soft",
        together_weight=5.0,
    )
    model = _model(problem)
    c1, c2 = model.inst.challenge_index["c1"], model.inst.challenge_index["c2"]
    index = model.inst.student_index
    start = [-1] * 3
    start[index["sanne"]], start[index["ahmed"]], start[index["eva"]] = c1, c2, c2
    assign = improve_start(model, start)
    # ahmed may not leave c2 (eva alone would break its minimum): sanne joins him instead.
    assert assign[index["sanne"]] == assign[index["ahmed"]] == c2
    assert assign[index["eva"]] == c2


def test_the_lp_guided_step_turns_a_suboptimal_start_into_the_optimum() -> None:
    from matching.relax import lp_solution

    problem = _problem(
        [_student("sanne", "c1", "c2"), _student("ahmed", "c1"), _student("eva", "c2", "c3")],
        [Challenge("c1", "h1", max=1), Challenge("c2", "h1", max=1), Challenge("c3", "h1", max=1)],
    )
    model = _model(problem)
    start = [0, -1, 1]  # sanne in c1 keeps ahmed out; eva holds c2
    model.model.maximize(model.count_expr)
    relaxed = lp_solution(model.model.proto, 5.0)
    assert relaxed is not None
    assert relaxed.value == pytest.approx(-3.0)
    found = model.guided(start, relaxed.values, float("inf"))
    assert found == [1, 0, 2]
    assert model.guided(start, relaxed.values, float("inf")) == found


def test_the_lp_guided_step_places_more_students_when_every_cost_is_negative() -> None:
    from matching.relax import lp_solution

    # coverage_weight 3 with every goal covered: each placement costs 100 * (rank - 3) < 0, so
    # the weight of a student must come from the spread of the costs, not the dearest one.
    goals = {"open_goals": ("B1-K1-W1",)}
    problem = _problem(
        [
            _student("sanne", "c1", "c2", **goals),
            _student("ahmed", "c1", **goals),
            _student("eva", "c2", "c3", **goals),
        ],
        [Challenge(c, "h1", max=1, goals=("B1-K1-W1",)) for c in ("c1", "c2", "c3")],
        coverage_weight=3.0,
    )
    model = _model(problem)
    assert max(cost for item in model.items for _, cost in item.choices) < 0
    start = [0, -1, 1]  # sanne in c1 keeps ahmed out; eva holds c2
    model.model.maximize(model.count_expr)
    relaxed = lp_solution(model.model.proto, 5.0)
    assert relaxed is not None
    assert model.guided(start, relaxed.values, float("inf")) == [1, 0, 2]


def test_the_lp_guided_step_keeps_a_start_it_cannot_improve() -> None:
    from matching.relax import lp_solution

    problem = _problem(
        [_student("sanne", "c1", "c2"), _student("ahmed", "c2", "c1")],
        [Challenge("c1", "h1", max=1), Challenge("c2", "h1", max=1)],
    )
    model = _model(problem)
    start = [0, 1]  # both at their first choice: nothing better exists
    model.model.maximize(model.count_expr)
    relaxed = lp_solution(model.model.proto, 5.0)
    assert relaxed is not None
    assert model.guided(start, relaxed.values, float("inf")) is start


def test_an_lns_sub_model_counts_the_fixed_occupants_in_capacity_and_minimum() -> None:
    from matching.teams import TeamModel

    problem = _problem(
        [_student("sanne", "c1"), _student("ahmed", "c1"), _student("eva", "c1", "c2")],
        [Challenge("c1", "h1", max=2, min=2), Challenge("c2", "h1", max=1)],
    )
    model = _model(problem)
    index, c1 = model.inst.student_index, model.inst.challenge_index["c1"]
    free = [item for item in model.items if item.members[0] != index["sanne"]]
    sub = TeamModel(model.inst, model.team, model.options, free, {index["sanne"]: c1})
    assert sub.open[c1] == 1  # sanne keeps c1 running
    sub.model.maximize(sub.count_expr)
    solver = sub._solver(5.0)
    solver.solve(sub.model)
    placed = sub.place(solver.boolean_value, [c1, -1, -1])
    # c1 has one seat left beside sanne and needs one more student: exactly one of ahmed and
    # eva joins her, and eva otherwise takes c2.
    assert placed[index["sanne"]] == c1
    assert sorted(placed) == sorted([c1, c1, model.inst.challenge_index["c2"]])
    assert model.evaluate(placed)[0] == -3


def test_the_cost_phase_lowers_the_cost_without_losing_a_student() -> None:
    from matching.relax import lp_solution

    problem = _problem(
        [_student("sanne", "c1", "c2"), _student("ahmed", "c2", "c1")],
        [Challenge("c1", "h1", max=1), Challenge("c2", "h1", max=1, min=1)],
    )
    model = _model(problem)
    index = model.inst.student_index
    c1, c2 = model.inst.challenge_index["c1"], model.inst.challenge_index["c2"]
    start = [-1, -1]
    start[index["sanne"]], start[index["ahmed"]] = c2, c1  # both at their second choice
    model.model.add(model.count_expr >= 2)
    model.model.minimize(model.cost_expr())
    relaxed = lp_solution(model.model.proto, 5.0, "HIGHS")
    assert relaxed is not None
    assert relaxed.value == pytest.approx(200.0)  # the LP bound of the cost
    model = _model(problem)  # without the objective set above
    result = model.solve(start, 2, time.monotonic() + 5.0)
    found = result.assign
    assert (found[index["sanne"]], found[index["ahmed"]], result.gap) == (c1, c2, 0.0)
    assert model.evaluate(found) == (-2, 200) < model.evaluate(start) == (-2, 400)
