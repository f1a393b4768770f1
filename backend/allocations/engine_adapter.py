"""The only backend module that imports the `matching` engine (an import-linter contract).

It converts plain snapshot records (built from the ORM in services/snapshot.py) into engine
types and back. Ids are stable strings derived from primary keys: students "s<user pk>",
challenges "c<offer pk>", hosts "h<organisation pk>", schools "o<organisation pk>", classes
"o<school pk>/<class code>" (a class code is only unique within its school).

Teams (format koppel-allocation/2): a snapshot names each student's mutual teammate wishes,
class and earlier hosts, and the round's composition rules on every challenge. A problem that
uses none of them is written exactly as before (/1, the same hash), so the engine takes its
min-cost-flow path. The engine's team outcome (Result.groups, bound_rules, gap) is stored as
counts on the run (team_outcome).
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


def class_key(school_id: int, class_code: str) -> str:
    """A class as the engine names it: scoped by school, so Vista's "2A" is not Gilde's."""
    return f"{school_key(school_id)}/{class_code}"


@dataclass(frozen=True)
class RuleRecord:
    """A team-composition rule (matching.Rule): "max_per_class" (at most `value` from one
    class), "min_level" (at least `count` of niveau `value`), "mixed_schools" (at least `value`
    schools); hard, or soft at `weight` rank points per unit of violation."""

    kind: str
    value: int
    count: int = 1
    hard: bool = True
    weight: float = 0.0


@dataclass(frozen=True)
class TeamSettings:
    """A round's team options for the engine. The defaults use no team feature."""

    together: str = "off"  # "hard" | "soft" | "off"
    together_weight: float = 1.0
    rotation: str = "off"  # "hard" | "soft" | "off"
    rotation_weight: float = 2.0
    time_limit: float = 30.0
    rules: tuple[RuleRecord, ...] = ()  # on every challenge of the round


@dataclass(frozen=True)
class StudentRecord:
    user_id: int
    level: int
    programme: str  # crebo
    school_id: int
    certificates: tuple[str, ...] = ()
    open_goals: tuple[str, ...] = ()
    preferences: tuple[int, ...] = ()  # offer ids, best first
    # Teams: the user ids of mutual teammate wishes (at most 3), the class (class_key) when a
    # rule needs it, the host organisation ids of earlier published placements.
    teammates: tuple[int, ...] = ()
    class_id: str | None = None
    history: tuple[int, ...] = ()


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
    rules: tuple[RuleRecord, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    students: tuple[StudentRecord, ...]
    challenges: tuple[ChallengeRecord, ...]
    host_capacities: Mapping[int, int] = field(default_factory=dict)
    locked: tuple[tuple[int, int], ...] = ()  # (user id, offer id)
    teams: TeamSettings = field(default_factory=TeamSettings)


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
        together=tuple(student_key(pk) for pk in sorted(set(record.teammates))),
        klass=record.class_id,
        history=tuple(sorted({host_key(pk) for pk in record.history})),
    )


def _rule(record: RuleRecord) -> matching.Rule:
    return matching.Rule(
        kind=record.kind,
        value=record.value,
        count=record.count,
        hard=record.hard,
        weight=0.0 if record.hard else record.weight,
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
        rules=tuple(_rule(rule) for rule in record.rules),
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


def uses_teams(snapshot: Snapshot) -> bool:
    """Whether the snapshot names any team input (a wish, a class, a history or a rule): only
    then do the team options travel to the engine (else the problem stays format /1)."""
    return any(c.rules for c in snapshot.challenges) or any(
        s.teammates or s.class_id or s.history for s in snapshot.students
    )


def _options(
    snapshot: Snapshot, *, mode: str, seed: int, coverage_weight: float
) -> matching.Options:
    if not uses_teams(snapshot):
        return matching.Options(mode=mode, seed=seed, coverage_weight=coverage_weight)
    teams = snapshot.teams
    return matching.Options(
        mode=mode,
        seed=seed,
        coverage_weight=coverage_weight,
        together=teams.together,
        together_weight=teams.together_weight,
        rotation=teams.rotation,
        rotation_weight=teams.rotation_weight,
        time_limit=float(teams.time_limit),
    )


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
        options=_options(snapshot, mode=mode, seed=seed, coverage_weight=coverage_weight),
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
    # team_outcome of the result (counts only), None when the problem used no team feature
    teams: dict[str, Any] | None
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
        teams=team_outcome(problem, result),
        assignments=tuple(
            (pk_of(a.student), pk_of(a.challenge), a.rank, a.locked) for a in result.assignments
        ),
        _result=result,
    )


def _problem_uses_teams(problem: matching.Problem) -> bool:
    return any(c.rules for c in problem.challenges) or any(
        s.together or s.klass or s.history for s in problem.students
    )


