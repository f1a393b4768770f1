"""The fast paths of the CLI (hand-written result JSON, shared explanation entries, bulk
validation) must give exactly what the plain code gives."""

from __future__ import annotations

import json

import pytest

from matching import ProblemError, Student, problem_from_dict, result_to_dict, solve, validate
from matching.serialize import result_json_chunks, result_to_json


@pytest.mark.parametrize("mode", ["optimal", "stable"])
def test_result_to_json_matches_json_dumps_of_result_to_dict(mode: str) -> None:
    from bench.engine_gen import generate

    data = generate(400, seed=5)
    data["options"] = {**data.get("options", {}), "mode": mode}
    result = solve(problem_from_dict(data))
    expected = json.dumps(result_to_dict(result), separators=(",", ":"))
    assert result_to_json(result) == expected
    # The same text in pieces, one per explanation, for a writer that streams it.
    chunks = list(result_json_chunks(result))
    assert "".join(chunks) == expected
    assert len(chunks) > len(result.explanations)


def test_the_bulk_student_check_still_names_the_field() -> None:
    from bench.engine_gen import generate

    problem = problem_from_dict(generate(50, seed=1))
    students = list(problem.students)
    first = students[0]
    students[0] = Student(first.id, first.level, first.programme, first.school, ("VOG", 3))  # type: ignore[arg-type]
    bad = problem.__class__(
        tuple(students), problem.challenges, problem.hosts, problem.locked, problem.options
    )
    with pytest.raises(ProblemError, match="certificates must contain strings"):
        validate(bad)


def test_a_student_record_with_a_bad_field_still_fails_the_shape_check() -> None:
    from bench.engine_gen import generate

    data = generate(20, seed=2)
    data["students"][3]["preferences"] = "c1"
    with pytest.raises(ProblemError, match="preferences must be a list"):
        problem_from_dict(data)
    data["students"][3]["preferences"] = []
    data["students"][3]["colour"] = "red"
    with pytest.raises(ProblemError, match="unknown field"):
        problem_from_dict(data)
