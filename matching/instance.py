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
