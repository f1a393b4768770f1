"""The JSON formats koppel-allocation/1 and /2 (problems) and koppel-allocation-result/1 (results).

A problem that uses none of the format /2 fields (docs/matching.md, "Teams") is written as /1,
byte for byte as before, so its hash does not change. Results stay koppel-allocation-result/1:
the /2 additions (gap, groups, bound_rules; per explanation together_with and rules) are
optional keys, and a result written before them still reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from matching.errors import ProblemError
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

PROBLEM_FORMAT = "koppel-allocation/1"
PROBLEM_FORMAT_V2 = "koppel-allocation/2"
RESULT_FORMAT = "koppel-allocation-result/1"

_STUDENT = ("id", "level", "programme", "school", "certificates", "open_goals", "preferences")
_CHALLENGE = ("id", "host", "min", "max", "levels", "programmes", "schools", "requires", "goals")
_HOST = ("id", "capacity", "ranking")
_LOCK = ("student", "challenge")
_OPTIONS = ("mode", "seed", "coverage_weight")
_TOP = ("format", "students", "challenges", "hosts", "locked", "options")
_STUDENT_V2 = (*_STUDENT, "together", "class", "history")
_CHALLENGE_V2 = (*_CHALLENGE, "rules")
_RULE = ("kind", "value", "count", "hard", "weight")
_CLASS_UNIT = ("id", "preferences")
_OPTIONS_V2 = (
    *_OPTIONS,
    "together",
    "together_weight",
    "rotation",
    "rotation_weight",
    "time_limit",
    "workers",
)
_TOP_V2 = (*_TOP, "class_units")


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


_STUDENT_KEYS = frozenset(_STUDENT)
_STUDENT_REQUIRED = frozenset(("id", "level", "programme", "school"))


def _student(index: int, item: Any) -> Student:
    """Fast path for the common well-shaped record; anything else goes through the checks."""
    if type(item) is dict and _STUDENT_REQUIRED <= item.keys() <= _STUDENT_KEYS:
        get = item.get
        certificates, goals, prefs = get("certificates"), get("open_goals"), get("preferences")
        if type(certificates) is list and type(goals) is list and type(prefs) is list:
            return Student(
                item["id"],
                item["level"],
                item["programme"],
                item["school"],
                tuple(certificates),
                tuple(goals),
                tuple(prefs),
            )
    return _checked_student(index, item)


def _checked_student(index: int, item: Any, allowed: tuple[str, ...] = _STUDENT) -> Student:
    """A student record read field by field (format /2 allows `allowed` = _STUDENT_V2: the
    team fields too)."""
    record = f"students[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, allowed, ("id", "level", "programme", "school"))
    return Student(
        d["id"],
        d["level"],
        d["programme"],
        d["school"],
        _tuple(record, d, "certificates"),
        _tuple(record, d, "open_goals"),
        _tuple(record, d, "preferences"),
        together=_tuple(record, d, "together"),
        klass=d.get("class"),
        history=_tuple(record, d, "history"),
    )


def _challenge(index: int, item: Any, allowed: tuple[str, ...] = _CHALLENGE) -> Challenge:
    record = f"challenges[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, allowed, ("id", "host", "max"))
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
        tuple(_rule(f"{record} rules[{i}]", r) for i, r in enumerate(_tuple(record, d, "rules"))),
    )


def _challenge_v2(index: int, item: Any) -> Challenge:
    return _challenge(index, item, _CHALLENGE_V2)


def _host(index: int, item: Any) -> Host:
    record = f"hosts[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, _HOST, ("id",))
    return Host(d["id"], d.get("capacity"), _tuple(record, d, "ranking"))


def _lock(index: int, item: Any) -> Lock:
    d = _fields(f"locked[{index}]", item, _LOCK, _LOCK)
    return Lock(d["student"], d["challenge"])


def _student_v2(index: int, item: Any) -> Student:
    return _checked_student(index, item, _STUDENT_V2)


def _rule(record: str, item: Any) -> Rule:
    d = _fields(record, item, _RULE, ("kind",))
    return Rule(
        d["kind"], d.get("value", 0), d.get("count", 1), d.get("hard", True), d.get("weight", 0.0)
    )


def _class_unit(index: int, item: Any) -> ClassUnit:
    record = f"class_units[{index}] (id {item.get('id') if type(item) is dict else None!r})"
    d = _fields(record, item, _CLASS_UNIT, ("id",))
    return ClassUnit(d["id"], _tuple(record, d, "preferences"))


def _options(raw: Any, v2: bool) -> Options:
    d = _fields("options", raw, _OPTIONS_V2 if v2 else _OPTIONS, ())
    defaults = Options()
    return Options(**{name: d.get(name, getattr(defaults, name)) for name in Options.__slots__})


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """Parse a koppel-allocation/1 or /2 document; raises ProblemError naming the record.

    /1 reads exactly as before (the /2 fields are unknown fields there). Only the shape is
    checked here; call `validate` (or `solve`) for the rules.
    """
    if not isinstance(data, Mapping):
        raise ProblemError("document", f"must be an object, got {type(data).__name__}")
    found = data.get("format")
    if found not in (PROBLEM_FORMAT, PROBLEM_FORMAT_V2):
        raise ProblemError(
            "format",
            f"unknown format {found!r}, expected {PROBLEM_FORMAT!r} or {PROBLEM_FORMAT_V2!r}",
        )
    v2 = found == PROBLEM_FORMAT_V2
    _fields("document", dict(data), _TOP_V2 if v2 else _TOP, ())
    if v2:
        read_student, read_challenge = _student_v2, _challenge_v2
    else:
        read_student, read_challenge = _student, _challenge
    students = _records(data, "students", True)
    challenges = _records(data, "challenges", True)
    return Problem(
        students=tuple(read_student(i, s) for i, s in enumerate(students)),
        challenges=tuple(read_challenge(i, c) for i, c in enumerate(challenges)),
        hosts=tuple(_host(i, h) for i, h in enumerate(_records(data, "hosts", False))),
        locked=tuple(_lock(i, lock) for i, lock in enumerate(_records(data, "locked", False))),
        options=_options(data.get("options") or {}, v2),
        class_units=tuple(
            _class_unit(i, u) for i, u in enumerate(_records(data, "class_units", False))
        ),
    )


def uses_v2(problem: Problem) -> bool:
    """Whether `problem` uses any format /2 field (then it is written as /2)."""
    o, defaults = problem.options, Options()
    return (
        bool(problem.class_units)
        or any(s.together or s.klass is not None or s.history for s in problem.students)
        or any(c.rules for c in problem.challenges)
        or any(getattr(o, name) != getattr(defaults, name) for name in _OPTIONS_V2[len(_OPTIONS) :])
    )


def _rule_to_dict(rule: Rule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "value": rule.value,
        "count": rule.count,
        "hard": rule.hard,
        "weight": rule.weight,
    }


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The koppel-allocation/1 document of `problem`, with every field written out; /2 (with
    every /2 field too) when the problem uses any of them."""
    data = _problem_to_dict_v1(problem)
    if not uses_v2(problem):
        return data
    data["format"] = PROBLEM_FORMAT_V2
    for record, s in zip(data["students"], problem.students, strict=True):
        record.update(together=list(s.together), history=list(s.history))
        record["class"] = s.klass
    for record, c in zip(data["challenges"], problem.challenges, strict=True):
        record["rules"] = [_rule_to_dict(r) for r in c.rules]
    data["class_units"] = [
        {"id": u.id, "preferences": list(u.preferences)} for u in problem.class_units
    ]
    o = problem.options
    data["options"].update(
        together=o.together,
        together_weight=o.together_weight,
        rotation=o.rotation,
        rotation_weight=o.rotation_weight,
        time_limit=o.time_limit,
        workers=o.workers,
    )
    return data


