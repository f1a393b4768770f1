"""Explanations of together wishes, class units, rotation and composition rules (format /2)."""

from __future__ import annotations

import dataclasses
from typing import Any

from matching import (
    Challenge,
    ClassUnit,
    GroupOutcome,
    Host,
    Options,
    Problem,
    Rule,
    RuleBinding,
    Student,
)
from matching.explain import Explained, explain
from matching.instance import build_instance
from tests.matching.team_builders import student, two_challenges

_student = student


def _problem(*students: Student, **changes: Any) -> Problem:
    return two_challenges(*students, c1_max=3, **changes)


def _explain(problem: Problem, where: dict[str, str], **kwargs: Any) -> Explained:
    inst = build_instance(problem)
    assign = [inst.challenge_index[where[sid]] if sid in where else -1 for sid in inst.student_ids]
    return explain(inst, assign, {}, "optimal", **kwargs)


def test_it_names_the_group_members_placed_with_the_student() -> None:
    problem = _problem(_student("a", together=("b",)), _student("b", together=("a",)))
    explained = _explain(problem, {"a": "c1", "b": "c1"})

    a = explained.explanations["a"]
    assert a.together_with == ("b",)
    assert a.summary == "Assigned to c1, your 1st choice. You were placed with b."


def test_a_better_choice_without_room_for_the_group_is_passed_over_as_together() -> None:
    problem = _problem(
        _student("a", together=("b",)),
        _student("b", together=("a",)),
        _student("x", preferences=("c1",)),
        _student("y", preferences=("c1",)),
    )
    explained = _explain(problem, {"a": "c2", "b": "c2", "x": "c1", "y": "c1"})

    a = explained.explanations["a"]
    (passed,) = a.passed_over
    assert (passed.challenge, passed.rank, passed.reason) == ("c1", 1, "together")
    assert passed.details == {"group": ["b"], "kept": True}
    assert a.summary == (
        "Assigned to c2, your 2nd choice; better choices: c1 (your group could not be placed "
        "there together). You were placed with b."
    )


def test_it_says_why_a_group_was_not_kept_and_notes_an_unreturned_wish() -> None:
    problem = _problem(
        _student("a", together=("b", "c")),
        _student("b", together=("a",)),
        _student("c"),
        options=Options(together="soft"),
    )
    groups = (GroupOutcome(("a", "b"), "together", None, False, "full"),)
    explained = _explain(problem, {"a": "c1", "b": "c2", "c": "c1"}, groups=groups)

    a = explained.explanations["a"]
    assert a.together_with == ()
    assert a.summary == (
        "Assigned to c1, your 1st choice. You could not be placed with b: there was no room "
        "for all of you. Your wish to work with c was not returned, so it did not count."
    )
    assert explained.explanations["c"].summary == "Assigned to c1, your 1st choice."


def test_it_ignores_wishes_when_together_is_off() -> None:
    problem = _problem(
        _student("a", together=("b",)), _student("b"), options=Options(together="off")
    )
    explained = _explain(problem, {"a": "c2", "b": "c2"})

    assert explained.explanations["a"].summary == (
        "Assigned to c2, your 2nd choice; better choices: c1 (given to others for a better "
        "overall result)."
    )


def test_a_host_in_the_history_is_passed_over_as_rotation() -> None:
    hard = _problem(_student("a", history=("jansen",)))
    soft = dataclasses.replace(hard, options=Options(rotation="soft", rotation_weight=2.0))

    hard_passed = _explain(hard, {"a": "c2"}).explanations["a"].passed_over[0]
    soft_passed = _explain(soft, {"a": "c2"}).explanations["a"].passed_over[0]

    assert (hard_passed.reason, hard_passed.details) == (
        "rotation",
        {"host": "jansen", "hard": True},
    )
    assert soft_passed.details == {"host": "jansen", "hard": False}
    assert _explain(hard, {"a": "c2"}).explanations["a"].summary == (
        "Assigned to c2, your 2nd choice; better choices: c1 (already placed at that host before)."
    )


