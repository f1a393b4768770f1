"""`check` verifies every format /2 rule and names the record that breaks it."""

from __future__ import annotations

import dataclasses
from typing import Any

from matching import (
    Challenge,
    ClassUnit,
    GroupOutcome,
    Host,
    Lock,
    Options,
    Problem,
    Result,
    Rule,
    RuleBinding,
    Student,
    check,
    solve,
)
from matching.explain import explain
from matching.instance import build_instance
from matching.metrics import compute_metrics
from tests.matching.team_builders import student, two_challenges

_student = student


def _problem(*students: Student, **changes: Any) -> Problem:
    return two_challenges(*students, c1_max=4, **changes)


def _result(problem: Problem, where: dict[str, str | None], **changes: Any) -> Result:
    """A result placing the students as `where` says, explained like the engine does."""
    inst = build_instance(problem)
    assign = [
        inst.challenge_index[c] if (c := where.get(sid)) is not None else -1
        for sid in inst.student_ids
    ]
    explained = explain(inst, assign, {}, "optimal")
    result = Result(
        assignments=explained.assignments,
        unassigned=explained.unassigned,
        explanations=explained.explanations,
        metrics=compute_metrics(inst, assign, explained.ranks),
        mode="optimal",
        seed=0,
    )
    return dataclasses.replace(result, **changes)


def _pair(together: str) -> Problem:
    return _problem(
        _student("a", together=("b",)),
        _student("b", together=("a",)),
        options=Options(together=together),
    )


def test_it_reports_a_group_split_across_challenges_under_hard() -> None:
    problem = _pair("hard")
    report = check(problem, _result(problem, {"a": "c1", "b": "c2"}))

    assert (
        "group ['a', 'b']: split across challenges ('a' in 'c1', 'b' in 'c2') while together "
        "is 'hard'"
    ) in report.violations


def test_it_allows_a_hard_group_with_one_member_unassigned() -> None:
    problem = _pair("hard")
    groups = (GroupOutcome(("a", "b"), "together", None, False, "full"),)
    report = check(problem, _result(problem, {"a": "c1"}, groups=groups))

    assert not [v for v in report.violations if "split" in v]


def test_it_allows_a_split_group_under_soft_when_reported_truly() -> None:
    problem = _pair("soft")
    groups = (GroupOutcome(("a", "b"), "together", None, False, "cheaper_apart"),)
    report = check(problem, _result(problem, {"a": "c1", "b": "c2"}, groups=groups))

    assert report.ok, report.violations


def test_it_reports_group_outcomes_that_contradict_the_assignments() -> None:
    problem = _pair("soft")
    groups = (GroupOutcome(("a", "b"), "together", "c1", True, None),)
    report = check(problem, _result(problem, {"a": "c1", "b": "c2"}, groups=groups))

    assert report.violations == (
        "groups[0] (members ['a', 'b']): reported kept=True in 'c1', but the assignments "
        "place the members in ['c1', 'c2']",
    )


def test_it_reports_a_group_without_an_outcome_and_an_unknown_reason() -> None:
    problem = _pair("soft")
    missing = check(problem, _result(problem, {"a": "c1", "b": "c2"}))
    unknown = check(
        problem,
        _result(
            problem,
            {"a": "c1", "b": "c2"},
            groups=(GroupOutcome(("a", "b"), "together", None, False, "bad luck"),),
        ),
    )

    assert missing.violations == ("group ['a', 'b']: no outcome in result.groups",)
    assert unknown.violations == (
        "groups[0] (members ['a', 'b']): not kept, with unknown reason 'bad luck'",
    )


def _ruled(*rules: Rule, students: tuple[Student, ...]) -> Problem:
    problem = _problem(*students)
    first = dataclasses.replace(problem.challenges[0], rules=rules)
    return dataclasses.replace(problem, challenges=(first, problem.challenges[1]))


def test_it_reports_a_broken_hard_max_per_class_rule() -> None:
    students = tuple(_student(f"s{i}", klass="2B") for i in range(3))
    problem = _ruled(Rule("max_per_class", 2), students=students)
    report = check(problem, _result(problem, {"s0": "c1", "s1": "c1", "s2": "c1"}))

    assert report.violations == (
        "challenges[0] (id 'c1'): hard max_per_class rule (rules[0]) broken: "
        "3 from class '2B' (at most 2)",
    )


def test_a_challenge_holding_a_lock_is_exempt_from_its_hard_rules() -> None:
    students = tuple(_student(f"s{i}", klass="2B") for i in range(3))
    problem = _ruled(Rule("max_per_class", 2), students=students)
    locked = dataclasses.replace(problem, locked=(Lock("s0", "c1"),))

    assert check(locked, _result(locked, {"s0": "c1", "s1": "c1", "s2": "c1"})).ok


