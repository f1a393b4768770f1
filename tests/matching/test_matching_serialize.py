"""The JSON formats, the problem hash and the public API surface."""

from __future__ import annotations

import json

import matching
from matching import (
    Challenge,
    Host,
    Lock,
    Options,
    Problem,
    Student,
    problem_from_dict,
    problem_hash,
    problem_to_dict,
    result_from_dict,
    result_to_dict,
    solve,
)

PROBLEM = Problem(
    students=(
        Student("sanne", 2, "25604", "vista", ("VOG",), ("B1-K1-W1",), ("c1", "c2")),
        Student("ahmed", 4, "25604", "gilde", preferences=("c1",)),
        Student("lotte", 4, "25187", "vista", preferences=("c2", "c1")),
    ),
    challenges=(
        Challenge("c1", "jansen", max=1, min=0, levels=(2, 4), goals=("B1-K1-W1",)),
        Challenge("c2", "garage", max=2, requires=("VOG",)),
    ),
    hosts=(Host("jansen", 1, ("ahmed",)), Host("garage")),
    locked=(Lock("lotte", "c1"),),
    options=Options("optimal", 7, 0.0),
)


def test_a_problem_survives_the_json_round_trip() -> None:
    data = json.loads(json.dumps(problem_to_dict(PROBLEM)))
    assert data["format"] == "koppel-allocation/1"
    assert problem_from_dict(data) == PROBLEM


def test_the_problem_hash_is_the_sha256_of_the_canonical_json() -> None:
    import hashlib

    canonical = json.dumps(problem_to_dict(PROBLEM), sort_keys=True, separators=(",", ":"))
    assert problem_hash(PROBLEM) == hashlib.sha256(canonical.encode()).hexdigest()
    assert problem_hash(problem_from_dict(problem_to_dict(PROBLEM))) == problem_hash(PROBLEM)


def test_a_minimal_document_gets_the_defaults() -> None:
    problem = problem_from_dict(
        {
            "format": "koppel-allocation/1",
            "students": [{"id": "s1", "level": 4, "programme": "p", "school": "x"}],
            "challenges": [{"id": "c1", "host": "h1", "max": 2}],
            "hosts": [{"id": "h1"}],
        }
    )
    assert problem.hosts == (Host("h1"),)
    assert problem.options == Options()
    assert problem.students[0].preferences == ()


def test_a_result_survives_the_json_round_trip() -> None:
    for mode in ("optimal", "stable"):
        problem = Problem(
            PROBLEM.students, PROBLEM.challenges, PROBLEM.hosts, PROBLEM.locked, Options(mode, 3)
        )
        result = solve(problem)
        data = json.loads(json.dumps(result_to_dict(result)))
        assert data["format"] == "koppel-allocation-result/1"
        assert result_from_dict(data) == result


def test_the_public_api_is_exported() -> None:
    for name in [
        "Student",
        "Challenge",
        "Host",
        "Lock",
        "Options",
        "Problem",
        "Assignment",
        "PassedOver",
        "Explanation",
        "Unassigned",
        "Metrics",
        "Result",
        "ProblemError",
        "CheckReport",
        "validate",
        "problem_from_dict",
        "problem_to_dict",
        "result_to_dict",
        "result_from_dict",
        "problem_hash",
        "solve",
        "check",
        "count_blocking_pairs",
    ]:
        assert hasattr(matching, name), name


def test_the_engine_imports_no_framework_and_no_solver_until_needed() -> None:
    import subprocess
    import sys

    code = (
        "import sys, matching; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'rest_framework', 'celery', 'backend', 'ortools')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
