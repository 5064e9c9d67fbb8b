"""Gauss-Jordan elimination on a sparse matrix, for the audit of :mod:`rapstats.protect.audit`.

A block of the audit is a set of additive relations over the suppressed cells they link: in a
table by event (800 levels) and quarter, ~790 relations over ~6,000 cells, most relations
holding a handful of cells (an event's quarters) and a few holding hundreds (a quarter's
events, the overall total). A dense matrix of that size costs more to scan, row by row, than
the elimination itself, which in a sensible order creates almost no new entries. So rows are
dicts ``{column: value}`` with an index of the rows holding each column, and the elimination
visits only the non-zero entries:

* rows are taken fewest entries first (the dense margins last, when the short rows have
  already been reduced, instead of spreading them through every short row);
* a row's pivot is its largest entry (in magnitude) among the allowed columns, of equals the
  one in the fewest rows (least fill-in), then the first column;
* the pivot row is divided by its pivot, and subtracted from every other row (above and
  below: Gauss-Jordan) whose entry in the pivot column exceeds ``1e-12``; an entry that
  becomes exactly zero is dropped.

The answers the audit reads (which columns are fixed, the residual of some columns modulo
the span of others) do not depend on the order of the pivots, only on the matrix; the
relations hold small integers, so rounding stays far below the thresholds.
``tests/test_audit_sparse.py`` checks the elimination against a dense reference and an SVD.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

# An entry below this (in magnitude) is a rounded zero: not a pivot, not a free column's entry.
ZERO = 1e-9
# A row whose entry in the pivot column is below this is not updated.
_UPDATE = 1e-12


class Matrix:
    """A sparse matrix: ``rows[i]`` maps column to value."""

    __slots__ = ("n_cols", "rows")

    def __init__(self, rows: list[dict[int, float]], n_cols: int) -> None:
        self.rows = rows
        self.n_cols = n_cols

    @classmethod
    def of(cls, a: np.ndarray | Matrix) -> Matrix:
        """``a`` itself if it is sparse already, else its non-zero entries."""
        if isinstance(a, Matrix):
            return a
        rows: list[dict[int, float]] = [{} for _ in range(a.shape[0])]
        ii, jj = np.nonzero(a)
        for i, j, v in zip(ii.tolist(), jj.tolist(), a[ii, jj].tolist(), strict=True):
            rows[i][j] = float(v)
        return cls(rows, a.shape[1])

    def copy(self) -> Matrix:
        """A copy (to eliminate, keeping this one)."""
        return Matrix([dict(row) for row in self.rows], self.n_cols)

    def without(self, columns: np.ndarray) -> Matrix:
        """A copy without the entries of the columns where ``columns`` is True (same
        numbering)."""
        drop = columns.tolist()
        return Matrix(
            [{j: v for j, v in row.items() if not drop[j]} for row in self.rows], self.n_cols
        )

    def rounded(self) -> Matrix:
        """A copy without the rounded zeros (entries up to ``ZERO`` in magnitude) and without
        the rows left empty (in order)."""
        rows = ({j: v for j, v in row.items() if abs(v) > ZERO} for row in self.rows)
        return Matrix([row for row in rows if row], self.n_cols)

    def entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and value of every entry, by column and within it by row."""
        n = sum(len(row) for row in self.rows)
        i = np.repeat(np.arange(len(self.rows)), [len(row) for row in self.rows])
        j = np.fromiter((c for row in self.rows for c in row), dtype=np.int64, count=n)
        v = np.fromiter((x for row in self.rows for x in row.values()), dtype=float, count=n)
        order = np.lexsort((i, j))
        return i[order], j[order], v[order]

    def dense(self, rows: list[int], columns: np.ndarray) -> np.ndarray:
        """The given rows, restricted to the given columns (in that order), as an array."""
        at = np.full(self.n_cols, -1)
        at[columns] = np.arange(columns.size)
        where = at.tolist()
        out = np.zeros((len(rows), columns.size))
        for k, i in enumerate(rows):
            for j, v in self.rows[i].items():
                if where[j] >= 0:
                    out[k, where[j]] = v
        return out


