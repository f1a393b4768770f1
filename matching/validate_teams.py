"""Validation of the format /2 fields (docs/matching.md, "Teams"): together wishes, classes,
history, composition rules, class units and the new options.

Called by `validate` after the /1 checks passed; every error names the record and the field.
A problem that uses none of the /2 fields costs one pass over the students here.
"""

from __future__ import annotations

import math
from collections import Counter
from operator import attrgetter

from matching.errors import ProblemError
from matching.types import (
    ROTATION_MODES,
    RULE_KINDS,
    TOGETHER_MODES,
    Challenge,
    ClassUnit,
    Options,
    Problem,
    Rule,
    Student,
)

MAX_TOGETHER = 3
MAX_WEIGHT = 1000.0  # the exact search scales weights to integers; keep them in a sane range
MAX_WORKERS = 64
_V2_FIELDS = attrgetter("together", "klass", "history")
_V1_VALUES = ((), None, ())


def _student_record(index: int, student: Student) -> str:
    return f"students[{index}] (id {student.id!r})"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_str_tuple(record: str, name: str, value: object) -> tuple[str, ...]:
    if type(value) is not tuple:
        raise ProblemError(record, f"{name} must be a tuple of strings, got {type(value).__name__}")
    for item in value:
        if type(item) is not str:
            raise ProblemError(record, f"{name} must contain strings, got {item!r}")
    return value


def validate_student_v2(
    index: int, student: Student, student_ids: set[str], host_ids: set[str]
) -> None:
    """together: <= 3 distinct other existing students; class: a non-empty string or None;
    history: existing host ids (repeats allowed: a host had twice is still one host)."""
    record = _student_record(index, student)
    together = _check_str_tuple(record, "together", student.together)
    if len(together) > MAX_TOGETHER:
        raise ProblemError(
            record, f"together names {len(together)} students; at most {MAX_TOGETHER} are allowed"
        )
    for other in together:
        if other == student.id:
            raise ProblemError(record, "together names the student themself")
        if other not in student_ids:
            raise ProblemError(record, f"together names student {other!r}, who does not exist")
    if len(set(together)) != len(together):
        twice = next(s for s, n in Counter(together).items() if n > 1)
        raise ProblemError(record, f"together lists student {twice!r} twice")
    if student.klass is not None and (type(student.klass) is not str or not student.klass):
        raise ProblemError(
            record, f"class must be a non-empty string or None, got {student.klass!r}"
        )
    for host in _check_str_tuple(record, "history", student.history):
        if host not in host_ids:
            raise ProblemError(record, f"history names host {host!r}, which does not exist")


def _rule_record(index: int, challenge: Challenge, rule_index: int, rule: object) -> str:
    kind = getattr(rule, "kind", None)
    return f"challenges[{index}] (id {challenge.id!r}) rules[{rule_index}] (kind {kind!r})"


def _validate_rule(record: str, rule: Rule, challenge: Challenge) -> None:
    if rule.kind not in RULE_KINDS:
        raise ProblemError(
            record, f"unknown kind {rule.kind!r} (use {', '.join(map(repr, RULE_KINDS))})"
        )
    for name in ("value", "count"):
        if not _is_int(getattr(rule, name)):
            raise ProblemError(record, f"{name} must be an integer, got {getattr(rule, name)!r}")
    if type(rule.hard) is not bool:
        raise ProblemError(record, f"hard must be true or false, got {rule.hard!r}")
    _validate_rule_range(record, rule, challenge)
    _validate_rule_weight(record, rule)


