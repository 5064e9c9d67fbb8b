"""The exact audit of secondary suppression: which suppressed cells the published ones determine.

A suppressed cell is determined when the published cells and the published additive relations
leave it one value over the non-negative reals. :func:`_determined_cells` decides it per group
of linked suppressed cells by one Gauss-Jordan elimination (on a sparse matrix:
:mod:`rapstats.protect._sparse`), with the zero counts that no feasible change can raise
fixed at zero (:func:`_movable_cells`); those come from the same elimination (the non-zero
cells' columns first) and, for the zeros it leaves open, pairs of opposite residual columns,
residual rows of one sign and one small linear program on the rest (:func:`_growable_zeros`,
solved by :func:`rapstats.protect._simplex.bounded_simplex`, no scipy). :func:`_free_cells`
is the elimination without zeros, the reference of the tests.
:func:`rapstats.protect.engine.secondary_suppression` repeats this audit until nothing is
determined; ``docs/disclosure.md`` states the guarantee.

The functions are private: the engine calls :func:`_determined_cells`, and the tests reach
each of them here, as the unit under test (``tests/test_disclosure_audit.py``,
``tests/test_protect_blocks.py``, ``tests/test_audit_sparse.py``,
``tests/test_protect_freq_audit.py``).
"""

from __future__ import annotations

import numpy as np

from rapstats.protect._simplex import bounded_simplex
from rapstats.protect._sparse import Elimination, Matrix


def _free_cells(a: np.ndarray | Matrix) -> np.ndarray:
    """Which unknowns of ``a @ y = b`` are not fixed by the equations (real solutions).

    Gauss-Jordan elimination (:class:`rapstats.protect._sparse.Elimination`) over every
    column; ``a`` is left as it is.
    """
    m = Matrix.of(a)
    e = Elimination(m.copy())
    e.run(np.ones(m.n_cols, bool))
    return e.free()


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
    parts = []  # each relation's hidden cells (positions in idx) and their coefficients
    for cells, coef in rels:
        h = hidden[cells]
        if h.any():
            parts.append((pos[cells[h]].tolist(), coef[h].tolist()))
    roots = _components(idx.size, [p for p, _ in parts])
    local = np.zeros(idx.size, int)  # each cell's position within its component
    order = np.argsort(roots, kind="stable")
    first = np.flatnonzero(np.r_[True, roots[order][1:] != roots[order][:-1]])
    blocks = {int(roots[c[0]]): c for c in np.split(order, first[1:])}
    for comp in blocks.values():
        local[comp] = np.arange(comp.size)
    rows: dict[int, list[dict[int, float]]] = {root: [] for root in blocks}
    where = local.tolist()
    for p, coef in parts:
        rows[int(roots[p[0]])].append({where[c]: v for c, v in zip(p, coef, strict=True)})
    out: list[int] = []
    for root, comp in blocks.items():
        a = Matrix(rows[root], comp.size)
        out.extend(idx[comp[~_movable_cells(a, values[idx[comp]])]].tolist())
    return np.array(sorted(out), dtype=int)


