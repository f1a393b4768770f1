"""An index-based view of a validated Problem, shared by the solvers, explanations and metrics.

Everything is a plain list indexed by position so the hot paths avoid attribute lookups and
per-pair objects; building it is O(total preferences).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from matching.types import Problem

UNLIMITED = -1  # host capacity marker in the index view


@dataclass(slots=True)
class Instance:
    problem: Problem
    student_ids: list[str]
    challenge_ids: list[str]
    host_ids: list[str]
    student_index: dict[str, int]
    challenge_index: dict[str, int]
    challenge_host: list[int]
    challenge_max: list[int]
    challenge_min: list[int]
    host_capacity: list[int]  # UNLIMITED (-1) when unlimited
    prefs: list[list[int]]  # challenge indices in preference order (best first)
    rules: list[list[str | None]]  # failing eligibility rule per preference, None if eligible
    locked: dict[int, int]  # student index -> challenge index
    lock_count: list[int]  # per challenge
    host_lock_count: list[int]  # per host
    flat_challenge: list[int]  # all preferences, student after student
    flat_eligible: list[bool]  # aligned with flat_challenge
    pref_counts: list[int]  # number of preferences per student
    # seed -> the seeded shuffle of the students (the solver is built more than once per solve)
    orders: dict[int, list[int]] = field(default_factory=dict)

    def residual_capacities(self) -> tuple[list[int], list[int]]:
        """Challenge and host capacities left after the locked assignments."""
        cmax = [m - k for m, k in zip(self.challenge_max, self.lock_count, strict=True)]
        hcap = [
            c if c == UNLIMITED else c - k
            for c, k in zip(self.host_capacity, self.host_lock_count, strict=True)
        ]
        return cmax, hcap

    def shuffled(self, seed: int) -> list[int]:
        """The students in the order of a seeded shuffle; do not modify the list."""
        order = self.orders.get(seed)
        if order is None:
            order = self.orders[seed] = list(range(len(self.student_ids)))
            random.Random(seed).shuffle(order)
        return order

    def lottery(self, seed: int) -> list[int]:
        """A seeded lottery number per student (a permutation of 0..n-1)."""
        order = self.shuffled(seed)
        numbers = [0] * len(order)
        for position, student in enumerate(order):
            numbers[student] = position
        return numbers


def coverage(open_goals: tuple[str, ...], goals: tuple[str, ...]) -> float:
    """The share of a student's open goals that a challenge covers (0 without open goals)."""
    if not open_goals or not goals:
        return 0.0
    covered = set(goals)
    return sum(1 for g in open_goals if g in covered) / len(open_goals)


def build_instance(problem: Problem) -> Instance:
    """Index a validated problem; O(total preferences)."""
    students, challenges, hosts = problem.students, problem.challenges, problem.hosts
    host_index = {h.id: i for i, h in enumerate(hosts)}
    challenge_index = {c.id: i for i, c in enumerate(challenges)}
    student_index = {s.id: i for i, s in enumerate(students)}
    rule_sets = [
        (
            frozenset(c.levels) or None,
            frozenset(c.programmes) or None,
            frozenset(c.schools) or None,
            frozenset(c.requires) or None,
        )
        for c in challenges
    ]
    unrestricted = [r == (None, None, None, None) for r in rule_sets]
    restricted = {c for c, free in enumerate(unrestricted) if not free}
    index_of = challenge_index.__getitem__
    prefs: list[list[int]] = []
    rules: list[list[str | None]] = []
    flat_challenge: list[int] = []
    flat_eligible: list[bool] = []
    for student in students:
        indices = list(map(index_of, student.preferences))
        prefs.append(indices)
        flat_challenge += indices
        if restricted.isdisjoint(indices):  # the common case, tested in C
            rules.append([None] * len(indices))
            flat_eligible += [True] * len(indices)
            continue
        certificates = frozenset(student.certificates)
        failures: list[str | None] = []
        for c in indices:
            if unrestricted[c]:
                failures.append(None)
                continue
            levels, programmes, schools, requires = rule_sets[c]
            if levels is not None and student.level not in levels:
                failures.append("level")
            elif programmes is not None and student.programme not in programmes:
                failures.append("programme")
            elif schools is not None and student.school not in schools:
                failures.append("school")
            elif requires is not None and not requires <= certificates:
                failures.append("certificate")
            else:
                failures.append(None)
        rules.append(failures)
        flat_eligible += [f is None for f in failures]
    challenge_host = [host_index[c.host] for c in challenges]
    locked: dict[int, int] = {}
    lock_count = [0] * len(challenges)
    host_lock_count = [0] * len(hosts)
    for lock in problem.locked:
        c = challenge_index[lock.challenge]
        locked[student_index[lock.student]] = c
        lock_count[c] += 1
        host_lock_count[challenge_host[c]] += 1
    return Instance(
        problem=problem,
        student_ids=[s.id for s in students],
        challenge_ids=[c.id for c in challenges],
        host_ids=[h.id for h in hosts],
        student_index=student_index,
        challenge_index=challenge_index,
        challenge_host=challenge_host,
        challenge_max=[c.max for c in challenges],
        challenge_min=[c.min for c in challenges],
        host_capacity=[UNLIMITED if h.capacity is None else h.capacity for h in hosts],
        prefs=prefs,
        rules=rules,
        locked=locked,
        lock_count=lock_count,
        host_lock_count=host_lock_count,
        flat_challenge=flat_challenge,
        flat_eligible=flat_eligible,
        pref_counts=[len(p) for p in prefs],
    )


