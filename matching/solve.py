"""`solve`: validate, build, solve (with the minimum-team-size loop), explain, measure.

Minimum team sizes: a challenge with 0 < assigned < min after a solve is under-filled; it is
closed and the instance re-solved. Each round closes the under-filled challenges in order of
fill ratio assigned/min (then assigned count, then input order), skipping any that a student
released by this round's closures could join: those students may lift it over its minimum.
It also closes the challenges with a minimum that got nobody and that no released student
could join, so students cannot trickle into them one round at a time. A challenge holding a
locked assignment is never closed (locks are never dropped). Optimal mode re-solves locally
(`optimal.resolve_around`: the students the closures can affect are re-optimised exactly, the
rest stay put); stable mode re-runs SPA-student. After RESOLVES re-solves,
any challenge still under-filled is closed and its students are re-placed greedily
(`_repair`), which cannot create new offenders; this bounds the work at four solves.
The first round is the relaxation without minimums; `bound_gap` = penalised rank cost of the
result - that of the relaxation. (The relaxation maximises the number assigned first, so in
rare cases it pays several ranks for one more student and the gap is negative.) Stable mode
runs the same loop; its stability is then relative to the challenges left open.

Teams (format /2): in optimal mode a problem that uses a team feature
(`instance.uses_team_features`: a minimum, a rule, a class unit, a together list with together
!= "off", a history with rotation != "off") is solved exactly by matching/teams.py, warm-started
from the loop above; everything else runs the flow path unchanged.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from matching.explain import Explained, explain
from matching.instance import UNLIMITED, Instance, build_instance, uses_team_features
from matching.metrics import compute_metrics
from matching.types import Problem, Result
from matching.validate import validate

Progress = Callable[[str, int], None]

CLOSE_EMPTY = True  # also close unreachable challenges with a minimum that got nobody
RESOLVES = 3  # re-solves after the relaxation before the local repair takes over
FINISH_SHARE = 0.05  # exact path: share of the time limit kept for explaining the result


def _penalised(inst: Instance, assign: list[int]) -> int:
    total = 0
    for prefs, c in zip(inst.prefs, assign, strict=True):
        if c < 0:
            total += len(prefs) + 1
        elif c in prefs:
            total += prefs.index(c) + 1
    return total


def _to_close(inst: Instance, assign: list[int], closed: dict[int, int]) -> dict[int, int]:
    """The challenges to close next, with their assigned count (see the module docstring)."""
    minimum = inst.challenge_min
    count = dict.fromkeys((c for c, m in enumerate(minimum) if m > 0), 0)
    for c in assign:
        if c >= 0 and minimum[c] > 0:
            count[c] += 1
    offenders = [
        c
        for c, n in count.items()
        if 0 < n < minimum[c] and inst.lock_count[c] == 0 and c not in closed
    ]
    offenders.sort(key=lambda c: (Fraction(count[c], minimum[c]), count[c], c))
    members: dict[int, list[int]] = {}
    for s, c in enumerate(assign):
        if c in count:
            members.setdefault(c, []).append(s)
    batch: dict[int, int] = {}
    reachable: set[int] = set()  # challenges that students released by this batch could join
    for c in offenders:
        if c in reachable:
            continue  # wait: the students released now may lift it over its minimum
        batch[c] = count[c]
        for s in members[c]:
            reachable.update(
                b for b, rule in zip(inst.prefs[s], inst.rules[s], strict=True) if rule is None
            )
    if batch and CLOSE_EMPTY:
        batch |= {
            c: 0
            for c, n in count.items()
            if n == 0 and inst.lock_count[c] == 0 and c not in closed and c not in reachable
        }
    return batch


def _repair(inst: Instance, assign: list[int], closed: dict[int, int]) -> list[int]:
    """Close every remaining under-filled challenge and re-place its students greedily.

    A released student gets the best choice that is eligible, open, has room (challenge and
    host) and already meets its minimum (or has none): so no new offender can appear.
    """
    minimum, maximum, ch_host = inst.challenge_min, inst.challenge_max, inst.challenge_host
    count = [0] * len(minimum)
    host_count = [0] * len(inst.host_ids)
    for c in assign:
        if c >= 0:
            count[c] += 1
            host_count[ch_host[c]] += 1
    offenders = {
        c: n
        for c, n in enumerate(count)
        if 0 < n < minimum[c] and inst.lock_count[c] == 0 and c not in closed
    }
    closed.update(offenders)
    assign = list(assign)
    released = [s for s, c in enumerate(assign) if c in offenders]
    for s in released:
        c = assign[s]
        count[c] -= 1
        host_count[ch_host[c]] -= 1
        assign[s] = -1
    for s in released:
        for c, rule in zip(inst.prefs[s], inst.rules[s], strict=True):
            h = ch_host[c]
            capacity = inst.host_capacity[h]
            if (
                rule is None
                and c not in closed
                and count[c] < maximum[c]
                and count[c] + 1 >= minimum[c]
                and (capacity == UNLIMITED or host_count[h] < capacity)
            ):
                assign[s] = c
                count[c] += 1
                host_count[h] += 1
                break
    return assign


def allocate(
    inst: Instance, mode: str, seed: int, weight: float
) -> tuple[list[int], dict[int, int], int | None]:
    """The allocation, the closed challenges (with their interested count) and the bound gap."""
    assign, closed, relaxation = allocate_with_relaxation(inst, mode, seed, weight)
    if not any(inst.challenge_min):
        return assign, closed, None
    return assign, closed, _penalised(inst, assign) - _penalised(inst, relaxation)


def allocate_with_relaxation(
    inst: Instance, mode: str, seed: int, weight: float
) -> tuple[list[int], dict[int, int], list[int]]:
    """The allocation, the closed challenges and the relaxation (the first, minimum-free
    solve)."""
    if mode == "optimal":
        from matching.optimal import OptimalSolver, resolve_around  # lazy: ortools is slow

        def first() -> list[int]:
            return OptimalSolver(inst, seed, weight).solve(set())

        def again(assign: list[int], closed: dict[int, int]) -> list[int]:
            return resolve_around(inst, assign, set(closed), seed, weight)
    else:
        from matching.stable import solve_stable

        def first() -> list[int]:
            return solve_stable(inst, seed, set())

        def again(assign: list[int], closed: dict[int, int]) -> list[int]:
            return solve_stable(inst, seed, set(closed))

    closed: dict[int, int] = {}
    assign = first()
    relaxation = assign
    for _ in range(RESOLVES):
        to_close = _to_close(inst, assign, closed)
        if not to_close:
            break
        closed.update(to_close)
        assign = again(assign, closed)
    else:
        assign = _repair(inst, assign, closed)
    return assign, closed, relaxation


def solve(problem: Problem, *, progress: Progress | None = None) -> Result:
    """Validate and solve `problem` in the mode of its options.

    Guarantees: no ineligible assignment, no challenge or host over capacity, every lock kept,
    same input (and seed) -> same result. Raises ProblemError for an invalid problem.
    """

    # The engine allocates millions of small acyclic objects; the cyclic garbage collector
    # would rescan them over and over (it more than doubled the run time at 50,000 students).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _solve(problem, progress)
    finally:
        if was_enabled:
            gc.enable()


def _solve(problem: Problem, progress: Progress | None) -> Result:
    def report(stage: str, percent: int) -> None:
        if progress is not None:
            progress(stage, percent)

    report("validating", 0)
    validate(problem)
    report("building", 10)
    inst = build_instance(problem)
    options = problem.options
    report("solving", 20)
    if options.mode == "optimal" and uses_team_features(problem):
        return _solve_teams(inst, report)
    assign, closed, gap = allocate(inst, options.mode, options.seed, options.coverage_weight)
    report("explaining", 80)
    explained = explain(inst, assign, closed, options.mode)
    report("done", 100)
    return _result(inst, assign, explained, closed, gap)


def _result(
    inst: Instance,
    assign: list[int],
    explained: Explained,
    closed: dict[int, int],
    bound_gap: int | None,
    **team: Any,
) -> Result:
    """The Result of an allocation; `team`: the team path's gap, groups and bound rules."""
    options = inst.problem.options
    return Result(
        assignments=explained.assignments,
        unassigned=explained.unassigned,
        explanations=explained.explanations,
        metrics=compute_metrics(inst, assign, explained.ranks),
        mode=options.mode,
        seed=options.seed,
        bound_gap=bound_gap,
        closed=tuple(inst.challenge_ids[c] for c in sorted(closed)),
        **team,
    )


