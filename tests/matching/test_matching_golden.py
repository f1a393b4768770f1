"""Golden cases: hand-checked problems and results in fixtures/matching/golden/*.json.

Each file holds a problem, a description of why the expected result is right, and the expected
assignments ([challenge, rank] or [challenge, rank, locked]), unassigned reasons, passed-over
reasons ([challenge, rank, reason, details]) per student, bound_gap and closed challenges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matching import check, problem_from_dict, solve

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "matching" / "golden"
CASES = sorted(GOLDEN.glob("*.json"))


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 7


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_it_reproduces_the_golden_case(path: Path) -> None:
    case = json.loads(path.read_text())
    problem = problem_from_dict(case["problem"])
    expected: dict[str, Any] = case["expected"]
    result = solve(problem)

    got = {
        a.student: [a.challenge, a.rank] + ([True] if a.locked else []) for a in result.assignments
    }
    assert got == expected["assignments"]
    assert {u.student: u.reason for u in result.unassigned} == expected["unassigned"]
    for student, entries in expected["passed_over"].items():
        passed = result.explanations[student].passed_over
        assert [[p.challenge, p.rank, p.reason, dict(p.details)] for p in passed] == entries
    assert result.bound_gap == expected["bound_gap"]
    assert list(result.closed) == expected["closed"]
    assert check(problem, result).ok
