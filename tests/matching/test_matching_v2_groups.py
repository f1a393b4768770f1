"""Groups of mutual together-wishes: connected components, deterministic, class units apart."""

from __future__ import annotations

from matching import Challenge, ClassUnit, Problem, Student
from matching.groups import mutual_groups, mutual_pairs, unreciprocated


def _student(sid: str, *together: str, klass: str | None = None) -> Student:
    return Student(sid, 2, "25604", "vista", preferences=("c1",), together=together, klass=klass)


def _problem(*students: Student, units: tuple[ClassUnit, ...] = ()) -> Problem:
    return Problem(
        students=students, challenges=(Challenge("c1", "jansen", max=10),), class_units=units
    )


def test_it_groups_only_mutual_wishes() -> None:
    problem = _problem(_student("a", "b"), _student("b", "a"), _student("c", "a"))

    assert mutual_groups(problem) == [("a", "b")]
    assert mutual_pairs(problem) == [("a", "b")]


def test_it_joins_a_chain_of_mutual_wishes_into_one_group() -> None:
    problem = _problem(
        _student("d", "c"), _student("c", "b", "d"), _student("b", "a", "c"), _student("a", "b")
    )

    assert mutual_groups(problem) == [("a", "b", "c", "d")]


def test_it_orders_groups_and_members_independently_of_input_order() -> None:
    students = [
        _student("z", "y"),
        _student("y", "z"),
        _student("b", "m"),
        _student("m", "b"),
        _student("q"),
    ]
    forward = mutual_groups(_problem(*students))
    backward = mutual_groups(_problem(*reversed(students)))

    assert forward == backward == [("b", "m"), ("y", "z")]


def test_it_leaves_out_students_without_a_mutual_wish() -> None:
    problem = _problem(_student("a", "b"), _student("b", "c"), _student("c"))

    assert mutual_groups(problem) == []


def test_it_ignores_the_wishes_of_class_unit_members() -> None:
    problem = _problem(
        _student("a", "b", klass="3A"),
        _student("b", "a"),
        _student("c", "d", klass="3B"),
        _student("d", "c", klass="3B"),
        units=(ClassUnit("3A", ("c1",)),),
    )

    assert mutual_groups(problem) == [("c", "d")]


def test_it_reports_unreciprocated_wishes_in_the_students_order() -> None:
    problem = _problem(_student("a", "c", "b"), _student("b", "a"), _student("c"))

    assert unreciprocated(problem) == {"a": ("c",)}
