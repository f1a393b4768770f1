"""Property tests of the exact team solver on small random /2 problems (hypothesis), against
exhaustive enumeration (tests/matching/teams_reference.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from teams_reference import evaluate, team_optimum, team_problems

from matching import Problem, check, solve
from matching.groups import mutual_groups

EXAMPLES = int(os.environ.get("MATCHING_TEAM_EXAMPLES", "60"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _placed(result: object) -> dict[str, str]:
    return {a.student: a.challenge for a in result.assignments}  # type: ignore[attr-defined]


@FAST
@given(team_problems())
def test_it_finds_the_optimum_of_every_team_rule(problem: Problem) -> None:
    result = solve(problem)
    ours = evaluate(problem, _placed(result))
    assert ours is not None, "the engine's allocation breaks a hard rule"
    best = team_optimum(problem)
    if result.gap is None or result.gap == 0:  # the flow path (no team feature) is exact too
        assert ours == best
    else:  # the reported gap bounds the distance to the optimum: in the count, else the cost
        assert ours[0] <= best[0]
        if ours[0] < best[0]:
            assert best[0] - ours[0] <= result.gap * best[0] + 1e-9
        else:
            assert ours[1] - best[1] <= result.gap * max(1, abs(ours[1])) + 1


@FAST
@given(team_problems())
def test_it_never_splits_a_group_when_together_is_hard(problem: Problem) -> None:
    if problem.options.together != "hard":
        problem = Problem(
            problem.students,
            problem.challenges,
            problem.hosts,
            problem.locked,
            type(problem.options)(**{**_options(problem), "together": "hard"}),
            problem.class_units,
        )
    result = solve(problem)
    placed = _placed(result)
    locked = {lock.student for lock in problem.locked}
    for group in mutual_groups(problem):
        free = [m for m in group if m not in locked]
        assert len({placed.get(m) for m in free}) <= 1, (group, placed)


@FAST
@given(team_problems())
def test_check_accepts_every_team_result(problem: Problem) -> None:
    result = solve(problem)
    assert check(problem, result).violations == ()


def _options(problem: Problem) -> dict[str, object]:
    options = problem.options
    return {name: getattr(options, name) for name in type(options).__slots__}  # type: ignore[attr-defined]
