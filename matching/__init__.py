"""Koppel's allocation engine: students to challenges, optimal or stable, explained.

A plain library: typed frozen inputs in, assignments + explanations + metrics out. No I/O in
the core, no framework imports; randomness comes from `Options.seed`. See docs/matching.md.
"""

from matching.check import CheckReport, check, count_blocking_pairs
from matching.errors import ProblemError
from matching.groups import mutual_groups
from matching.serialize import (
    PROBLEM_FORMAT,
    PROBLEM_FORMAT_V2,
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
    ClassUnit,
    Explanation,
    GroupOutcome,
    Host,
    Lock,
    Metrics,
    Options,
    PassedOver,
    Problem,
    Result,
    Rule,
    RuleBinding,
    Student,
    Unassigned,
)
from matching.validate import rule_details, rule_failure, validate

__all__ = [
    "PROBLEM_FORMAT",
    "PROBLEM_FORMAT_V2",
    "RESULT_FORMAT",
    "Assignment",
    "Challenge",
    "CheckReport",
    "ClassUnit",
    "Explanation",
    "GroupOutcome",
    "Host",
    "Lock",
    "Metrics",
    "Options",
    "PassedOver",
    "Problem",
    "ProblemError",
    "Result",
    "Rule",
    "RuleBinding",
    "Student",
    "Unassigned",
    "check",
    "count_blocking_pairs",
    "mutual_groups",
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
