"""Test helpers: hypothesis strategies for small valid problems, and independent references
(a CP-SAT model for the optimum, exhaustive enumeration and a naive blocking-pair count)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from hypothesis import strategies as st

from matching import Challenge, Host, Lock, Options, Problem, Student
from matching.validate import rule_failure

GOALS = ("B1-K1-W1", "B1-K1-W2", "B1-K2-W1")


@st.composite
def problems(
    draw: st.DrawFn,
    mode: str = "optimal",
    max_students: int = 8,
    max_challenges: int = 5,
    minimums: bool = True,
    locks: bool = True,
) -> Problem:
    n_hosts = draw(st.integers(1, 3))
    n_challenges = draw(st.integers(1, max_challenges))
    n_students = draw(st.integers(0, max_students))
    challenges = []
    for c in range(n_challenges):
        cap = draw(st.integers(0, 3))
        challenges.append(
            Challenge(
                id=f"c{c}",
                host=f"h{draw(st.integers(0, n_hosts - 1))}",
                max=cap,
                min=draw(st.integers(0, cap)) if minimums and draw(st.booleans()) else 0,
                levels=tuple(sorted(draw(st.sets(st.sampled_from([2, 3, 4]), max_size=2)))),
                programmes=("p1",) if draw(st.integers(0, 4)) == 0 else (),
                schools=("a",) if draw(st.integers(0, 5)) == 0 else (),
                requires=("VOG",) if draw(st.integers(0, 3)) == 0 else (),
                goals=tuple(sorted(draw(st.sets(st.sampled_from(GOALS))))),
            )
        )
    ids = [c.id for c in challenges]
    students = []
    for s in range(n_students):
        prefs = draw(st.permutations(ids))[: draw(st.integers(0, n_challenges))]
        students.append(
            Student(
                id=f"s{s}",
                level=draw(st.sampled_from([2, 3, 4])),
                programme=draw(st.sampled_from(["p1", "p2"])),
                school=draw(st.sampled_from(["a", "b"])),
                certificates=("VOG",) if draw(st.booleans()) else (),
                open_goals=tuple(sorted(draw(st.sets(st.sampled_from(GOALS))))),
                preferences=tuple(prefs),
            )
        )
    student_ids = [s.id for s in students]
    hosts = []
    for h in range(n_hosts):
        capacity = draw(st.one_of(st.none(), st.integers(0, 4)))
        ranking = draw(st.permutations(student_ids))[: draw(st.integers(0, n_students))]
        hosts.append(Host(id=f"h{h}", capacity=capacity, ranking=tuple(ranking)))
    locked = _draw_locks(draw, students, challenges, hosts) if locks else ()
    options = Options(mode=mode, seed=draw(st.integers(0, 3)))
    return Problem(tuple(students), tuple(challenges), tuple(hosts), locked, options)


def _draw_locks(
    draw: st.DrawFn, students: list[Student], challenges: list[Challenge], hosts: list[Host]
) -> tuple[Lock, ...]:
    room = {c.id: c.max for c in challenges}
    host_room = {h.id: h.capacity for h in hosts}
    locked = []
    for student in students:
        if draw(st.integers(0, 5)) != 0:
            continue
        challenge = draw(st.sampled_from(challenges))
        left = host_room[challenge.host]
        if rule_failure(student, challenge) is None and room[challenge.id] > 0 and left != 0:
            room[challenge.id] -= 1
            if left is not None:
                host_room[challenge.host] = left - 1
            locked.append(Lock(student.id, challenge.id))
    return tuple(locked)


def cp_sat_optimum(problem: Problem, minimums: bool = True) -> tuple[int, int]:
    """(most students assigned, least total rank among those) by CP-SAT, lexicographically.

    A challenge holding a lock is exempt from its minimum, as in the engine.
    """
    from ortools.sat.python import cp_model

    hosts = {h.id: h for h in problem.hosts}
    locked = {k.student: k.challenge for k in problem.locked}
    model = cp_model.CpModel()
    pairs: dict[tuple[str, str], cp_model.IntVar] = {}
    rank: dict[tuple[str, str], int] = {}
    for student in problem.students:
        prefs = student.preferences
        if student.id in locked:
            c = locked[student.id]
            pairs[student.id, c] = model.new_constant(1)
            rank[student.id, c] = prefs.index(c) + 1 if c in prefs else 0
            continue
        for position, cid in enumerate(prefs):
            challenge = next(c for c in problem.challenges if c.id == cid)
            if rule_failure(student, challenge) is None:
                pairs[student.id, cid] = model.new_bool_var(f"{student.id}-{cid}")
                rank[student.id, cid] = position + 1
        model.add(sum(v for (s, _), v in pairs.items() if s == student.id) <= 1)
    per_host: dict[str, list[cp_model.IntVar]] = {}
    for challenge in problem.challenges:
        members = [v for (_, c), v in pairs.items() if c == challenge.id]
        per_host.setdefault(challenge.host, []).extend(members)
        model.add(sum(members) <= challenge.max)
        has_lock = challenge.id in locked.values()
        if minimums and challenge.min > 0 and not has_lock:
            runs = model.new_bool_var(f"runs-{challenge.id}")
            model.add(sum(members) >= challenge.min).only_enforce_if(runs)
            model.add(sum(members) == 0).only_enforce_if(~runs)
    for host_id, members in per_host.items():
        capacity = hosts[host_id].capacity
        if capacity is not None:
            model.add(sum(members) <= capacity)
    count = sum(pairs.values())
    model.maximize(count)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    best = round(solver.objective_value)
    model.add(count == best)
    model.minimize(sum(rank[key] * v for key, v in pairs.items()))
    assert solver.solve(model) == cp_model.OPTIMAL
    return best, round(solver.objective_value)


def host_key(problem: Problem, seed: int) -> dict[tuple[str, str], int]:
    """Host order over students, written from the definition: ranking, then the lottery."""
    order = list(range(len(problem.students)))
    random.Random(seed).shuffle(order)
    lottery = {problem.students[s].id: position for position, s in enumerate(order)}
    keys = {}
    for host in problem.hosts:
        for student in problem.students:
            if student.id in host.ranking:
                keys[host.id, student.id] = host.ranking.index(student.id)
            else:
                keys[host.id, student.id] = len(host.ranking) + lottery[student.id]
    return keys


def naive_blocking_pairs(problem: Problem, matching: dict[str, str], seed: int) -> int:
    """SPA-S blocking pairs by the definition, O(n^2) and independent of the engine."""
    keys = host_key(problem, seed)
    challenges = {c.id: c for c in problem.challenges}
    hosts = {h.id: h for h in problem.hosts}
    locked = {k.student for k in problem.locked}
    total = 0
    for student in problem.students:
        if student.id in locked:
            continue
        current = matching.get(student.id)
        for cid in student.preferences:
            if cid == current:
                break
            challenge = challenges[cid]
            if rule_failure(student, challenge) is not None:
                continue
            host = hosts[challenge.host]
            in_c = [s for s, c in matching.items() if c == cid]
            in_h = [s for s, c in matching.items() if challenges[c].host == host.id]
            movable_c = [keys[host.id, s] for s in in_c if s not in locked]
            movable_h = [keys[host.id, s] for s in in_h if s not in locked]
            me = keys[host.id, student.id]
            c_full = len(in_c) >= challenge.max
            h_full = host.capacity is not None and len(in_h) >= host.capacity
            if not c_full and not h_full:
                total += 1
            elif not c_full and h_full:
                same_host = current is not None and challenges[current].host == host.id
                total += same_host or bool(movable_h and me < max(movable_h))
            elif c_full:
                total += bool(movable_c and me < max(movable_c))
    return total


def all_matchings(problem: Problem) -> Iterator[dict[str, str]]:
    """Every allocation that keeps the locks and respects eligibility and capacities."""
    challenges = {c.id: c for c in problem.challenges}
    hosts = {h.id: h for h in problem.hosts}
    locked = {k.student: k.challenge for k in problem.locked}
    options = []
    for student in problem.students:
        if student.id in locked:
            options.append([locked[student.id]])
        else:
            eligible = [
                c for c in student.preferences if rule_failure(student, challenges[c]) is None
            ]
            options.append([None, *eligible])
    for combo in itertools.product(*options):
        matching = {s.id: c for s, c in zip(problem.students, combo, strict=True) if c is not None}
        counts: dict[str, int] = {}
        host_counts: dict[str, int] = {}
        for c in matching.values():
            counts[c] = counts.get(c, 0) + 1
            h = challenges[c].host
            host_counts[h] = host_counts.get(h, 0) + 1
        if any(n > challenges[c].max for c, n in counts.items()):
            continue
        if any(
            hosts[h].capacity is not None and n > (hosts[h].capacity or 0)
            for h, n in host_counts.items()
        ):
            continue
        yield matching
