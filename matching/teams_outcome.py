"""What the team rules did in a final allocation: group outcomes and the rules that bound.

Both are computed from the final allocation in one pass over the preferences, never by
re-solving (docs/matching.md, "Teams").

Group outcome (a mutual group or a class unit): kept when every member is in one challenge.
Otherwise the first reason that holds, checked in this order:
``off`` (together wishes ignored), ``no_common_choice`` (no challenge every member listed),
``not_eligible`` (some member is ineligible for every common choice), ``rotation`` (with
rotation hard, some member had the host of every common eligible choice), ``full`` (no common eligible choice has room for all members next to the students
placed there), ``rule`` (each common choice with room would break its minimum team size or a
hard composition rule), ``cheaper_apart`` (the optimum placed them otherwise).

Rule bindings use tight constraints, a necessary condition (they may name a rule that was one of
several reasons). For an unlocked student with a better choice b that they are eligible for:
- ``rotation``: the host of b is in their history (hard: barred; soft: it cost the penalty);
- ``min``: b has a minimum, holds no lock and did not run;
- ``max_per_class``: b had room and already holds `value` students of the student's class;
- ``min_level`` / ``mixed_schools``: b had room, did not run and has such a rule.
And "moved": a student placed in c below an eligible better choice, where c's minimum is tight
(count == min) and a better choice had room (``min``), or the student is one of at most `count`
students of the level (``min_level``), or the only one of their school with the school count at
most the rule's value (``mixed_schools``): the rule needs that very student there.
"""

from __future__ import annotations

from matching.instance import UNLIMITED, Instance, TeamIndex
from matching.types import GroupOutcome, Rule, RuleBinding
from matching.validate import rule_failure


class Fill:
    """Per challenge: count, host counts, class and level counts and schools."""

    def __init__(self, inst: Instance, team: TeamIndex, assign: list[int]) -> None:
        n = len(inst.challenge_ids)
        self.count = [0] * n
        self.host = [0] * len(inst.host_ids)
        self.classes: list[dict[int, int]] = [{} for _ in range(n)]
        self.levels: list[dict[int, int]] = [{} for _ in range(n)]
        self.schools: list[dict[int, int]] = [{} for _ in range(n)]
        students = inst.problem.students
        for s, c in enumerate(assign):
            if c < 0:
                continue
            self.count[c] += 1
            self.host[inst.challenge_host[c]] += 1
            for table, key in (
                (self.classes[c], team.klass[s]),
                (self.levels[c], students[s].level),
                (self.schools[c], team.school[s]),
            ):
                table[key] = table.get(key, 0) + 1
        self.inst = inst

    def room(self, c: int, extra: int = 1, leaving: int = 0) -> bool:
        """Whether `extra` more students fit in c once `leaving` of them already there left."""
        inst = self.inst
        if self.count[c] - leaving + extra > inst.challenge_max[c]:
            return False
        h = inst.challenge_host[c]
        capacity = inst.host_capacity[h]
        return capacity == UNLIMITED or self.host[h] - leaving + extra <= capacity


def group_outcomes(
    inst: Instance, team: TeamIndex, assign: list[int], together: str
) -> tuple[GroupOutcome, ...]:
    fill = Fill(inst, team, assign)
    index, rotation = inst.student_index, inst.problem.options.rotation
    out = []
    blocks: list[tuple[str, tuple[str, ...], list[int] | None]] = [
        ("together", members, None) for members in team.group_members
    ]
    blocks += [
        ("class", members, choices)
        for (_, _, choices), members in zip(team.units, team.unit_members, strict=True)
    ]
    for kind, members, choices in blocks:
        idx = [index[m] for m in members]
        where = {assign[s] for s in idx}
        c = where.pop() if len(where) == 1 else -1
        if c >= 0:
            out.append(GroupOutcome(members, kind, inst.challenge_ids[c], True, None))
            continue
        reason = "off" if kind == "together" and together == "off" else None
        if reason is None:
            reason = _why_apart(inst, team, fill, idx, choices, assign, rotation)
        out.append(GroupOutcome(members, kind, None, False, reason))
    return tuple(out)