def _bound_rules(
    problem: matching.Problem, bindings: Iterable[matching.RuleBinding]
) -> list[dict[str, Any]]:
    """The rules that decided placements, one entry per challenge, kind and hardness, with the
    rule's numbers (from the problem) and how many students it decided: no ids."""
    challenges = {c.id: c for c in problem.challenges}
    students: dict[tuple[str, str, bool], set[str]] = {}
    for binding in bindings:
        students.setdefault((binding.challenge, binding.kind, binding.hard), set()).update(
            binding.students
        )
    rows = []
    for (challenge_id, kind, hard), decided in sorted(students.items()):
        challenge = challenges.get(challenge_id)
        rule = next((r for r in challenge.rules if r.kind == kind), None) if challenge else None
        value = rule.value if rule else (challenge.min if challenge and kind == "min" else 0)
        rows.append(
            {
                "offer_id": pk_of(challenge_id),
                "kind": kind,
                "hard": hard,
                "value": value,
                "count": rule.count if rule else 0,
                "students": len(decided),
            }
        )
    return rows


def team_outcome(problem: matching.Problem, result: matching.Result) -> dict[str, Any] | None:
    """What a run did with teams, as counts (stored on the run, shown on the review page): the
    mutual groups kept together (and why the others were not), the class units, the rules that
    bound and the exact search's gap. None when the problem used no team feature and the engine
    reported nothing (a plain round). `reported` is False when the problem used teams but the
    engine said nothing about them (an engine without the exact team search)."""
    groups, bindings, gap = result.groups, result.bound_rules, result.gap
    reported = bool(groups or bindings or gap is not None)
    if not reported and not _problem_uses_teams(problem):
        return None
    together = [g for g in groups if g.kind == "together"]
    classes = [g for g in groups if g.kind == "class"]
    not_kept: dict[str, int] = {}
    for group in together:
        if not group.kept:
            reason = group.reason or "unknown"
            not_kept[reason] = not_kept.get(reason, 0) + 1
    return {
        "reported": reported,
        "gap": gap,
        "groups": len(together),
        "kept": sum(1 for g in together if g.kept),
        "not_kept": not_kept,
        "classes": len(classes),
        "classes_kept": sum(1 for g in classes if g.kept),
        "bound_rules": _bound_rules(problem, bindings),
    }


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
    document = {
        "offer_id": pk_of(challenge) if challenge else None,
        "rank": explanation.get("rank"),
        "locked": bool(explanation.get("locked")),
        "passed_over": passed,
        "summary": explanation.get("summary", ""),
    }
    if explanation.get("together_with"):
        document["together_with"] = sorted(pk_of(k) for k in explanation["together_with"])
    if explanation.get("rules"):
        document["rules"] = list(explanation["rules"])
    group = _group_of(result.get("groups") or [], student_key(user_id))
    if group is not None:
        document["group"] = group
    return document


def _group_of(groups: Iterable[Mapping[str, Any]], key: str) -> dict[str, Any] | None:
    """{"kept", "reason"} of the together group `key` belongs to in a stored result, else None."""
    for group in groups:
        if group.get("kind") == "together" and key in group.get("members", ()):
            return {"kept": bool(group.get("kept")), "reason": group.get("reason")}
    return None


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


def _team_json(explanation: matching.Explanation, group: matching.GroupOutcome | None) -> str:
    """The explanation's team members (a leading comma and the keys, or ""): with whom the
    student was placed, the rules that decided it and their group's outcome. Absent keys keep a
    plain round's explanation exactly as it was."""
    together, rules = explanation.together_with, explanation.rules
    parts = []
    if together:
        parts.append(f'"together_with":{_compact(sorted(pk_of(k) for k in together))}')
    if rules:
        parts.append(f'"rules":{_compact(list(rules))}')
    if group is not None:
        parts.append(f'"group":{_compact({"kept": group.kept, "reason": group.reason})}')
    return "".join("," + part for part in parts)


def placement_rows(result: matching.Result) -> Iterator[PlacementRow]:
    """Every student of a result with their offer, rank, lock, reason and explanation
    (explanation_of of the stored result, as compact JSON written by hand), by user id: what a
    run stores as RunPlacement rows. The 100,000 students' explanations share their passed-over
    entries (one per challenge and rank, with the same details): each is encoded once."""
    placed = {a.student: a for a in result.assignments}
    reasons = {u.student: u.reason for u in result.unassigned}
    groups = {
        member: group
        for group in result.groups
        if group.kind == "together"
        for member in group.members
    }
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
                f'"summary":{_quote(explanation.summary)}'
                f"{_team_json(explanation, groups.get(sid))}}}"
            )
        yield (
            pk_of(sid),
            None if assignment is None else pk_of(assignment.challenge),
            None if assignment is None else assignment.rank,
            False if assignment is None else bool(assignment.locked),
            reasons.get(sid, ""),
            document,
        )
