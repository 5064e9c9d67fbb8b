"""The bounded-variable simplex (rapstats.protect._simplex) against scipy.optimize.linprog (HiGHS).

scipy.optimize is the independent reference here only; the package itself never imports it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from rapstats.protect._simplex import bounded_simplex

LINPROG_STATUS = {0: "optimal", 2: "infeasible", 3: "unbounded"}


def _reference(c, a, b, lower, upper):
    bounds = [(lo, None if np.isinf(up) else up) for lo, up in zip(lower, upper, strict=True)]
    m = a.shape[0]
    return linprog(c, A_eq=a if m else None, b_eq=b if m else None, bounds=bounds, method="highs")


def _check_against_linprog(c, a, b, lower, upper):
    ref = _reference(c, a, b, lower, upper)
    res = bounded_simplex(c, a, b, lower, upper)
    assert res.status == LINPROG_STATUS[ref.status], (res, ref.message)
    if res.status == "optimal":
        assert res.fun == pytest.approx(ref.fun, abs=1e-7)
        assert res.fun == pytest.approx(float(c @ res.x), abs=1e-9)
        np.testing.assert_allclose(a @ res.x, b, atol=1e-8)
        assert (res.x >= lower).all() and (res.x <= upper).all()
    else:
        assert res.x is None and np.isnan(res.fun)
    return res


@st.composite
def small_lps(draw):
    """Small integer LPs: feasible ones (b from an integer point), or an arbitrary b."""
    m = draw(st.integers(0, 6))
    n = draw(st.integers(1, 9))
    ints = st.integers(-2, 2)
    a = np.array(draw(st.lists(ints, min_size=m * n, max_size=m * n)), float).reshape(m, n)
    if m >= 2 and draw(st.booleans()):
        a[-1] = a[0] + a[1]  # a redundant row
    lower = np.array(draw(st.lists(st.integers(-3, 1), min_size=n, max_size=n)), float)
    width = draw(st.lists(st.one_of(st.integers(0, 3), st.just(None)), min_size=n, max_size=n))
    upper = lower + np.array([np.inf if w is None else w for w in width])
    if draw(st.booleans()):
        point = lower + np.array(
            [draw(st.integers(0, 3 if np.isinf(w) else int(w))) for w in upper - lower]
        )
        b = a @ point
    else:
        b = np.array(draw(st.lists(st.integers(-4, 4), min_size=m, max_size=m)), float)
    c = np.array(draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n)), float)
    return c, a, b, lower, upper


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(small_lps())
def test_matches_linprog_on_small_integer_programs(lp):
    _check_against_linprog(*lp)


def test_statuses_all_occur_in_a_fixed_sample():
    # the same comparison on a seeded sample, which must reach every outcome
    rng = np.random.default_rng(3)
    seen = {"optimal": 0, "infeasible": 0, "unbounded": 0}
    for k in range(300):
        m, n = rng.integers(1, 6), rng.integers(1, 9)
        a = rng.integers(-2, 3, size=(m, n)).astype(float)
        lower = rng.integers(-2, 1, size=n).astype(float)
        upper = np.where(rng.random(n) < 0.5, np.inf, lower + rng.integers(0, 3, size=n))
        if k % 2:
            b = a @ (lower + rng.integers(0, 3, size=n).clip(max=upper - lower))
        else:
            b = rng.integers(-3, 4, size=m).astype(float)
        c = rng.integers(-3, 4, size=n).astype(float)
        seen[_check_against_linprog(c, a, b, lower, upper).status] += 1
    assert min(seen.values()) >= 20, seen


def test_beale_cycling_example_terminates():
    # Beale (1955): the textbook rule (most negative reduced cost) cycles on it; Bland's does not
    c = np.array([0, 0, 0, -0.75, 20, -0.5, 6])
    a = np.array(
        [
            [1, 0, 0, 0.25, -8, -1, 9],
            [0, 1, 0, 0.5, -12, -0.5, 3],
            [0, 0, 1, 0, 0, 1, 0],
        ]
    )
    b = np.array([0.0, 0.0, 1.0])
    res = _check_against_linprog(c, a, b, np.zeros(7), np.full(7, np.inf))
    assert res.fun == pytest.approx(-1.25)


def test_klee_minty_cube():
    # max sum 2^(n-i) x_i s.t. sum_{j<i} 2^(i-j+1) x_j + x_i <= 5^i: optimum 5^n
    n = 5
    a = np.zeros((n, 2 * n))
    for i in range(n):
        a[i, :i] = [2 ** (i - j + 1) for j in range(i)]
        a[i, i] = 1
        a[i, n + i] = 1  # slack
    b = np.array([5.0 ** (i + 1) for i in range(n)])
    c = np.concatenate([-(2.0 ** np.arange(n - 1, -1, -1)), np.zeros(n)])
    res = _check_against_linprog(c, a, b, np.zeros(2 * n), np.full(2 * n, np.inf))
    assert res.fun == pytest.approx(-(5.0**n))


def test_degenerate_cone_at_the_origin():
    # a d = 0 with 0 <= d <= 1: the origin is a highly degenerate vertex; optimum 2
    a = np.array([[1.0, -1.0, 0.0, 0.0], [0.0, 1.0, -1.0, 0.0], [1.0, 0.0, -1.0, 0.0]])
    res = _check_against_linprog(-np.ones(4), a, np.zeros(3), np.zeros(4), np.array([1, 1, 1, 0.0]))
    assert res.fun == pytest.approx(-3.0)
    np.testing.assert_allclose(res.x, [1, 1, 1, 0])


def test_no_rows_fixed_variables_and_bound_flips():
    res = _check_against_linprog(
        np.array([1.0, -1.0, 0.0]),
        np.zeros((0, 3)),
        np.zeros(0),
        np.array([-1.0, 2.0, 3.0]),
        np.array([4.0, 5.0, 3.0]),
    )
    np.testing.assert_allclose(res.x, [-1, 5, 3])
    assert res.iterations == 1  # one bound flip; the fixed variable never moves


def test_infeasible_and_unbounded():
    a = np.array([[1.0, 1.0]])
    bounds = (np.zeros(2), np.ones(2))
    assert bounded_simplex(np.zeros(2), a, np.array([3.0]), *bounds).status == "infeasible"
    unbounded = bounded_simplex(
        np.array([-1.0, 0.0]), np.array([[1.0, -1.0]]), np.zeros(1), np.zeros(2), np.full(2, np.inf)
    )
    assert unbounded.status == "unbounded"


def test_iteration_limit_is_reported_not_hidden():
    a = np.array([[1.0, 1.0, 1.0]])
    c = np.array([-1.0, -2.0, -3.0])
    res = bounded_simplex(c, a, [2.0], np.zeros(3), np.ones(3), max_iter=1)
    assert res.status == "iteration limit" and res.x is None


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="finite"):
        bounded_simplex([1.0], [[1.0]], [1.0], [-np.inf], [1.0])
    with pytest.raises(ValueError, match="upper >= lower"):
        bounded_simplex([1.0], [[1.0]], [1.0], [1.0], [0.0])
    with pytest.raises(ValueError, match="shapes"):
        bounded_simplex([1.0, 2.0], [[1.0, 1.0]], [1.0, 2.0], [0.0, 0.0], [1.0, 1.0])
