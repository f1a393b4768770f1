"""Format koppel-allocation/2: reading, writing, hashes and validation of every new field."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from matching import (
    Challenge,
    ClassUnit,
    GroupOutcome,
    Host,
    Lock,
    Options,
    Problem,
    ProblemError,
    Rule,
    RuleBinding,
    Student,
    problem_from_dict,
    problem_hash,
    problem_to_dict,
    result_from_dict,
    result_to_dict,
    solve,
    validate,
)
from matching.serialize import result_to_json


def _v1_problem() -> Problem:
    return Problem(
        students=(
            Student(
                "sanne",
                2,
                "25604",
                "vista",
                certificates=("VOG",),
                open_goals=("B1-K1-W1",),
                preferences=("c1", "c2"),
            ),
            Student("ahmed", 4, "25604", "gilde", preferences=("c2",)),
        ),
        challenges=(
            Challenge("c1", "jansen", max=2, min=1, levels=(2, 3)),
            Challenge("c2", "pixel", max=1),
        ),
        hosts=(Host("jansen", capacity=2, ranking=("ahmed",)), Host("pixel")),
        locked=(Lock("ahmed", "c2"),),
        options=Options(mode="optimal", seed=7, coverage_weight=0.5),
    )


def _v2_problem(**changes: Any) -> Problem:
    base = Problem(
        students=(
            Student("a", 2, "25604", "vista", preferences=("c1", "c2"), together=("b",)),
            Student("b", 3, "25604", "gilde", preferences=("c1",), together=("a",), klass="2B"),
            Student("c", 2, "25604", "vista", preferences=("c2",), history=("pixel",)),
            Student("d", 2, "25604", "vista", klass="3A"),
            Student("e", 2, "25604", "vista", klass="3A"),
        ),
        challenges=(
            Challenge(
                "c1",
                "jansen",
                max=4,
                rules=(
                    Rule("max_per_class", value=2),
                    Rule("min_level", value=3, count=1, hard=False, weight=2.5),
                ),
            ),
            Challenge("c2", "pixel", max=4, rules=(Rule("mixed_schools", value=2),)),
        ),
        hosts=(Host("jansen", capacity=6), Host("pixel")),
        options=Options(together="hard", rotation="soft", rotation_weight=3.0, time_limit=5.0),
        class_units=(ClassUnit("3A", ("c2", "c1")),),
    )
    return dataclasses.replace(base, **changes)


def test_the_hash_of_a_format_1_problem_is_unchanged() -> None:
    # Computed with the engine before format /2 existed (git HEAD of issue 15).
    expected = "d9ce7ee68ae82d2ab6ce06303b906cfbbba8f195eeac94dcbaaec3da8c263c0f"

    assert problem_hash(_v1_problem()) == expected
    assert problem_to_dict(_v1_problem())["format"] == "koppel-allocation/1"
    assert "class_units" not in problem_to_dict(_v1_problem())


def test_it_writes_format_2_when_any_new_field_is_used() -> None:
    plain = _v1_problem()
    students = (dataclasses.replace(plain.students[0], history=("pixel",)), plain.students[1])
    variants = [
        dataclasses.replace(plain, students=students),
        dataclasses.replace(plain, options=dataclasses.replace(plain.options, workers=4)),
        dataclasses.replace(
            plain,
            challenges=(
                dataclasses.replace(plain.challenges[0], rules=(Rule("min_level", 2),)),
                plain.challenges[1],
            ),
        ),
    ]
    for problem in variants:
        data = problem_to_dict(problem)
        assert data["format"] == "koppel-allocation/2"
        assert problem_from_dict(json.loads(json.dumps(data))) == problem
        assert problem_hash(problem) != problem_hash(plain)


def test_a_format_2_problem_round_trips_field_by_field() -> None:
    problem = _v2_problem()
    data = json.loads(json.dumps(problem_to_dict(problem)))

    assert data["format"] == "koppel-allocation/2"
    assert data["students"][1]["together"] == ["a"]
    assert data["students"][1]["class"] == "2B"
    assert data["students"][2]["history"] == ["pixel"]
    assert data["challenges"][0]["rules"][1] == {
        "kind": "min_level",
        "value": 3,
        "count": 1,
        "hard": False,
        "weight": 2.5,
    }
    assert data["class_units"] == [{"id": "3A", "preferences": ["c2", "c1"]}]
    assert data["options"]["together"] == "hard"
    assert data["options"]["workers"] == 2
    assert problem_from_dict(data) == problem
    assert problem_hash(problem_from_dict(data)) == problem_hash(problem)


def test_it_fills_defaults_for_missing_format_2_fields() -> None:
    data = {
        "format": "koppel-allocation/2",
        "students": [{"id": "a", "level": 2, "programme": "p", "school": "s"}],
        "challenges": [
            {"id": "c1", "host": "h", "max": 2, "rules": [{"kind": "max_per_class", "value": 1}]}
        ],
        "hosts": [{"id": "h"}],
    }
    problem = problem_from_dict(data)

    assert problem.students[0].together == ()
    assert problem.students[0].klass is None
    assert problem.challenges[0].rules == (Rule("max_per_class", 1, 1, True, 0.0),)
    assert problem.options == Options()
    assert problem.class_units == ()


def test_format_1_reads_unchanged_and_rejects_format_2_fields() -> None:
    data = problem_to_dict(_v1_problem())
    assert problem_from_dict(data) == _v1_problem()

    data["students"][0]["together"] = ["ahmed"]
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert info.value.record == "students[0] (id 'sanne')"
    assert "unknown field(s) 'together'" in info.value.message


def test_it_names_the_record_of_a_malformed_rule() -> None:
    data = problem_to_dict(_v2_problem())
    data["challenges"][1]["rules"][0]["strength"] = 3

    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert info.value.record == "challenges[1] (id 'c2') rules[0]"
    assert "'strength'" in info.value.message


def test_a_result_with_groups_and_bound_rules_round_trips() -> None:
    result = solve(_v1_problem())
    explanation = dataclasses.replace(
        result.explanations["sanne"], together_with=("ahmed",), rules=("min_level",)
    )
    full = dataclasses.replace(
        result,
        gap=0.0125,
        groups=(
            GroupOutcome(("a", "b"), "together", "c1", True, None),
            GroupOutcome(("d", "e"), "class", None, False, "full"),
        ),
        bound_rules=(RuleBinding("c1", "max_per_class", True, ("b",)),),
        explanations={**result.explanations, "sanne": explanation},
    )
    data = json.loads(json.dumps(result_to_dict(full)))

    assert data["gap"] == 0.0125
    assert data["groups"][1] == {
        "members": ["d", "e"],
        "kind": "class",
        "challenge": None,
        "kept": False,
        "reason": "full",
    }
    assert data["bound_rules"] == [
        {"challenge": "c1", "kind": "max_per_class", "hard": True, "students": ["b"]}
    ]
    assert data["explanations"]["sanne"]["together_with"] == ["ahmed"]
    assert "together_with" not in data["explanations"]["ahmed"]
    assert result_from_dict(data) == full
    assert result_to_json(full) == json.dumps(result_to_dict(full), separators=(",", ":"))


def test_it_reads_a_result_written_before_format_2() -> None:
    result = solve(_v1_problem())
    data = result_to_dict(result)
    for key in ("gap", "groups", "bound_rules"):
        del data[key]

    again = result_from_dict(data)
    assert again == dataclasses.replace(result, gap=None, groups=(), bound_rules=())
    assert (again.gap, again.groups, again.bound_rules) == (None, (), ())
    assert again.explanations["sanne"].together_with == ()


def _student(problem: Problem, index: int, **changes: Any) -> Problem:
    students = list(problem.students)
    students[index] = dataclasses.replace(students[index], **changes)
    return dataclasses.replace(problem, students=tuple(students))


def _rule(problem: Problem, challenge: int, *rules: Rule) -> Problem:
    challenges = list(problem.challenges)
    challenges[challenge] = dataclasses.replace(challenges[challenge], rules=rules)
    return dataclasses.replace(problem, challenges=tuple(challenges))


def _options(problem: Problem, **changes: Any) -> Problem:
    return dataclasses.replace(problem, options=dataclasses.replace(problem.options, **changes))


A = "students[0] (id 'a')"
C1 = "challenges[0] (id 'c1') rules[0]"
C2 = "challenges[1] (id 'c2') rules[0]"
UNIT = "class_units[0] (id '3A')"

INVALID = [
    (lambda p: _student(p, 0, together=("b", "c", "d", "e")), A, "together names 4 students"),
    (lambda p: _student(p, 0, together=("zz",)), A, "together names student 'zz', who does"),
    (lambda p: _student(p, 0, together=("a",)), A, "together names the student themself"),
    (lambda p: _student(p, 0, together=("b", "b")), A, "together lists student 'b' twice"),
    (lambda p: _student(p, 0, together=["b"]), A, "together must be a tuple of strings"),
    (lambda p: _student(p, 0, klass=""), A, "class must be a non-empty string or None"),
    (lambda p: _student(p, 0, history=("nowhere",)), A, "history names host 'nowhere'"),
    (lambda p: _rule(p, 0, Rule("max_size", 2)), C1, "unknown kind 'max_size'"),
    (lambda p: _rule(p, 0, Rule("max_per_class", 0)), C1, "value (students per class) must"),
    (lambda p: _rule(p, 0, Rule("max_per_class", 2, count=3)), C1, "count is only used by"),
    (lambda p: _rule(p, 0, Rule("min_level", 0)), C1, "value (the niveau) must be at least 1"),
    (lambda p: _rule(p, 0, Rule("min_level", 3, count=5)), C1, "count must be between 1 and"),
    (lambda p: _rule(p, 1, Rule("mixed_schools", 1)), C2, "value (schools) must be between 2"),
    (lambda p: _rule(p, 1, Rule("mixed_schools", 5)), C2, "challenge max (4), got 5"),
    (lambda p: _rule(p, 0, Rule("min_level", 3, hard=False)), C1, "a soft rule needs a weight"),
    (lambda p: _rule(p, 0, Rule("min_level", 3, weight=1.0)), C1, "weight is only used by soft"),
    (lambda p: _rule(p, 0, Rule("min_level", 3, hard=1)), C1, "hard must be true or false"),
    (lambda p: _rule(p, 0, Rule("min_level", 3), Rule("min_level", 3, 2)), None, "a second"),
    (lambda p: _options(p, together="always"), "options", "unknown together 'always'"),
    (lambda p: _options(p, rotation="yes"), "options", "unknown rotation 'yes'"),
    (lambda p: _options(p, together_weight=-1), "options", "together_weight must be a number"),
    (lambda p: _options(p, rotation_weight=float("nan")), "options", "rotation_weight must"),
    (lambda p: _options(p, time_limit=0), "options", "time_limit must be a number of seconds"),
    (lambda p: _options(p, workers=0), "options", "workers must be an integer from 1 to 64"),
    (
        lambda p: dataclasses.replace(p, class_units=(ClassUnit("9Z", ("c1",)),)),
        "class_units[0] (id '9Z')",
        "no student has class '9Z'",
    ),
    (
        lambda p: dataclasses.replace(p, class_units=(ClassUnit("3A", ("c1", "c9")),)),
        UNIT,
        "preference 'c9' names a challenge that does not exist",
    ),
    (
        lambda p: dataclasses.replace(p, class_units=(*p.class_units, ClassUnit("3A"))),
        "class_units[1] (id '3A')",
        "duplicate id",
    ),
    (lambda p: _student(p, 3, preferences=("c1",)), UNIT, "member 'd' has own preferences"),
    (
        lambda p: dataclasses.replace(p, locked=(Lock("d", "c1"), Lock("e", "c2"))),
        UNIT,
        "members are locked to different challenges ('d' to 'c1', 'e' to 'c2')",
    ),
    (
        lambda p: dataclasses.replace(
            p, class_units=(ClassUnit("3A", ("c2",)),), locked=(Lock("d", "c1"),)
        ),
        UNIT,
        "member 'd' is locked to 'c1', which the class unit did not list",
    ),
    (
        lambda p: dataclasses.replace(
            _rule(_student(p, 0, klass="2B"), 0, Rule("max_per_class", 1)),
            locked=(Lock("a", "c1"), Lock("b", "c1")),
        ),
        "locked[1] (student 'b', challenge 'c1')",
        "more than 1 locked students of class '2B' break the hard max_per_class rule",
    ),
]


@pytest.mark.parametrize(("change", "record", "message"), INVALID)
def test_it_rejects_an_invalid_format_2_field_naming_the_record(
    change: Any, record: str | None, message: str
) -> None:
    with pytest.raises(ProblemError) as info:
        validate(change(_v2_problem()))
    if record is None:  # the second of two rules
        record = "challenges[0] (id 'c1') rules[1] (kind 'min_level')"
    # a rule's record ends with its kind: "challenges[0] (id 'c1') rules[0] (kind 'max_size')"
    assert info.value.record == record or info.value.record.startswith(record + " (kind ")
    assert message in info.value.message


def test_the_example_problem_is_valid() -> None:
    validate(_v2_problem())
