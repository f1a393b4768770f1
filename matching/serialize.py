"""The JSON formats koppel-allocation/1 (problems) and koppel-allocation-result/1 (results)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from matching.errors import ProblemError
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

PROBLEM_FORMAT = "koppel-allocation/1"
RESULT_FORMAT = "koppel-allocation-result/1"

_STUDENT = ("id", "level", "programme", "school", "certificates", "open_goals", "preferences")
_CHALLENGE = ("id", "host", "min", "max", "levels", "programmes", "schools", "requires", "goals")
_HOST = ("id", "capacity", "ranking")
_LOCK = ("student", "challenge")
_OPTIONS = ("mode", "seed", "coverage_weight")
_TOP = ("format", "students", "challenges", "hosts", "locked", "options")


def _records(data: Mapping[str, Any], name: str, required: bool) -> list[Any]:
    value = data.get(name)
    if value is None and not required:
        return []
    if type(value) is not list:
        raise ProblemError(name, f"must be a list, got {type(value).__name__}")
    return value


def _fields(
    record: str, item: object, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    if type(item) is not dict:
        raise ProblemError(record, f"must be an object, got {type(item).__name__}")
    if not item.keys() <= set(allowed):
        unknown = sorted(set(item) - set(allowed))
        raise ProblemError(record, f"unknown field(s) {', '.join(map(repr, unknown))}")
    for name in required:
        if name not in item:
            raise ProblemError(record, f"missing field {name!r}")
    return item


def _tuple(record: str, item: Mapping[str, Any], name: str) -> tuple[Any, ...]:
    value = item.get(name)
    if value is None:
        return ()
    if type(value) is not list:
        raise ProblemError(record, f"{name} must be a list, got {type(value).__name__}")
    return tuple(value)


def _student(index: int, item: Any) -> Student:
    record = f"students[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, _STUDENT, ("id", "level", "programme", "school"))
    return Student(
        d["id"],
        d["level"],
        d["programme"],
        d["school"],
        _tuple(record, d, "certificates"),
        _tuple(record, d, "open_goals"),
        _tuple(record, d, "preferences"),
    )


def _challenge(index: int, item: Any) -> Challenge:
    record = f"challenges[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, _CHALLENGE, ("id", "host", "max"))
    return Challenge(
        d["id"],
        d["host"],
        d["max"],
        d.get("min", 0),
        _tuple(record, d, "levels"),
        _tuple(record, d, "programmes"),
        _tuple(record, d, "schools"),
        _tuple(record, d, "requires"),
        _tuple(record, d, "goals"),
    )


def _host(index: int, item: Any) -> Host:
    record = f"hosts[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, _HOST, ("id",))
    return Host(d["id"], d.get("capacity"), _tuple(record, d, "ranking"))


def _lock(index: int, item: Any) -> Lock:
    d = _fields(f"locked[{index}]", item, _LOCK, _LOCK)
    return Lock(d["student"], d["challenge"])


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """Parse a koppel-allocation/1 document; raises ProblemError naming the record.

    Only the shape is checked here; call `validate` (or `solve`) for the rules.
    """
    if not isinstance(data, Mapping):
        raise ProblemError("document", f"must be an object, got {type(data).__name__}")
    if data.get("format") != PROBLEM_FORMAT:
        raise ProblemError(
            "format", f"unknown format {data.get('format')!r}, expected {PROBLEM_FORMAT!r}"
        )
    _fields("document", dict(data), _TOP, ())
    raw_options = data.get("options") or {}
    options = _fields("options", raw_options, _OPTIONS, ())
    return Problem(
        students=tuple(_student(i, s) for i, s in enumerate(_records(data, "students", True))),
        challenges=tuple(
            _challenge(i, c) for i, c in enumerate(_records(data, "challenges", True))
        ),
        hosts=tuple(_host(i, h) for i, h in enumerate(_records(data, "hosts", False))),
        locked=tuple(_lock(i, lock) for i, lock in enumerate(_records(data, "locked", False))),
        options=Options(
            options.get("mode", "optimal"),
            options.get("seed", 0),
            options.get("coverage_weight", 0.0),
        ),
    )


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The koppel-allocation/1 document of `problem`, with every field written out."""
    return {
        "format": PROBLEM_FORMAT,
        "students": [
            {
                "id": s.id,
                "level": s.level,
                "programme": s.programme,
                "school": s.school,
                "certificates": list(s.certificates),
                "open_goals": list(s.open_goals),
                "preferences": list(s.preferences),
            }
            for s in problem.students
        ],
        "challenges": [
            {
                "id": c.id,
                "host": c.host,
                "min": c.min,
                "max": c.max,
                "levels": list(c.levels),
                "programmes": list(c.programmes),
                "schools": list(c.schools),
                "requires": list(c.requires),
                "goals": list(c.goals),
            }
            for c in problem.challenges
        ],
        "hosts": [
            {"id": h.id, "capacity": h.capacity, "ranking": list(h.ranking)} for h in problem.hosts
        ],
        "locked": [{"student": k.student, "challenge": k.challenge} for k in problem.locked],
        "options": {
            "mode": problem.options.mode,
            "seed": problem.options.seed,
            "coverage_weight": problem.options.coverage_weight,
        },
    }


