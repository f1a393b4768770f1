"""Koppel's allocation engine: students to challenges, optimal or stable, explained.

A plain library: typed frozen inputs in, assignments + explanations + metrics out. No I/O in
the core, no framework imports; randomness comes from `Options.seed`. See docs/matching.md.
"""

from matching.check import CheckReport, check, count_blocking_pairs
from matching.errors import ProblemError
from matching.serialize import (
    PROBLEM_FORMAT,
    RESULT_FORMAT,
    problem_from_dict,
    problem_hash,
    problem_to_dict,
    result_from_dict,
    result_to_dict,
)
from matching.solve import solve
from matching.types import (
    Assignment,
    Challenge,
    Explanation,
    Host,
    Lock,
    Metrics,
    Options,
    PassedOver,
    Problem,
    Result,
    Student,
    Unassigned,
)
from matching.validate import rule_details, rule_failure, validate

__all__ = [
    "PROBLEM_FORMAT",
    "RESULT_FORMAT",
    "Assignment",
    "Challenge",
    "CheckReport",
    "Explanation",
    "Host",
    "Lock",
    "Metrics",
    "Options",
    "PassedOver",
    "Problem",
    "ProblemError",
    "Result",
    "Student",
    "Unassigned",
    "check",
    "count_blocking_pairs",
    "problem_from_dict",
    "problem_hash",
    "problem_to_dict",
    "result_from_dict",
    "result_to_dict",
    "rule_details",
    "rule_failure",
    "solve",
    "validate",
]