def test_it_ignores_a_broken_soft_rule_and_students_without_a_class() -> None:
    students = (*(_student(f"s{i}", klass="2B") for i in range(3)), _student("x"), _student("y"))
    soft = _ruled(Rule("max_per_class", 2, hard=False, weight=1.0), students=students)
    hard = _ruled(Rule("max_per_class", 1), students=students)

    assert check(soft, _result(soft, {"s0": "c1", "s1": "c1", "s2": "c1"})).ok
    assert check(hard, _result(hard, {"s0": "c1", "x": "c1", "y": "c1"})).ok


def test_it_reports_a_broken_hard_min_level_rule_only_for_a_running_team() -> None:
    students = (_student("n2", level=2), _student("n4", level=4), _student("n3", level=3))
    problem = _ruled(Rule("min_level", 3, count=1), students=students)
    broken = check(problem, _result(problem, {"n2": "c1", "n4": "c1", "n3": "c2"}))

    # niveau exactly 3: a niveau-4 student does not count
    assert broken.violations == (
        "challenges[0] (id 'c1'): hard min_level rule (rules[0]) broken: "
        "0 of niveau 3 (at least 1)",
    )
    assert check(problem, _result(problem, {"n2": "c2", "n4": "c2", "n3": "c2"})).ok


def test_it_binds_mixed_schools_only_when_the_choosers_come_from_enough_schools() -> None:
    mixed = (_student("v1"), _student("v2"), _student("g1", school="gilde"))
    problem = _ruled(Rule("mixed_schools", 2), students=mixed)
    report = check(problem, _result(problem, {"v1": "c1", "v2": "c1", "g1": "c2"}))

    assert report.violations == (
        "challenges[0] (id 'c1'): hard mixed_schools rule (rules[0]) broken: 1 school(s) "
        "(at least 2; the students who chose it come from 2)",
    )
    only_vista = _ruled(
        Rule("mixed_schools", 2),
        students=(_student("v1"), _student("v2"), _student("g1", "gilde", preferences=("c2",))),
    )
    assert check(only_vista, _result(only_vista, {"v1": "c1", "v2": "c1", "g1": "c2"})).ok


def test_the_mixed_schools_pool_leaves_out_ineligible_and_rotated_students() -> None:
    students = (
        _student("v1"),
        _student("g1", "gilde", level=4),  # not eligible: c1 takes niveau 2
        _student("g2", "gilde", history=("jansen",)),  # rotation hard keeps g2 out of c1
    )
    problem = _ruled(Rule("mixed_schools", 2), students=students)
    first = dataclasses.replace(problem.challenges[0], levels=(2,))
    problem = dataclasses.replace(problem, challenges=(first, problem.challenges[1]))

    assert check(problem, _result(problem, {"v1": "c1", "g1": "c2", "g2": "c2"})).ok


def test_it_reports_a_placement_at_a_host_in_the_history_under_hard_rotation() -> None:
    problem = _problem(_student("a", history=("jansen",)), _student("b", history=("jansen",)))
    locked = dataclasses.replace(problem, locked=(Lock("b", "c1"),))
    report = check(locked, _result(locked, {"a": "c1", "b": "c1"}))
    soft = dataclasses.replace(problem, options=Options(rotation="soft"))

    assert report.violations == (
        "students[0] (id 'a'): placed in 'c1' at host 'jansen', which is in their history "
        "(rotation is 'hard')",
    )
    assert check(soft, _result(soft, {"a": "c1", "b": "c1"})).ok


def _class_problem(size: int = 3, **changes: Any) -> Problem:
    members = tuple(_student(f"m{i}", klass="3A", preferences=()) for i in range(size))
    problem = _problem(*members, class_units=(ClassUnit("3A", ("c2",)),))
    return dataclasses.replace(problem, **changes)


def _class_outcome(challenge: str | None, size: int = 3) -> tuple[GroupOutcome, ...]:
    members = tuple(f"m{i}" for i in range(size))
    reason = None if challenge else "full"
    return (GroupOutcome(members, "class", challenge, challenge is not None, reason),)


def test_a_whole_class_in_a_listed_challenge_passes_with_unit_ranks() -> None:
    problem = _class_problem()
    result = _result(problem, dict.fromkeys(("m0", "m1", "m2"), "c2"), groups=_class_outcome("c2"))

    assert check(problem, result).ok
    assert {a.rank for a in result.assignments} == {1}
    assert result.explanations["m0"].together_with == ("m1", "m2")


def test_it_reports_a_class_unit_in_two_challenges_or_partly_placed() -> None:
    problem = _class_problem()
    split = check(problem, _result(problem, {"m0": "c1", "m1": "c2", "m2": "c2"}))
    partly = check(problem, _result(problem, {"m0": "c2", "m1": "c2"}))

    assert (
        "class_units[0] (id '3A'): not placed whole ('m0' in 'c1', 'm1' in 'c2', 'm2' in 'c2')"
        in split.violations
    )
    assert (
        "class_units[0] (id '3A'): not placed whole ('m0' in 'c2', 'm1' in 'c2', 'm2' in None)"
        in partly.violations
    )