def canonical_json(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def problem_hash(problem: Problem) -> str:
    """sha256 hex of the canonical JSON (sorted keys, no whitespace) of problem_to_dict."""
    return hashlib.sha256(canonical_json(problem_to_dict(problem)).encode()).hexdigest()


def _passed_to_dict(p: PassedOver) -> dict[str, Any]:
    return {"challenge": p.challenge, "rank": p.rank, "reason": p.reason, "details": p.details}


def result_to_dict(result: Result) -> dict[str, Any]:
    """The koppel-allocation-result/1 document of `result` (JSON-able)."""
    memo: dict[int, dict[str, Any]] = {}  # explanations share PassedOver objects; so do we

    def passed(p: PassedOver) -> dict[str, Any]:
        found = memo.get(id(p))
        if found is None:
            found = memo[id(p)] = _passed_to_dict(p)
        return found

    return {
        "format": RESULT_FORMAT,
        "mode": result.mode,
        "seed": result.seed,
        "bound_gap": result.bound_gap,
        "closed": list(result.closed),
        "assignments": [
            {"student": a.student, "challenge": a.challenge, "rank": a.rank, "locked": a.locked}
            for a in result.assignments
        ],
        "unassigned": [
            {"student": u.student, "reason": u.reason, "details": u.details}
            for u in result.unassigned
        ],
        "explanations": {
            sid: {
                "challenge": e.challenge,
                "rank": e.rank,
                "locked": e.locked,
                "passed_over": [passed(p) for p in e.passed_over],
                "summary": e.summary,
            }
            for sid, e in result.explanations.items()
        },
        "metrics": result.metrics.as_dict(),
    }


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Parse a koppel-allocation-result/1 document; raises ProblemError when malformed."""
    if not isinstance(data, Mapping) or data.get("format") != RESULT_FORMAT:
        found = data.get("format") if isinstance(data, Mapping) else None
        raise ProblemError("format", f"unknown format {found!r}, expected {RESULT_FORMAT!r}")
    record = "result"
    try:
        record = "assignments"
        assignments = tuple(
            Assignment(a["student"], a["challenge"], a["rank"], bool(a.get("locked", False)))
            for a in data["assignments"]
        )
        record = "unassigned"
        unassigned = tuple(
            Unassigned(u["student"], u["reason"], u.get("details", {})) for u in data["unassigned"]
        )
        record = "explanations"
        explanations = {
            sid: Explanation(
                sid,
                e["challenge"],
                e["rank"],
                e["locked"],
                tuple(
                    PassedOver(p["challenge"], p["rank"], p["reason"], p["details"])
                    for p in e["passed_over"]
                ),
                e["summary"],
            )
            for sid, e in data["explanations"].items()
        }
        record = "metrics"
        metrics = Metrics.from_dict(data["metrics"])
        record = "result"
        return Result(
            assignments=assignments,
            unassigned=unassigned,
            explanations=explanations,
            metrics=metrics,
            mode=data["mode"],
            seed=data["seed"],
            bound_gap=data.get("bound_gap"),
            closed=tuple(data.get("closed", ())),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ProblemError(record, f"malformed result: {exc!r}") from exc
