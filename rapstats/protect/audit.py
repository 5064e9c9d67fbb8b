"""The exact audit of secondary suppression: which suppressed cells the published ones determine.

A suppressed cell is determined when the published cells and the published additive relations
leave it one value over the non-negative reals. :func:`_determined_cells` decides it per group
of linked suppressed cells by Gauss-Jordan elimination (:func:`_free_cells`), once the zero
counts that no feasible change can raise are fixed at zero (:func:`_movable_cells`); those come
from the same elimination (the non-zero cells' columns first) and, for the zeros it leaves
open, one small linear program on their residual columns (:func:`_growable_zeros`, solved by
:func:`rapstats.protect._simplex.bounded_simplex`, no scipy).
:func:`rapstats.protect.engine.secondary_suppression` repeats this audit until nothing is
determined; ``docs/disclosure.md`` states the guarantee.

The functions are private: the engine calls :func:`_determined_cells`, and the tests reach
each of them here, as the unit under test (``tests/test_disclosure_audit.py``,
``tests/test_protect_blocks.py``).
"""

from __future__ import annotations

import numpy as np

from rapstats.protect._simplex import bounded_simplex


def _eliminate(r: np.ndarray, cols: slice, row: int = 0) -> tuple[np.ndarray, int]:
    """Gauss-Jordan elimination of ``r`` in place, pivoting only in the columns ``cols`` (a
    range) and rows from ``row`` on (those above already reduced).

    Row by row, the pivot is the row's largest entry among ``cols`` (the first of equals); a
    pivot row's non-zero columns are the only ones updated (elementwise numpy, no
    multithreaded BLAS: the matrices are sparse and hold small integers). Returns each
    column's pivot row (-1 where none) and the rank reached: rows from the rank on are zero in
    every column of ``cols`` (what is left of the others is their residual).
    """
    pivot_row = np.full(r.shape[1], -1)
    first = cols.start or 0
    for i in range(row, r.shape[0]):
        mag = np.abs(r[i, cols])
        k = int(np.argmax(mag)) if mag.size else 0
        if not mag.size or mag[k] < 1e-9:
            continue
        col = first + k
        if i != row:
            r[[row, i]] = r[[i, row]]
        r[row] /= r[row, col]
        nz = np.flatnonzero(np.abs(r[:, col]) > 1e-12)
        nz = nz[nz != row]
        if nz.size:
            at = np.flatnonzero(r[row])
            r[np.ix_(nz, at)] -= np.outer(r[nz, col], r[row, at])
        pivot_row[col] = row
        row += 1
    return pivot_row, row


def _free_cells(a: np.ndarray) -> np.ndarray:
    """Which unknowns of ``a @ y = b`` are not fixed by the equations (real solutions).

    Gauss-Jordan elimination (:func:`_eliminate`), then :func:`_free_of`.
    """
    r = a.astype(float)
    pivot_row, _ = _eliminate(r, slice(0, r.shape[1]))
    return _free_of(r, pivot_row)


def _free_of(r: np.ndarray, pivot_row: np.ndarray) -> np.ndarray:
    """The free unknowns of a reduced system ``r`` with these pivots (any pivot columns).

    An unknown is fixed exactly when its column is a pivot whose reduced row is zero in every
    free column. A pivot column is zero outside its row, so that is a row with no other entry.
    """
    is_free = pivot_row < 0
    free = is_free.copy()
    piv = np.flatnonzero(~is_free)
    if piv.size and is_free.any():
        free[piv] = np.count_nonzero(np.abs(r[pivot_row[piv]]) > 1e-9, axis=1) > 1
    return free


