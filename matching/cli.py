"""`python -m matching solve|check`: the engine on JSON files.

Exit status: 0 fine, 1 violations found (check), 2 invalid input (ProblemError).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import sys
from collections.abc import Sequence
from typing import Any

from matching.check import check
from matching.errors import ProblemError
from matching.serialize import problem_from_dict, result_from_dict, result_to_json
from matching.solve import solve
from matching.types import MODES


def _load(path: str) -> Any:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ProblemError(path, f"cannot read file: {exc.strerror}") from exc
    try:
        # One bulk decode instead of a buffered text stream (same errors, BOM included).
        return json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise ProblemError(path, f"invalid JSON: {exc}") from exc


def _solve(args: argparse.Namespace) -> int:
    problem = problem_from_dict(_load(args.problem))
    changes: dict[str, Any] = {}
    if args.mode is not None:
        changes["mode"] = args.mode
    if args.seed is not None:
        changes["seed"] = args.seed
    if changes:
        options = dataclasses.replace(problem.options, **changes)
        problem = dataclasses.replace(problem, options=options)
    text = result_to_json(solve(problem))
    if args.output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.write("\n")
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)  # not text + "\n": that would copy megabytes once more
            f.write("\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    problem = problem_from_dict(_load(args.problem))
    result = result_from_dict(_load(args.result))
    report = check(problem, result)
    for violation in report.violations:
        print(violation)
    print(f"violations: {len(report.violations)}; blocking pairs: {report.blocking_pairs}")
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solve_cmd = commands.add_parser("solve", help="solve a koppel-allocation/1 problem")
    solve_cmd.add_argument("problem", help="PROBLEM.json")
    solve_cmd.add_argument("--mode", choices=MODES, help="override options.mode")
    solve_cmd.add_argument("--seed", type=int, help="override options.seed")
    solve_cmd.add_argument("-o", "--output", help="RESULT.json (default: stdout)")
    solve_cmd.set_defaults(handler=_solve)
    check_cmd = commands.add_parser("check", help="check a result against its problem")
    check_cmd.add_argument("problem", help="PROBLEM.json")
    check_cmd.add_argument("result", help="RESULT.json")
    check_cmd.set_defaults(handler=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    gc.disable()  # a short-lived process creating millions of acyclic objects: see solve()
    try:
        return int(args.handler(args))
    except ProblemError as exc:
        print(f"invalid input: {exc}", file=sys.stderr)
        return 2
