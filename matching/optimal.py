"""Optimal mode: a min-cost flow over source -> student -> challenge -> host -> sink.

Objective (lexicographic): first assign as many students as possible, then minimise
sum(cost(s, c)) with cost(s, c) = rank(s, c) when coverage_weight == 0, and
cost(s, c) = round(100 * (rank(s, c) - coverage_weight * coverage(s, c))) otherwise.
Every free student also has an arc straight to the sink ("unassigned") whose cost is larger
than any total change in assignment cost one more assigned student can cause, so the flow is
always feasible and maximum cardinality comes first.

Ties between equally good allocations are broken by the arc order, which follows a seeded
shuffle of the students: the same input and seed always give the same allocation.
"""

from __future__ import annotations

import random

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.instance import UNLIMITED, Instance

COVERAGE_SCALE = 100


def coverage(open_goals: tuple[str, ...], goals: tuple[str, ...]) -> float:
    """The share of a student's open goals that a challenge covers (0 without open goals)."""
    if not open_goals or not goals:
        return 0.0
    covered = set(goals)
    return sum(1 for g in open_goals if g in covered) / len(open_goals)


class OptimalSolver:
    """Builds the flow network once; `solve(closed)` re-solves with challenges closed."""

    def __init__(self, inst: Instance, seed: int, coverage_weight: float) -> None:
        self.inst = inst
        cmax, hcap = inst.residual_capacities()
        free = [s for s in range(len(inst.student_ids)) if s not in inst.locked]
        random.Random(seed).shuffle(free)
        self.free = free
        n_free, n_challenges = len(free), len(cmax)
        challenge_node0 = 2 + n_free
        host_node0 = challenge_node0 + n_challenges
        tails: list[int] = []
        heads: list[int] = []
        costs: list[int] = []
        arc_student: list[int] = []
        scale = COVERAGE_SCALE if coverage_weight > 0 else 1
        students, challenges = inst.problem.students, inst.problem.challenges
        for node_offset, s in enumerate(free):
            node = 2 + node_offset
            fails = inst.rules[s]
            goals = students[s].open_goals if coverage_weight > 0 else ()
            for rank, c in enumerate(inst.prefs[s], start=1):
                if fails[rank - 1] is not None or cmax[c] <= 0:
                    continue
                tails.append(node)
                heads.append(challenge_node0 + c)
                if scale == 1:
                    costs.append(rank)
                else:
                    bonus = coverage_weight * coverage(goals, challenges[c].goals)
                    costs.append(round(scale * (rank - bonus)))
                arc_student.append(s)
        self.n_pair_arcs = len(tails)
        self.arc_student = np.array(arc_student, dtype=np.int64)
        self.arc_challenge = np.array(heads, dtype=np.int64) - challenge_node0
        pair_costs = np.array(costs, dtype=np.int64)
        spread = int(pair_costs.max()) - min(int(pair_costs.min()), 0) if len(costs) else 1
        # One more assigned student changes the other assignments' costs by < n * spread.
        unassigned_cost = (n_free + 1) * (spread + 1)
        student_nodes = np.arange(2, 2 + n_free, dtype=np.int64)
        host_cap = [c if c != UNLIMITED else n_free for c in hcap]
        self.challenge_arc0 = self.n_pair_arcs + 2 * n_free
        all_tails = np.concatenate(
            [
                np.array(tails, dtype=np.int64),
                np.zeros(n_free, dtype=np.int64),  # source -> student
                student_nodes,  # student -> sink (unassigned)
                np.arange(challenge_node0, host_node0, dtype=np.int64),
                np.arange(host_node0, host_node0 + len(hcap), dtype=np.int64),
            ]
        )
        all_heads = np.concatenate(
            [
                np.array(heads, dtype=np.int64),
                student_nodes,
                np.ones(n_free, dtype=np.int64),
                host_node0 + np.array(inst.challenge_host, dtype=np.int64),
                np.ones(len(hcap), dtype=np.int64),
            ]
        )
        all_caps = np.concatenate(
            [
                np.ones(len(tails) + 2 * n_free, dtype=np.int64),
                np.maximum(np.array(cmax, dtype=np.int64), 0),
                np.maximum(np.array(host_cap, dtype=np.int64), 0),
            ]
        )
        all_costs = np.concatenate(
            [
                pair_costs,
                np.zeros(n_free, dtype=np.int64),
                np.full(n_free, unassigned_cost, dtype=np.int64),
                np.zeros(n_challenges + len(hcap), dtype=np.int64),
            ]
        )
        self.cmax = cmax
        self.flow = min_cost_flow.SimpleMinCostFlow()
        self.flow.add_arcs_with_capacity_and_unit_cost(all_tails, all_heads, all_caps, all_costs)
        self.flow.set_node_supply(0, n_free)
        self.flow.set_node_supply(1, -n_free)

    def solve(self, closed: set[int]) -> list[int]:
        """The challenge index per student (-1 when unassigned); locked students included."""
        for c, cap in enumerate(self.cmax):
            self.flow.set_arc_capacity(self.challenge_arc0 + c, 0 if c in closed else max(cap, 0))
        status = self.flow.solve()
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        result = [-1] * len(self.inst.student_ids)
        for s, c in self.inst.locked.items():
            result[s] = c
        if self.n_pair_arcs:
            flows = self.flow.flows(np.arange(self.n_pair_arcs, dtype=np.int64))
            used = np.flatnonzero(flows)
            for s, c in zip(
                self.arc_student[used].tolist(), self.arc_challenge[used].tolist(), strict=True
            ):
                result[s] = c
        return result
