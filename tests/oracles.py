"""Independent reference computations shared by several test modules.

They use no rapstats code: disclosure tests compare rapstats' protection against linear
programming by scipy.optimize.linprog (HiGHS) over the published cells.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linprog


def lp_ranges(
    values: Sequence[float] | np.ndarray,
    relations: Sequence[tuple[int, Sequence[int]]],
    hidden: np.ndarray,
) -> dict[int, tuple[float, float]]:
    """Min and max of each hidden cell given the published cells and relations (x >= 0).

    ``relations`` are ``(total, members)``: cell ``total`` is the sum of cells ``members``.
    The maximum is ``inf`` where the cell is unbounded.
    """
    idx = np.flatnonzero(hidden)
    pos = {c: j for j, c in enumerate(idx)}
    a_rows, b = [], []
    for total, members in relations:
        row = np.zeros(len(idx))
        rhs = 0.0
        for c, coef in [(total, -1.0)] + [(m, 1.0) for m in members]:
            if hidden[c]:
                row[pos[c]] += coef
            else:
                rhs -= coef * values[c]
        a_rows.append(row)
        b.append(rhs)
    a = np.array(a_rows)
    bounds = [(0, None)] * len(idx)
    out = {}
    for j, c in enumerate(idx):
        obj = np.zeros(len(idx))
        obj[j] = 1
        lo = linprog(obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        hi = linprog(-obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        assert lo.status == 0
        out[c] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


def determined_cells(
    values: np.ndarray, rels: Sequence[tuple[np.ndarray, np.ndarray]], hidden: np.ndarray
) -> set[int]:
    """The hidden cells that the published cells determine over the non-negative reals: the
    whole system at once, dense.

    ``rels`` are (cells, coefficients) of ``sum(coef * value) = 0``. The feasible moves from
    the true point are the ``d`` with ``a d = 0`` and ``d >= 0`` on the hidden zero cells; one
    linear program (scipy, HiGHS) finds the zero cells some move makes positive, and a cell
    is determined when it is fixed once the other zero cells are held at zero: no vector of
    the null space (numpy's SVD) moves it.
    """
    idx = np.flatnonzero(hidden)
    if idx.size == 0:
        return set()
    pos = np.full(len(values), -1)
    pos[idx] = np.arange(idx.size)
    a = np.zeros((len(rels), idx.size))
    for i, (cells, coef) in enumerate(rels):
        h = hidden[cells]
        np.add.at(a[i], pos[cells[h]], coef[h])
    zero = np.asarray(values)[idx] <= 0
    n_zero = int(zero.sum())
    grown = np.zeros(idx.size, bool)
    if n_zero:
        # variables: d (free on non-zero cells, >= 0 on zero cells), t (<= d on zero cells)
        lhs = np.hstack([a, np.zeros((a.shape[0], n_zero))])
        link = np.zeros((n_zero, idx.size + n_zero))
        link[np.arange(n_zero), np.flatnonzero(zero)] = -1.0
        link[np.arange(n_zero), idx.size + np.arange(n_zero)] = 1.0
        bounds = [(0, None) if z else (None, None) for z in zero] + [(0, 1)] * n_zero
        res = linprog(
            np.r_[np.zeros(idx.size), -np.ones(n_zero)],
            A_ub=link,
            b_ub=np.zeros(n_zero),
            A_eq=lhs,
            b_eq=np.zeros(a.shape[0]),
            bounds=bounds,
            method="highs",
        )
        assert res.status == 0
        grown[np.flatnonzero(zero)] = res.x[idx.size :] > 0.5
    system = np.vstack([a, np.eye(idx.size)[zero & ~grown], np.zeros((1, idx.size))])
    _, sv, vt = np.linalg.svd(system)
    null = vt[int((sv > 1e-9 * max(1.0, sv.max())).sum()) :]  # a basis of the moves
    return set(idx[~(np.abs(null) > 1e-9).any(axis=0)].tolist())


def table_layers(interior: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    """Every published layer of a table: keys (None = summed over) and values."""
    keys: list[tuple] = []
    values: list[float] = []
    for summed in itertools.product([True, False], repeat=interior.ndim):
        layer = interior.sum(axis=tuple(d for d in range(interior.ndim) if summed[d]))
        kept = [d for d in range(interior.ndim) if not summed[d]]
        for idx in itertools.product(*(range(interior.shape[d]) for d in kept)):
            key = [None] * interior.ndim
            for d, i in zip(kept, idx, strict=True):
                key[d] = i
            keys.append(tuple(key))
            values.append(float(layer[idx]))
    return keys, np.array(values)


# The publication contract, written here and not taken from rapstats: the data-derived fields
# of a summary row and of a frequency row, which a withheld ([c]) row must leave empty.
ROW_DATA = (
    "base",
    "positive",
    "share",
    "ci_low",
    "ci_high",
    "diff",
    "diff_low",
    "diff_high",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
    "effective_n",
)
FREQ_DATA = ("count", "share_of_base")