@dataclass(slots=True)
class TeamIndex:
    """Index views of the format /2 team inputs, built only for the exact solver.

    Locks override every team rule: a locked student is in no group or unit and is exempt from
    rotation (docs/matching.md, "Teams").
    """

    groups: list[list[int]]  # mutual together-groups: unlocked members (>= 2), sorted by id
    group_members: list[tuple[str, ...]]  # all members of each group (locked ones too)
    units: list[tuple[str, list[int], list[int]]]  # class unit id, unlocked members, choices
    unit_members: list[tuple[str, ...]]  # all members of each class unit, sorted
    in_block: list[bool]  # per student: an unlocked member of a class unit
    klass: list[int]  # class index per student, -1 without a class
    school: list[int]  # school index per student
    visited: list[frozenset[int]]  # per student: challenges whose host is in the history


def build_team_index(inst: Instance, group_ids: list[tuple[str, ...]]) -> TeamIndex:
    """The team views of `inst`; `group_ids` are the mutual groups (matching.groups)."""
    problem, index, locked = inst.problem, inst.student_index, inst.locked
    groups: list[list[int]] = []
    members_of: list[tuple[str, ...]] = []
    for members in group_ids:
        free = [index[m] for m in members if index[m] not in locked]
        members_of.append(members)
        groups.append(free)
    classes: dict[str, int] = {}
    schools: dict[str, int] = {}
    klass = [
        -1 if s.klass is None else classes.setdefault(s.klass, len(classes))
        for s in problem.students
    ]
    school = [schools.setdefault(s.school, len(schools)) for s in problem.students]
    by_class: dict[str, list[int]] = {}
    for s, student in enumerate(problem.students):
        if student.klass is not None:
            by_class.setdefault(student.klass, []).append(s)
    in_block = [False] * len(problem.students)
    units: list[tuple[str, list[int], list[int]]] = []
    unit_members: list[tuple[str, ...]] = []
    for unit in problem.class_units:
        in_class = by_class.get(unit.id, [])
        free = [s for s in in_class if s not in locked]
        for s in free:
            in_block[s] = True
        choices = [inst.challenge_index[c] for c in unit.preferences]
        units.append((unit.id, free, choices))
        unit_members.append(tuple(sorted(inst.student_ids[s] for s in in_class)))
    host_challenges: dict[int, list[int]] = {}
    for c, h in enumerate(inst.challenge_host):
        host_challenges.setdefault(h, []).append(c)
    host_index = {h: i for i, h in enumerate(inst.host_ids)}
    visited = [
        frozenset(
            c for h in s.history if h in host_index for c in host_challenges.get(host_index[h], ())
        )
        for s in problem.students
    ]
    return TeamIndex(groups, members_of, units, unit_members, in_block, klass, school, visited)


def uses_team_features(problem: Problem) -> bool:
    """Whether `problem` uses a team feature (docs/matching.md, "Teams"): a minimum team size,
    a composition rule, a class unit, a together list (together != "off") or a history
    (rotation != "off"). A cheap scan that allocates nothing per student."""
    if problem.class_units or any(c.min > 0 or c.rules for c in problem.challenges):
        return True
    together = problem.options.together != "off"
    rotation = problem.options.rotation != "off"
    if together and rotation:
        return any(s.together or s.history for s in problem.students)
    if together:
        return any(s.together for s in problem.students)
    return rotation and any(s.history for s in problem.students)
