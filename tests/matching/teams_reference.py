"""An independent reference for the team features: small random /2 problems (hypothesis) and the
exact optimum by exhaustive enumeration, written from the rules in docs/matching.md ("Teams")
and not from the solver's model.

Semantics (the solver's): locks override groups, units and rotation, and exempt their challenge
from its minimum and hard rules; together="hard" puts a group's unlocked members all in one
challenge or all out; a class unit's unlocked members likewise, in a challenge the unit listed
(the one a locked member holds, if any); rules bind a challenge that runs.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

from hypothesis import strategies as st

from matching import Challenge, Host, Lock, Options, Problem, Student
from matching.groups import mutual_groups
from matching.instance import coverage
from matching.types import ClassUnit, Rule
from matching.validate import rule_failure

SCALE = 100


@st.composite
def team_problems(draw: st.DrawFn, max_students: int = 7, max_challenges: int = 4) -> Problem:
    n_hosts = draw(st.integers(1, 2))
    n_challenges = draw(st.integers(1, max_challenges))
    n_students = draw(st.integers(1, max_students))
    hosts = [
        Host(f"h{h}", capacity=draw(st.one_of(st.none(), st.integers(1, 5))))
        for h in range(n_hosts)
    ]
    challenges = [_challenge(draw, c, n_hosts) for c in range(n_challenges)]
    ids = [c.id for c in challenges]
    use_unit = draw(st.integers(0, 3)) == 0
    students = []
    for s in range(n_students):
        klass = draw(st.sampled_from([None, "k1", "k2"]))
        in_unit = use_unit and klass == "k1"
        prefs = () if in_unit else tuple(draw(st.permutations(ids))[: draw(st.integers(1, 3))])
        history = ()
        if draw(st.integers(0, 2)) == 0:
            history = tuple(sorted(draw(st.sets(st.sampled_from([h.id for h in hosts])))))
        students.append(
            Student(
                id=f"s{s}",
                level=draw(st.sampled_from([2, 3, 4])),
                programme="p1",
                school=draw(st.sampled_from(["a", "b", "c"])),
                certificates=("VOG",) if draw(st.booleans()) else (),
                preferences=prefs,
                klass=klass,
                history=history,
            )
        )
    students = _with_wishes(draw, students)
    units: tuple[ClassUnit, ...] = ()
    if use_unit and any(s.klass == "k1" for s in students):
        units = (ClassUnit("k1", tuple(draw(st.permutations(ids))[: draw(st.integers(1, 3))])),)
    options = Options(
        seed=draw(st.integers(0, 2)),
        together=draw(st.sampled_from(["hard", "soft", "off"])),
        together_weight=draw(st.sampled_from([0.5, 1.0, 3.0])),
        rotation=draw(st.sampled_from(["hard", "soft", "off"])),
        rotation_weight=draw(st.sampled_from([1.0, 2.0])),
        time_limit=10.0,
    )
    locked = _lock(draw, students, challenges, units)
    return Problem(tuple(students), tuple(challenges), tuple(hosts), locked, options, units)


def _challenge(draw: st.DrawFn, c: int, n_hosts: int) -> Challenge:
    cap = draw(st.integers(1, 4))
    rules = []
    if draw(st.integers(0, 2)) == 0:
        rules.append(_rule(draw, "max_per_class", draw(st.integers(1, 2)), 1))
    if draw(st.integers(0, 2)) == 0:
        rules.append(_rule(draw, "min_level", draw(st.sampled_from([2, 3, 4])), 1))
    if cap >= 2 and draw(st.integers(0, 2)) == 0:
        rules.append(_rule(draw, "mixed_schools", 2, 1))
    return Challenge(
        id=f"c{c}",
        host=f"h{draw(st.integers(0, n_hosts - 1))}",
        max=cap,
        min=draw(st.integers(0, cap)) if draw(st.integers(0, 2)) == 0 else 0,
        levels=(3, 4) if draw(st.integers(0, 4)) == 0 else (),
        requires=("VOG",) if draw(st.integers(0, 4)) == 0 else (),
        rules=tuple(rules),
    )


def _rule(draw: st.DrawFn, kind: str, value: int, count: int) -> Rule:
    hard = draw(st.booleans())
    return Rule(kind, value, count, hard, 0.0 if hard else draw(st.sampled_from([0.5, 2.0])))


def _with_wishes(draw: st.DrawFn, students: list[Student]) -> list[Student]:
    ids = [s.id for s in students]
    out = []
    for s in students:
        others = [i for i in ids if i != s.id]
        # Wishes among the first few students, so that many are returned (mutual groups).
        near = others[:3]
        wishes = draw(st.lists(st.sampled_from(near), max_size=3, unique=True)) if near else []
        out.append(Student(**{**_fields(s), "together": tuple(wishes)}))
    return out


def _fields(s: Student) -> dict[str, object]:
    return {name: getattr(s, name) for name in Student.__slots__}  # type: ignore[attr-defined]


def _lock(
    draw: st.DrawFn,
    students: list[Student],
    challenges: list[Challenge],
    units: tuple[ClassUnit, ...],
) -> tuple[Lock, ...]:
    """At most one lock, on a student outside class units, to an eligible listed choice."""
    if draw(st.integers(0, 3)) != 0:
        return ()
    unit_ids = {u.id for u in units}
    by_id = {c.id: c for c in challenges}
    options = [
        (s.id, c)
        for s in students
        if s.klass not in unit_ids
        for c in s.preferences
        if rule_failure(s, by_id[c]) is None
    ]
    if not options:
        return ()
    student, challenge = draw(st.sampled_from(options))
    return (Lock(student, challenge),)


# -- the reference -------------------------------------------------------------------------


def _units(problem: Problem) -> list[tuple[list[int], list[str]]]:
    index = {s.id: i for i, s in enumerate(problem.students)}
    locked = {lock.student: lock.challenge for lock in problem.locked}
    out = []
    for unit in problem.class_units:
        members = [index[s.id] for s in problem.students if s.klass == unit.id]
        held = {locked[problem.students[m].id] for m in members if problem.students[m].id in locked}
        choices = [c for c in unit.preferences if not held or c in held]
        out.append(([m for m in members if problem.students[m].id not in locked], choices))
    return out


def _may(problem: Problem, s: int, challenge: Challenge) -> bool:
    student = problem.students[s]
    if problem.options.rotation == "hard" and challenge.host in student.history:
        return False
    return rule_failure(student, challenge) is None


def _decisions(problem: Problem) -> list[tuple[list[int], list[str | None]]]:
    """Decision units (members, options incl. None) for the enumeration."""
    challenges = {c.id: c for c in problem.challenges}
    locked = {lock.student for lock in problem.locked}
    index = {s.id: i for i, s in enumerate(problem.students)}
    taken: set[int] = set()
    out: list[tuple[list[int], list[str | None]]] = []
    for members, choices in _units(problem):
        taken.update(members)
        if members:
            ok = [c for c in choices if all(_may(problem, m, challenges[c]) for m in members)]
            out.append((members, [None, *ok]))
    if problem.options.together == "hard":
        for group in mutual_groups(problem):
            members = [index[m] for m in group if m not in locked]
            if not members:
                continue
            taken.update(members)
            common = [
                c
                for c in problem.students[members[0]].preferences
                if all(c in problem.students[m].preferences for m in members)
                and all(_may(problem, m, challenges[c]) for m in members)
            ]
            out.append((members, [None, *common]))
    for s, student in enumerate(problem.students):
        if s in taken or student.id in locked:
            continue
        ok = [c for c in student.preferences if _may(problem, s, challenges[c])]
        out.append(([s], [None, *ok]))
    return out


def _schools_pool(problem: Problem, challenge: Challenge) -> set[str]:
    locked = {lock.student: lock.challenge for lock in problem.locked}
    units = {u.id: u.preferences for u in problem.class_units}
    pool = set()
    for s, student in enumerate(problem.students):
        if student.id in locked:
            if locked[student.id] == challenge.id:
                pool.add(student.school)
            continue
        choices = units.get(student.klass or "", student.preferences) if student.klass else None
        listed = student.preferences if choices is None else choices
        if challenge.id in listed and _may(problem, s, challenge):
            pool.add(student.school)
    return pool


def _violation(problem: Problem, rule: Rule, challenge: Challenge, team: list[Student]) -> int:
    if rule.kind == "max_per_class":
        counts = Counter(s.klass for s in team if s.klass is not None)
        return sum(max(0, n - rule.value) for n in counts.values())
    if rule.kind == "min_level":
        return max(0, rule.count - sum(1 for s in team if s.level == rule.value))
    if len(_schools_pool(problem, challenge)) < rule.value:
        return 0
    return max(0, rule.value - len({s.school for s in team}))


def evaluate(problem: Problem, placed: dict[str, str]) -> tuple[int, int] | None:
    """(assigned, scaled cost) of an allocation (student id -> challenge id), None when it
    breaks a hard rule (capacities, minimums, hard composition rules)."""
    challenges = {c.id: c for c in problem.challenges}
    hosts = {h.id: h for h in problem.hosts}
    locked = {lock.student: lock.challenge for lock in problem.locked}
    per_host = Counter(challenges[c].host for c in placed.values())
    if any(hosts[h].capacity is not None and n > hosts[h].capacity for h, n in per_host.items()):
        return None
    cost = 0
    teams: dict[str, list[Student]] = {}
    for s in problem.students:
        if s.id in placed:
            teams.setdefault(placed[s.id], []).append(s)
    for cid, team in teams.items():
        penalty = _team_penalty(problem, challenges[cid], team, locked)
        if penalty is None:
            return None
        cost += penalty
    cost += sum(
        _student_cost(problem, s, placed[s.id])
        for s in problem.students
        if s.id in placed and s.id not in locked
    )
    if problem.options.together == "soft":
        for group in mutual_groups(problem):
            where = {placed.get(m) for m in group}
            if len(where) == 1 and None not in where:
                cost -= round(SCALE * problem.options.together_weight)
    assigned = sum(1 for s in problem.students if s.id in placed and s.id not in locked)
    return assigned, cost


def _team_penalty(
    problem: Problem, challenge: Challenge, team: list[Student], locked: dict[str, str]
) -> int | None:
    """The soft-rule cost of a running team, None when it breaks max, min or a hard rule."""
    has_lock = any(locked.get(s.id) == challenge.id for s in team)
    if len(team) > challenge.max or (not has_lock and len(team) < challenge.min):
        return None
    cost = 0
    for rule in challenge.rules:
        units = _violation(problem, rule, challenge, team)
        if rule.hard and units and not has_lock:
            return None
        if not rule.hard:
            cost += units * round(SCALE * rule.weight)
    return cost


def _student_cost(problem: Problem, s: Student, cid: str) -> int:
    options = problem.options
    challenge = next(c for c in problem.challenges if c.id == cid)
    unit_prefs = {u.id: u.preferences for u in problem.class_units}
    prefs = unit_prefs.get(s.klass, s.preferences) if s.klass else s.preferences
    rank = prefs.index(cid) + 1
    weight = options.coverage_weight
    if weight > 0:
        cost = round(SCALE * (rank - weight * coverage(s.open_goals, challenge.goals)))
    else:
        cost = SCALE * rank
    if options.rotation == "soft" and challenge.host in s.history:
        cost += round(SCALE * options.rotation_weight)
    return cost


def allocations(problem: Problem) -> Iterator[dict[str, str]]:
    decisions = _decisions(problem)
    base = {lock.student: lock.challenge for lock in problem.locked}
    ids = [s.id for s in problem.students]
    for combo in itertools.product(*(choices for _, choices in decisions)):
        placed = dict(base)
        for (members, _), c in zip(decisions, combo, strict=True):
            if c is not None:
                for m in members:
                    placed[ids[m]] = c
        yield placed


def team_optimum(problem: Problem) -> tuple[int, int]:
    """The lexicographic optimum (most assigned, then the lowest cost) by enumeration."""
    best: tuple[int, int] | None = None
    for placed in allocations(problem):
        value = evaluate(problem, placed)
        if value is not None and (best is None or (value[0], -value[1]) > (best[0], -best[1])):
            best = value
    assert best is not None  # only the locks placed is always feasible
    return best