class Elimination:
    """Gauss-Jordan elimination of a :class:`Matrix` in place, in phases (:meth:`run`).

    Attributes
    ----------
    pivot : dict of int to int
        Each pivot column's row.
    left : list of int
        The rows without a pivot so far (fewest entries first): zero, up to rounding, in
        every column a phase allowed.
    cols : dict of int to set of int
        The rows with an entry in each column, kept up to date.
    """

    __slots__ = ("cols", "left", "m", "pivot")

    def __init__(self, m: Matrix) -> None:
        self.m = m
        self.pivot: dict[int, int] = {}
        self.left = sorted(range(len(m.rows)), key=lambda i: len(m.rows[i]))
        self.cols: defaultdict[int, set[int]] = defaultdict(set)
        for i, row in enumerate(m.rows):
            for j in row:
                self.cols[j].add(i)

    def run(self, columns: np.ndarray) -> None:
        """Pivot in the columns where ``columns`` is True, through the rows left."""
        allowed = columns.tolist()
        still = []
        for i in self.left:
            col = self._pivot_column(self.m.rows[i], allowed)
            if col is None:
                still.append(i)
            else:
                self._pivot_on(i, col)
        self.left = still

    def _pivot_column(self, row: dict[int, float], allowed: list[bool]) -> int | None:
        """The row's largest allowed entry; of equals, the one in the fewest rows, then the
        first; None when every allowed entry is a rounded zero."""
        cols = self.cols
        best, key = None, (-ZERO, 0, 0)
        for j, v in row.items():
            if allowed[j]:
                k = (-abs(v), len(cols[j]), j)
                if k < key:
                    best, key = j, k
        return best

    def _pivot_on(self, i: int, col: int) -> None:
        """Scale row ``i`` to 1 at ``col`` and clear ``col`` from every other row."""
        rows, cols = self.m.rows, self.cols
        row = rows[i]
        p = row[col]
        for j in row:
            row[j] /= p
        items = list(row.items())
        for k in list(cols[col]):
            other = rows[k]
            f = other[col]
            if k == i or abs(f) <= _UPDATE:
                continue
            for j, v in items:
                nv = other.get(j, 0.0) - f * v
                if nv != 0.0:
                    if j not in other:
                        cols[j].add(k)
                    other[j] = nv
                elif j in other:
                    del other[j]
                    cols[j].discard(k)
        self.pivot[col] = i

    def free(self, fixed: np.ndarray | None = None) -> np.ndarray:
        """Per column: not fixed by the reduced equations, with the ``fixed`` columns (none
        by default) held at zero.

        A column is fixed exactly when it is a pivot whose row has no other entry: the
        reduced row then reads ``y_col = b``; a free column of the row could move it. Holding
        columns at zero is dropping them, so their entries are not read; that is exact once
        every other column has had its phase (the rows left then hold only fixed columns,
        and the reduced rows restricted to the others are reduced too). Fixed columns are
        not free.
        """
        held = np.zeros(self.m.n_cols, bool) if fixed is None else fixed
        free = ~held
        skip = held.tolist()
        rows = self.m.rows
        for col, i in self.pivot.items():
            free[col] = any(abs(v) > ZERO for j, v in rows[i].items() if j != col and not skip[j])
        return free

    def residual(self, columns: np.ndarray) -> Matrix:
        """The rows left, restricted to ``columns`` (indices; numbered in that order), as a
        sparse matrix without its rounded zeros and empty rows (in order): after a phase over
        the other columns, what these add to their span.

        Sparse, because the zero cells of a many-level block number in the tens of thousands
        and so do the rows left: as an array it took gigabytes.
        """
        at = np.full(self.m.n_cols, -1)
        at[columns] = np.arange(columns.size)
        where = at.tolist()
        rows = self.m.rows
        out = []
        for i in self.left:
            row = {where[j]: v for j, v in rows[i].items() if where[j] >= 0 and abs(v) > ZERO}
            if row:
                out.append(row)
        return Matrix(out, columns.size)