def test_a_rule_that_kept_the_student_out_is_named() -> None:
    problem = _problem(
        _student("a", klass="2B"),
        _student("b", klass="2B"),
        challenges=(
            Challenge("c1", "jansen", max=3, rules=(Rule("max_per_class", 1),)),
            Challenge("c2", "pixel", max=4),
        ),
    )
    bindings = (RuleBinding("c1", "max_per_class", True, ("b",)),)
    explained = _explain(problem, {"a": "c1", "b": "c2"}, bound_rules=bindings)

    b = explained.explanations["b"]
    assert b.rules == ("max_per_class",)
    assert (b.passed_over[0].reason, b.passed_over[0].details) == (
        "rule",
        {"kinds": ["max_per_class"]},
    )
    assert b.summary == (
        "Assigned to c2, your 2nd choice; better choices: c1 (a team composition rule kept you "
        "out). Team rules that decided your placement: at most so many students per class."
    )
    assert explained.explanations["a"].rules == ()


def test_a_class_unit_member_is_explained_by_the_units_choices() -> None:
    members = tuple(_student(f"m{i}", klass="3A", preferences=()) for i in range(3))
    problem = _problem(
        *members, _student("x", preferences=("c1",)), class_units=(ClassUnit("3A", ("c1", "c2")),)
    )
    explained = _explain(problem, {"m0": "c2", "m1": "c2", "m2": "c2", "x": "c1"})

    m0 = explained.explanations["m0"]
    assert (m0.challenge, m0.rank) == ("c2", 2)
    assert explained.assignments[0].rank == 2
    assert explained.ranks[:3] == [2, 2, 2]
    assert m0.together_with == ("m1", "m2")
    assert (m0.passed_over[0].reason, m0.passed_over[0].details) == (
        "full",
        {"capacity": 3, "free": 2, "class_size": 3},
    )
    assert m0.summary == (
        "Assigned to c2 with your class 3A, the class's 2nd choice; better choices: c1 (full)."
    )


def test_an_unplaced_class_names_the_member_who_is_not_eligible() -> None:
    members = (
        _student("m0", klass="3A", preferences=()),
        _student("m1", klass="3A", preferences=(), level=4),
    )
    problem = _problem(
        *members,
        challenges=(Challenge("c1", "jansen", max=3, levels=(2,)), Challenge("c2", "pixel", max=4)),
        class_units=(ClassUnit("3A", ("c1",)),),
    )
    explained = _explain(problem, {})

    m0 = explained.explanations["m0"]
    assert m0.passed_over[0].details == {"rule": "level", "required": [2], "member": "m1"}
    assert m0.summary == "Not assigned: your class 3A could not be placed: c1 (not eligible)."
    assert explained.unassigned[0].reason == "no_eligible_choice"


def test_a_problem_without_team_features_is_explained_as_before() -> None:
    problem = _problem(_student("a"), _student("b", preferences=("c1",)))
    explained = _explain(problem, {"a": "c2", "b": "c1"})

    a = explained.explanations["a"]
    assert (a.together_with, a.rules) == ((), ())
    assert a.passed_over[0].reason == "tradeoff"


def test_a_hard_group_without_room_together_is_not_told_its_choice_was_full() -> None:
    from matching import check, solve

    problem = Problem(
        students=(
            Student("noor", 2, "25604", "vista", preferences=("c1",), together=("ali",)),
            Student("ali", 2, "25604", "vista", preferences=("c1",), together=("noor",)),
        ),
        challenges=(Challenge("c1", "jansen", max=1),),
        hosts=(Host("jansen"),),
        options=Options(together="hard"),
    )
    result = solve(problem)
    noor = next(u for u in result.unassigned if u.student == "noor")
    assert (noor.reason, noor.details) == (
        "team_constraints",
        {"choices": 1, "reasons": {"together": 1}},
    )
    assert result.explanations["noor"].passed_over[0].reason == "together"
    assert check(problem, result).ok
