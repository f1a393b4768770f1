"""The only backend module that imports the `matching` engine (an import-linter contract).

It converts plain snapshot records (built from the ORM in services/snapshot.py) into engine
types and back. Ids are stable strings derived from primary keys: students "s<user pk>",
challenges "c<offer pk>", hosts "h<organisation pk>", schools "o<organisation pk>".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

import matching
from matching import rule_details, rule_failure
from matching.serialize import canonical_json, result_json_chunks

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


def _sorted_set(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def _student(
    record: StudentRecord,
    key: Callable[[int], str] = challenge_key,
    codes: Callable[[tuple[str, ...]], tuple[str, ...]] = _sorted_set,
) -> matching.Student:
    return matching.Student(
        id=student_key(record.user_id),
        level=record.level,
        programme=record.programme,
        school=school_key(record.school_id),
        certificates=codes(record.certificates),
        open_goals=codes(record.open_goals),
        preferences=tuple(map(key, record.preferences)),
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


def _interned_challenge_keys() -> Callable[[int], str]:
    """challenge_key, one string per offer: a round's 750,000 choices name 10,000 offers, so
    the problem holds 10,000 key strings instead of 750,000 copies."""
    keys: dict[int, str] = {}

    def key(offer_id: int) -> str:
        found = keys.get(offer_id)
        if found is None:
            found = keys[offer_id] = challenge_key(offer_id)
        return found

    return key


def _shared_sorted_sets() -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """_sorted_set, one tuple per distinct input: the students of one kwalificatie mostly have
    the same open werkproces codes (and certificates), so they share one sorted tuple."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}

    def codes(values: tuple[str, ...]) -> tuple[str, ...]:
        result = found.get(values)
        if result is None:
            result = found[values] = _sorted_set(values)
        return result

    return codes


def build_problem(
    snapshot: Snapshot, *, mode: str, seed: int, coverage_weight: float
) -> matching.Problem:
    host_ids = sorted({record.host_id for record in snapshot.challenges})
    key, codes = _interned_challenge_keys(), _shared_sorted_sets()
    return matching.Problem(
        students=tuple(
            _student(s, key, codes) for s in sorted(snapshot.students, key=lambda s: s.user_id)
        ),
        challenges=tuple(
            _challenge(c) for c in sorted(snapshot.challenges, key=lambda c: c.offer_id)
        ),
        hosts=tuple(
            matching.Host(id=host_key(pk), capacity=snapshot.host_capacities.get(pk))
            for pk in host_ids
        ),
        locked=tuple(
            matching.Lock(student=student_key(user), challenge=key(offer))
            for user, offer in sorted(snapshot.locked)
        ),
        options=matching.Options(mode=mode, seed=seed, coverage_weight=coverage_weight),
    )


# One RunPlacement row: (user id, offer id or None, rank or None, locked, reason, explanation as
# JSON text: explanation_of's document).
PlacementRow = tuple[int, int | None, int | None, bool, str, str]


@dataclass(frozen=True)
class Solved:
    """What the backend stores from a solve, ready to write.

    Each document is encoded once, straight from the engine's objects, and compressed at once
    (`compress`: CompressedJSONField's bytes), so neither its dict nor its JSON text outlives
    the solve. The per-student rows are produced while they are written (`placements()`)."""

    problem: bytes  # compressed koppel-allocation/1 document (the canonical JSON that is hashed)
    problem_hash: str
    result: bytes  # compressed koppel-allocation-result/1 document
    metrics: dict[str, Any]
    # (user id, offer id, rank or None, locked)
    assignments: tuple[tuple[int, int, int | None, bool], ...]
    _result: matching.Result = field(repr=False)

    def placements(self) -> Iterator[PlacementRow]:
        """One row per student of the result, by user id, the explanation as JSON text."""
        return placement_rows(self._result)


