"""The LP and MIP solves of CP-SAT models (matching/relax.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from ortools.sat.python import cp_model

from matching.relax import lp_bound, lp_solution, mip_solution


def _triangle() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """Three Booleans, pairwise at most one: the LP takes 1.5 (all at 1/2), integers take 1."""
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(3)]
    for a in range(3):
        for b in range(a + 1, 3):
            model.add(xs[a] + xs[b] <= 1)
    model.maximize(sum(xs))
    return model, xs


def test_the_lp_relaxation_is_a_bound_in_minimised_units() -> None:
    model, _ = _triangle()
    solved = lp_solution(model.proto, 5.0)
    assert solved is not None
    assert solved.optimal
    assert solved.value == pytest.approx(-1.5)  # a maximisation is stored negated
    assert solved.values == pytest.approx([0.5, 0.5, 0.5])
    assert lp_bound(model.proto, 5.0) == pytest.approx(-1.5)


def test_highs_solves_the_integer_model() -> None:
    model, _ = _triangle()
    solved = mip_solution(model.proto, 5.0)
    assert solved is not None
    assert solved.optimal
    assert solved.value == pytest.approx(-1.0)
    assert sorted(round(v) for v in solved.values) == [0, 0, 1]


def test_enforced_clauses_and_negated_literals_are_read() -> None:
    # b => a, (not a) or (not c), exactly one of (b, not c): b would force c (exactly one)
    # and a (the implication), which the clause forbids; so b = c = 0 and a = 1.
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(n) for n in "abc")
    model.add_implication(b, a)
    model.add_bool_or([a.Not(), c.Not()])
    model.add_exactly_one([b, c.Not()])
    model.maximize(a + b + c)
    solved = mip_solution(model.proto, 5.0)
    assert solved is not None
    assert [round(v) for v in solved.values] == [1, 0, 0]
    relaxed = lp_solution(model.proto, 5.0)
    assert relaxed is not None
    assert relaxed.value <= -1.0 + 1e-9  # a bound of the optimum -1


def test_an_extra_row_binds_the_relaxation_alone() -> None:
    model, xs = _triangle()
    model.clear_objective()  # type: ignore[no-untyped-call]
    model.minimize(sum(xs))
    solved = lp_solution(model.proto, 5.0, "HIGHS", at_least=([(x.index, 1) for x in xs], 1.0))
    assert solved is not None
    assert solved.value == pytest.approx(1.0)
    assert len(model.proto.constraints) == 3  # the model itself is unchanged


def test_a_constraint_it_cannot_read_gives_no_bound() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    y = model.new_int_var(0, 5, "y")
    model.add_multiplication_equality(x, [y, y])
    model.maximize(x)
    assert lp_solution(model.proto, 5.0) is None


def test_highs_prints_nothing_on_stdout() -> None:
    script = (
        "from matching.relax import mip_solution\n"
        "from ortools.sat.python import cp_model\n"
        "m = cp_model.CpModel(); x = m.new_bool_var('x'); m.maximize(x)\n"
        "assert mip_solution(m.proto, 5.0).value == -1.0\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out == ""


def test_an_extra_row_over_a_negated_literal_is_not_read() -> None:
    model, _ = _triangle()
    assert lp_solution(model.proto, 5.0, at_least=([(-1, 1)], 1.0)) is None


def test_reading_a_model_leaves_it_valid_for_cp_sat() -> None:
    # The proto wrapper creates a sub-message on access: reading one CP-SAT does not expect
    # (a floating-point objective beside the integer one) made the model invalid.
    model, _ = _triangle()
    assert lp_solution(model.proto, 5.0) is not None
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.objective_value == 1.0