def test_it_reports_a_class_unit_placed_unlisted_or_where_a_member_is_not_eligible() -> None:
    problem = _class_problem()
    members = list(problem.students)
    members[1] = dataclasses.replace(members[1], level=4)
    picky = dataclasses.replace(
        problem,
        students=tuple(members),
        challenges=(problem.challenges[0], dataclasses.replace(problem.challenges[1], levels=(2,))),
    )
    unlisted = check(problem, _result(problem, dict.fromkeys(("m0", "m1", "m2"), "c1")))
    ineligible = check(picky, _result(picky, dict.fromkeys(("m0", "m1", "m2"), "c2")))

    assert "class_units[0] (id '3A'): placed in 'c1', which the unit did not list" in (
        unlisted.violations
    )
    assert (
        "class_units[0] (id '3A'): placed in 'c2', where member 'm1' is not eligible "
        "(level rule)" in ineligible.violations
    )


def test_a_class_unit_counts_its_size_in_the_capacities() -> None:
    problem = _class_problem()
    small = dataclasses.replace(
        problem,
        challenges=(problem.challenges[0], dataclasses.replace(problem.challenges[1], max=2)),
        hosts=(Host("jansen"), Host("pixel", capacity=2)),
    )
    report = check(
        small, _result(small, dict.fromkeys(("m0", "m1", "m2"), "c2"), groups=_class_outcome("c2"))
    )

    assert report.violations == (
        "challenges[1] (id 'c2'): 3 students assigned, max 2",
        "hosts[1] (id 'pixel'): 3 students assigned, capacity 2",
    )


def test_it_reports_bound_rules_the_problem_does_not_have() -> None:
    problem = _ruled(Rule("max_per_class", 1), students=(_student("a"), _student("b")))
    bindings = (
        RuleBinding("c1", "min_level", True, ("a",)),
        RuleBinding("c1", "max_per_class", False, ("a",)),
        RuleBinding("c2", "min", True, ("a",)),
        RuleBinding("c1", "rotation", True, ("b",)),
        RuleBinding("c1", "max_per_class", True, ("zz",)),
        RuleBinding("c9", "luck", True, ()),
    )
    result = _result(problem, {"a": "c2", "b": "c2"}, bound_rules=bindings)
    violations = [v for v in check(problem, result).violations if v.startswith("bound_rules")]

    assert violations == [
        "bound_rules[0] (challenge 'c1', kind 'min_level'): the challenge has no hard such rule",
        "bound_rules[1] (challenge 'c1', kind 'max_per_class'): the challenge has no soft such "
        "rule",
        "bound_rules[2] (challenge 'c2', kind 'min'): the challenge has no minimum",
        "bound_rules[3] (challenge 'c1', kind 'rotation'): 'jansen' is not in the history of 'b'",
        "bound_rules[4] (challenge 'c1', kind 'max_per_class'): unknown student 'zz'",
        "bound_rules[5] (challenge 'c9', kind 'luck'): unknown challenge or kind",
    ]


def test_it_reports_explanations_whose_together_with_or_rules_are_wrong() -> None:
    problem = _pair("soft")
    result = _result(
        problem,
        {"a": "c1", "b": "c1"},
        groups=(GroupOutcome(("a", "b"), "together", "c1", True, None),),
    )
    wrong = dict(result.explanations)
    wrong["a"] = dataclasses.replace(wrong["a"], together_with=(), rules=("min",))

    assert check(problem, dataclasses.replace(result, explanations=wrong)).violations == (
        "students[0] (id 'a'): explanation together_with is [], expected ['b']",
        "students[0] (id 'a'): explanation rules are ['min'], expected []",
    )


def test_a_solved_team_problem_passes_check() -> None:
    students = (
        _student("a", together=("b",), klass="2B"),
        _student("b", "gilde", together=("a",), klass="2B"),
        _student("c", history=("jansen",)),
        _student("d", level=3),
        *(_student(f"m{i}", klass="3A", preferences=()) for i in range(3)),
    )
    problem = _problem(
        *students,
        challenges=(
            Challenge("c1", "jansen", max=4, rules=(Rule("max_per_class", 2),)),
            Challenge("c2", "pixel", max=4, rules=(Rule("min_level", 3),)),
            Challenge("c3", "pixel", max=3, rules=(Rule("mixed_schools", 2),)),
        ),
        class_units=(ClassUnit("3A", ("c3", "c2")),),
        options=Options(together="hard", time_limit=5.0),
    )

    report = check(problem, solve(problem))
    assert report.ok, report.violations
