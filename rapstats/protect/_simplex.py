"""A small dense linear-programming solver: the bounded-variable primal simplex method.

Solves::

    minimise    c @ x
    subject to  a_eq @ x == b_eq
                lower <= x <= upper

for problems of up to a few hundred variables with well-scaled (typically small integer)
coefficients, as arise in the audit of :mod:`rapstats.protect.audit`. The package does not use
scipy's ``linprog`` (HiGHS): importing it costs more than solving these problems, and scipy
is allowed only for ``scipy.special``.

Method
------
The textbook bounded-variable primal simplex on a dense tableau (Chvátal 1983, ch. 8;
Bertsimas & Tsitsiklis 1997, sec. 3.3 and 3.5):

* every non-basic variable sits at its lower or upper bound, so bounds need no extra rows; a
  step that is stopped by the entering variable's own opposite bound is a *bound flip* (no
  change of basis);
* phase 1 starts with every variable at its lower bound and one artificial variable per row
  (with the sign of that row's residual), and minimises the sum of the artificials; a positive
  optimum means the problem is infeasible. Phase 2 fixes the artificials at zero (an
  artificial left in the basis of a redundant row stays at zero) and minimises ``c @ x``;
* Bland's rule, the smallest eligible index both for the entering and among the tied leaving
  variables, so that degenerate problems cannot cycle and the method terminates;
* the basic variables are finally recomputed from the original matrix (one linear solve), so
  rounding in the tableau updates does not accumulate into the returned point.

References
----------
.. [1] Chvátal V. "Linear Programming", Freeman, 1983.
.. [2] Bertsimas D, Tsitsiklis JN. "Introduction to Linear Optimization", Athena Scientific,
   1997.
.. [3] Bland RG. "New finite pivoting rules for the simplex method", Mathematics of
   Operations Research 2(2), 1977.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Status = Literal["optimal", "infeasible", "unbounded", "iteration limit"]


@dataclass(frozen=True, slots=True)
class LinearProgramResult:
    """Result of :func:`bounded_simplex`.

    Attributes
    ----------
    status : {"optimal", "infeasible", "unbounded", "iteration limit"}
        How the solver ended.
    x : numpy.ndarray or None
        An optimal vertex when ``status == "optimal"``, else None.
    fun : float
        ``c @ x`` at the optimum (NaN unless optimal).
    iterations : int
        Simplex steps (pivots and bound flips) of both phases.
    """

    status: Status
    x: np.ndarray | None
    fun: float
    iterations: int


def bounded_simplex(
    c: np.ndarray,
    a_eq: np.ndarray,
    b_eq: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    tol: float = 1e-9,
    max_iter: int | None = None,
) -> LinearProgramResult:
    """Minimise ``c @ x`` subject to ``a_eq @ x == b_eq`` and ``lower <= x <= upper``.

    Parameters
    ----------
    c : array of float, shape (n,)
        Objective coefficients.
    a_eq : array of float, shape (m, n)
        Equality constraint matrix (m may be 0; redundant rows are allowed).
    b_eq : array of float, shape (m,)
        Right-hand side.
    lower : array of float, shape (n,)
        Lower bounds; must be finite.
    upper : array of float, shape (n,)
        Upper bounds, ``>= lower``; ``numpy.inf`` for none.
    tol : float, default 1e-9
        Zero tolerance for reduced costs, pivot elements and ratio-test ties. The problem is
        declared infeasible when the phase-1 optimum exceeds ``100 * tol * (1 + max |b_eq|)``.
    max_iter : int, optional
        Cap on simplex steps; default ``50 * (m + n) + 1000``. Bland's rule guarantees
        termination in exact arithmetic, so reaching it signals numerical trouble.

    Returns
    -------
    LinearProgramResult

    Raises
    ------
    ValueError
        On inconsistent shapes, an infinite lower bound or ``upper < lower``.

    Notes
    -----
    See the module docstring for the method. Work per step is ``O(m (m + n))``.

    Examples
    --------
    >>> import numpy as np
    >>> res = bounded_simplex(
    ...     np.array([-1.0, -2.0]), np.array([[1.0, 1.0]]), np.array([3.0]),
    ...     np.zeros(2), np.array([2.0, 2.0]),
    ... )
    >>> res.status, res.x.tolist(), res.fun
    ('optimal', [1.0, 2.0], -5.0)
    """
    c = np.asarray(c, dtype=float)
    n = c.size
    a = np.asarray(a_eq, dtype=float).reshape(-1, n)
    b = np.asarray(b_eq, dtype=float).reshape(-1)
    lo = np.asarray(lower, dtype=float).reshape(-1)
    up = np.asarray(upper, dtype=float).reshape(-1)
    m = a.shape[0]
    if b.size != m or lo.size != n or up.size != n:
        raise ValueError("bounded_simplex: inconsistent shapes of c, a_eq, b_eq and bounds")
    if not np.isfinite(lo).all() or (up < lo).any():
        raise ValueError("bounded_simplex: lower bounds must be finite and upper >= lower")
    if max_iter is None:
        max_iter = 50 * (m + n) + 1000

    # Columns 0..n-1: the variables; n..n+m-1: one artificial per row with the sign of the
    # row's residual at x = lower, so that x = (lower, |residual|) is a basic feasible point.
    residual = b - a @ lo
    sign = np.where(residual < 0, -1.0, 1.0)
    full = np.hstack([a, np.diag(sign)])
    tab = sign[:, None] * full  # B^-1 [A | S] with B = S = diag(sign)
    basis = np.arange(n, n + m)
    lo_all = np.concatenate([lo, np.zeros(m)])
    up_all = np.concatenate([up, np.full(m, np.inf)])
    x = np.concatenate([lo, np.abs(residual)])
    at_upper = np.zeros(n + m, bool)  # meaningful for non-basic variables only

    feasible = 100 * tol * (1.0 + (np.abs(b).max() if m else 0.0))
    phase1 = np.concatenate([np.zeros(n), np.ones(m)])
    status, steps1 = _iterate(
        tab, basis, x, at_upper, lo_all, up_all, phase1, tol, max_iter, stop_at=feasible
    )
    if status != "optimal":  # phase 1 is bounded below by 0: only the limit can stop it
        return LinearProgramResult(status, None, float("nan"), steps1)
    if x[n:].sum() > feasible:
        return LinearProgramResult("infeasible", None, float("nan"), steps1)
    up_all[n:] = 0.0  # artificials stay at zero from now on (non-basic ones are at 0)

    phase2 = np.concatenate([c, np.zeros(m)])
    status, steps2 = _iterate(
        tab, basis, x, at_upper, lo_all, up_all, phase2, tol, max_iter - steps1
    )
    steps = steps1 + steps2
    if status != "optimal":
        return LinearProgramResult(status, None, float("nan"), steps)
    # recompute the basic values from the original columns (removes accumulated rounding)
    nonbasic = np.ones(n + m, bool)
    nonbasic[basis] = False
    if m:
        x[basis] = np.linalg.solve(full[:, basis], b - full[:, nonbasic] @ x[nonbasic])
    sol = np.clip(x[:n], lo, up)
    return LinearProgramResult("optimal", sol, float(c @ sol), steps)


def _iterate(
    tab: np.ndarray,
    basis: np.ndarray,
    x: np.ndarray,
    at_upper: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    cost: np.ndarray,
    tol: float,
    max_iter: int,
    stop_at: float = -np.inf,
) -> tuple[Status, int]:
    """Run simplex steps with Bland's rule until optimal, unbounded or out of steps.

    Updates ``tab`` (the tableau ``B^-1 [A | S]``), ``basis``, ``x`` and ``at_upper`` in place
    and returns the status and the number of steps taken. ``stop_at`` is a known lower bound
    of the objective (phase 1: 0, up to tolerance): reaching it is optimal, which saves the
    degenerate pivots that would otherwise only confirm it.
    """
    n_all = x.size
    movable = upper > lower
    step = 0
    while True:
        if cost @ x <= stop_at:
            return "optimal", step
        reduced = cost - cost[basis] @ tab
        nonbasic = np.ones(n_all, bool)
        nonbasic[basis] = False
        improving = np.where(at_upper, reduced > tol, reduced < -tol)
        eligible = np.flatnonzero(nonbasic & movable & improving)
        if eligible.size == 0:
            return "optimal", step
        if step == max_iter:
            return "iteration limit", step
        step += 1
        q = int(eligible[0])  # Bland: smallest index enters
        direction = -1.0 if at_upper[q] else 1.0
        alpha = direction * tab[:, q]  # x_B decreases by theta * alpha
        xb, lb, ub = x[basis], lower[basis], upper[basis]
        limit = np.full(basis.size, np.inf)
        dec, inc = alpha > tol, alpha < -tol
        limit[dec] = (xb[dec] - lb[dec]) / alpha[dec]
        limit[inc] = (ub[inc] - xb[inc]) / -alpha[inc]
        limit = np.maximum(limit, 0.0)  # a basic value rounded just past its bound
        theta_row = limit.min() if limit.size else np.inf
        theta_flip = upper[q] - lower[q]
        if theta_flip <= theta_row:
            if not np.isfinite(theta_flip):
                return "unbounded", step
            x[basis] -= theta_flip * alpha
            x[q] = lower[q] if at_upper[q] else upper[q]
            at_upper[q] = not at_upper[q]
            continue
        ties = np.flatnonzero(limit <= theta_row + tol)
        r = int(ties[np.argmin(basis[ties])])  # Bland: smallest index leaves
        leaving = int(basis[r])
        x[basis] -= theta_row * alpha
        x[q] += direction * theta_row
        at_upper[leaving] = bool(alpha[r] < 0)
        x[leaving] = upper[leaving] if at_upper[leaving] else lower[leaving]
        _pivot(tab, r, q)
        basis[r] = q


def _pivot(tab: np.ndarray, r: int, q: int) -> None:
    """Gauss-Jordan pivot of ``tab`` on element (r, q), in place."""
    tab[r] /= tab[r, q]
    col = tab[:, q].copy()
    col[r] = 0.0
    rows = np.flatnonzero(col)
    if rows.size:
        tab[rows] -= np.outer(col[rows], tab[r])
    tab[:, q] = 0.0
    tab[r, q] = 1.0
