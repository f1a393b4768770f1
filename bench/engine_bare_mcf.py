"""A bare min-cost-flow solve of a koppel-allocation/1 file, the baseline for bench.engine.

Reads the JSON, builds source -> student -> challenge -> host -> sink with OR-Tools (eligible
pairs only, capacities reduced by the locks) and solves once; writes nothing. The default is
one min-cost flow with a big-cost "unassigned" arc per student (the textbook formulation);
`--max-flow` uses the engine's faster one (`solve_max_flow_with_min_cost`, no unassigned arcs). The garbage collector is off, as in
the engine's CLI, and it skips the interpreter teardown like the engine's CLI, so the
comparison is like for like.

    python -m bench.engine_bare_mcf PROBLEM.json [--max-flow]
"""

from __future__ import annotations

import gc
import json
import os
import sys

import numpy as np
from ortools.graph.python import min_cost_flow


def _eligible(s: dict, c: dict) -> bool:  # type: ignore[type-arg]
    return (
        (not c["levels"] or s["level"] in c["levels"])
        and (not c["programmes"] or s["programme"] in c["programmes"])
        and (not c["schools"] or s["school"] in c["schools"])
        and (not c["requires"] or set(c["requires"]) <= set(s["certificates"]))
    )


def main(argv: list[str]) -> int:
    gc.disable()
    with open(argv[0], encoding="utf-8") as f:
        data = json.load(f)
    max_flow = "--max-flow" in argv
    challenges = data["challenges"]
    c_index = {c["id"]: i for i, c in enumerate(challenges)}
    h_index = {h["id"]: i for i, h in enumerate(data["hosts"])}
    locked = {k["student"]: c_index[k["challenge"]] for k in data.get("locked", [])}
    cmax = [c["max"] for c in challenges]
    hcap = [h.get("capacity") for h in data["hosts"]]
    for c in locked.values():
        cmax[c] -= 1
        h = h_index[challenges[c]["host"]]
        if hcap[h] is not None:
            hcap[h] -= 1
    students = [s for s in data["students"] if s["id"] not in locked]
    n, m = len(students), len(challenges)
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    for i, s in enumerate(students):
        for rank, cid in enumerate(s["preferences"], start=1):
            c = c_index[cid]
            if _eligible(s, challenges[c]):
                tails.append(2 + i)
                heads.append(2 + n + c)
                costs.append(rank)
    student_nodes = np.arange(2, 2 + n)
    host_of = np.array([h_index[c["host"]] for c in challenges])
    t = [
        np.array(tails),
        np.zeros(n, int),
        np.arange(2 + n, 2 + n + m),
        2 + n + m + np.arange(len(hcap)),
    ]
    hd = [np.array(heads), student_nodes, 2 + n + m + host_of, np.ones(len(hcap), int)]
    cp = [
        np.ones(len(tails) + n, int),
        np.array(cmax),
        np.array([n if x is None else x for x in hcap]),
    ]
    co = [np.array(costs), np.zeros(n + m + len(hcap), int)]
    if not max_flow:  # the unassigned arcs
        t.append(student_nodes)
        hd.append(np.ones(n, int))
        cp.append(np.ones(n, int))
        co.append(np.full(n, (n + 1) * (max(costs, default=0) + 1)))
    tails_a, heads_a, caps_a = np.concatenate(t), np.concatenate(hd), np.concatenate(cp)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails_a, heads_a, caps_a, np.concatenate(co))
    flow.set_node_supply(0, n)
    flow.set_node_supply(1, -n)
    status = flow.solve_max_flow_with_min_cost() if max_flow else flow.solve()
    return 0 if status == flow.OPTIMAL else 1


if __name__ == "__main__":
    os._exit(main(sys.argv[1:]))  # skip teardown, as the engine's CLI does
