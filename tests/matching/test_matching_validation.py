"""Validation: every kind of error names the offending record precisely."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from matching import (
    Challenge,
    Host,
    Lock,
    Options,
    Problem,
    ProblemError,
    Student,
    problem_from_dict,
    problem_to_dict,
    solve,
    validate,
)


def _problem(**changes: Any) -> Problem:
    base = Problem(
        students=(
            Student("sanne", 2, "25604", "vista", preferences=("c1", "c2")),
            Student("ahmed", 4, "25604", "gilde", certificates=("VOG",), preferences=("c1",)),
        ),
        challenges=(
            Challenge("c1", "jansen", max=2, requires=("VOG",)),
            Challenge("c2", "jansen", max=1),
        ),
        hosts=(Host("jansen", capacity=2),),
    )
    return dataclasses.replace(base, **changes)


def _error(problem: Problem) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        validate(problem)
    return info.value


def test_it_accepts_a_valid_problem() -> None:
    validate(_problem())


def test_it_rejects_a_preference_for_an_unknown_challenge() -> None:
    students = (Student("sanne", 2, "25604", "vista", preferences=("c1", "c9")),)
    error = _error(_problem(students=students))
    assert error.record == "students[0] (id 'sanne')"
    assert "preference 'c9' names a challenge that does not exist" in str(error)


def test_it_rejects_a_preference_listed_twice() -> None:
    students = (Student("sanne", 2, "25604", "vista", preferences=("c1", "c1")),)
    error = _error(_problem(students=students))
    assert error.record == "students[0] (id 'sanne')"
    assert "preference 'c1' is listed twice" in error.message


def test_it_rejects_duplicate_student_ids() -> None:
    student = Student("sanne", 2, "25604", "vista")
    error = _error(_problem(students=(student, student)))
    assert error.record == "students[1] (id 'sanne')"
    assert error.message == "duplicate id"


def test_it_rejects_duplicate_challenge_ids() -> None:
    challenge = Challenge("c1", "jansen", max=1)
    error = _error(_problem(challenges=(challenge, challenge), students=()))
    assert error.record == "challenges[1] (id 'c1')"


def test_it_rejects_an_unknown_host() -> None:
    challenges = (Challenge("c1", "jansen", max=2), Challenge("c2", "nobody", max=1))
    error = _error(_problem(challenges=challenges))
    assert error.record == "challenges[1] (id 'c2')"
    assert "host 'nobody' does not exist" in error.message


def test_it_rejects_a_negative_max() -> None:
    challenges = (Challenge("c1", "jansen", max=-1), Challenge("c2", "jansen", max=1))
    error = _error(_problem(challenges=challenges))
    assert error.record == "challenges[0] (id 'c1')"
    assert "max must not be negative, got -1" in error.message


def test_it_rejects_a_minimum_above_the_maximum() -> None:
    challenges = (Challenge("c1", "jansen", max=2, min=3), Challenge("c2", "jansen", max=1))
    error = _error(_problem(challenges=challenges))
    assert error.message == "min (3) is larger than max (2)"


def test_it_rejects_a_negative_host_capacity() -> None:
    error = _error(_problem(hosts=(Host("jansen", capacity=-2),)))
    assert error.record == "hosts[0] (id 'jansen')"
    assert "capacity must not be negative, got -2" in error.message


def test_it_rejects_a_host_ranking_naming_an_unknown_student() -> None:
    error = _error(_problem(hosts=(Host("jansen", ranking=("sanne", "ghost")),)))
    assert error.record == "hosts[0] (id 'jansen')"
    assert "student 'ghost', who does not exist" in error.message


def test_it_rejects_a_lock_for_an_unknown_student() -> None:
    error = _error(_problem(locked=(Lock("ghost", "c1"),)))
    assert error.record == "locked[0] (student 'ghost', challenge 'c1')"
    assert "student 'ghost' does not exist" in error.message


def test_it_rejects_a_lock_on_an_unknown_challenge() -> None:
    error = _error(_problem(locked=(Lock("sanne", "c9"),)))
    assert "challenge 'c9' does not exist" in error.message


def test_it_rejects_a_lock_that_breaks_an_eligibility_rule() -> None:
    error = _error(_problem(locked=(Lock("sanne", "c1"),)))
    assert error.record == "locked[0] (student 'sanne', challenge 'c1')"
    assert "not eligible for the challenge (certificate rule: ['VOG'])" in error.message


def test_it_rejects_a_student_locked_twice() -> None:
    error = _error(_problem(locked=(Lock("ahmed", "c1"), Lock("ahmed", "c2"))))
    assert error.record == "locked[1] (student 'ahmed', challenge 'c2')"
    assert "locked twice" in error.message


def test_it_rejects_locks_beyond_the_challenge_capacity() -> None:
    locked = (Lock("sanne", "c2"), Lock("ahmed", "c2"))
    error = _error(_problem(locked=locked))
    assert error.record == "locked[1] (student 'ahmed', challenge 'c2')"
    assert "exceeds the capacity of challenge 'c2' (max 1)" in error.message


def test_it_rejects_locks_beyond_the_host_capacity() -> None:
    locked = (Lock("ahmed", "c1"), Lock("sanne", "c2"))
    error = _error(_problem(locked=locked, hosts=(Host("jansen", capacity=1),)))
    assert error.record == "locked[1] (student 'sanne', challenge 'c2')"
    assert "exceeds the capacity of host 'jansen' (capacity 1)" in error.message


def test_it_rejects_an_unknown_mode() -> None:
    error = _error(_problem(options=Options(mode="fastest")))
    assert error.record == "options"
    assert "unknown mode 'fastest'" in error.message


def test_it_rejects_wrong_types() -> None:
    students = (Student("sanne", "2", "25604", "vista"),)  # type: ignore[arg-type]
    error = _error(_problem(students=students))
    assert error.record == "students[0] (id 'sanne')"
    assert "level must be an integer, got '2'" in error.message
    lists = (Student("sanne", 2, "25604", "vista", preferences=["c1"]),)  # type: ignore[arg-type]
    assert "preferences must be a tuple" in _error(_problem(students=lists)).message


def test_solve_validates_first() -> None:
    with pytest.raises(ProblemError):
        solve(_problem(options=Options(mode="fastest")))


def test_it_rejects_an_unknown_format() -> None:
    data = problem_to_dict(_problem())
    data["format"] = "koppel-allocation/3"
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert info.value.record == "format"


def test_it_rejects_an_unknown_field_in_a_record() -> None:
    data = problem_to_dict(_problem())
    data["students"][1]["prefs"] = ["c1"]
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert info.value.record == "students[1] (id 'ahmed')"
    assert "unknown field(s) 'prefs'" in info.value.message


def test_it_rejects_a_missing_field() -> None:
    data = problem_to_dict(_problem())
    del data["challenges"][0]["max"]
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert info.value.record == "challenges[0] (id 'c1')"
    assert info.value.message == "missing field 'max'"


def test_it_rejects_a_list_field_that_is_not_a_list() -> None:
    data = problem_to_dict(_problem())
    data["students"][0]["preferences"] = "c1"
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert "preferences must be a list, got str" in info.value.message
