"""Independent checks of a result against its problem, and the SPA-S blocking-pair count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matching.check_teams import check_teams, is_unit_member, unit_rank
from matching.instance import UNLIMITED, Instance, build_instance
from matching.stable import host_keys
from matching.types import Problem, Result
from matching.validate import rule_failure, validate


@dataclass(frozen=True, slots=True)
class CheckReport:
    violations: tuple[str, ...]
    blocking_pairs: int

    @property
    def ok(self) -> bool:
        return not self.violations


def _assignment_vector(inst: Instance, result: Result) -> list[int]:
    assign = [-1] * len(inst.student_ids)
    for a in result.assignments:
        s, c = inst.student_index.get(a.student), inst.challenge_index.get(a.challenge)
        if s is not None and c is not None and assign[s] < 0:
            assign[s] = c
    return assign


def _occupancy(
    inst: Instance, assign: list[int], key: Callable[[int, int], int]
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Students per challenge and per host, and the host's key of the worst displaceable
    (not locked) student in each challenge and at each host (-1: nobody)."""
    count = [0] * len(inst.challenge_ids)
    host_count = [0] * len(inst.host_ids)
    worst_c = [-1] * len(inst.challenge_ids)
    worst_h = [-1] * len(inst.host_ids)
    for s, c in enumerate(assign):
        if c < 0:
            continue
        h = inst.challenge_host[c]
        count[c] += 1
        host_count[h] += 1
        if s not in inst.locked:
            k = key(h, s)
            worst_c[c] = max(worst_c[c], k)
            worst_h[h] = max(worst_h[h], k)
    return count, host_count, worst_c, worst_h


def blocking_pairs(inst: Instance, assign: list[int], seed: int, closed: set[int]) -> int:
    """Blocking pairs (s, c) per SPA-S (Abraham, Irving & Manlove 2007), in O(preferences).

    s (not locked) is eligible for c, c is open, and s is unassigned or prefers c to M(s); and
    (a) c and its host h are under-subscribed, or (b) c is under-subscribed, h is full and
    s is assigned to h already or h prefers s to its worst assigned student, or (c) c is full
    and h prefers s to the worst student in c. Locked students are fixed: never displaced.
    """
    positions, lengths, lottery = host_keys(inst, seed)
    ch_host, locked = inst.challenge_host, inst.locked

    def key(h: int, s: int) -> int:
        position = positions[h].get(s)
        return position if position is not None else lengths[h] + lottery[s]

    count, host_count, worst_c, worst_h = _occupancy(inst, assign, key)
    total = 0
    for s, current in enumerate(assign):
        if s in locked:
            continue
        for c, rule in zip(inst.prefs[s], inst.rules[s], strict=True):
            if c == current:
                break
            if rule is not None or c in closed:
                continue
            h = ch_host[c]
            if count[c] >= inst.challenge_max[c]:
                total += key(h, s) < worst_c[c]
                continue
            capacity = inst.host_capacity[h]
            if (
                capacity == UNLIMITED
                or host_count[h] < capacity
                or (current >= 0 and ch_host[current] == h)
            ):
                total += 1
            else:
                total += key(h, s) < worst_h[h]
    return total


def count_blocking_pairs(problem: Problem, result: Result) -> int:
    """The number of SPA-S blocking pairs of `result` (host lottery from result.seed)."""
    validate(problem)
    inst = build_instance(problem)
    closed = {inst.challenge_index[c] for c in result.closed if c in inst.challenge_index}
    return blocking_pairs(inst, _assignment_vector(inst, result), result.seed, closed)


def _check_assignments(inst: Instance, result: Result, violations: list[str]) -> list[int]:
    problem = inst.problem
    assign = [-1] * len(inst.student_ids)
    for i, a in enumerate(result.assignments):
        record = f"assignments[{i}] (student {a.student!r}, challenge {a.challenge!r})"
        s, c = inst.student_index.get(a.student), inst.challenge_index.get(a.challenge)
        if s is None or c is None:
            violations.append(f"{record}: unknown {'student' if s is None else 'challenge'}")
            continue
        if assign[s] >= 0:
            violations.append(f"{record}: student is assigned more than once")
            continue
        assign[s] = c
        student, challenge = problem.students[s], problem.challenges[c]
        rule = rule_failure(student, challenge)
        if rule is not None:
            violations.append(f"{record}: student is not eligible ({rule} rule)")
        prefs = student.preferences
        if is_unit_member(inst, s):  # a class unit member is ranked by the unit's choices
            expected = unit_rank(inst, s, a.challenge)
        else:
            expected = prefs.index(a.challenge) + 1 if a.challenge in prefs else None
        if a.rank != expected:
            violations.append(f"{record}: rank is {a.rank}, expected {expected}")
        is_locked = inst.locked.get(s) == c
        if a.locked != is_locked:
            violations.append(f"{record}: locked flag is {a.locked}, expected {is_locked}")
        if expected is None and not is_locked:
            violations.append(f"{record}: challenge is not among the student's preferences")
    return assign


