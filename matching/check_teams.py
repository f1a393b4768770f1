"""`check` of the format /2 rules (docs/matching.md, "Teams"), independent of the solver.

Locks override team rules: a locked student belongs to no group or class unit for these checks
and is exempt from rotation; a challenge holding a lock is exempt from its hard composition
rules (as from its minimum). Hard rules bind a challenge only when it runs (at least one
student placed there); locked students count in the pool of mixed_schools.
"""

from __future__ import annotations

from collections import Counter

from matching.groups import mutual_groups
from matching.instance import Instance
from matching.types import RULE_KINDS, Challenge, Result, Rule, Student
from matching.validate import rule_failure

GROUP_REASONS = frozenset(
    ("not_eligible", "no_common_choice", "full", "rule", "rotation", "cheaper_apart", "off")
)
BINDING_KINDS = frozenset((*RULE_KINDS, "min", "rotation"))


def unit_rank(inst: Instance, s: int, challenge: str) -> int | None:
    """For a class unit member, the rank of `challenge` in the unit's choices (else None)."""
    klass = inst.problem.students[s].klass
    for unit in inst.problem.class_units:
        if unit.id == klass:
            prefs = unit.preferences
            return prefs.index(challenge) + 1 if challenge in prefs else None
    return None


def is_unit_member(inst: Instance, s: int) -> bool:
    klass = inst.problem.students[s].klass
    return klass is not None and any(u.id == klass for u in inst.problem.class_units)


def school_pool(inst: Instance, c: int) -> set[str]:
    """The schools a team of challenge c could draw on: students locked there, and unlocked
    students who listed it (a class unit member: through the unit), are eligible for it and
    (rotation "hard") were not placed at its host before."""
    problem = inst.problem
    challenge = problem.challenges[c]
    units = {u.id: u.preferences for u in problem.class_units}
    hard_rotation = problem.options.rotation == "hard"
    pool = set()
    for s, student in enumerate(problem.students):
        locked = inst.locked.get(s)
        if locked is not None:
            if locked == c:
                pool.add(student.school)
            continue
        listed = units.get(student.klass or "", student.preferences) if student.klass else None
        choices = student.preferences if listed is None else listed
        if challenge.id not in choices or rule_failure(student, challenge) is not None:
            continue
        if hard_rotation and challenge.host in student.history:
            continue
        pool.add(student.school)
    return pool


def rule_violation(
    rule: Rule, team: list[Student], pool: set[str] | None
) -> tuple[int, str] | None:
    """The units of violation of `rule` by a running team, and why (None when kept).

    max_per_class: students above `value` summed over classes (students without a class never
    count); min_level: students of niveau exactly `value` missing to `count`; mixed_schools:
    schools missing to `value`, binding only when the pool has at least `value` schools."""
    if rule.kind == "max_per_class":
        per_class = Counter(s.klass for s in team if s.klass is not None)
        over = {k: n for k, n in sorted(per_class.items()) if n > rule.value}
        if over:
            text = ", ".join(f"{n} from class {k!r}" for k, n in over.items())
            return sum(n - rule.value for n in over.values()), f"{text} (at most {rule.value})"
    elif rule.kind == "min_level":
        have = sum(1 for s in team if s.level == rule.value)
        if have < rule.count:
            return (
                rule.count - have,
                f"{have} of niveau {rule.value} (at least {rule.count})",
            )
    elif rule.kind == "mixed_schools" and pool is not None and len(pool) >= rule.value:
        schools = {s.school for s in team}
        if len(schools) < rule.value:
            return (
                rule.value - len(schools),
                f"{len(schools)} school(s) (at least {rule.value}; "
                f"the students who chose it come from {len(pool)})",
            )
    return None


