"""The exact solver for problems with team features (format /2): a CP-SAT model, with the
LP relaxation and HiGHS (matching/relax.py) for its bound and its largest steps.

Used in optimal mode when the problem has a minimum team size, a together list (together !=
"off"), a composition rule, a history (rotation != "off") or a class unit (`uses_team_features`).

Model (docs/matching.md, "Teams"):
- a boolean per (free student, choice) the student listed, is eligible for and (rotation hard)
  did not visit the host of; a boolean per (block, common choice) for a *block*: a class unit
  or, with together="hard", a mutual group; a block counts as its number of members and costs
  the sum of its members' costs. Each student and block takes at most one challenge.
- per challenge: count <= max (after locks), per host: count <= capacity (after locks); an open
  literal o_c with max(min, 1) * o_c <= count <= max * o_c where the challenge has a minimum or a
  rule that needs it. A challenge holding a lock is exempt from its minimum and its hard rules.
- rules: max_per_class (per class count <= k), min_level (count of level L >= n * o_c),
  mixed_schools (distinct schools >= v * o_c, where the pool has at least v schools; else the
  rule does not bind); a soft rule pays `weight` per unit of slack instead.
- together="soft": a kept indicator per (group, common choice) <= each member's boolean earns
  `together_weight`. Rotation soft: `rotation_weight` per placement at a visited host.

Objective, lexicographic, in two phases: maximise the number assigned; then, with that number
held, minimise the cost, scaled by SCALE to integers (rank; with coverage_weight > 0
round(SCALE * (rank - coverage_weight * coverage)) per pair as the flow does; soft penalties and
the together bonus as SCALE * weight).

The start is the flow/heuristic allocation repaired to satisfy every hard rule (`repair`: only
removals), so a feasible solution exists at once, then filled and, for soft groups, regrouped
(`improve_start`); with blocks a second start places the blocks first and the flow around them
(`block_start`), and the one assigning more is kept.

Phase 1 is skipped when the start already assigns as many free students as the smaller of two
upper bounds: the flow relaxation (no minimums, no team rules; valid when there is no class
unit) and the LP relaxation of the count (GLOP, matching/relax.py: it sees blocks, minimums and
rules). Otherwise the cheapest LP solution that assigns that bound guides a sub-model
(`guided`): students the LP places whole where nothing is fractional stay there, HiGHS solves
the rest (a few thousand items at 10,000 students, in seconds). CP-SAT at that size spends its
time in the root LP and never improves the start, so it searches the count of small models only
(SEARCH_ITEMS). Phase 2: the LP relaxation of the cost (HiGHS's simplex) is a lower bound; when
the allocation costs more than GUIDED_AGAIN above it, a second guided sub-model frees only where
the LP and the allocation differ. Then CP-SAT on the whole model, hinted with the allocation, for
the rest of the time limit: it proves small models optimal and lifts the bound of large ones.
`gap` = max(relative gap of
the count, (cost - best lower bound) / max(1, |cost|)); 0.0 = proven optimal.

Determinism: a fixed worker count, `random_seed = seed`, interleaved search for several workers,
and CP-SAT's time limit applied both as deterministic time and as wall-clock time. HiGHS's
sub-models and the LP relaxations give the same result every run when they end before their
time limit (GUIDED_SHARE, LP_LIMIT), as they do at 10,000 students on this project's 2-core
machine; a search cut off by the wall clock (larger rounds, a slower machine) may not.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matching.groups import mutual_groups
from matching.instance import UNLIMITED, Instance, TeamIndex, build_team_index, coverage
from matching.relax import EPSILON, lp_solution, mip_solution
from matching.types import Options, Rule, Student
from matching.validate import rule_failure

SCALE = 100  # rank points -> integer objective units
PHASE1_SHARE = 0.15  # share of the time limit the first phase may use at most
HINT_LIMIT = 2.0  # seconds at most to complete the warm start's hint
LP_LIMIT = 5.0  # seconds at most for an LP relaxation (GLOP)
SEARCH_ITEMS = 3000  # CP-SAT searches the count of a model this small (proves it in seconds)
GUIDED_SHARE = 0.25  # share of the time limit one LP-guided sub-model (HiGHS) may use at most
# Phase 2 guides a second sub-model when the allocation costs more than this share above the
# LP bound. Measured at 10,000 students: 3.2 % above it (one challenge per ten students) the
# step brought the gap from 2.3 % to 0.5 %; at 1.1-1.2 % (soft groups, rules) it gained 0.2 %
# and cost CP-SAT the time to lift its bound (gap 0.95 % with it, 0.67 % without).
GUIDED_AGAIN = 0.02


@dataclass(slots=True)
class Item:
    """A decision unit: one free student or a block of students placed together."""

    members: list[int]
    choices: list[tuple[int, int]]  # (challenge, cost) per placeable choice


@dataclass(slots=True)
class ExactResult:
    assign: list[int]
    gap: float
    hard_groups: bool


def pair_cost(inst: Instance, s: int, c: int, rank: int, options: Options, visited: bool) -> int:
    """The scaled cost of student s at challenge c at `rank` (the flow's cost, times SCALE)."""
    weight = options.coverage_weight
    if weight > 0:
        student, challenge = inst.problem.students[s], inst.problem.challenges[c]
        cover = coverage(student.open_goals, challenge.goals)
        cost = round(SCALE * (rank - weight * cover))
    else:
        cost = SCALE * rank
    if visited and options.rotation == "soft":
        cost += round(SCALE * options.rotation_weight)
    return cost


def _placeable(inst: Instance, team: TeamIndex, s: int, c: int, rotation: str) -> bool:
    if rotation == "hard" and c in team.visited[s]:
        return False
    student, challenge = inst.problem.students[s], inst.problem.challenges[c]
    return rule_failure(student, challenge) is None


def build_items(inst: Instance, team: TeamIndex, options: Options) -> list[Item]:
    """The free students, then the blocks (hard groups, class units), with their placeable
    choices and costs."""
    cmax, _ = inst.residual_capacities()
    blocks = []
    if options.together == "hard":
        blocks = [members for members in team.groups if len(members) >= 2]
    grouped = {s for members in blocks for s in members}
    items = [
        Item([s], _own_choices(inst, team, options, cmax, s))
        for s in range(len(inst.prefs))
        if s not in inst.locked and not team.in_block[s] and s not in grouped
    ]
    items += [Item(m, _common_choices(inst, team, m, options, cmax)) for m in blocks]
    for (_, members, choices), everyone in zip(team.units, team.unit_members, strict=True):
        if members:
            items.append(Item(members, _unit_choices(inst, team, options, cmax, choices, everyone)))
    return items


def _own_choices(
    inst: Instance, team: TeamIndex, options: Options, cmax: list[int], s: int
) -> list[tuple[int, int]]:
    choices = []
    for position, (c, rule) in enumerate(zip(inst.prefs[s], inst.rules[s], strict=True)):
        seen = c in team.visited[s]
        if rule is None and cmax[c] > 0 and not (seen and options.rotation == "hard"):
            choices.append((c, pair_cost(inst, s, c, position + 1, options, seen)))
    return choices


def _unit_choices(
    inst: Instance,
    team: TeamIndex,
    options: Options,
    cmax: list[int],
    choices: list[int],
    everyone: tuple[str, ...],
) -> list[tuple[int, int]]:
    """A class unit's placeable choices; a lock on a member decides where the whole class goes
    (validation allows locks in one challenge only)."""
    members = [inst.student_index[m] for m in everyone]
    at = {inst.locked[s] for s in members if s in inst.locked}
    free = [s for s in members if s not in inst.locked]
    placed = []
    for position, c in enumerate(choices):
        if (at and c not in at) or cmax[c] < len(free):
            continue
        if not all(_placeable(inst, team, s, c, options.rotation) for s in free):
            continue
        cost = sum(pair_cost(inst, s, c, position + 1, options, c in team.visited[s]) for s in free)
        placed.append((c, cost))
    return placed


def _common_choices(
    inst: Instance, team: TeamIndex, members: list[int], options: Options, cmax: list[int]
) -> list[tuple[int, int]]:
    """(challenge, summed cost) for every choice all members listed and can be placed in, in
    the first member's order."""
    rotation = options.rotation
    ranks = [{c: i + 1 for i, c in enumerate(inst.prefs[s])} for s in members]
    out = []
    for c in inst.prefs[members[0]]:
        if cmax[c] < len(members) or not all(c in r for r in ranks):
            continue
        if not all(_placeable(inst, team, s, c, rotation) for s in members):
            continue
        cost = sum(
            pair_cost(inst, s, c, r[c], options, c in team.visited[s])
            for s, r in zip(members, ranks, strict=True)
        )
        out.append((c, cost))
    return out


class TeamModel:
    """The CP-SAT model of one problem (see the module docstring)."""

    def __init__(
        self,
        inst: Instance,
        team: TeamIndex,
        options: Options,
        items: list[Item] | None = None,
        fixed: dict[int, int] | None = None,
        school_pool: dict[int, int] | None = None,
    ) -> None:
        """The whole model, or (`guided`) a sub-model over `items` alone: `fixed` maps every other
        free student to its fixed challenge (-1: out); their load reduces the capacities and
        counts as a constant in the minimums and rules (a challenge they occupy is open)."""
        self.inst, self.team, self.options = inst, team, options
        self.model = cp_model.CpModel()
        self.items = build_items(inst, team, options) if items is None else items
        self.fixed: dict[int, int] = {} if fixed is None else fixed
        self.fixed_at: dict[int, list[int]] = {}
        for s, c in self.fixed.items():
            if c >= 0:
                self.fixed_at.setdefault(c, []).append(s)
        n_challenges = len(inst.challenge_ids)
        self.vars: list[list[tuple[int, cp_model.IntVar]]] = []  # per item: (challenge, var)
        self.by_challenge: list[list[tuple[cp_model.IntVar, list[int]]]] = [
            [] for _ in range(n_challenges)
        ]
        self.open: dict[int, cp_model.IntVar | int] = {}
        # challenge -> distinct schools in its pool (challenges with a mixed_schools rule)
        self.school_pool = school_pools(inst, team, options) if school_pool is None else school_pool
        count_terms, cost_terms = [], []
        model = self.model
        for item in self.items:
            row = []
            for c, cost in item.choices:
                var = model.new_bool_var("")
                row.append((c, var))
                self.by_challenge[c].append((var, item.members))
                count_terms.append((var, len(item.members)))
                cost_terms.append((var, cost))
            if len(row) > 1:
                model.add_at_most_one(v for _, v in row)
            self.vars.append(row)
        self.count_terms = [(v.index, w) for v, w in count_terms]
        self.count_expr = cp_model.LinearExpr.weighted_sum(
            [v for v, _ in count_terms], [w for _, w in count_terms]
        )
        self.cost_vars = [v for v, _ in cost_terms]
        self.cost_coefs = [w for _, w in cost_terms]
        self._capacities()
        self._rules()
        self._together()

    # -- constraints -------------------------------------------------------------------------

    def _count(self, c: int) -> cp_model.LinearExpr:
        terms = self.by_challenge[c]
        return cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [len(m) for _, m in terms])

    def _residual(self) -> tuple[list[int], list[int]]:
        """The room per challenge and host after the locks and the fixed occupants."""
        inst = self.inst
        cmax, hcap = (list(x) for x in inst.residual_capacities())
        for c, students in self.fixed_at.items():
            cmax[c] -= len(students)
            h = inst.challenge_host[c]
            if hcap[h] != UNLIMITED:
                hcap[h] -= len(students)
        return cmax, hcap

    def _capacities(self) -> None:
        inst, model = self.inst, self.model
        cmax, hcap = self._residual()
        by_host: dict[int, list[int]] = {}
        for c, terms in enumerate(self.by_challenge):
            if not terms:
                continue
            by_host.setdefault(inst.challenge_host[c], []).append(c)
            count = self._count(c)
            needs_open = inst.challenge_min[c] > 0 or any(
                r.kind != "max_per_class" for r in inst.problem.challenges[c].rules
            )
            held = len(self.fixed_at.get(c, ()))
            if inst.lock_count[c] > 0:
                model.add(count <= cmax[c])
                self.open[c] = 1
            elif needs_open and held:
                model.add(count <= cmax[c])
                if inst.challenge_min[c] > held:
                    model.add(count >= inst.challenge_min[c] - held)
                self.open[c] = 1
            elif needs_open:
                o = model.new_bool_var("")
                model.add(count <= cmax[c] * o)
                model.add(count >= max(inst.challenge_min[c], 1) * o)
                # x <= o for each placement (the strong formulation of facility location):
                # with o fractional the LP otherwise meets count >= min * o for free.
                for var, _ in self.by_challenge[c]:
                    model.add_implication(var, o)
                self.open[c] = o
            else:
                model.add(count <= cmax[c])
        for h, challenges in by_host.items():
            if hcap[h] == UNLIMITED or hcap[h] >= sum(cmax[c] for c in challenges):
                continue
            model.add(sum(self._count(c) for c in challenges) <= hcap[h])

    def _rules(self) -> None:
        inst = self.inst
        self.penalties: list[tuple[cp_model.IntVar, int]] = []
        for c, challenge in enumerate(inst.problem.challenges):
            if not challenge.rules or not self.by_challenge[c]:
                continue
            locked = [s for s, k in inst.locked.items() if k == c]
            # The constants of the team: its locks and (sub-model) its fixed occupants.
            held = locked + self.fixed_at.get(c, [])
            for rule in challenge.rules:
                if rule.hard and locked:
                    continue  # a lock overrides the hard rules of its challenge
                if rule.kind == "max_per_class":
                    self._max_per_class(c, rule.value, rule.hard, rule.weight, held)
                elif rule.kind == "min_level":
                    self._min_level(c, rule.value, rule.count, rule.hard, rule.weight, held)
                elif rule.kind == "mixed_schools":
                    self._mixed_schools(c, rule.value, rule.hard, rule.weight, held)

    def _require(self, have: cp_model.LinearExpr, need: int, c: int, hard: bool, w: float) -> None:
        """have >= need * o_c; soft: the shortfall costs w per unit."""
        if need <= 0:
            return
        o = self.open[c]
        if hard:
            self.model.add(have >= need * o)
            return
        slack = self.model.new_int_var(0, need, "")
        self.model.add(have + slack >= need * o)
        self.penalties.append((slack, round(SCALE * w)))

    def _max_per_class(self, c: int, k: int, hard: bool, w: float, locked: list[int]) -> None:
        klass = self.team.klass
        per_class: dict[int, tuple[list[cp_model.IntVar], list[int]]] = {}
        for var, members in self.by_challenge[c]:
            counts: dict[int, int] = {}
            for s in members:
                if klass[s] >= 0:
                    counts[klass[s]] = counts.get(klass[s], 0) + 1
            for K, n in counts.items():
                vs, ws = per_class.setdefault(K, ([], []))
                vs.append(var)
                ws.append(n)
        fixed: dict[int, int] = {}
        for s in locked:
            if klass[s] >= 0:
                fixed[klass[s]] = fixed.get(klass[s], 0) + 1
        for K, (vs, ws) in sorted(per_class.items()):
            expr = cp_model.LinearExpr.weighted_sum(vs, ws) + fixed.get(K, 0)
            if sum(ws) + fixed.get(K, 0) <= k:
                continue
            if hard:
                self.model.add(expr <= k)
            else:
                slack = self.model.new_int_var(0, sum(ws) + fixed.get(K, 0), "")
                self.model.add(expr - slack <= k)
                self.penalties.append((slack, round(SCALE * w)))

    def _min_level(
        self, c: int, level: int, n: int, hard: bool, w: float, locked: list[int]
    ) -> None:
        students = self.inst.problem.students
        vs, ws = [], []
        for var, members in self.by_challenge[c]:
            k = sum(1 for s in members if students[s].level == level)
            if k:
                vs.append(var)
                ws.append(k)
        fixed = sum(1 for s in locked if students[s].level == level)
        self._require(cp_model.LinearExpr.weighted_sum(vs, ws) + fixed, n, c, hard, w)

    def _mixed_schools(self, c: int, v: int, hard: bool, w: float, locked: list[int]) -> None:
        school = self.team.school
        fixed = {school[s] for s in locked}
        by_school: dict[int, list[cp_model.IntVar]] = {}
        for var, members in self.by_challenge[c]:
            for sigma in {school[s] for s in members}:
                by_school.setdefault(sigma, []).append(var)
        if self.school_pool.get(c, 0) < v or v <= 1:
            return  # the pool does not allow the mix (or any running team has one school)
        present = []
        for sigma, vs in sorted(by_school.items()):
            if sigma in fixed:
                continue
            z = self.model.new_bool_var("")
            self.model.add(z <= sum(vs))
            present.append(z)
        have = cp_model.LinearExpr.sum(present) + len(fixed)
        self._require(have, v, c, hard, w)

    def _together(self) -> None:
        self.kept: list[list[tuple[int, cp_model.IntVar]]] = []
        if self.options.together != "soft":
            return
        inst, team, model = self.inst, self.team, self.model
        index = {}
        for row, item in zip(self.vars, self.items, strict=True):
            if len(item.members) == 1:
                s = item.members[0]
                for c, var in row:
                    index[s, c] = var
        bonus = round(SCALE * self.options.together_weight)
        for members, everyone in zip(team.groups, team.group_members, strict=True):
            kept = []
            # A group is kept when ALL its members (locked ones too) share a challenge.
            at = {
                inst.locked[s]
                for s in map(inst.student_index.__getitem__, everyone)
                if s in inst.locked
            }
            at |= {self.fixed[s] for s in members if s in self.fixed}
            members = [s for s in members if s not in self.fixed]
            if members and len(at) <= 1 and -1 not in at:
                for c in inst.prefs[members[0]] if not at else list(at):
                    vs = [index.get((s, c)) for s in members]
                    if any(v is None for v in vs):
                        continue
                    k = model.new_bool_var("")
                    for v in vs:
                        model.add_implication(k, v)  # type: ignore[arg-type]
                    kept.append((c, k))
                    self.penalties.append((k, -bonus))
            self.kept.append(kept)

    # -- solving ------------------------------------------------------------------------------

    def hint(self, assign: Sequence[int]) -> None:
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for item, row in zip(self.items, self.vars, strict=True):
            where = {assign[s] for s in item.members}
            target = where.pop() if len(where) == 1 else -1
            for c, var in row:
                self.model.add_hint(var, c == target)

    def assignment(self, solver: cp_model.CpSolver) -> list[int]:
        assign = [-1] * len(self.inst.student_ids)
        for s, c in self.inst.locked.items():
            assign[s] = c
        for item, row in zip(self.items, self.vars, strict=True):
            for c, var in row:
                if solver.boolean_value(var):
                    for s in item.members:
                        assign[s] = c
                    break
        return assign

    def solve(self, start: list[int], most: int | None, deadline: float) -> ExactResult:
        """Both phases (see the module docstring) until `deadline` (time.monotonic()). `start`
        satisfies every hard rule; `most` bounds the number of free students assigned."""
        options, model = self.options, self.model
        best, first, gap1 = self.counted(start), list(start), 0.0
        # Phase 1: the most students assigned, unless the start already reaches the bound.
        # The LP relaxation of the count sees groups, class units, minimums and rules (`most`,
        # the flow relaxation's count, sees none of them); its solution guides the search.
        if most is None or best < most:
            model.maximize(self.count_expr)
            relaxed = lp_solution(model.proto, self._lp_limit(deadline))
            model.clear_objective()  # type: ignore[no-untyped-call]
            if relaxed is not None:
                # GLOP's optimum is exact to its tolerances: round up what is within them.
                lp_most = math.floor(-relaxed.value + EPSILON * max(1.0, abs(relaxed.value)))
                most = lp_most if most is None else min(most, lp_most)
                if best < most:
                    # The guide: the cheapest LP solution that assigns `most` (a count-only
                    # vertex places the students it fixes anywhere, at any cost).
                    model.minimize(self.cost_expr())
                    guide = lp_solution(
                        model.proto,
                        self._lp_limit(deadline),
                        "HIGHS",
                        at_least=(self.count_terms, most),
                    )
                    model.clear_objective()  # type: ignore[no-untyped-call]
                    values = relaxed.values if guide is None else guide.values
                    first = self.guided(first, values, self._share(deadline))
                    best = self.counted(first)
            if (most is None or best < most) and (
                relaxed is None or len(self.items) <= SEARCH_ITEMS
            ):
                first, best, gap1 = self._count_search(first, best, most, deadline)
            elif most is not None and best < most:
                gap1 = (most - best) / max(1.0, float(most))
        # Phase 2: with that many assigned, the lowest cost. The LP relaxation of the cost is a
        # lower bound (2.5 s at 10,000 students); far above it (GUIDED_AGAIN), a second guided
        # sub-model. Then CP-SAT on the whole model from `first` for the rest of the time: at
        # 10,000 students it improves nothing but lifts the bound above the LP's within
        # 10-15 s, time a second sub-model takes from it (docs/performance.md).
        model.add(self.count_expr >= best)
        model.minimize(self.cost_expr())
        relaxed = lp_solution(model.proto, self._lp_limit(deadline), backend="HIGHS")
        lower = -math.inf
        if relaxed is not None:
            lower = relaxed.value
            cost = self.evaluate(first)[1]
            if cost - lower > GUIDED_AGAIN * max(1.0, abs(cost)):
                first = self.guided(first, relaxed.values, self._share(deadline), agree=True)
        self._complete_hint(first, min(HINT_LIMIT, max(0.5, deadline - time.monotonic()) / 4))
        solver = self._solver(max(0.5, deadline - time.monotonic()))
        status = solver.solve(model)
        cost = self.evaluate(first)[1]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            lower = max(lower, solver.best_objective_bound)
            found = self.assignment(solver)
            if self.evaluate(found) < self.evaluate(first):
                first, cost = found, self.evaluate(found)[1]
        gap2 = 0.0 if status == cp_model.OPTIMAL else max(0.0, cost - lower) / max(1.0, abs(cost))
        # 1.0: no bound in time (lower = -inf); a gap is a share, reported as at most 100 %.
        return ExactResult(first, min(1.0, max(gap1, gap2)), options.together == "hard")

    def _lp_limit(self, deadline: float) -> float:
        """Seconds for one LP relaxation: LP_LIMIT, within what is left before `deadline`."""
        return min(LP_LIMIT, max(0.1, deadline - time.monotonic()))

    def _share(self, deadline: float) -> float:
        """The deadline of one guided sub-model: GUIDED_SHARE of the time limit, at most."""
        return min(deadline, time.monotonic() + GUIDED_SHARE * self.options.time_limit)

    def _count_search(
        self, first: list[int], best: int, most: int | None, deadline: float
    ) -> tuple[list[int], int, float]:
        """CP-SAT on the whole model for the count (PHASE1_SHARE of the time limit): the
        allocation, its count and the count's relative gap (0.0: proven)."""
        model = self.model
        if most is not None:
            model.add(self.count_expr <= most)
        model.maximize(self.count_expr)
        # A complete hint (open literals, slacks too) lets CP-SAT start from `first`; with the
        # decisions alone its hint search failed at 10,000 students.
        limit = self.options.time_limit * PHASE1_SHARE
        self._complete_hint(first, min(HINT_LIMIT, limit / 4))
        solver = self._solver(min(limit, max(0.5, deadline - time.monotonic())))
        status = solver.solve(model)
        bound = float(most) if most is not None else float(len(self.inst.student_ids))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = round(solver.objective_value)
            if value > best:
                best, first = value, self.assignment(solver)
            bound = min(bound, solver.best_objective_bound)
        model.clear_objective()  # type: ignore[no-untyped-call]
        gap = 0.0 if status == cp_model.OPTIMAL else max(0.0, bound - best) / max(1.0, bound)
        return first, best, gap

    def cost_expr(self) -> cp_model.LinearExpr:
        """The cost of the second phase: placements, soft rules' slack, together bonus."""
        terms = self.cost_vars + [v for v, _ in self.penalties]
        coefs = self.cost_coefs + [w for _, w in self.penalties]
        return cp_model.LinearExpr.weighted_sum(terms, coefs)

    def guided(
        self,
        assign: list[int],
        values: Sequence[float],
        deadline: float,
        *,
        agree: bool = False,
    ) -> list[int]:
        """`assign` improved with the LP solution `values` as guide (a relaxation-induced
        neighbourhood). An item the LP places whole in a challenge where nothing is left to
        decide (no fractional placement there, no minimum or rule that opens it) stays there;
        with `agree` (phase 2) only where `assign` has it there too, so `assign` stays a
        solution of the sub-model. HiGHS solves the sub-model of the other items (`TeamModel`
        with `fixed`) until `deadline`: the most assigned, then the cheapest (phase 1: the
        placements alone; phase 2: with soft rules and the together bonus). The result
        replaces `assign` when `evaluate` finds it better, so the step never loses a student."""
        free, fixed = self._lp_neighbourhood(values, assign if agree else None)
        candidate = [-1] * len(self.inst.student_ids)
        for s, c in (*self.inst.locked.items(), *fixed.items()):
            candidate[s] = c
        if free:  # else the LP solution is integral: it is the allocation
            chosen = [self.items[i] for i in free]
            sub = TeamModel(self.inst, self.team, self.options, chosen, fixed, self.school_pool)
            if agree:
                cost = sub.cost_expr()
            else:
                cost = cp_model.LinearExpr.weighted_sum(sub.cost_vars, sub.cost_coefs)
            # One student more outweighs ten times the spread of the placements' costs (they
            # are negative with a large coverage_weight): not strictly lexicographic (a soft
            # rule may cost more), but `evaluate` is.
            per_member = [c / len(it.members) for it in chosen for _, c in it.choices]
            spread = math.ceil(
                max(max(per_member, default=0), 0) - min(min(per_member, default=0), 0)
            )
            sub.model.minimize(cost - 10 * (spread + 1) * sub.count_expr)
            solved = mip_solution(sub.model.proto, max(0.5, deadline - time.monotonic()))
            if solved is None:
                return assign
            candidate = sub.place(lambda var: solved.values[var.index] > 0.5, candidate)
        return candidate if self.evaluate(candidate) < self.evaluate(assign) else assign

    def _lp_neighbourhood(
        self, values: Sequence[float], agree: Sequence[int] | None
    ) -> tuple[list[int], dict[int, int]]:
        """The items `guided` frees (indices), and the challenge of every student it fixes."""
        touched = {
            c for row in self.vars for c, var in row if EPSILON < values[var.index] < 1 - EPSILON
        }
        # A challenge with a minimum or a rule opens or closes as a whole: its items move.
        touched |= {c for c, o in self.open.items() if not isinstance(o, int)}
        free: list[int] = []
        fixed: dict[int, int] = {}
        for i, (item, row) in enumerate(zip(self.items, self.vars, strict=True)):
            at = next((c for c, var in row if values[var.index] > 1 - EPSILON), -1)
            if at < 0 or at in touched or (agree is not None and agree[item.members[0]] != at):
                free.append(i)
            else:
                fixed.update((s, at) for s in item.members)
        return free, fixed

    def place(self, chosen: Callable[[cp_model.IntVar], bool], base: Sequence[int]) -> list[int]:
        """`base` with this (sub-)model's items placed where `chosen` says their variable is
        set (a CP-SAT solver's boolean_value, or a HiGHS solution)."""
        assign = list(base)
        for item, row in zip(self.items, self.vars, strict=True):
            at = next((c for c, var in row if chosen(var)), -1)
            for s in item.members:
                assign[s] = at
        return assign

    def evaluate(self, assign: Sequence[int]) -> tuple[int, int]:
        """(-free students assigned, scaled cost) of `assign`, valid for every hard rule: the
        whole model's lexicographic objective (smaller is better), with each soft rule's
        slack and the together bonus at their best for that allocation."""
        inst, team = self.inst, self.team
        cost, count = -self._bonus(assign), 0
        for item in self.items:
            at = assign[item.members[0]]
            if at >= 0:
                count += len(item.members)
                cost += next(value for c, value in item.choices if c == at)
        placed: dict[int, list[int]] = {}
        for s, c in enumerate(assign):
            if c >= 0:
                placed.setdefault(c, []).append(s)
        for c, team_now in placed.items():
            for rule in inst.problem.challenges[c].rules:
                if not rule.hard:
                    short = _shortfall(rule, inst, team, team_now, self.school_pool.get(c, 0))
                    cost += round(SCALE * rule.weight) * short
        return -count, cost

    def _bonus(self, assign: Sequence[int]) -> int:
        """The together bonus `assign` earns (together="soft": per group kept together)."""
        if self.options.together != "soft":
            return 0
        inst, team = self.inst, self.team
        kept = 0
        for members, everyone in zip(team.groups, team.group_members, strict=True):
            where = {assign[inst.student_index[m]] for m in everyone}
            if members and len(where) == 1 and -1 not in where:
                kept += 1
        return kept * round(SCALE * self.options.together_weight)

    def counted(self, assign: Sequence[int]) -> int:
        """The number of free students `assign` places (what count_expr measures)."""
        return sum(len(item.members) for item in self.items if assign[item.members[0]] >= 0)

    def _complete_hint(self, assign: Sequence[int], limit: float) -> int | None:
        """Hint every variable: the decisions from `assign`, the rest (open literals, slacks,
        kept indicators) from a quick solve with the decisions fixed. Returns the model cost
        of `assign`, or None when the quick solve did not finish (then only decisions are
        hinted)."""
        self.hint(assign)
        solver = self._solver(max(0.2, limit))
        solver.parameters.fix_variables_to_their_hinted_value = True
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        values = list(solver.response_proto.solution)
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
        return round(solver.objective_value) if status == cp_model.OPTIMAL else None

    def _solver(self, limit: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        params = solver.parameters
        # Results must be reproducible (appeals): the search also stops on CP-SAT's
        # deterministic time (about a second of work per unit). A search that ends proven
        # optimal or on deterministic time gives the same allocation every run; one cut off by
        # the wall clock (large instances on a slow machine) may not.
        params.max_deterministic_time = limit
        params.max_time_in_seconds = limit
        params.num_workers = self.options.workers
        params.random_seed = self.options.seed
        # Several workers are deterministic only when interleaved.
        params.interleave_search = self.options.workers > 1
        # This presolve step rewrites big overlapping sums with new integer variables; on these
        # assignment models it loses most of the LP bound (measured: the root bound fell from
        # the optimum to 78 % of it at 2,000 students).
        params.find_big_linear_overlap = False
        params.linearization_level = 2
        # Detecting dominated linear constraints took 6 s per presolve pass at 10,000 students
        # (the objective-sized count constraint) and found nothing useful.
        params.presolve_inclusion_work_limit = 0
        # The LP relaxation of these models is close to exact, but only with every row in it
        # from the start (the count row is as long as the objective) and a root LP that may
        # run to its optimum: lazily added rows left the bound at 30 % of the optimum.
        params.add_lp_constraints_lazily = False
        params.root_lp_iterations = 100_000
        return solver


def repair(
    inst: Instance, team: TeamIndex, options: Options, assign: list[int], pool: dict[int, int]
) -> list[int]:
    """Make a flow/heuristic allocation satisfy every hard team rule by taking students out.

    Unplaceable pairs (rotation hard) and split hard groups are removed; then challenges (not
    holding a lock) that break their minimum or a hard rule are emptied, until nothing changes.
    Only removals happen, so capacities stay respected and the loop ends.
    """
    hard_rotation = options.rotation == "hard"
    assign = [
        -1
        if c >= 0
        and s not in inst.locked
        and (team.in_block[s] or (hard_rotation and c in team.visited[s]))
        else c
        for s, c in enumerate(assign)
    ]
    changed = True
    while changed:
        split = [] if options.together != "hard" else _split_groups(team, assign)
        broken = set(_broken_challenges(inst, team, assign, pool))
        for s in split:
            assign[s] = -1
        for s, c in enumerate(assign):
            if c in broken and s not in inst.locked:
                assign[s] = -1
        changed = bool(split or broken)
    return assign


def _split_groups(team: TeamIndex, assign: list[int]) -> list[int]:
    """The members of hard groups that are not all in one challenge (or all out)."""
    return [s for members in team.groups if len({assign[s] for s in members}) > 1 for s in members]


def _broken_challenges(
    inst: Instance, team: TeamIndex, assign: list[int], pool: dict[int, int]
) -> list[int]:
    """Challenges without a lock that run under their minimum or against a hard rule."""
    students = inst.problem.students
    members: dict[int, list[int]] = {}
    for s, c in enumerate(assign):
        if c >= 0:
            members.setdefault(c, []).append(s)
    broken = []
    for c, placed in members.items():
        if inst.lock_count[c]:
            continue
        if len(placed) < inst.challenge_min[c]:
            broken.append(c)
            continue
        if any(
            rule.hard and _breaks(rule, students, team, placed, pool.get(c, 0))
            for rule in inst.problem.challenges[c].rules
        ):
            broken.append(c)
    return broken


def _breaks(
    rule: Rule, students: Sequence[Student], team: TeamIndex, placed: list[int], pool: int
) -> bool:
    """Whether the running team `placed` breaks `rule` (`pool`: schools in its pool)."""
    if rule.kind == "max_per_class":
        counts = Counter(team.klass[s] for s in placed if team.klass[s] >= 0)
        return any(n > rule.value for n in counts.values())
    if rule.kind == "min_level":
        return sum(1 for s in placed if students[s].level == rule.value) < rule.count
    return pool >= rule.value > len({team.school[s] for s in placed})


def _shortfall(rule: Rule, inst: Instance, team: TeamIndex, placed: list[int], pool: int) -> int:
    """The units by which the running team `placed` misses `rule` (a soft rule's slack at its
    least; `pool`: schools in the challenge's pool)."""
    if rule.kind == "max_per_class":
        counts = Counter(team.klass[s] for s in placed if team.klass[s] >= 0)
        return sum(max(0, n - rule.value) for n in counts.values())
    if rule.kind == "min_level":
        students = inst.problem.students
        return max(0, rule.count - sum(1 for s in placed if students[s].level == rule.value))
    if pool >= rule.value > 1:
        return max(0, rule.value - len({team.school[s] for s in placed}))
    return 0


def school_pools(inst: Instance, team: TeamIndex, options: Options) -> dict[int, int]:
    """The number of schools in the pool of each challenge with a mixed_schools rule: students
    locked there, and unlocked students who listed it (a class-unit member: through the unit's
    choices) and may be placed there (eligible; rotation hard: not at a host they had)."""
    mixed = {
        c
        for c, ch in enumerate(inst.problem.challenges)
        if any(r.kind == "mixed_schools" for r in ch.rules)
    }
    if not mixed:
        return {}
    pools: dict[int, set[int]] = {c: set() for c in mixed}
    for s, c in inst.locked.items():
        if c in mixed:
            pools[c].add(team.school[s])
    unit_choices = {unit_id: choices for unit_id, _, choices in team.units}
    students = inst.problem.students
    for s, student in enumerate(students):
        if s in inst.locked:
            continue
        unit = unit_choices.get(student.klass) if student.klass is not None else None
        choices = inst.prefs[s] if unit is None else unit
        for c in choices:
            if c in mixed and _placeable(inst, team, s, c, options.rotation):
                pools[c].add(team.school[s])
    return {c: len(p) for c, p in pools.items()}


def solve_exact(
    inst: Instance, start: list[int], relaxed: int, deadline: float | None = None
) -> tuple[ExactResult, TeamIndex]:
    """The exact allocation of `inst` (see the module docstring), warm-started from `start`;
    `relaxed` is the number of free students the flow relaxation assigns (no minimums and no
    team rules except hard rotation): with no class unit (whose members the flow cannot place)
    no allocation of the model assigns more. `deadline` (time.monotonic()): when the search
    must end, by default `options.time_limit` from now."""
    options = inst.problem.options
    if deadline is None:
        deadline = time.monotonic() + options.time_limit
    # The groups are reported even with together "off" (reason "off"); the model uses them
    # only for "hard" (blocks) and "soft" (kept indicators).
    groups = mutual_groups(inst.problem)
    team = build_team_index(inst, groups)
    model = TeamModel(inst, team, options)
    hint = improve_start(model, repair(inst, team, options, start, model.school_pool))
    staged = block_start(inst, model)
    if staged is not None:
        other = improve_start(model, repair(inst, team, options, staged, model.school_pool))
        if model.counted(other) > model.counted(hint):
            hint = other
    most = relaxed if not any(members for _, members, _ in team.units) else None
    return model.solve(hint, most, deadline), team


def without_rotation(inst: Instance) -> Instance:
    """`inst` with the pairs barred by hard rotation marked ineligible (for the warm start)."""
    if inst.problem.options.rotation != "hard":
        return inst
    team_visited = build_team_index(inst, []).visited
    rules = [
        [
            "rotation" if rule is None and c in team_visited[s] and s not in inst.locked else rule
            for c, rule in zip(prefs, inst.rules[s], strict=True)
        ]
        for s, prefs in enumerate(inst.prefs)
    ]
    flat = [rule is None for row in rules for rule in row]
    return dataclasses.replace(inst, rules=rules, flat_eligible=flat, orders={})


def improve_start(model: TeamModel, assign: list[int]) -> list[int]:
    """A group-aware pass over a start that satisfies every hard rule (`repair`'s output), so
    the warm start is nearer the optimum (CP-SAT rarely improves a start at 10,000 students).

    1. Fill: every unplaced item (a hard group or class unit as one block, largest first,
       then single students) takes its cheapest choice with room (challenge and host) where
       the team it joins still meets its minimum and every hard rule.
    2. Soft together: a group not kept moves, as a whole, to the common choice that lowers
       the cost most (its bonus included) when it has room and the challenges the members
       leave still meet their minimum and hard rules (or end up empty).
    Only moves that keep every hard rule are made, so the result is again a valid start.
    """
    seats = _Seats(model, assign)
    order = sorted(
        (i for i, item in enumerate(model.items) if assign[item.members[0]] < 0),
        key=lambda i: (-len(model.items[i].members), i),
    )
    for i in order:
        item = model.items[i]
        k = len(item.members)
        for c, _ in sorted(item.choices, key=lambda cc: (cc[1] / k, cc[0])):
            if seats.room(c, k) and seats.valid(c, seats.placed.get(c, []) + item.members):
                seats.move(item.members, c)
                break
    if model.options.together == "soft":
        _keep_groups(model, seats)
    return seats.assign


class _Seats:
    """The load of a start (free students per challenge and host, every student placed per
    challenge) for `improve_start`."""

    def __init__(self, model: TeamModel, assign: list[int]) -> None:
        inst = model.inst
        self.model, self.inst, self.assign = model, inst, list(assign)
        self.cmax, self.hcap = inst.residual_capacities()
        self.load = [0] * len(inst.challenge_ids)
        self.hload = [0] * len(inst.host_ids)
        self.placed: dict[int, list[int]] = {}
        for s, c in enumerate(assign):
            if c >= 0:
                self.placed.setdefault(c, []).append(s)
                if s not in inst.locked:
                    self.load[c] += 1
                    self.hload[inst.challenge_host[c]] += 1

    def valid(self, c: int, team_now: list[int]) -> bool:
        """Whether challenge c may run with `team_now` (empty: closed, always fine)."""
        inst = self.inst
        if not team_now or inst.lock_count[c]:
            return True
        if len(team_now) < inst.challenge_min[c]:
            return False
        pool = self.model.school_pool.get(c, 0)
        students, team = inst.problem.students, self.model.team
        return not any(
            rule.hard and _breaks(rule, students, team, team_now, pool)
            for rule in inst.problem.challenges[c].rules
        )

    def room(self, c: int, k: int) -> bool:
        h = self.inst.challenge_host[c]
        if self.load[c] + k > self.cmax[c]:
            return False
        return self.hcap[h] == UNLIMITED or self.hload[h] + k <= self.hcap[h]

    def move(self, members: list[int], c: int) -> None:
        host = self.inst.challenge_host
        for s in members:
            old = self.assign[s]
            if old >= 0:
                self.placed[old].remove(s)
                self.load[old] -= 1
                self.hload[host[old]] -= 1
            self.assign[s] = c
            self.placed.setdefault(c, []).append(s)
            self.load[c] += 1
            self.hload[host[c]] += 1


def _keep_groups(model: TeamModel, seats: _Seats) -> None:
    """Step 2 of `improve_start`: move soft groups that are not kept to a common choice."""
    inst, assign = model.inst, seats.assign
    bonus = round(SCALE * model.options.together_weight)
    cost: dict[tuple[int, int], int] = {}
    for item in model.items:
        if len(item.members) == 1:
            cost.update(((item.members[0], c), value) for c, value in item.choices)
    for members, everyone in zip(model.team.groups, model.team.group_members, strict=True):
        if len(members) < 2 or len(members) != len(everyone):
            continue  # a locked member decides (and is in no group)
        now = {assign[s] for s in members}
        if (len(now) == 1 and -1 not in now) or any(
            assign[s] >= 0 and (s, assign[s]) not in cost for s in members
        ):
            continue
        old = sum(cost[s, assign[s]] for s in members if assign[s] >= 0)
        out = sum(1 for s in members if assign[s] < 0)
        best: tuple[int, int] | None = None
        for c in inst.prefs[members[0]]:
            if any((s, c) not in cost for s in members):
                continue
            # More students placed first (lexicographic), then the cost with the bonus.
            gain = (old - sum(cost[s, c] for s in members) + bonus) + out * 10**9
            if gain > 0 and (best is None or gain > best[0]) and _may_move(seats, members, c):
                best = (gain, c)
        if best is not None:
            seats.move([s for s in members if assign[s] != best[1]], best[1])


def _may_move(seats: _Seats, members: list[int], c: int) -> bool:
    """Whether the group `members` may all go to c: room there, c valid with them, and every
    challenge they leave valid without them."""
    movers = [s for s in members if seats.assign[s] != c]
    if not seats.room(c, len(movers)) or not seats.valid(c, seats.placed.get(c, []) + movers):
        return False
    sources = {seats.assign[s] for s in movers if seats.assign[s] >= 0}
    return all(
        seats.valid(src, [s for s in seats.placed[src] if s not in members]) for src in sources
    )


def block_start(inst: Instance, model: TeamModel) -> list[int] | None:
    """A warm start that places blocks (hard groups, class units) first: each block, largest
    first, takes its cheapest choice with room; then the flow/heuristic allocation places the
    single students around them (the blocks act as locks, so no minimum loop closes their
    challenges); blocks without a seat stay out. None when the model has no block.
    `repair` and `improve_start` then make it valid and fill it."""
    from matching.solve import allocate_with_relaxation  # lazy: solve imports this module

    blocks = [i for i, item in enumerate(model.items) if len(item.members) > 1]
    if not blocks:
        return None
    cmax, hcap = inst.residual_capacities()
    host = inst.challenge_host
    load = [0] * len(cmax)
    hload = [0] * len(hcap)
    locked = dict(inst.locked)
    lock_count, host_lock_count = list(inst.lock_count), list(inst.host_lock_count)
    out: set[int] = set()
    for i in sorted(blocks, key=lambda i: (-len(model.items[i].members), i)):
        item = model.items[i]
        k = len(item.members)
        for c, _ in sorted(item.choices, key=lambda cc: (cc[1] / k, cc[0])):
            h = host[c]
            if load[c] + k <= cmax[c] and (hcap[h] == UNLIMITED or hload[h] + k <= hcap[h]):
                load[c] += k
                hload[h] += k
                lock_count[c] += k
                host_lock_count[h] += k
                for s in item.members:
                    locked[s] = c
                break
        else:
            out.update(item.members)
    base = without_rotation(inst)
    rules: list[list[str | None]] = [
        ["together"] * len(row) if s in out else row for s, row in enumerate(base.rules)
    ]
    flat = [rule is None for row in rules for rule in row]
    staged = dataclasses.replace(
        base,
        rules=rules,
        flat_eligible=flat,
        locked=locked,
        lock_count=lock_count,
        host_lock_count=host_lock_count,
        orders={},
    )
    options = inst.problem.options
    start, _, _ = allocate_with_relaxation(staged, "optimal", options.seed, options.coverage_weight)
    return start
