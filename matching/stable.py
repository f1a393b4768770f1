"""Stable mode: algorithm SPA-student of Abraham, Irving & Manlove (2007), "Two algorithms for
the Student-Project Allocation problem", with challenge = project and host = lecturer.

A host ranks students by its `ranking`; students missing from it follow in the order of a
seeded lottery (one lottery number per student, shared by all hosts). A challenge ranks its
applicants by its host's order. The result is the student-optimal stable matching of the
instance left after the locked assignments (pre-assigned, capacities reduced).

Pair deletions are kept lazily as thresholds: (s, c) is deleted once the host key of s is worse
than the challenge's or the host's threshold. Thresholds only tighten, as deletions are final.
"""

from __future__ import annotations

from heapq import heappop, heappush

from matching.instance import UNLIMITED, Instance

NEVER = 1 << 62  # threshold of a pair that is not deleted


def host_keys(inst: Instance, seed: int) -> tuple[list[dict[int, int]], list[int], list[int]]:
    """Per host: ranking position by student; ranking length; the lottery numbers.

    The key of student s at host h is position (if ranked) else len(ranking) + lottery[s];
    lower is better and keys are distinct per host.
    """
    positions = [
        {inst.student_index[sid]: i for i, sid in enumerate(h.ranking)} for h in inst.problem.hosts
    ]
    lengths = [len(h.ranking) for h in inst.problem.hosts]
    return positions, lengths, inst.lottery(seed)


# One function on purpose: the proposal loop is the hot path of stable mode, and local variables
# and closures keep it fast (helpers would add Python calls per proposal at 50,000 students).
def solve_stable(inst: Instance, seed: int, closed: set[int]) -> list[int]:  # noqa: C901
    """The challenge index per student (-1 when unassigned); locked students included."""
    cmax, hcap = inst.residual_capacities()
    n_challenges, n_hosts = len(cmax), len(hcap)
    ch_host = inst.challenge_host
    positions, lengths, lottery = host_keys(inst, seed)
    c_thr = [-1 if (cmax[c] <= 0 or c in closed) else NEVER for c in range(n_challenges)]
    h_thr = [-1 if hcap[h] == 0 else NEVER for h in range(n_hosts)]
    c_cap = cmax
    h_cap = [NEVER if cap == UNLIMITED else cap for cap in hcap]
    c_count = [0] * n_challenges
    h_count = [0] * n_hosts
    c_heap: list[list[tuple[int, int]]] = [[] for _ in range(n_challenges)]
    h_heap: list[list[tuple[int, int]]] = [[] for _ in range(n_hosts)]
    assign = [-1] * len(inst.student_ids)
    pointer = [0] * len(inst.student_ids)
    lists = [
        [c for c, rule in zip(prefs, rules, strict=True) if rule is None]
        for prefs, rules in zip(inst.prefs, inst.rules, strict=True)
    ]

    def key(h: int, s: int) -> int:
        position = positions[h].get(s)
        return position if position is not None else lengths[h] + lottery[s]

    def worst_of_challenge(c: int) -> tuple[int, int]:
        heap = c_heap[c]
        while assign[heap[0][1]] != c:
            heappop(heap)
        return heap[0]

    def worst_of_host(h: int) -> tuple[int, int]:
        heap = h_heap[h]
        while assign[heap[0][1]] == -1 or ch_host[assign[heap[0][1]]] != h:
            heappop(heap)
        return heap[0]

    locked = inst.locked
    free = [s for s in range(len(inst.student_ids) - 1, -1, -1) if s not in locked]
    # pop() serves students in input order; the outcome does not depend on the order
    while free:
        s = free.pop()
        options, i = lists[s], pointer[s]
        while i < len(options):
            c = options[i]
            h = ch_host[c]
            k = key(h, s)
            if k <= c_thr[c] and k <= h_thr[h]:
                break
            i += 1
        pointer[s] = i
        if i == len(options):
            continue
        assign[s] = c
        c_count[c] += 1
        h_count[h] += 1
        heappush(c_heap[c], (-k, s))
        heappush(h_heap[h], (-k, s))
        if c_count[c] > c_cap[c]:
            _, r = worst_of_challenge(c)
            heappop(c_heap[c])
            assign[r] = -1
            c_count[c] -= 1
            h_count[h] -= 1
            free.append(r)
        elif h_count[h] > h_cap[h]:
            _, r = worst_of_host(h)
            heappop(h_heap[h])
            c_count[assign[r]] -= 1
            assign[r] = -1
            h_count[h] -= 1
            free.append(r)
        if c_count[c] == c_cap[c]:
            c_thr[c] = min(c_thr[c], -worst_of_challenge(c)[0])
        if h_count[h] == h_cap[h]:
            h_thr[h] = min(h_thr[h], -worst_of_host(h)[0])
    for s, c in inst.locked.items():
        assign[s] = c
    return assign
