"""Linear and mixed-integer solves of TeamModel's CP-SAT models with OR-Tools' other solvers.

The team solver (matching/teams.py) uses them for what CP-SAT does slowly at 10,000 students:
- the LP relaxation (GLOP) is a lower bound of the stored (minimised) objective, for the gap,
  and its solution shows where the integer search has to look: an assignment model's LP
  optimum is integral for most students;
- HiGHS solves the mixed-integer sub-model over the rest (a few thousand items) to optimality
  in seconds, where CP-SAT needs the whole time limit.

Both read the CP-SAT proto directly, so the model is written once. Supported are the
constraints TeamModel writes: linear (not enforced), at_most_one, exactly_one, and
bool_or/bool_and with enforcement literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EPSILON = 1e-6  # an LP value this close to 0 or 1 counts as integral


@dataclass(frozen=True, slots=True)
class Solved:
    """A solve of the relaxation or the integer model, in the model's minimisation units (a
    maximisation's objective negated, as CP-SAT stores it)."""

    value: float  # the objective of `values`
    bound: float  # a lower bound of the optimum (LP: = value)
    values: list[float]  # per CP-SAT variable index
    optimal: bool


def lp_solution(
    proto: Any,
    limit: float,
    backend: str = "GLOP",
    at_least: tuple[list[tuple[int, int]], float] | None = None,
) -> Solved | None:
    """The optimum of the LP relaxation (GLOP, or HiGHS's simplex), or None when it is not
    proven within `limit` seconds (or the model has a constraint this module does not read).
    Measured at 10,000 students: GLOP proves the count's LP in 1.5 s (HiGHS 13 s), HiGHS the
    cost's in 2.5 s (GLOP 11 s). `at_least` = (terms (variable, coefficient), floor) adds
    the row sum(terms) >= floor to the relaxation alone."""
    return _solve(proto, limit, backend, integer=False, at_least=at_least)


def lp_bound(proto: Any, limit: float) -> float | None:
    """The LP relaxation's optimum: a lower bound of the stored objective, or None."""
    solved = lp_solution(proto, limit)
    return None if solved is None else solved.value


def mip_solution(proto: Any, limit: float) -> Solved | None:
    """The integer model solved by HiGHS within `limit` seconds: its best solution (optimal
    or not), or None when it found none."""
    return _solve(proto, limit, "HIGHS", integer=True)


def _solve(
    proto: Any,
    limit: float,
    backend: str,
    integer: bool,
    at_least: tuple[list[tuple[int, int]], float] | None = None,
) -> Solved | None:
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver(backend)
    if solver is None:
        return None
    if backend == "HIGHS":
        # HiGHS prints a banner on stdout, where `python -m matching solve -` writes its
        # result. The call returns False with OR-Tools 9.15, yet the banner is gone
        # (tests/matching/test_matching_relax.py checks that nothing reaches stdout).
        solver.SetSolverSpecificParametersAsString("output_flag=false")
    xs = _variables(solver, proto, integer)
    if not all(_constraint(solver, xs, ct) for ct in proto.constraints):
        return None
    if at_least is not None:
        terms, floor = at_least
        if any(ref < 0 for ref, _ in terms):
            return None
        _row(solver, xs, [(ref, float(c)) for ref, c in terms], floor, solver.infinity())
    objective = solver.Objective()
    for ref, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        if ref < 0:
            return None
        objective.SetCoefficient(xs[ref], float(coef))
    objective.SetMinimization()
    solver.SetTimeLimit(max(1, int(min(limit, 86_400.0) * 1000)))
    status = solver.Solve()
    optimal = status == pywraplp.Solver.OPTIMAL
    if not optimal and not (integer and status == pywraplp.Solver.FEASIBLE):
        return None
    offset = float(proto.objective.offset)
    value = float(objective.Value()) + offset
    bound = float(objective.BestBound()) + offset if integer else value
    return Solved(value, min(bound, value), [x.solution_value() for x in xs], optimal)


def _variables(solver: Any, proto: Any, integer: bool) -> list[Any]:
    make = solver.IntVar if integer else solver.NumVar
    # list() first: the proto's repeated fields do not index from the end.
    domains = [list(var.domain) for var in proto.variables]
    return [make(float(domain[0]), float(domain[-1]), "") for domain in domains]


def _constraint(solver: Any, xs: list[Any], ct: Any) -> bool:
    """Add one CP-SAT constraint as rows; False when it is of a kind not supported."""
    enforced = list(ct.enforcement_literal)
    if ct.has_linear():
        domain = list(ct.linear.domain)
        if enforced or any(ref < 0 for ref in ct.linear.vars):
            return False
        lo = float(domain[0]) if domain[0] > -(2**62) else -solver.infinity()
        hi = float(domain[-1]) if domain[-1] < 2**62 else solver.infinity()
        _row(
            solver,
            xs,
            [(ref, float(c)) for ref, c in zip(ct.linear.vars, ct.linear.coeffs, strict=True)],
            lo,
            hi,
        )
    elif ct.has_at_most_one() or ct.has_exactly_one():
        if enforced:
            return False
        exact = ct.has_exactly_one()
        refs = ct.exactly_one.literals if exact else ct.at_most_one.literals
        _literal_row(solver, xs, [(ref, 1.0) for ref in refs], 1.0 if exact else None, 1.0)
    elif ct.has_bool_or():
        _clause(solver, xs, list(ct.bool_or.literals), enforced)
    elif ct.has_bool_and():
        for ref in ct.bool_and.literals:
            _clause(solver, xs, [ref], enforced)
    else:
        return False
    return True


def _clause(solver: Any, xs: list[Any], positive: list[int], enforcement: list[int]) -> None:
    """enforcement => OR(positive): sum(positive literals) + sum(1 - enforcement) >= 1."""
    terms = [(ref, 1.0) for ref in positive] + [(ref, -1.0) for ref in enforcement]
    _literal_row(solver, xs, terms, 1.0 - len(enforcement), None)


def _literal_row(
    solver: Any, xs: list[Any], terms: list[tuple[int, float]], lo: float | None, hi: float | None
) -> None:
    """lo <= sum(coef * literal) <= hi over CP-SAT literal refs (a negative ref is the
    negation of variable -ref-1: 1 - x, its constant moved to the bounds)."""
    constant = 0.0
    row = []
    for ref, coef in terms:
        if ref >= 0:
            row.append((ref, coef))
        else:
            row.append((-ref - 1, -coef))
            constant += coef
    inf = solver.infinity()
    low = -inf if lo is None else lo - constant
    high = inf if hi is None else hi - constant
    _row(solver, xs, row, low, high)


def _row(solver: Any, xs: list[Any], terms: list[tuple[int, float]], lo: float, hi: float) -> None:
    row = solver.Constraint(lo, hi)
    for ref, coef in terms:
        row.SetCoefficient(xs[ref], row.GetCoefficient(xs[ref]) + coef)
