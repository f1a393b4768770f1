"""The only backend module that imports the `matching` engine (an import-linter contract).

It converts plain snapshot records (built from the ORM in services/snapshot.py) into engine
types and back. Ids are stable strings derived from primary keys: students "s<user pk>",
challenges "c<offer pk>", hosts "h<organisation pk>", schools "o<organisation pk>".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import matching
from matching import rule_details, rule_failure

ProblemError = matching.ProblemError


def student_key(user_id: int) -> str:
    return f"s{user_id}"


def challenge_key(offer_id: int) -> str:
    return f"c{offer_id}"


def host_key(organisation_id: int) -> str:
    return f"h{organisation_id}"


def school_key(organisation_id: int) -> str:
    return f"o{organisation_id}"


def pk_of(key: str) -> int:
    """The primary key inside an engine id ("s42" → 42)."""
    return int(key[1:])


@dataclass(frozen=True)
class StudentRecord:
    user_id: int
    level: int
    programme: str  # crebo
    school_id: int
    certificates: tuple[str, ...] = ()
    open_goals: tuple[str, ...] = ()
    preferences: tuple[int, ...] = ()  # offer ids, best first


@dataclass(frozen=True)
class ChallengeRecord:
    offer_id: int
    host_id: int
    max: int
    min: int = 0
    levels: tuple[int, ...] = ()
    programmes: tuple[str, ...] = ()
    school_ids: tuple[int, ...] = ()
    requires: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    students: tuple[StudentRecord, ...]
    challenges: tuple[ChallengeRecord, ...]
    host_capacities: Mapping[int, int] = field(default_factory=dict)
    locked: tuple[tuple[int, int], ...] = ()  # (user id, offer id)


def _student(record: StudentRecord) -> matching.Student:
    return matching.Student(
        id=student_key(record.user_id),
        level=record.level,
        programme=record.programme,
        school=school_key(record.school_id),
        certificates=tuple(sorted(set(record.certificates))),
        open_goals=tuple(sorted(set(record.open_goals))),
        preferences=tuple(challenge_key(offer_id) for offer_id in record.preferences),
    )


def _challenge(record: ChallengeRecord) -> matching.Challenge:
    return matching.Challenge(
        id=challenge_key(record.offer_id),
        host=host_key(record.host_id),
        max=record.max,
        min=min(record.min, record.max),
        levels=tuple(sorted(set(record.levels))),
        programmes=tuple(sorted(set(record.programmes))),
        schools=tuple(sorted({school_key(pk) for pk in record.school_ids})),
        requires=tuple(sorted(set(record.requires))),
        goals=tuple(sorted(set(record.goals))),
    )


def build_problem(
    snapshot: Snapshot, *, mode: str, seed: int, coverage_weight: float
) -> matching.Problem:
    host_ids = sorted({record.host_id for record in snapshot.challenges})
    return matching.Problem(
        students=tuple(_student(s) for s in sorted(snapshot.students, key=lambda s: s.user_id)),
        challenges=tuple(
            _challenge(c) for c in sorted(snapshot.challenges, key=lambda c: c.offer_id)
        ),
        hosts=tuple(
            matching.Host(id=host_key(pk), capacity=snapshot.host_capacities.get(pk))
            for pk in host_ids
        ),
        locked=tuple(
            matching.Lock(student=student_key(user), challenge=challenge_key(offer))
            for user, offer in sorted(snapshot.locked)
        ),
        options=matching.Options(mode=mode, seed=seed, coverage_weight=coverage_weight),
    )


@dataclass(frozen=True)
class Solved:
    """What the backend stores from a solve."""

    problem: dict[str, Any]
    problem_hash: str
    result: dict[str, Any]
    metrics: dict[str, Any]
    # (user id, offer id, rank or None, locked)
    assignments: tuple[tuple[int, int, int | None, bool], ...]


def solve(
    snapshot: Snapshot,
    *,
    mode: str,
    seed: int,
    coverage_weight: float,
    progress: Callable[[str, int], None] | None = None,
) -> Solved:
    """Solve a snapshot. Raises ProblemError (with `.record`) for an invalid problem."""
    problem = build_problem(snapshot, mode=mode, seed=seed, coverage_weight=coverage_weight)
    result = matching.solve(problem, progress=progress)
    return Solved(
        problem=matching.problem_to_dict(problem),
        problem_hash=matching.problem_hash(problem),
        result=matching.result_to_dict(result),
        metrics=result.metrics.as_dict(),
        assignments=tuple(
            (pk_of(a.student), pk_of(a.challenge), a.rank, a.locked) for a in result.assignments
        ),
    )


def verify(problem: Mapping[str, Any], result: Mapping[str, Any]) -> list[str]:
    """Violations of every rule by a stored result against its stored problem ([] = fine)."""
    report = matching.check(matching.problem_from_dict(problem), matching.result_from_dict(result))
    return list(report.violations)


def ineligibility(student: StudentRecord, challenge: ChallengeRecord) -> dict[str, Any] | None:
    """The engine's verdict for one pair: None when eligible, else {"rule", "required", ...}."""
    engine_student, engine_challenge = _student(student), _challenge(challenge)
    rule = rule_failure(engine_student, engine_challenge)
    if rule is None:
        return None
    details = dict(rule_details(engine_student, engine_challenge, rule))
    if rule == "school":
        keys = details["required"]
        assert isinstance(keys, list)  # the school rule requires a list of school keys
        details["required"] = [pk_of(key) for key in keys]
    return details