def _solve_teams(inst: Instance, report: Callable[[str, int], None]) -> Result:
    """The exact path (matching/teams.py), warm-started from the flow/heuristic allocation.

    `closed` lists the challenges with a minimum (and no lock) that run empty although the
    relaxation placed students there (their count); `bound_gap` compares with the relaxation
    as the heuristic path does."""
    from matching.teams import solve_exact, without_rotation  # lazy: ortools is slow
    from matching.teams_outcome import group_outcomes, rule_bindings

    options = inst.problem.options
    # The whole solve stays within the time limit: the search ends early enough for the
    # warm start before it and the explanation after it (FINISH_SHARE of the limit).
    deadline = time.monotonic() + options.time_limit * (1 - FINISH_SHARE)
    start, _, relaxation = allocate_with_relaxation(
        without_rotation(inst), "optimal", options.seed, options.coverage_weight
    )
    most = sum(1 for s, c in enumerate(relaxation) if c >= 0 and s not in inst.locked)
    exact, team = solve_exact(inst, start, most, deadline)
    assign = exact.assign
    report("explaining", 80)
    placed = [0] * len(inst.challenge_ids)
    relaxed = [0] * len(inst.challenge_ids)
    for c, r in zip(assign, relaxation, strict=True):
        if c >= 0:
            placed[c] += 1
        if r >= 0:
            relaxed[r] += 1
    closed = {
        c: relaxed[c]
        for c, minimum in enumerate(inst.challenge_min)
        if minimum > 0 and not inst.lock_count[c] and not placed[c] and relaxed[c]
    }
    groups = group_outcomes(inst, team, assign, options.together)
    bindings = rule_bindings(inst, team, assign)
    explained = explain(inst, assign, closed, options.mode, groups=groups, bound_rules=bindings)
    gap = None
    if any(inst.challenge_min):
        gap = _penalised(inst, assign) - _penalised(inst, relaxation)
    report("done", 100)
    return _result(
        inst, assign, explained, closed, gap, gap=exact.gap, groups=groups, bound_rules=bindings
    )
