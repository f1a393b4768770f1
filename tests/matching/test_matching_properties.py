"""Property-based tests on random small instances (hypothesis)."""

from __future__ import annotations

import dataclasses
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_reference import (
    all_matchings,
    cp_sat_optimum,
    naive_blocking_pairs,
    problems,
)

from matching import Problem, check, count_blocking_pairs, solve
from matching.validate import rule_failure

# MATCHING_EXAMPLES=2000 for a thorough run; the default keeps the suite at about a minute.
EXAMPLES = int(os.environ.get("MATCHING_EXAMPLES", "100"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REASONS = {"not_eligible", "full", "host_full", "closed", "tradeoff", "locked"}


def _matching(result: object) -> dict[str, str]:
    return {a.student: a.challenge for a in result.assignments}  # type: ignore[attr-defined]


@FAST
@given(problems(mode="optimal"))
def test_it_never_breaks_a_rule_in_optimal_mode(problem: Problem) -> None:
    result = solve(problem)
    assert check(problem, result).violations == ()


@FAST
@given(problems(mode="stable"))
def test_it_never_breaks_a_rule_in_stable_mode(problem: Problem) -> None:
    result = solve(problem)
    report = check(problem, result)
    assert report.violations == ()
    assert report.blocking_pairs == 0


@FAST
@given(problems(mode="optimal", minimums=False))
def test_it_finds_the_exact_optimum_without_minimums(problem: Problem) -> None:
    result = solve(problem)
    assert (result.metrics.assigned, result.metrics.total_rank) == cp_sat_optimum(problem)
    assert result.bound_gap is None


@FAST
@given(problems(mode="optimal"))
def test_it_is_never_better_than_the_exact_optimum_with_minimums(problem: Problem) -> None:
    result = solve(problem)
    best = cp_sat_optimum(problem)
    ours = (result.metrics.assigned, result.metrics.total_rank)
    # Our allocation is feasible, so it cannot beat the exact optimum lexicographically.
    assert ours[0] < best[0] or (ours[0] == best[0] and ours[1] >= best[1])


@FAST
@given(problems(mode="stable"))
def test_its_blocking_pair_count_agrees_with_the_definition(problem: Problem) -> None:
    for mode in ("stable", "optimal"):
        candidate = dataclasses.replace(
            problem, options=dataclasses.replace(problem.options, mode=mode)
        )
        result = solve(candidate)
        if result.closed:
            continue  # stability is then relative to the remaining challenges
        expected = naive_blocking_pairs(problem, _matching(result), result.seed)
        assert count_blocking_pairs(candidate, result) == expected


@settings(max_examples=EXAMPLES, deadline=None)
@given(problems(mode="stable", max_students=5, max_challenges=3, minimums=False))
def test_stable_mode_is_student_optimal_among_all_stable_matchings(problem: Problem) -> None:
    result = solve(problem)
    ours = _matching(result)
    stable = [
        m for m in all_matchings(problem) if naive_blocking_pairs(problem, m, result.seed) == 0
    ]
    assert ours in stable

    def position(student_prefs: tuple[str, ...], challenge: str | None) -> int:
        if challenge is None:
            return len(student_prefs) + 1
        return student_prefs.index(challenge) if challenge in student_prefs else -1

    for other in stable:
        for student in problem.students:
            prefs = student.preferences
            assert position(prefs, ours.get(student.id)) <= position(prefs, other.get(student.id))


@FAST
@given(problems(), st.sampled_from(["optimal", "stable"]))
def test_the_same_seed_gives_the_same_result(problem: Problem, mode: str) -> None:
    problem = dataclasses.replace(problem, options=dataclasses.replace(problem.options, mode=mode))
    assert solve(problem) == solve(problem)


@FAST
@given(problems(), st.sampled_from(["optimal", "stable"]))
def test_explanations_cover_every_student_and_every_better_choice(
    problem: Problem, mode: str
) -> None:
    problem = dataclasses.replace(problem, options=dataclasses.replace(problem.options, mode=mode))
    result = solve(problem)
    assert set(result.explanations) == {s.id for s in problem.students}
    challenges = {c.id: c for c in problem.challenges}
    locked = {k.student for k in problem.locked}
    for student in problem.students:
        explanation = result.explanations[student.id]
        prefs = student.preferences
        got = explanation.challenge
        better = prefs[: prefs.index(got)] if got in prefs else prefs
        assert [p.challenge for p in explanation.passed_over] == list(better)
        assert [p.rank for p in explanation.passed_over] == list(range(1, len(better) + 1))
        for item in explanation.passed_over:
            assert item.reason in REASONS
            rule = rule_failure(student, challenges[item.challenge])
            if student.id in locked:
                assert item.reason == "locked"
            elif rule is not None:
                assert item.reason == "not_eligible"
                assert item.details["rule"] == rule
            else:
                assert item.reason != "not_eligible"
            if mode == "stable":
                assert item.reason != "tradeoff"
        assert explanation.summary


@FAST
@given(problems(mode="optimal"))
def test_unassigned_students_get_a_reason(problem: Problem) -> None:
    result = solve(problem)
    by_student = {s.id: s for s in problem.students}
    for item in result.unassigned:
        prefs = by_student[item.student].preferences
        if not prefs:
            assert item.reason == "no_preferences"
        else:
            assert item.reason in {"no_eligible_choice", "all_choices_full"}
    assigned = {a.student for a in result.assignments}
    assert assigned.isdisjoint({u.student for u in result.unassigned})
    assert len(assigned) + len(result.unassigned) == len(problem.students)