def eligible_offer_ids(student: StudentRecord, challenges: Iterable[ChallengeRecord]) -> list[int]:
    return [c.offer_id for c in challenges if ineligibility(student, c) is None]


def explanation_of(result: Mapping[str, Any], user_id: int) -> dict[str, Any] | None:
    """The stored explanation for one student, with engine ids turned back into pks."""
    explanation = (result.get("explanations") or {}).get(student_key(user_id))
    if explanation is None:
        return None
    passed = []
    for item in explanation.get("passed_over", []):
        details = dict(item.get("details") or {})
        if "host" in details and isinstance(details["host"], str):
            details["host"] = pk_of(details["host"])
        if details.get("rule") == "school":
            details["required"] = [pk_of(key) for key in details.get("required", [])]
        passed.append(
            {
                "offer_id": pk_of(item["challenge"]),
                "rank": item["rank"],
                "reason": item["reason"],
                "details": details,
            }
        )
    challenge = explanation.get("challenge")
    return {
        "offer_id": pk_of(challenge) if challenge else None,
        "rank": explanation.get("rank"),
        "locked": bool(explanation.get("locked")),
        "passed_over": passed,
        "summary": explanation.get("summary", ""),
    }


def unassigned_reasons(result: Mapping[str, Any]) -> dict[int, str]:
    return {pk_of(item["student"]): item["reason"] for item in result.get("unassigned", [])}


def result_assignments(result: Mapping[str, Any]) -> dict[int, tuple[int, int | None]]:
    """{user id: (offer id, rank)} of a stored result."""
    return {
        pk_of(item["student"]): (pk_of(item["challenge"]), item.get("rank"))
        for item in result.get("assignments", [])
    }


@dataclass(frozen=True)
class Placement:
    """One student's outcome in a stored result (a RunPlacement row)."""

    student_id: int
    offer_id: int | None
    rank: int | None
    locked: bool
    reason: str  # the engine's reason for an unassigned student, else ""
    explanation: dict[str, Any]  # explanation_of


def placements_of(result: Mapping[str, Any]) -> list[Placement]:
    """Every student of a stored result with their offer, rank, reason and explanation (pks),
    by student: what `_store` writes as RunPlacement rows."""
    placed = {
        pk_of(item["student"]): (
            pk_of(item["challenge"]),
            item.get("rank"),
            bool(item.get("locked")),
        )
        for item in result.get("assignments", [])
    }
    reasons = unassigned_reasons(result)
    students = set(placed) | set(reasons)
    students |= {pk_of(key) for key in result.get("explanations") or {}}
    rows = []
    for student_id in sorted(students):
        offer_id, rank, locked = placed.get(student_id, (None, None, False))
        rows.append(
            Placement(
                student_id=student_id,
                offer_id=offer_id,
                rank=rank,
                locked=locked,
                reason=reasons.get(student_id, ""),
                explanation=explanation_of(result, student_id) or {},
            )
        )
    return rows