def problem_of(
    snapshot: Snapshot, *, mode: str, seed: int, coverage_weight: float
) -> matching.Problem:
    """The engine's problem for a snapshot. Call it so that the snapshot is garbage once this
    returns (`problem_of(round_snapshot(...), ...)`): at 100,000 students it is ~150 MB."""
    return build_problem(snapshot, mode=mode, seed=seed, coverage_weight=coverage_weight)


def solve(
    problem: matching.Problem,
    *,
    compress: Callable[[str | Iterable[str]], bytes],
    progress: Callable[[str, int], None] | None = None,
) -> Solved:
    """Solve a problem (`problem_of`). Raises ProblemError (with `.record`) for an invalid
    problem. `compress` turns a document's JSON text (whole, or in consecutive pieces) into the
    bytes to store."""
    # The problem is encoded before solving, while the engine holds nothing else: its canonical
    # text is what problem_hash hashes, built once, hashed and stored.
    text = canonical_json(matching.problem_to_dict(problem))
    problem_hash = hashlib.sha256(text.encode()).hexdigest()
    problem_bytes = compress(text)
    del text
    result = matching.solve(problem, progress=progress)
    return Solved(
        problem=problem_bytes,
        problem_hash=problem_hash,
        # Compressed as it is written: the result's JSON text never exists whole (70 MB).
        result=compress(result_json_chunks(result)),
        metrics=result.metrics.as_dict(),
        assignments=tuple(
            (pk_of(a.student), pk_of(a.challenge), a.rank, a.locked) for a in result.assignments
        ),
        _result=result,
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
    passed = [
        {
            "offer_id": pk_of(item["challenge"]),
            "rank": item["rank"],
            "reason": item["reason"],
            "details": _pk_details(item.get("details") or {}),
        }
        for item in explanation.get("passed_over", [])
    ]
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


def _pk_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """A passed-over choice's details with engine ids turned back into pks (explanation_of)."""
    converted = dict(details)
    if "host" in converted and isinstance(converted["host"], str):
        converted["host"] = pk_of(converted["host"])
    if converted.get("rule") == "school":
        converted["required"] = [pk_of(key) for key in converted.get("required", [])]
    return converted


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), check_circular=False)


def placement_rows(result: matching.Result) -> Iterator[PlacementRow]:
    """Every student of a result with their offer, rank, lock, reason and explanation
    (explanation_of of the stored result, as compact JSON written by hand), by user id: what a
    run stores as RunPlacement rows. The 100,000 students' explanations share their passed-over
    entries (one per challenge and rank, with the same details): each is encoded once."""
    placed = {a.student: a for a in result.assignments}
    reasons = {u.student: u.reason for u in result.unassigned}
    explanations = result.explanations
    students = sorted({*placed, *reasons, *explanations}, key=pk_of)
    passed_json: dict[int, str] = {}
    details_json: dict[int, str] = {}

    def passed(item: matching.PassedOver) -> str:
        text = passed_json.get(id(item))
        if text is None:
            details = details_json.get(id(item.details))
            if details is None:
                details = details_json[id(item.details)] = _compact(_pk_details(item.details))
            text = passed_json[id(item)] = (
                f'{{"offer_id":{pk_of(item.challenge)},"rank":{item.rank},'
                f'"reason":{_quote(item.reason)},"details":{details}}}'
            )
        return text

    for sid in students:
        assignment = placed.get(sid)
        explanation = explanations.get(sid)
        if explanation is None:
            document = "{}"
        else:
            challenge = explanation.challenge
            document = (
                f'{{"offer_id":{"null" if challenge is None else pk_of(challenge)},'
                f'"rank":{"null" if explanation.rank is None else explanation.rank},'
                f'"locked":{"true" if explanation.locked else "false"},'
                f'"passed_over":[{",".join(map(passed, explanation.passed_over))}],'
                f'"summary":{_quote(explanation.summary)}}}'
            )
        yield (
            pk_of(sid),
            None if assignment is None else pk_of(assignment.challenge),
            None if assignment is None else assignment.rank,
            False if assignment is None else bool(assignment.locked),
            reasons.get(sid, ""),
            document,
        )