def _free_with_fixed(a: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """:func:`_free_cells` of ``a @ y = b`` with ``y = 0`` on ``fixed`` as well.

    Fixing a cell is dropping its column: the same answer as ``_free_cells(np.vstack([a,
    np.eye(n)[fixed]]))`` without the identity rows.
    """
    free = np.zeros(a.shape[1], bool)
    free[~fixed] = _free_cells(a[:, ~fixed])
    return free


def _determined_cells(
    values: np.ndarray, rels: list[tuple[np.ndarray, np.ndarray]], hidden: np.ndarray
) -> np.ndarray:
    """Hidden cells whose value the published cells determine (non-negative reals).

    Per connected component of hidden cells (linked through relations), the hidden values
    ``y`` satisfy ``a @ y = b`` (``b`` from the published cells) and ``y >= 0``; see
    :func:`_movable_cells` for the exact test at the true point.
    """
    idx = np.flatnonzero(hidden)
    if idx.size == 0:
        return idx
    pos = np.full(len(values), -1)
    pos[idx] = np.arange(idx.size)
    used = [(cells, coef) for cells, coef in rels if hidden[cells].any()]
    # connected components of hidden cells (union-find)
    parent = np.arange(idx.size)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for cells, _ in used:
        h = pos[cells[hidden[cells]]]
        for j in h[1:]:
            parent[find(j)] = find(h[0])
    roots = np.array([find(i) for i in range(idx.size)])
    out: list[int] = []
    for root in np.unique(roots):
        comp = idx[roots == root]
        cpos = np.full(len(values), -1)
        cpos[comp] = np.arange(comp.size)
        rows = [(cells, coef) for cells, coef in used if (cpos[cells[hidden[cells]]] >= 0).any()]
        a = np.zeros((len(rows), comp.size))
        for i, (cells, coef) in enumerate(rows):
            h = hidden[cells]
            a[i, cpos[cells[h]]] = coef[h]
        out.extend(comp[~_movable_cells(a, values[comp])].tolist())
    return np.array(sorted(out), dtype=int)


def _movable_cells(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Which cells can take another value in the polytope {y : a y = a x, y >= 0} (exact).

    Parameters
    ----------
    a : array of float, shape (n_relations, n_cells)
        The relations restricted to the unknown cells.
    x : array of float, shape (n_cells,)
        The true, non-negative values.

    Returns
    -------
    numpy.ndarray of bool
        Per cell: some other feasible point differs from ``x`` in it.

    Notes
    -----
    The feasible moves from ``x`` are ``x + t d`` for small ``t > 0`` with ``d`` in the cone
    C = {d : a d = 0, d_i >= 0 for the zero cells i (x_i = 0)}, so cell j can move iff some
    d in C has d_j != 0. Let Z+ be the zero cells that some d in C makes positive. A sum of
    such witnesses is in C and positive on all of Z+, so the linear span of C is
    L = {d : a d = 0, d_i = 0 for the zero cells outside Z+} (adding a large multiple of that
    sum to any d in L gives a point of C that keeps d's non-zero entries non-zero). Hence j
    can move iff it is not fixed in L, which Gauss-Jordan elimination decides
    (:func:`_free_cells`).

    Z+ is needed only when some zero cell is free in {a d = 0}
    (:func:`_growable_zeros`: linear algebra, and a small linear program for what it leaves
    open), and L differs from {a d = 0} only when a zero cell outside Z+ is free there.
    """
    zero = x <= 0
    order = np.concatenate([np.flatnonzero(~zero), np.flatnonzero(zero)])
    n_rest = order.size - int(zero.sum())
    r = a[:, order].astype(float, copy=False)  # indexing copied it already
    pivot_row, rank = _eliminate(r, slice(0, n_rest))  # the non-zero cells' columns first
    residual = r[rank:, n_rest:].copy()  # what the zero cells' columns add to their span
    pivot_row = np.maximum(pivot_row, _eliminate(r, slice(n_rest, order.size), rank)[0])
    free = np.empty(zero.size, bool)
    free[order] = _free_of(r, pivot_row)
    if not (zero & free).any():  # every zero cell is pinned by the equations alone
        return free
    stuck = zero & ~_growable_zeros(a, zero, zero & free, residual)
    if not (stuck & free).any():  # fixing cells that are fixed already changes nothing
        return free
    return _free_with_fixed(a, stuck)


def _growable_zeros(
    a: np.ndarray, zero: np.ndarray, candidates: np.ndarray, residual: np.ndarray | None = None
) -> np.ndarray:
    """Candidate zero cells that some move d (a d = 0, d >= 0 on ``zero``) makes positive.

    ``residual``: the zero cells' columns (in order) reduced modulo the span of the other
    columns (:func:`_zero_residual`, computed when not given). A zero cell i whose column is
    in that span grows: some d with a d = 0 has d_i = 1 and d = 0 on the other zeros, and
    adding a large multiple of the sum of such witnesses keeps every one of them a move. The
    others grow exactly when some non-negative combination of their residual columns,
    positive on them, is zero (a witness is non-negative on those zeros and the rest of
    ``a d`` lies in the span; conversely such a combination extends to a witness as above):
    one small linear program decides it (:func:`_lp_growable_zeros`). Both answers are exact,
    so their union is.
    """
    if residual is None:
        residual = _zero_residual(a, zero)
    residual = np.where(np.abs(residual) <= 1e-9, 0.0, residual)
    cells = np.flatnonzero(zero)
    left = residual.any(axis=0)
    grown = np.zeros(zero.size, bool)
    grown[cells[~left]] = True
    if candidates[cells[left]].any():
        rest = residual[:, left]
        every = np.ones(rest.shape[1], bool)
        grown[cells[left]] = _lp_growable_zeros(
            rest[rest.any(axis=1)], every, candidates[cells[left]]
        )
    return grown & candidates


def _zero_residual(a: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """The columns of the zero cells (in order) reduced modulo the span of the others."""
    n_rest = int((~zero).sum())
    r = a[:, np.concatenate([np.flatnonzero(~zero), np.flatnonzero(zero)])].astype(
        float, copy=False
    )
    _, rank = _eliminate(r, slice(0, n_rest))
    return r[rank:, n_rest:]


def _lp_growable_zeros(a: np.ndarray, zero: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Candidate zero cells that some move d (a d = 0, d >= 0 on ``zero``) makes positive.

    One linear program (:func:`rapstats.protect._simplex.bounded_simplex`)::

        maximise sum(t)  subject to  a d = 0,  d_i = t_i + s_i (zero cells),
                                     0 <= t_i <= 1 (candidates; t_i = 0 otherwise), s_i >= 0,
                                     d_k = p_k - q_k (other cells), p_k, q_k >= 0.

    The moves form a cone, so a sum of witnesses scaled up to d_i >= 1 on every growable
    cell is feasible with t = 1 there, while t_i <= d_i = 0 on the others: at every optimum
    t is exactly the indicator of the growable cells (read as ``t > 0.5``, far from any
    rounding). Every variable starts at its lower bound 0, which is already feasible, so the
    solver's phase 1 ends at once. Should the program fail (numerically), no cell is taken as
    growable, which can only pin more cells (suppress more).
    """
    n_rel = a.shape[0]
    cand = np.flatnonzero(candidates)
    a_zero, a_rest = a[:, zero], a[:, ~zero]
    # columns: t (candidates), s (zero cells), p, q (other cells)
    lhs = np.hstack([a[:, cand], a_zero, a_rest, -a_rest])
    n_var = lhs.shape[1]
    objective = np.zeros(n_var)
    objective[: cand.size] = -1.0
    upper = np.full(n_var, np.inf)
    upper[: cand.size] = 1.0
    res = bounded_simplex(objective, lhs, np.zeros(n_rel), np.zeros(n_var), upper)
    grown = np.zeros(zero.size, bool)
    if res.status == "optimal":
        grown[cand] = res.x[: cand.size] > 0.5
    return grown