def _problem_to_dict_v1(problem: Problem) -> dict[str, Any]:
    """The koppel-allocation/1 document (unchanged since /1: old problems keep their hash)."""
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
    import hashlib  # lazy: loading it costs a few ms on every CLI start, for a rare call

    return hashlib.sha256(canonical_json(problem_to_dict(problem)).encode()).hexdigest()


def _passed_to_dict(p: PassedOver) -> dict[str, Any]:
    return {"challenge": p.challenge, "rank": p.rank, "reason": p.reason, "details": p.details}


def _result_v2_head(result: Result) -> dict[str, Any]:
    """The /2 additions of a result: always written (small), so readers need not guess."""
    return {
        "gap": result.gap,
        "groups": [
            {
                "members": list(g.members),
                "kind": g.kind,
                "challenge": g.challenge,
                "kept": g.kept,
                "reason": g.reason,
            }
            for g in result.groups
        ],
        "bound_rules": [
            {"challenge": b.challenge, "kind": b.kind, "hard": b.hard, "students": list(b.students)}
            for b in result.bound_rules
        ],
    }


def _explanation_v2(e: Explanation) -> dict[str, Any]:
    """together_with and rules, written only when not empty (a result has one explanation per
    student: the common case stays as small as in /1)."""
    extra: dict[str, Any] = {}
    if e.together_with:
        extra["together_with"] = list(e.together_with)
    if e.rules:
        extra["rules"] = list(e.rules)
    return extra


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
        **_result_v2_head(result),
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
                **_explanation_v2(e),
            }
            for sid, e in result.explanations.items()
        },
        "metrics": result.metrics.as_dict(),
    }


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), check_circular=False)