def _check_rules(inst: Instance, assign: list[int], out: list[str]) -> None:
    students = inst.problem.students
    teams: dict[int, list[Student]] = {}
    for s, c in enumerate(assign):
        if c >= 0:
            teams.setdefault(c, []).append(students[s])
    for c, challenge in enumerate(inst.problem.challenges):
        team = teams.get(c)
        if not team or inst.lock_count[c]:  # a coordinator's lock overrides the hard rules
            continue
        for i, rule in enumerate(challenge.rules):
            if not rule.hard:
                continue
            pool = school_pool(inst, c) if rule.kind == "mixed_schools" else None
            broken = rule_violation(rule, team, pool)
            if broken is not None:
                out.append(
                    f"challenges[{c}] (id {challenge.id!r}): hard {rule.kind} rule "
                    f"(rules[{i}]) broken: {broken[1]}"
                )


def _check_rotation(inst: Instance, assign: list[int], out: list[str]) -> None:
    if inst.problem.options.rotation != "hard":
        return
    challenges = inst.problem.challenges
    for s, student in enumerate(inst.problem.students):
        c = assign[s]
        if c >= 0 and s not in inst.locked and challenges[c].host in student.history:
            out.append(
                f"students[{s}] (id {student.id!r}): placed in {challenges[c].id!r} at host "
                f"{challenges[c].host!r}, which is in their history (rotation is 'hard')"
            )


def _where(inst: Instance, assign: list[int], members: list[int]) -> dict[str, str | None]:
    return {
        inst.student_ids[m]: (inst.challenge_ids[assign[m]] if assign[m] >= 0 else None)
        for m in members
    }


def _check_groups(inst: Instance, assign: list[int], out: list[str]) -> None:
    if inst.problem.options.together != "hard":
        return
    for group in mutual_groups(inst.problem):
        free = [inst.student_index[m] for m in group if inst.student_index[m] not in inst.locked]
        where = _where(inst, assign, free)
        if len({c for c in where.values() if c is not None}) > 1:
            placed = ", ".join(f"{m!r} in {c!r}" for m, c in where.items() if c is not None)
            out.append(
                f"group {list(group)!r}: split across challenges ({placed}) while together "
                "is 'hard'"
            )


def _check_units(inst: Instance, assign: list[int], out: list[str]) -> None:
    problem = inst.problem
    by_class: dict[str, list[int]] = {}
    for s, student in enumerate(problem.students):
        if student.klass is not None and s not in inst.locked:
            by_class.setdefault(student.klass, []).append(s)
    for i, unit in enumerate(problem.class_units):
        record = f"class_units[{i}] (id {unit.id!r})"
        members = by_class.get(unit.id, [])
        where = _where(inst, assign, members)
        places = set(where.values())
        if len(places) > 1:
            detail = ", ".join(f"{m!r} in {c!r}" for m, c in where.items())
            out.append(f"{record}: not placed whole ({detail})")
            continue
        place = next(iter(places), None)
        if place is None:
            continue
        if place not in unit.preferences:
            out.append(f"{record}: placed in {place!r}, which the unit did not list")
        challenge: Challenge = problem.challenges[inst.challenge_index[place]]
        for m in members:
            rule = rule_failure(problem.students[m], challenge)
            if rule is not None:
                out.append(
                    f"{record}: placed in {place!r}, where member {inst.student_ids[m]!r} is "
                    f"not eligible ({rule} rule)"
                )


def _known_groups(inst: Instance) -> dict[tuple[str, ...], str]:
    """The mutual groups and the class units (all members, sorted), with their kind."""
    problem = inst.problem
    known = dict.fromkeys(mutual_groups(problem), "together")
    by_class: dict[str, list[str]] = {}
    for s in problem.students:
        if s.klass is not None:
            by_class.setdefault(s.klass, []).append(s.id)
    for unit in problem.class_units:
        known[tuple(sorted(by_class.get(unit.id, [])))] = "class"
    return known