def _validate_rule_range(record: str, rule: Rule, challenge: Challenge) -> None:
    if rule.kind == "max_per_class" and rule.value < 1:
        raise ProblemError(
            record, f"value (students per class) must be at least 1, got {rule.value}"
        )
    if rule.kind == "min_level" and rule.value < 1:
        raise ProblemError(record, f"value (the niveau) must be at least 1, got {rule.value}")
    if rule.kind == "mixed_schools" and not 2 <= rule.value <= challenge.max:
        raise ProblemError(
            record,
            f"value (schools) must be between 2 and the challenge max ({challenge.max}), "
            f"got {rule.value}",
        )
    if rule.kind == "min_level":
        if not 1 <= rule.count <= challenge.max:
            raise ProblemError(
                record,
                f"count must be between 1 and the challenge max ({challenge.max}), got {rule.count}",
            )
    elif rule.count != 1:
        raise ProblemError(record, f"count is only used by min_level; leave it 1, got {rule.count}")


def _validate_rule_weight(record: str, rule: Rule) -> None:
    if not _is_number(rule.weight):
        raise ProblemError(record, f"weight must be a number, got {rule.weight!r}")
    if rule.hard and rule.weight != 0:
        raise ProblemError(
            record, f"weight is only used by soft rules; a hard rule has 0, got {rule.weight!r}"
        )
    if not rule.hard and not 0 < rule.weight <= MAX_WEIGHT:
        raise ProblemError(
            record, f"a soft rule needs a weight > 0 and <= {MAX_WEIGHT:g}, got {rule.weight!r}"
        )


def validate_rules(index: int, challenge: Challenge) -> None:
    """The composition rules of one challenge: known kinds, values in range, one max_per_class
    and one mixed_schools at most, min_level at most once per niveau."""
    if type(challenge.rules) is not tuple:
        raise ProblemError(
            f"challenges[{index}] (id {challenge.id!r})",
            f"rules must be a tuple, got {type(challenge.rules).__name__}",
        )
    seen: set[tuple[str, int]] = set()
    for rule_index, rule in enumerate(challenge.rules):
        record = _rule_record(index, challenge, rule_index, rule)
        if not isinstance(rule, Rule):
            raise ProblemError(record, f"must be a Rule, got {rule!r}")
        _validate_rule(record, rule, challenge)
        key = (rule.kind, rule.value if rule.kind == "min_level" else 0)
        if key in seen:
            what = f"for niveau {rule.value}" if rule.kind == "min_level" else "on this challenge"
            raise ProblemError(record, f"a second {rule.kind} rule {what}")
        seen.add(key)


def _validate_options_v2(options: Options) -> None:
    if options.together not in TOGETHER_MODES:
        raise ProblemError(
            "options", f"unknown together {options.together!r} (use 'hard', 'soft' or 'off')"
        )
    if options.rotation not in ROTATION_MODES:
        raise ProblemError(
            "options", f"unknown rotation {options.rotation!r} (use 'hard', 'soft' or 'off')"
        )
    for name in ("together_weight", "rotation_weight"):
        value = getattr(options, name)
        if not _is_number(value) or not 0 <= value <= MAX_WEIGHT:
            raise ProblemError(
                "options", f"{name} must be a number >= 0 and <= {MAX_WEIGHT:g}, got {value!r}"
            )
    if not _is_number(options.time_limit) or options.time_limit <= 0:
        raise ProblemError(
            "options", f"time_limit must be a number of seconds > 0, got {options.time_limit!r}"
        )
    if not _is_int(options.workers) or not 1 <= options.workers <= MAX_WORKERS:
        raise ProblemError(
            "options",
            f"workers must be an integer from 1 to {MAX_WORKERS}, got {options.workers!r}",
        )


def _unit_record(index: int, unit: object) -> str:
    return f"class_units[{index}] (id {getattr(unit, 'id', None)!r})"


def _validate_class_units(problem: Problem) -> None:
    if type(problem.class_units) is not tuple:
        raise ProblemError(
            "problem", f"class_units must be a tuple, got {type(problem.class_units).__name__}"
        )
    members: dict[str, list[Student]] = {}
    for student in problem.students:
        if student.klass is not None:
            members.setdefault(student.klass, []).append(student)
    challenge_ids = {c.id for c in problem.challenges}
    locks = {lock.student: lock.challenge for lock in problem.locked}
    seen: set[str] = set()
    for index, unit in enumerate(problem.class_units):
        record = _unit_record(index, unit)
        if not isinstance(unit, ClassUnit):
            raise ProblemError(f"class_units[{index}]", f"must be a ClassUnit, got {unit!r}")
        if type(unit.id) is not str or not unit.id:
            raise ProblemError(record, "id must be a non-empty string")
        if unit.id in seen:
            raise ProblemError(record, "duplicate id")
        seen.add(unit.id)
        if unit.id not in members:
            raise ProblemError(record, f"no student has class {unit.id!r}")
        _validate_unit_preferences(record, unit, challenge_ids)
        _validate_unit_members(record, unit, members[unit.id], locks)