def _check_capacities(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    count = [0] * len(inst.challenge_ids)
    host_count = [0] * len(inst.host_ids)
    for c in assign:
        if c >= 0:
            count[c] += 1
            host_count[inst.challenge_host[c]] += 1
    closed = set(result.closed)
    for c, cid in enumerate(inst.challenge_ids):
        record = f"challenges[{c}] (id {cid!r})"
        if count[c] > inst.challenge_max[c]:
            out.append(f"{record}: {count[c]} students assigned, max {inst.challenge_max[c]}")
        if 0 < count[c] < inst.challenge_min[c] and inst.lock_count[c] == 0:
            out.append(f"{record}: {count[c]} students assigned, min {inst.challenge_min[c]}")
        if cid in closed and count[c] > inst.lock_count[c]:
            out.append(f"{record}: closed but {count[c]} students assigned")
    for h, hid in enumerate(inst.host_ids):
        capacity = inst.host_capacity[h]
        if capacity != UNLIMITED and host_count[h] > capacity:
            out.append(
                f"hosts[{h}] (id {hid!r}): {host_count[h]} students assigned, capacity {capacity}"
            )


def _check_students(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    _check_locks(inst, assign, out)
    listed = _check_unassigned_list(inst, result, assign, out)
    for s, sid in enumerate(inst.student_ids):
        record = f"students[{s}] (id {sid!r})"
        if assign[s] < 0 and s not in listed:
            out.append(f"{record}: neither assigned nor listed as unassigned")
        _check_explanation(inst, result, assign, s, out)


def _check_locks(inst: Instance, assign: list[int], out: list[str]) -> None:
    for lock in inst.problem.locked:
        s, c = inst.student_index[lock.student], inst.challenge_index[lock.challenge]
        if assign[s] != c:
            out.append(f"locked (student {lock.student!r}, challenge {lock.challenge!r}): not kept")


def _check_unassigned_list(
    inst: Instance, result: Result, assign: list[int], out: list[str]
) -> set[int]:
    """The students the result lists as unassigned (by index); reports unknown, doubled or
    also-assigned entries."""
    listed: set[int] = set()
    for i, u in enumerate(result.unassigned):
        index = inst.student_index.get(u.student)
        if index is None:
            out.append(f"unassigned[{i}] (student {u.student!r}): unknown student")
            continue
        if assign[index] >= 0 or index in listed:
            out.append(f"unassigned[{i}] (student {u.student!r}): listed twice or also assigned")
        listed.add(index)
    return listed


def _check_explanation(
    inst: Instance, result: Result, assign: list[int], s: int, out: list[str]
) -> None:
    record = f"students[{s}] (id {inst.student_ids[s]!r})"
    explanation = result.explanations.get(inst.student_ids[s])
    if explanation is None:
        out.append(f"{record}: no explanation")
        return
    expected = inst.challenge_ids[assign[s]] if assign[s] >= 0 else None
    if explanation.challenge != expected:
        out.append(f"{record}: explanation names {explanation.challenge!r}, not {expected!r}")
    prefs = inst.prefs[s]
    if is_unit_member(inst, s):
        klass = inst.problem.students[s].klass
        unit = next(u for u in inst.problem.class_units if u.id == klass)
        prefs = [inst.challenge_index[c] for c in unit.preferences]
    better = prefs.index(assign[s]) if assign[s] in prefs else len(prefs)
    if len(explanation.passed_over) != better:
        out.append(
            f"{record}: explanation covers {len(explanation.passed_over)} of {better} better choices"
        )


def check(problem: Problem, result: Result) -> CheckReport:
    """Every rule: eligibility, capacities (a class unit counts its size), minimums, locks kept,
    each student once, ranks, explanations; plus blocking pairs (a violation in stable mode);
    and the format /2 rules (matching/check_teams.py): groups never split under together
    "hard", hard composition rules, hard rotation, class units whole and where every member is
    eligible, and Result.groups / bound_rules / explanations consistent with the assignments.
    Raises ProblemError when the problem itself is invalid."""
    validate(problem)
    inst = build_instance(problem)
    violations: list[str] = []
    assign = _check_assignments(inst, result, violations)
    _check_capacities(inst, result, assign, violations)
    _check_students(inst, result, assign, violations)
    check_teams(inst, result, assign, violations)
    closed = {inst.challenge_index[c] for c in result.closed if c in inst.challenge_index}
    pairs = blocking_pairs(inst, assign, result.seed, closed)
    if result.mode == "stable" and pairs:
        violations.append(f"result: {pairs} blocking pairs in a stable-mode result")
    return CheckReport(tuple(violations), pairs)
