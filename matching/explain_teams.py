"""Explanations of the format /2 features: together wishes, class units, rotation and rules.

`explain` builds the /1 explanations first; when the problem uses a team feature, `refine`
rewrites the explanations of the students it touches (and only those), so a problem without
team features is explained exactly as before, at the same speed. New passed-over reasons:

- ``together`` {"group": [ids], "kept": bool}: the student's group of mutual wishes could not
  be placed there together (the choice had room for the student alone). Used when the group
  was kept together elsewhere, or always under together="hard".
- ``rotation`` {"host": id, "hard": bool}: the student (for a class unit: a member) was placed
  at that host before; hard: never allowed, soft: the rotation penalty made it worse.
- ``rule`` {"kinds": [...]}: a composition rule of the challenge kept the student out (the
  solver named the student in a RuleBinding of that challenge).
- for a class unit member, ``not_eligible`` also names the "member" who is not eligible, and
  ``full`` carries {"capacity", "free", "class_size"} when the class did not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matching.explain import LOCKED, PHRASES, TRADEOFF, _unassigned, ordinal
from matching.explain import _summary as base_summary
from matching.groups import mutual_groups, unreciprocated
from matching.instance import UNLIMITED, Instance
from matching.types import (
    Assignment,
    ClassUnit,
    Explanation,
    GroupOutcome,
    PassedOver,
    RuleBinding,
    Unassigned,
)
from matching.validate import rule_details, rule_failure

GROUP_PHRASES = {
    "not_eligible": "not all of you are eligible for a common choice",
    "no_common_choice": "you have no choice in common",
    "full": "there was no room for all of you",
    "rule": "a team composition rule kept you apart",
    "rotation": "one of you was placed at the host before",
    "cheaper_apart": "placing you apart gave a better overall result",
    "off": "together wishes are not used in this round",
}
RULE_PHRASES = {
    "max_per_class": "at most so many students per class",
    "min_level": "a minimum number of students of a niveau",
    "mixed_schools": "a mix of schools",
    "min": "the minimum team size",
    "rotation": "rotation between hosts",
}


def needs_refining(inst: Instance, groups: Sequence[object], bound: Sequence[object]) -> bool:
    """Whether any team feature can change an explanation (cheap for a /1 problem)."""
    problem = inst.problem
    return bool(
        groups
        or bound
        or problem.class_units
        or any(s.together or s.history for s in problem.students)
    )


@dataclass(slots=True)
class _View:
    """The team facts of one problem and result, by student index."""

    unit_of: dict[int, ClassUnit] = field(default_factory=dict)
    unit_members: dict[str, list[int]] = field(default_factory=dict)
    group_of: dict[int, tuple[str, ...]] = field(default_factory=dict)
    outcome: dict[tuple[str, ...], GroupOutcome] = field(default_factory=dict)
    bound_at: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    kinds_of: dict[str, set[str]] = field(default_factory=dict)
    unreturned: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _view(inst: Instance, groups: Sequence[GroupOutcome], bound: Sequence[RuleBinding]) -> _View:
    problem, index = inst.problem, inst.student_index
    view = _View(outcome={g.members: g for g in groups if g.kind == "together"})
    units = {u.id: u for u in problem.class_units}
    for s, student in enumerate(problem.students):
        if student.klass is not None and student.klass in units:
            view.unit_of[s] = units[student.klass]
            view.unit_members.setdefault(student.klass, []).append(s)
    if problem.options.together != "off":
        for group in mutual_groups(problem):
            for member in group:
                view.group_of[index[member]] = group
        view.unreturned = unreciprocated(problem)
    for binding in bound:
        for sid in binding.students:
            view.bound_at.setdefault((sid, binding.challenge), []).append(binding.kind)
            view.kinds_of.setdefault(sid, set()).add(binding.kind)
    return view


def _touched(inst: Instance, view: _View) -> list[int]:
    students = inst.problem.students
    ids = {*view.kinds_of, *view.unreturned}
    return [
        s
        for s, student in enumerate(students)
        if s in view.unit_of or s in view.group_of or student.history or student.id in ids
    ]


def _choices(inst: Instance, view: _View, s: int, c: int) -> tuple[list[int], int | None]:
    """The student's choices (a class member: the unit's) and the rank of `c` among them."""
    unit = view.unit_of.get(s)
    prefs = [inst.challenge_index[p] for p in unit.preferences] if unit else inst.prefs[s]
    return prefs, (prefs.index(c) + 1 if c >= 0 and c in prefs else None)


def _ineligible(inst: Instance, view: _View, s: int, b: int) -> PassedOver | None:
    students, challenge = inst.problem.students, inst.problem.challenges[b]
    unit = view.unit_of.get(s)
    members = view.unit_members[unit.id] if unit else [s]
    for m in members:
        rule = rule_failure(students[m], challenge)
        if rule is not None:
            details = rule_details(students[m], challenge, rule)
            if unit:
                details["member"] = students[m].id
            return PassedOver(challenge.id, 0, "not_eligible", details)
    return None


def _history_hit(inst: Instance, view: _View, s: int, b: int) -> str | None:
    host = inst.problem.challenges[b].host
    unit = view.unit_of.get(s)
    members = view.unit_members[unit.id] if unit else [s]
    students = inst.problem.students
    return host if any(host in students[m].history for m in members) else None


@dataclass(slots=True)
class _Fill:
    count: list[int]
    host_count: list[int]


def _fill(inst: Instance, assign: list[int]) -> _Fill:
    count = [0] * len(inst.challenge_ids)
    host_count = [0] * len(inst.host_ids)
    for c in assign:
        if c >= 0:
            count[c] += 1
            host_count[inst.challenge_host[c]] += 1
    return _Fill(count, host_count)


def _class_room(inst: Instance, fill: _Fill, b: int, size: int) -> dict[str, object] | None:
    """`full` details when a class of `size` does not fit in challenge b (or its host)."""
    free = inst.challenge_max[b] - fill.count[b]
    capacity = inst.host_capacity[inst.challenge_host[b]]
    if capacity != UNLIMITED:
        free = min(free, capacity - fill.host_count[inst.challenge_host[b]])
    if free >= size:
        return None
    return {"capacity": inst.challenge_max[b], "free": max(free, 0), "class_size": size}


Table = list[tuple[str, dict[str, object]] | None]


def _reason(
    inst: Instance, view: _View, table: Table, fill: _Fill, s: int, b: int, kept: bool | None
) -> tuple[str, dict[str, object]]:
    """Why student s did not get choice b (not locked), the most specific reason first."""
    sid, cid = inst.student_ids[s], inst.challenge_ids[b]
    options = inst.problem.options
    ineligible = _ineligible(inst, view, s, b)
    if ineligible is not None:
        return "not_eligible", dict(ineligible.details)
    host = _history_hit(inst, view, s, b) if options.rotation != "off" else None
    if host is not None and options.rotation == "hard":
        return "rotation", {"host": host, "hard": True}
    shared = table[b]
    if shared is not None and shared[0] == "closed":
        return shared
    kinds = [k for k in view.bound_at.get((sid, cid), ()) if k not in ("min", "rotation")]
    if kinds:
        return "rule", {"kinds": sorted(set(kinds))}
    if host is not None:
        return "rotation", {"host": host, "hard": False}
    unit = view.unit_of.get(s)
    if unit is not None:
        room = _class_room(inst, fill, b, len(view.unit_members[unit.id]))
        if room is not None:
            return "full", room
    if shared is not None:
        return shared
    group = view.group_of.get(s)
    if group is not None and (kept or options.together == "hard"):
        others = [m for m in group if m != sid]
        return "together", {"group": others, "kept": bool(kept)}
    return "tradeoff", TRADEOFF


def _names(ids: Sequence[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} and {ids[-1]}"


def _extra_sentences(
    inst: Instance, view: _View, s: int, with_: list[str], kept: bool | None
) -> str:
    sid = inst.student_ids[s]
    text = ""
    group = view.group_of.get(s)
    if with_ and s not in view.unit_of:
        text += f" You were placed with {_names(with_)}."
    if group is not None and not kept:
        others = [m for m in group if m != sid]
        outcome = view.outcome.get(group)
        why = GROUP_PHRASES.get(outcome.reason or "", "") if outcome else ""
        text += f" You could not be placed with {_names(others)}" + (f": {why}." if why else ".")
    unreturned = view.unreturned.get(sid)
    if unreturned:
        verb = "was" if len(unreturned) == 1 else "were"
        text += (
            f" Your wish to work with {_names(unreturned)} {verb} not returned, "
            "so it did not count."
        )
    kinds = sorted(view.kinds_of.get(sid, ()))
    if kinds:
        phrases = [RULE_PHRASES.get(k, k) for k in kinds]
        text += f" Team rules that decided your placement: {_names(phrases)}."
    return text


def _summary(
    inst: Instance,
    view: _View,
    s: int,
    challenge: str | None,
    rank: int | None,
    locked: bool,
    passed: list[PassedOver],
    base_summary: str,
) -> str:
    unit = view.unit_of.get(s)
    if unit is None or locked:
        return base_summary
    missed = "; ".join(f"{p.challenge} ({PHRASES[p.reason]})" for p in passed[:3])
    if len(passed) > 3:
        missed += f"; and {len(passed) - 3} more"
    if challenge is None:
        head = f"Not assigned: your class {unit.id} could not be placed"
        return f"{head}: {missed}." if passed else f"{head}: the class gave no choices."
    text = f"Assigned to {challenge} with your class {unit.id}, the class's {ordinal(rank or 0)} choice"
    return f"{text}; better choices: {missed}." if passed else f"{text}."


TEAM_REASONS = frozenset({"together", "rotation", "rule"})


def _team_unassigned(student: str, n_prefs: int, passed: list[PassedOver]) -> Unassigned:
    """`explain._unassigned`, except that a student whom a together wish, rotation or a team
    rule kept from an eligible choice is `team_constraints`, not `all_choices_full`: one of
    their choices may have had room."""
    base = _unassigned(student, n_prefs, passed)
    if base.reason == "all_choices_full" and any(p.reason in TEAM_REASONS for p in passed):
        return Unassigned(student, "team_constraints", base.details)
    return base


def refine(
    inst: Instance,
    assign: list[int],
    table: Table,
    explained: tuple[list[Assignment], list[Unassigned], dict[str, Explanation], list[int | None]],
    groups: Sequence[GroupOutcome],
    bound: Sequence[RuleBinding],
) -> None:
    """Rewrite, in place, the explanations (and assignment ranks and unassigned reasons) of the
    students a team feature touches."""
    assignments, unassigned, explanations, ranks = explained
    view = _view(inst, groups, bound)
    fill = _fill(inst, assign)
    touched = _touched(inst, view)
    if not touched:
        return
    by_student = {a.student: i for i, a in enumerate(assignments)}
    missing = {u.student: i for i, u in enumerate(unassigned)}
    cids = inst.challenge_ids
    for s in touched:
        sid, c = inst.student_ids[s], assign[s]
        locked = s in inst.locked
        prefs, rank = _choices(inst, view, s, c)
        group = view.group_of.get(s)
        unit = view.unit_of.get(s)
        mates = group or (
            tuple(inst.student_ids[m] for m in view.unit_members[unit.id]) if unit else ()
        )
        with_ = sorted(
            m for m in mates if m != sid and c >= 0 and assign[inst.student_index[m]] == c
        )
        kept = (
            len({assign[inst.student_index[m]] for m in group}) == 1 and c >= 0 if group else None
        )
        better = prefs[: rank - 1] if rank is not None else prefs
        passed = [
            PassedOver(cids[b], p + 1, "locked", LOCKED)
            if locked
            else PassedOver(cids[b], p + 1, *_reason(inst, view, table, fill, s, b, kept))
            for p, b in enumerate(better)
        ]
        challenge = cids[c] if c >= 0 else None
        ranks[s] = rank
        if challenge is None:
            unassigned[missing[sid]] = _team_unassigned(sid, len(prefs), passed)
        else:
            assignments[by_student[sid]] = Assignment(sid, challenge, rank, locked)
        summary = _summary(
            inst,
            view,
            s,
            challenge,
            rank,
            locked,
            passed,
            base_summary(challenge, rank, locked, passed),
        )
        summary += _extra_sentences(inst, view, s, with_, kept)
        explanations[sid] = Explanation(
            sid,
            challenge,
            rank,
            locked,
            tuple(passed),
            summary,
            together_with=tuple(with_),
            rules=tuple(sorted(view.kinds_of.get(sid, ()))),
        )