def _components(n: int, links: list[list[int]]) -> np.ndarray:
    """Each of ``n`` items' component (a representative), the items of each link joined."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for h in links:
        r0 = find(h[0])
        for j in h[1:]:
            rj = find(j)
            if rj != r0:
                parent[rj] = r0
    return np.array([find(i) for i in range(n)], dtype=int)


def _movable_cells(a: np.ndarray | Matrix, x: np.ndarray) -> np.ndarray:
    """Which cells can take another value in the polytope {y : a y = a x, y >= 0} (exact).

    Parameters
    ----------
    a : array of float, shape (n_relations, n_cells), or rapstats.protect._sparse.Matrix
        The relations restricted to the unknown cells (left as they are).
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

    One elimination decides it: the non-zero cells' columns first, which leaves what the zero
    cells' columns add to their span (the residual, from which :func:`_growable_zeros` finds
    Z+: linear algebra, and a small linear program for what it leaves open), then the
    columns of Z+; fixing the other zero cells at zero is dropping their columns, which the
    reduced rows read as they stand (:meth:`rapstats.protect._sparse.Elimination.free`).
    """
    zero = x <= 0
    e = Elimination(Matrix.of(a).copy())
    e.run(~zero)  # the non-zero cells' columns first
    stuck = np.zeros(zero.size, bool)
    if zero.any():
        residual = e.residual(np.flatnonzero(zero))  # what the zero cells add to their span
        stuck = zero & ~_growable_zeros(a, zero, zero, residual)
    e.run(zero & ~stuck)
    return e.free(fixed=stuck)


def _growable_zeros(
    a: np.ndarray | Matrix,
    zero: np.ndarray,
    candidates: np.ndarray,
    residual: np.ndarray | Matrix | None = None,
) -> np.ndarray:
    """Candidate zero cells that some move d (a d = 0, d >= 0 on ``zero``) makes positive.

    ``residual``: the zero cells' columns (in order) reduced modulo the span of the other
    columns (:func:`_zero_residual`, computed when not given; sparse or an array). A zero
    cell i whose column is in that span grows: some d with a d = 0 has d_i = 1 and d = 0 on
    the other zeros, and adding a large multiple of the sum of such witnesses keeps every one
    of them a move. The others grow exactly when some non-negative combination of their
    residual columns, positive on them, is zero (a witness is non-negative on those zeros and
    the rest of ``a d`` lies in the span; conversely such a combination extends to a witness
    as above).

    Two such combinations are found at once: two residual columns, one a negative multiple
    of the other (:func:`_opposite_columns`; in a two-way table, a rectangle with these two
    zeros on one diagonal), grow both. A grown cell's column then joins the span (the same
    argument: its witness can be added at will), so the others are reduced modulo it and the
    test repeats. A residual row of one sign keeps its zeros at zero
    (:func:`_single_signed_columns`); they are dropped, as fixing them changes no move. One
    small linear program decides whatever is left (:func:`_lp_growable_zeros`). Every answer
    is exact, so their union is. The residual stays sparse until that program: only what is
    left of it is made an array.
    """
    if residual is None:
        residual = _zero_residual(a, zero)
    residual = Matrix.of(residual).rounded()
    cells = np.flatnonzero(zero)  # the residual's columns
    grown = np.zeros(zero.size, bool)
    while True:
        spanned = np.ones(residual.n_cols, bool)
        spanned[[j for row in residual.rows for j in row]] = False
        paired = _opposite_columns(residual)
        grown[cells[spanned | paired]] = True
        stuck = _single_signed_columns(residual)
        left = ~(spanned | paired | stuck)
        if not candidates[cells[left]].any():
            return grown & candidates
        if not (paired | stuck).any():
            break
        e = Elimination(residual)
        e.run(paired)  # the paired columns join the span
        residual, cells = e.residual(np.flatnonzero(left)), cells[left]
    rest = residual.dense(list(range(len(residual.rows))), np.flatnonzero(left))
    every = np.ones(rest.shape[1], bool)
    grown[cells[left]] = _lp_growable_zeros(rest[rest.any(axis=1)], every, candidates[cells[left]])
    return grown & candidates


def _single_signed_columns(r: Matrix) -> np.ndarray:
    """Columns of ``r`` that no non-negative combination of its columns equal to zero uses.

    A row whose entries all have one sign makes every column in it zero in such a
    combination (a sum of non-negative terms of one sign is zero only if each is); those
    columns are dropped, which may leave other rows of one sign, until none is left.
    """
    i, j, v = r.entries()
    out = np.zeros(r.n_cols, bool)
    n_rows = len(r.rows)
    while True:
        live = ~out[j]
        pos = np.bincount(i[live], weights=v[live] > 0, minlength=n_rows)
        neg = np.bincount(i[live], weights=v[live] < 0, minlength=n_rows)
        one_sign = (pos > 0) != (neg > 0)
        found = np.zeros(r.n_cols, bool)
        found[j[live & one_sign[i]]] = True
        if not found.any():
            return out
        out |= found


def _opposite_columns(r: np.ndarray | Matrix) -> np.ndarray:
    """Non-zero columns of ``r`` with another column that is a negative multiple of them.

    Each column is scaled to 1 at its first non-zero entry (rounded to 9 decimals); columns
    that then agree and had first entries of both signs are negative multiples of each other.
    The columns are read from the sparse entries (by column, then row).
    """
    m = Matrix.of(r)
    found = np.zeros(m.n_cols, bool)
    i, j, v = m.entries()
    if not j.size:
        return found
    start = np.flatnonzero(np.r_[True, j[1:] != j[:-1]])  # each column's first (lead) entry
    lead = np.repeat(v[start], np.diff(np.r_[start, j.size]))
    ratio = np.round(v / lead, 9) + 0.0  # + 0.0: no negative zeros in the keys
    keep = ratio != 0.0  # an entry rounded to zero is no part of the key (a zero in a column)
    bounds = np.r_[start, j.size].tolist()
    keys = [
        i[lo:hi][keep[lo:hi]].tobytes() + ratio[lo:hi][keep[lo:hi]].tobytes()
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    signs: dict[bytes, set[bool]] = {}
    for key, positive in zip(keys, (v[start] > 0).tolist(), strict=True):
        signs.setdefault(key, set()).add(positive)
    found[j[start]] = [len(signs[key]) == 2 for key in keys]
    return found


def _zero_residual(a: np.ndarray | Matrix, zero: np.ndarray) -> Matrix:
    """The columns of the zero cells (in order) reduced modulo the span of the others
    (sparse: :meth:`rapstats.protect._sparse.Elimination.residual`)."""
    e = Elimination(Matrix.of(a).copy())
    e.run(~zero)
    return e.residual(np.flatnonzero(zero))


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