def _validate_unit_preferences(record: str, unit: ClassUnit, challenge_ids: set[str]) -> None:
    prefs = _check_str_tuple(record, "preferences", unit.preferences)
    for pref in prefs:
        if pref not in challenge_ids:
            raise ProblemError(record, f"preference {pref!r} names a challenge that does not exist")
    if len(set(prefs)) != len(prefs):
        twice = next(p for p, n in Counter(prefs).items() if n > 1)
        raise ProblemError(record, f"preference {twice!r} is listed twice")


def _validate_unit_members(
    record: str, unit: ClassUnit, members: list[Student], locks: dict[str, str]
) -> None:
    """Members choose through their unit: no own preferences; locks only all in one challenge
    the unit listed (the lock then decides where the whole class goes)."""
    for student in members:
        if student.preferences:
            raise ProblemError(
                record,
                f"member {student.id!r} has own preferences; members of a class unit choose "
                "through the unit (leave their preferences empty)",
            )
    locked = {sid: locks[sid] for sid in (s.id for s in members) if sid in locks}
    for sid, challenge in locked.items():
        if challenge not in unit.preferences:
            raise ProblemError(
                record,
                f"member {sid!r} is locked to {challenge!r}, which the class unit did not list",
            )
    if len(set(locked.values())) > 1:
        first, *_ = sorted(locked)
        other = next(s for s in sorted(locked) if locked[s] != locked[first])
        raise ProblemError(
            record,
            f"members are locked to different challenges ({first!r} to {locked[first]!r}, "
            f"{other!r} to {locked[other]!r})",
        )


def _validate_locks_v2(problem: Problem) -> None:
    """Locked students that alone break a hard max_per_class rule make the problem impossible:
    say so up front. (Locks override together wishes, class units and rotation.)"""
    students = {s.id: s for s in problem.students}
    challenges = {c.id: c for c in problem.challenges}
    per_class: Counter[tuple[str, str]] = Counter()
    for index, lock in enumerate(problem.locked):
        klass = students[lock.student].klass
        if klass is None:
            continue
        per_class[lock.challenge, klass] += 1
        for rule in challenges[lock.challenge].rules:
            if (
                rule.kind == "max_per_class"
                and rule.hard
                and per_class[lock.challenge, klass] > rule.value
            ):
                raise ProblemError(
                    f"locked[{index}] (student {lock.student!r}, challenge {lock.challenge!r})",
                    f"more than {rule.value} locked students of class {klass!r} break the hard "
                    "max_per_class rule of the challenge",
                )


def validate_v2(problem: Problem) -> None:
    """All /2 checks; the /1 checks (ids, preferences, locks) have passed."""
    _validate_options_v2(problem.options)
    student_ids: set[str] = set()  # filled when a student uses a /2 field
    host_ids = {h.id for h in problem.hosts}
    # The fields of a /1 student are exactly ((), None, ()): one C-level pass finds the others.
    fields = map(_V2_FIELDS, problem.students)
    for index, values in enumerate(fields):
        if values != _V1_VALUES:
            student_ids = student_ids or {s.id for s in problem.students}
            validate_student_v2(index, problem.students[index], student_ids, host_ids)
    for index, challenge in enumerate(problem.challenges):
        if challenge.rules != ():
            validate_rules(index, challenge)
    if problem.class_units != ():
        _validate_class_units(problem)
    if problem.locked:
        _validate_locks_v2(problem)