def _why_apart(
    inst: Instance,
    team: TeamIndex,
    fill: Fill,
    idx: list[int],
    choices: list[int] | None,
    assign: list[int],
    rotation: str,
) -> str:
    if choices is None:
        common = [c for c in inst.prefs[idx[0]] if all(c in inst.prefs[s] for s in idx[1:])]
    else:
        common = list(choices)
    if not common:
        return "no_common_choice"
    students, challenges = inst.problem.students, inst.problem.challenges

    def eligible_for(s: int, c: int) -> bool:
        if s in inst.locked:
            return inst.locked[s] == c
        return rule_failure(students[s], challenges[c]) is None

    def barred(s: int, c: int) -> bool:
        return s not in inst.locked and rotation == "hard" and c in team.visited[s]

    eligible = [c for c in common if all(eligible_for(s, c) for s in idx)]
    if not eligible:
        return "not_eligible"
    eligible = [c for c in eligible if not any(barred(s, c) for s in idx)]
    if not eligible:
        return "rotation"
    roomy = [c for c in eligible if fill.room(c, len(idx), sum(1 for s in idx if assign[s] == c))]
    if not roomy:
        return "full"
    if all(_breaks_rule(inst, team, fill, c, idx, assign) for c in roomy):
        return "rule"
    return "cheaper_apart"


def _breaks_rule(
    inst: Instance, team: TeamIndex, fill: Fill, c: int, idx: list[int], assign: list[int]
) -> bool:
    """Whether moving the members into c breaks its minimum or a hard rule (no lock there)."""
    if inst.lock_count[c]:
        return False
    here = sum(1 for s in idx if assign[s] == c)
    total = fill.count[c] - here + len(idx)
    if total < inst.challenge_min[c]:
        return True
    for rule in inst.problem.challenges[c].rules:
        if rule.hard and rule.kind == "max_per_class":
            counts = dict(fill.classes[c])
            for s in idx:
                if assign[s] != c and team.klass[s] >= 0:
                    counts[team.klass[s]] = counts.get(team.klass[s], 0) + 1
            if any(k >= 0 and n > rule.value for k, n in counts.items()):
                return True
    return False


def rule_bindings(inst: Instance, team: TeamIndex, assign: list[int]) -> tuple[RuleBinding, ...]:
    """The rules that bound (see the module docstring), sorted by challenge, kind."""
    fill = Fill(inst, team, assign)
    found: dict[tuple[int, str, bool], set[int]] = {}
    for s in range(len(inst.prefs)):
        if s not in inst.locked and not team.in_block[s]:
            for key in _bindings_of(inst, team, fill, assign, s):
                found.setdefault(key, set()).add(s)
    ids = inst.student_ids
    return tuple(
        RuleBinding(inst.challenge_ids[c], kind, hard, tuple(sorted(ids[s] for s in members)))
        for (c, kind, hard), members in sorted(found.items())
    )


def _bindings_of(
    inst: Instance, team: TeamIndex, fill: Fill, assign: list[int], s: int
) -> list[tuple[int, str, bool]]:
    """(challenge, kind, hard) of every rule that bound student s."""
    rotation = inst.problem.options.rotation
    prefs, fails, c = inst.prefs[s], inst.rules[s], assign[s]
    better = prefs.index(c) if c in prefs else len(prefs)
    out: list[tuple[int, str, bool]] = []
    room_elsewhere = wanted_better = False
    for b, fail in zip(prefs[:better], fails[:better], strict=True):
        if fail is not None:
            continue
        wanted_better = True
        if rotation != "off" and b in team.visited[s]:
            out.append((b, "rotation", rotation == "hard"))
            continue
        has_room = fill.room(b)
        room_elsewhere = room_elsewhere or has_room
        if fill.count[b] == 0 and inst.challenge_min[b] > 0 and not inst.lock_count[b]:
            out.append((b, "min", True))
        if has_room:
            out += [
                (b, rule.kind, rule.hard)
                for rule in inst.problem.challenges[b].rules
                if _keeps_out(rule, fill, b, team.klass[s])
            ]
    if c >= 0 and wanted_better:
        out += [(c, kind, hard) for kind, hard in _moved(inst, team, fill, s, c, room_elsewhere)]
    return out


def _keeps_out(rule: Rule, fill: Fill, b: int, klass: int) -> bool:
    if rule.kind == "max_per_class":
        return klass >= 0 and fill.classes[b].get(klass, 0) >= rule.value
    return fill.count[b] == 0  # min_level / mixed_schools: the challenge could not be composed


def _moved(
    inst: Instance, team: TeamIndex, fill: Fill, s: int, c: int, room_elsewhere: bool
) -> list[tuple[str, bool]]:
    out = []
    if room_elsewhere and inst.lock_count[c] == 0 and 0 < inst.challenge_min[c] == fill.count[c]:
        out.append(("min", True))
    level, school = inst.problem.students[s].level, team.school[s]
    for rule in inst.problem.challenges[c].rules:
        if rule.kind == "min_level" and level == rule.value:
            if fill.levels[c].get(level, 0) <= rule.count:
                out.append((rule.kind, rule.hard))
        elif (
            rule.kind == "mixed_schools"
            and fill.schools[c].get(school, 0) == 1
            and len(fill.schools[c]) <= rule.value
        ):
            out.append((rule.kind, rule.hard))
    return out