def _check_outcomes(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    """Result.groups must match the groups and units, and say truly whether each was kept."""
    known = _known_groups(inst)
    seen: set[tuple[str, ...]] = set()
    for i, g in enumerate(result.groups):
        record = f"groups[{i}] (members {list(g.members)!r})"
        if known.get(g.members) != g.kind:
            out.append(f"{record}: not a {g.kind!r} group of the problem")
            continue
        if g.members in seen:
            out.append(f"{record}: reported twice")
        seen.add(g.members)
        free = [inst.student_index[m] for m in g.members]
        places = set(_where(inst, assign, free).values())
        together = next(iter(places)) if len(places) == 1 else None
        if g.kept != (together is not None) or (g.kept and g.challenge != together):
            named = sorted(str(p) for p in places)  # None: unassigned
            out.append(
                f"{record}: reported kept={g.kept} in {g.challenge!r}, but the assignments "
                f"place the members in {named!r}"
            )
        if g.kept and g.reason is not None:
            out.append(f"{record}: kept, yet gives the reason {g.reason!r}")
        if not g.kept and g.reason not in GROUP_REASONS:
            out.append(f"{record}: not kept, with unknown reason {g.reason!r}")
    missing = sorted(m for m, kind in known.items() if m not in seen and _reportable(inst, kind))
    out.extend(f"group {list(members)!r}: no outcome in result.groups" for members in missing)


def _reportable(inst: Instance, kind: str) -> bool:
    """Groups and units must be reported by a result of the exact (team) path."""
    return kind == "class" or inst.problem.options.together != "off"


def _check_bindings(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    problem = inst.problem
    for i, b in enumerate(result.bound_rules):
        record = f"bound_rules[{i}] (challenge {b.challenge!r}, kind {b.kind!r})"
        c = inst.challenge_index.get(b.challenge)
        if c is None or b.kind not in BINDING_KINDS:
            out.append(f"{record}: unknown challenge or kind")
            continue
        challenge = problem.challenges[c]
        if b.kind in RULE_KINDS and not any(
            r.kind == b.kind and r.hard == b.hard for r in challenge.rules
        ):
            out.append(f"{record}: the challenge has no {'hard' if b.hard else 'soft'} such rule")
        if b.kind == "min" and challenge.min == 0:
            out.append(f"{record}: the challenge has no minimum")
        for sid in b.students:
            s = inst.student_index.get(sid)
            if s is None:
                out.append(f"{record}: unknown student {sid!r}")
            elif b.kind == "rotation" and challenge.host not in problem.students[s].history:
                out.append(f"{record}: {challenge.host!r} is not in the history of {sid!r}")


def _check_explanations(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    """together_with: the members of the student's group or class unit placed in the same
    challenge (sorted); rules: the kinds of the bindings naming the student (sorted)."""
    mates: dict[str, tuple[str, ...]] = {}
    index = inst.student_index
    wishes_used = inst.problem.options.together != "off"
    for members, kind in _known_groups(inst).items():
        if kind == "together" and not wishes_used:
            continue  # wishes are ignored: nobody is named as placed "with" a wish
        for m in members:
            c = assign[index[m]]
            mates[m] = tuple(
                sorted(o for o in members if o != m and c >= 0 and assign[index[o]] == c)
            )
    kinds: dict[str, set[str]] = {}
    for b in result.bound_rules:
        for sid in b.students:
            kinds.setdefault(sid, set()).add(b.kind)
    for s, sid in enumerate(inst.student_ids):
        e = result.explanations.get(sid)
        if e is None:
            continue
        expected = mates.get(sid, ())
        if tuple(sorted(e.together_with)) != expected:
            out.append(
                f"students[{s}] (id {sid!r}): explanation together_with is "
                f"{list(e.together_with)!r}, expected {list(expected)!r}"
            )
        if set(e.rules) != kinds.get(sid, set()):
            out.append(
                f"students[{s}] (id {sid!r}): explanation rules are {list(e.rules)!r}, "
                f"expected {sorted(kinds.get(sid, set()))!r}"
            )


def check_teams(inst: Instance, result: Result, assign: list[int], out: list[str]) -> None:
    """Append a violation (naming the record) for every broken format /2 rule."""
    _check_groups(inst, assign, out)
    _check_units(inst, assign, out)
    _check_rules(inst, assign, out)
    _check_rotation(inst, assign, out)
    _check_outcomes(inst, result, assign, out)
    _check_bindings(inst, result, assign, out)
    _check_explanations(inst, result, assign, out)
