"""Optimal mode: a min-cost flow over source -> student -> challenge -> host -> sink.

Objective (lexicographic): first assign as many students as possible, then minimise
sum(cost(s, c)) with cost(s, c) = rank(s, c) when coverage_weight == 0, and
cost(s, c) = round(100 * (rank(s, c) - coverage_weight * coverage(s, c))) otherwise.
OR-Tools' `solve_max_flow_with_min_cost` computes exactly this: a maximum flow (the most
students assigned) of minimum cost. It is exact and about twice as fast as one min-cost flow
with a big-cost "unassigned" arc per student, which needs a huge cost range.

Ties between equally good allocations are broken by the arc order, which follows a seeded
shuffle of the students: the same input and seed always give the same allocation.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.instance import UNLIMITED, Instance, coverage

COVERAGE_SCALE = 100


class OptimalSolver:
    """Builds the flow network once; `solve(closed)` re-solves with challenges closed."""

    def __init__(
        self,
        inst: Instance,
        seed: int,
        coverage_weight: float,
        only: list[int] | None = None,
        capacities: tuple[list[int], list[int]] | None = None,
    ) -> None:
        """`only` restricts the free students (default: all unlocked); `capacities` overrides
        the (challenge, host) capacities left for them (default: after the locks)."""
        self.inst = inst
        cmax, hcap = capacities or inst.residual_capacities()
        n_students, n_challenges = len(inst.student_ids), len(cmax)
        # Student nodes follow a seeded shuffle: the seed picks among equally good allocations.
        order = inst.shuffled(seed)
        node_of = np.empty(n_students, dtype=np.int64)
        node_of[np.array(order, dtype=np.int64)] = np.arange(2, 2 + n_students, dtype=np.int64)
        if only is None:
            is_free = np.ones(n_students, dtype=bool)
            if inst.locked:
                is_free[np.fromiter(inst.locked, dtype=np.int64, count=len(inst.locked))] = False
        else:
            is_free = np.zeros(n_students, dtype=bool)
            is_free[np.array(only, dtype=np.int64)] = True
        counts = np.array(inst.pref_counts, dtype=np.int64)
        flat_student = np.repeat(np.arange(n_students, dtype=np.int64), counts)
        flat_c = np.array(inst.flat_challenge, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        flat_rank = np.arange(len(flat_c), dtype=np.int64) - np.repeat(starts, counts) + 1
        room = np.array(cmax, dtype=np.int64) > 0
        keep = np.array(inst.flat_eligible, dtype=bool) & is_free[flat_student] & room[flat_c]
        pair_student, pair_c, pair_rank = flat_student[keep], flat_c[keep], flat_rank[keep]
        if coverage_weight > 0:
            students, challenges = inst.problem.students, inst.problem.challenges
            bonus = np.array(
                [
                    coverage(students[s].open_goals, challenges[c].goals)
                    for s, c in zip(pair_student.tolist(), pair_c.tolist(), strict=True)
                ],
                dtype=np.float64,
            )
            costs = np.rint(COVERAGE_SCALE * (pair_rank - coverage_weight * bonus))
            pair_cost = costs.astype(np.int64)
        else:
            pair_cost = pair_rank
        free_nodes = node_of[is_free]
        n_nodes = 2 + n_students
        challenge_node0 = n_nodes
        host_node0 = challenge_node0 + n_challenges
        self.n_pair_arcs = len(pair_student)
        self.arc_student = pair_student
        self.arc_challenge = pair_c
        host_cap = [c if c != UNLIMITED else n_students for c in hcap]
        self.challenge_arc0 = self.n_pair_arcs + len(free_nodes)
        self.tails = np.concatenate(
            [
                node_of[pair_student],
                np.zeros(len(free_nodes), dtype=np.int64),  # source -> student
                np.arange(challenge_node0, host_node0, dtype=np.int64),
                np.arange(host_node0, host_node0 + len(hcap), dtype=np.int64),
            ]
        )
        self.heads = np.concatenate(
            [
                challenge_node0 + pair_c,
                free_nodes,
                host_node0 + np.array(inst.challenge_host, dtype=np.int64),
                np.ones(len(hcap), dtype=np.int64),
            ]
        )
        self.caps = np.concatenate(
            [
                np.ones(self.n_pair_arcs + len(free_nodes), dtype=np.int64),
                np.maximum(np.array(cmax, dtype=np.int64), 0),
                np.maximum(np.array(host_cap, dtype=np.int64), 0),
            ]
        )
        all_costs = np.concatenate(
            [pair_cost, np.zeros(len(free_nodes) + n_challenges + len(hcap), dtype=np.int64)]
        )
        self.cmax = cmax
        self.closed: set[int] = set()
        self.flow = min_cost_flow.SimpleMinCostFlow()
        self.flow.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, self.caps, all_costs)
        self.flow.set_node_supply(0, len(free_nodes))
        self.flow.set_node_supply(1, -len(free_nodes))

    def solve(self, closed: set[int]) -> list[int]:
        """The challenge index per student (-1 when unassigned); locked students included."""
        result = [-1] * len(self.inst.student_ids)
        for s, c in self.inst.locked.items():
            result[s] = c
        for s, c in self.pairs(closed):
            result[s] = c
        return result

    def pairs(self, closed: set[int]) -> list[tuple[int, int]]:
        """(student, challenge) for every free student the optimum assigns."""
        if not self.n_pair_arcs:
            return []
        caps = self.caps
        if closed:
            caps = caps.copy()
            caps[self.challenge_arc0 + np.array(sorted(closed), dtype=np.int64)] = 0
        for c in closed | self.closed:
            self.flow.set_arc_capacity(self.challenge_arc0 + c, int(caps[self.challenge_arc0 + c]))
        self.closed = set(closed)
        status = self.flow.solve_max_flow_with_min_cost()
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        flows = self.flow.flows(np.arange(self.n_pair_arcs, dtype=np.int64))
        used = np.flatnonzero(flows)
        students, challenges = self.arc_student[used].tolist(), self.arc_challenge[used].tolist()
        return list(zip(students, challenges, strict=True))


def resolve_around(
    inst: Instance, assign: list[int], closed: set[int], seed: int, coverage_weight: float
) -> list[int]:
    """Re-optimise, after closing challenges, only the students the closures can affect.

    Movable: the students of closed challenges, the students placed in any open challenge
    they could join, and the unassigned students who could join one of those. They are
    re-solved exactly (same objective) in the room everyone else leaves; everyone else stays.
    """
    locked, ch_host = inst.locked, inst.challenge_host
    released = [s for s, c in enumerate(assign) if c in closed]
    near = {
        c
        for s in released
        for c, rule in zip(inst.prefs[s], inst.rules[s], strict=True)
        if rule is None and c not in closed
    }
    movable = set(released)
    for s, c in enumerate(assign):
        if s in locked:
            continue
        if c in near or (
            c < 0
            and any(
                b in near and rule is None
                for b, rule in zip(inst.prefs[s], inst.rules[s], strict=True)
            )
        ):
            movable.add(s)
    cmax, hcap = inst.residual_capacities()
    for s, c in enumerate(assign):
        if c >= 0 and s not in movable and s not in locked:
            cmax[c] -= 1
            if hcap[ch_host[c]] != UNLIMITED:
                hcap[ch_host[c]] -= 1
    solver = OptimalSolver(inst, seed, coverage_weight, sorted(movable), (cmax, hcap))
    result = list(assign)
    for s in movable:
        result[s] = -1
    for s, c in solver.pairs(closed):
        result[s] = c
    return result