def _passed_json(memo: dict[int, str], details: dict[int, str], p: PassedOver) -> str:
    """`p` as compact JSON, remembered by identity; its details too (shared across ranks)."""
    encoded = details.get(id(p.details))
    if encoded is None:
        encoded = details[id(p.details)] = _json(p.details)
    text = memo[id(p)] = (
        f'{{"challenge":{_quote(p.challenge)},"rank":{p.rank},'
        f'"reason":{_quote(p.reason)},"details":{encoded}}}'
    )
    return text


def _explanation_members(explanations: Mapping[str, Explanation]) -> Iterator[str]:
    """The members ("id":{...}) of the "explanations" object as compact JSON, written by hand.

    Explanations share PassedOver objects (and their large `filled_by_ranks` lists), which
    json.dumps would encode again for every student: each shared entry is encoded once here.
    """
    memo: dict[int, str] = {}
    details: dict[int, str] = {}
    known = memo.get
    for sid, e in explanations.items():
        passed = [known(id(p)) or _passed_json(memo, details, p) for p in e.passed_over]
        challenge = "null" if e.challenge is None else _quote(e.challenge)
        rank = "null" if e.rank is None else str(e.rank)
        locked = "true" if e.locked else "false"
        extra = ""
        if e.together_with or e.rules:
            extra = "," + _json(_explanation_v2(e))[1:-1]
        yield (
            f'{_quote(sid)}:{{"challenge":{challenge},"rank":{rank},"locked":{locked},'
            f'"passed_over":[{",".join(passed)}],"summary":{_quote(e.summary)}{extra}}}'
        )


def _assignment_members(assignments: tuple[Assignment, ...]) -> list[str]:
    """The items of the "assignments" list as compact JSON, written by hand."""
    return [
        f'{{"student":{_quote(a.student)},"challenge":{_quote(a.challenge)},'
        f'"rank":{"null" if a.rank is None else a.rank},'
        f'"locked":{"true" if a.locked else "false"}}}'
        for a in assignments
    ]


def result_json_chunks(result: Result) -> Iterator[str]:
    """result_to_json in consecutive pieces (one per student's explanation): a writer that
    compresses or sends the document as it goes never holds all of it (70 MB at 100,000
    students)."""
    head = {
        "format": RESULT_FORMAT,
        "mode": result.mode,
        "seed": result.seed,
        "bound_gap": result.bound_gap,
        "closed": list(result.closed),
        **_result_v2_head(result),
    }
    unassigned = [
        {"student": u.student, "reason": u.reason, "details": u.details} for u in result.unassigned
    ]
    # The head's closing brace is dropped so the remaining keys follow in the same order.
    yield _json(head)[:-1]
    yield ',"assignments":['
    yield ",".join(_assignment_members(result.assignments))
    yield '],"unassigned":'
    yield _json(unassigned)
    yield ',"explanations":{'
    separator = ""
    for member in _explanation_members(result.explanations):
        yield separator + member
        separator = ","
    yield '},"metrics":'
    yield _json(result.metrics.as_dict())
    yield "}"


def result_to_json(result: Result) -> str:
    """Exactly `json.dumps(result_to_dict(result), separators=(",", ":"))`, several times faster."""
    # One join: the document is megabytes, and each `+` would copy it again.
    return "".join(result_json_chunks(result))


def result_from_dict(data: Mapping[str, Any]) -> Result:
    """Parse a koppel-allocation-result/1 document (with or without the /2 additions: gap,
    groups, bound_rules, explanations' together_with and rules); ProblemError when malformed."""
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
                tuple(e.get("together_with", ())),
                tuple(e.get("rules", ())),
            )
            for sid, e in data["explanations"].items()
        }
        record = "metrics"
        metrics = Metrics.from_dict(data["metrics"])
        record = "groups"
        groups = tuple(
            GroupOutcome(
                tuple(g["members"]), g["kind"], g["challenge"], bool(g["kept"]), g.get("reason")
            )
            for g in data.get("groups", ())
        )
        record = "bound_rules"
        bound_rules = tuple(
            RuleBinding(b["challenge"], b["kind"], bool(b["hard"]), tuple(b.get("students", ())))
            for b in data.get("bound_rules", ())
        )
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
            gap=data.get("gap"),
            groups=groups,
            bound_rules=bound_rules,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ProblemError(record, f"malformed result: {exc!r}") from exc
