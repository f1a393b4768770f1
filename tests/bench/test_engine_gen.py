"""The engine benchmark's instances (bench/engine_gen.py, bench/engine_gen_teams.py) and the
arithmetic of its report (bench/engine.py, bench/engine_teams.py). Pure: no database."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from bench.engine import headline, summarise_rounds
from bench.engine_gen import generate
from bench.engine_gen_teams import generate_teams
from bench.engine_teams import target_met
from matching import check, problem_from_dict, problem_to_dict, solve, validate
from matching.types import Problem, Student


def _mutual_groups(problem: Problem) -> list[list[Student]]:
    """Connected components of the mutual wishes, computed here independently of the engine."""
    by_id = {s.id: s for s in problem.students}
    parent = {s.id: s.id for s in problem.students}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for s in problem.students:
        for other in s.together:
            if s.id in by_id[other].together:
                parent[root(s.id)] = root(other)
    components: dict[str, list[Student]] = defaultdict(list)
    for s in problem.students:
        components[root(s.id)].append(s)
    return [members for members in components.values() if len(members) > 1]


@pytest.fixture(scope="module")
def groups_round() -> Problem:
    return generate_teams(2000, seed=5)


@pytest.fixture(scope="module")
def rules_round() -> Problem:
    return generate_teams(2000, seed=5, variant="rules")


def test_the_flow_instance_without_minimums_differs_only_in_the_minimums() -> None:
    with_minimums = generate(400, seed=4)
    without = generate(400, seed=4, minimums=False)

    assert with_minimums == generate(400, seed=4, minimums=True)
    assert sum(1 for c in with_minimums["challenges"] if c["min"]) >= 5
    assert all(c["min"] == 0 for c in without["challenges"])
    for c in without["challenges"]:
        c["min"] = next(x["min"] for x in with_minimums["challenges"] if x["id"] == c["id"])
    assert without == with_minimums


def test_the_team_round_is_reproducible_from_its_seed() -> None:
    first = generate_teams(600, seed=3, variant="rules")

    assert generate_teams(600, seed=3, variant="rules") == first
    assert generate_teams(600, seed=4, variant="rules") != first


def test_a_fifth_of_the_students_are_in_mutual_groups_of_two_to_four_classmates(
    groups_round: Problem,
) -> None:
    groups = _mutual_groups(groups_round)
    in_groups = sum(len(g) for g in groups)

    assert in_groups == 400  # 20 % of 2,000, kept exact class by class
    assert Counter(len(g) for g in groups).keys() <= {2, 3, 4}
    assert {len(g) for g in groups} == {2, 3, 4}
    assert all(len({s.klass for s in g}) == 1 for g in groups)
    assert all(len(s.together) <= 3 and s.id not in s.together for s in groups_round.students)
    # Members name exactly their fellow members; a few more wishes are not returned.
    for g in groups:
        ids = {s.id for s in g}
        assert all(set(s.together) == ids - {s.id} for s in g)
    lonely = [s for s in groups_round.students if s.together and s.id not in _ids(groups)]
    assert 30 <= len(lonely) <= 40  # 2 %


def _ids(groups: list[list[Student]]) -> set[str]:
    return {s.id for g in groups for s in g}


def test_group_members_share_most_of_their_choices(groups_round: Problem) -> None:
    for g in _mutual_groups(groups_round):
        # One member's list is the group's starting point: every other member keeps all but
        # at most two of its choices (one replaced, the last one dropped).
        assert any(
            all(
                len(set(s.preferences) & set(lead.preferences)) >= len(lead.preferences) - 2
                for s in g
            )
            for lead in g
        ), [s.preferences for s in g]
    shared = [
        len(set(a.preferences) & set(b.preferences)) / len(set(a.preferences) | set(b.preferences))
        for g in _mutual_groups(groups_round)
        for a in g
        for b in g
        if a.id < b.id
    ]
    assert statistics.median(shared) >= 0.75


def test_classes_have_about_25_students_of_one_school_programme_and_niveau(
    groups_round: Problem,
) -> None:
    classes: dict[str | None, list[Student]] = defaultdict(list)
    for s in groups_round.students:
        classes[s.klass].append(s)
    sizes = [len(members) for members in classes.values()]

    assert None not in classes
    assert all(20 <= n <= 30 for n in sizes[:-1])
    assert 1 <= sizes[-1] <= 30
    assert 24 <= statistics.mean(sizes) <= 26
    assert all(len({(s.school, s.programme, s.level) for s in m}) == 1 for m in classes.values())


def test_challenges_are_teams_of_two_to_six_a_fifth_with_a_minimum(groups_round: Problem) -> None:
    challenges = groups_round.challenges
    seats = sum(c.max for c in challenges)
    with_minimum = [c for c in challenges if c.min]

    assert {c.max for c in challenges} == {2, 3, 4, 5, 6}
    assert all(2 <= c.min <= c.max for c in with_minimum)
    assert 0.15 <= len(with_minimum) / len(challenges) <= 0.25
    assert 1.0 <= seats / len(groups_round.students) <= 1.2
    assert any(h.capacity is not None for h in groups_round.hosts)
    assert groups_round.options.together == "soft"
    assert groups_round.options.time_limit == 30.0
    assert groups_round.options.workers == 2


def test_the_brief_s_literal_count_gives_one_challenge_per_ten_students() -> None:
    scarce = generate_teams(1000, seed=2, n_challenges=100)

    assert len(scarce.challenges) == 100
    assert sum(c.max for c in scarce.challenges) < 0.6 * len(scarce.students)


def test_the_rules_variant_has_every_rule_hard_and_soft_and_a_rotation_history(
    rules_round: Problem, groups_round: Problem
) -> None:
    rules = [r for c in rules_round.challenges for r in c.rules]
    hosts = {h.id for h in rules_round.hosts}
    with_history = [s for s in rules_round.students if s.history]

    assert {(r.kind, r.hard) for r in rules} == {
        (kind, hard)
        for kind in ("max_per_class", "min_level", "mixed_schools")
        for hard in (True, False)
    }
    assert all((r.weight > 0) != r.hard for r in rules)
    assert 0.2 <= len(rules) / len(rules_round.challenges) <= 0.3
    assert 0.55 <= len(with_history) / len(rules_round.students) <= 0.65
    assert all(set(s.history) <= hosts and len(s.history) <= 2 for s in with_history)
    assert rules_round.options.rotation == "hard"
    # Rules and histories are drawn after the classes, groups and choices: those are the same
    # as in the plain variant of the same seed.
    assert [s.preferences for s in rules_round.students] == [
        s.preferences for s in groups_round.students
    ]
    assert not any(c.rules for c in groups_round.challenges)
    assert not any(s.history for s in groups_round.students)


def test_locks_are_eligible_with_room_and_at_a_host_the_student_never_had(
    rules_round: Problem,
) -> None:
    students = {s.id: s for s in rules_round.students}
    challenges = {c.id: c for c in rules_round.challenges}
    per_challenge = Counter(lock.challenge for lock in rules_round.locked)

    assert len(rules_round.locked) == 10  # 0.5 %
    for lock in rules_round.locked:
        student, challenge = students[lock.student], challenges[lock.challenge]
        assert challenge.host not in student.history
        assert lock.challenge in student.preferences
        assert not challenge.min
        assert not challenge.rules
        assert per_challenge[lock.challenge] <= challenge.max


@pytest.mark.parametrize("variant", ["groups", "rules"])
def test_each_variant_is_valid_and_round_trips_through_format_2(variant: str) -> None:
    problem = generate_teams(500, seed=9, variant=variant)
    data = problem_to_dict(problem)

    validate(problem)
    assert data["format"] == "koppel-allocation/2"
    assert problem_from_dict(data) == problem


def test_a_small_team_round_of_the_bench_solves_and_passes_check() -> None:
    problem = generate_teams(300, seed=6, variant="rules", time_limit=2.0)

    result = solve(problem)

    assert check(problem, result).violations == ()
    assert result.gap is not None  # the exact path ran
    assert result.gap >= 0.0
    assert {g.kind for g in result.groups} == {"together"}
    assert len(result.groups) == len(_mutual_groups(problem))


def test_paired_ratios_are_the_median_of_per_round_ratios_not_a_ratio_of_medians() -> None:
    def proc(seconds: float, cpu: float) -> dict[str, object]:
        return {"status": "ok", "seconds": seconds, "cpu_seconds": cpu, "peak_mb": 100.0}

    # The machine slows down in round 3: the engine's median over the bare one's would say
    # 2.0 / 1.0 = 2.0; round by round the engine is 1.2x the bare solve every time.
    rounds = [
        {"optimal": proc(1.2, 1.0), "bare_mcf": proc(1.0, 0.8)},
        {"optimal": proc(2.4, 1.2), "bare_mcf": proc(2.0, 1.0)},
        {"optimal": proc(3.6, 1.2), "bare_mcf": proc(3.0, 1.0)},
    ]

    summary = summarise_rounds(rounds)

    assert summary["optimal"]["seconds"] == 2.4
    assert summary["bare_mcf"]["seconds"] == 2.0
    assert summary["ratios"]["optimal/bare_mcf/wall"] == 1.2
    assert summary["ratios"]["optimal/bare_mcf/cpu"] == 1.2


def test_a_failed_run_gives_no_ratio_and_misses_the_target() -> None:
    ok = {"status": "ok", "seconds": 1.0, "cpu_seconds": 1.0, "peak_mb": 1.0}
    rounds = [{"optimal": dict(ok, status="exit 1: boom"), "bare_mcf": ok}]

    summary = summarise_rounds(rounds)
    row = {"students": 50_000, "challenges": 5000, **summary}

    assert summary["optimal"] == {"status": "exit 1: boom", "runs": 1}
    assert summary["ratios"]["optimal/bare_mcf/wall"] is None
    assert headline([row])["met"] is False  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "met"),
    [
        ({}, True),
        ({"gap": 0.0}, True),
        ({"gap": None}, True),  # the flow path: optimal by construction
        ({"gap": 0.011}, False),
        ({"solve_seconds": 30.5}, False),
        ({"violations": 1}, False),
        ({"status": "timeout"}, False),
    ],
)
def test_the_team_target_is_a_small_gap_in_time_without_violations(
    changes: dict[str, object], met: bool
) -> None:
    row = {"status": "ok", "violations": 0, "solve_seconds": 29.9, "gap": 0.009}

    assert target_met({**row, **changes}) is met


def test_replacing_the_together_mode_keeps_the_instance() -> None:
    soft = generate_teams(300, seed=1)
    hard = generate_teams(300, seed=1, together="hard")

    assert replace(soft, options=replace(soft.options, together="hard")) == hard
