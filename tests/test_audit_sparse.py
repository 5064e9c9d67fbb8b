"""The audit's sparse Gauss-Jordan elimination against slow, obvious references.

:mod:`rapstats.protect._sparse` eliminates rows fewest entries first and visits only non-zero
entries. The references here know nothing of that: the dense elimination the audit used
before (row by row, every column, written out below), the null space from numpy's SVD, and
ranks from ``numpy.linalg.matrix_rank``; on random two-way tables with margins, the whole
audit against the minimum and maximum of every suppressed cell by scipy's ``linprog``
(``oracles.lp_ranges``, the same reference as ``tests/test_disclosure_audit.py``).
"""

from __future__ import annotations

import numpy as np
from conftest import IN_CI
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import lp_ranges, table_layers

from rapstats.protect import audit, group_relations
from rapstats.protect._sparse import Elimination, Matrix

# examples of each property of the elimination: 300 in CI, 100 in a local run (as conftest's
# Hypothesis profiles, CI searches harder)
MANY = 300 if IN_CI else 100


def _dense_free(a: np.ndarray) -> np.ndarray:
    """Free unknowns of ``a y = b``: dense Gauss-Jordan, rows in order, largest pivot."""
    r = a.astype(float)
    pivot_row = np.full(r.shape[1], -1)
    row = 0
    for i in range(r.shape[0]):
        k = int(np.argmax(np.abs(r[i]))) if r.shape[1] else 0
        if not r.shape[1] or abs(r[i, k]) < 1e-9:
            continue
        r[[row, i]] = r[[i, row]]
        r[row] /= r[row, k]
        for other in range(r.shape[0]):
            if other != row:
                r[other] -= r[other, k] * r[row]
        pivot_row[k] = row
        row += 1
    free = pivot_row < 0
    for k in np.flatnonzero(~free):
        free[k] = np.count_nonzero(np.abs(r[pivot_row[k]]) > 1e-9) > 1
    return free


def _svd_free(a: np.ndarray) -> np.ndarray:
    """Free unknowns: some vector of the null space (numpy's SVD) is non-zero there."""
    if a.shape[0] == 0:
        return np.ones(a.shape[1], bool)
    _, sing, vt = np.linalg.svd(a)
    null = vt[int((sing > 1e-9).sum()) :]
    return np.abs(null).max(axis=0, initial=0) > 1e-9


def _rank(a: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(a)) if a.size else 0


matrices = st.integers(0, 7).flatmap(
    lambda m: st.integers(1, 9).flatmap(
        lambda n: st.lists(
            st.sampled_from([0, 0, 0, 1, 1, -1, 2]), min_size=m * n, max_size=m * n
        ).map(lambda v: np.array(v, dtype=float).reshape(m, n))
    )
)


@settings(max_examples=MANY, deadline=None)
@given(matrices)
def test_free_cells_match_dense_elimination_and_the_null_space(a):
    got = audit._free_cells(a)
    assert got.tolist() == _dense_free(a).tolist() == _svd_free(a).tolist()


@settings(max_examples=MANY, deadline=None)
@given(matrices, st.data())
def test_zero_residual_is_zero_exactly_where_a_column_is_in_the_others_span(a, data):
    zero = np.array(data.draw(st.lists(st.booleans(), min_size=a.shape[1], max_size=a.shape[1])))
    r = audit._zero_residual(a, zero)  # sparse: its rows, as an array
    residual = r.dense(list(range(len(r.rows))), np.arange(r.n_cols))
    rest = a[:, ~zero]
    in_span = [_rank(np.column_stack([rest, a[:, j]])) == _rank(rest) for j in np.flatnonzero(zero)]
    spanned = ~(np.abs(residual) > 1e-9).any(axis=0)
    assert spanned.tolist() == in_span
    # the residual spans what the zero columns add: its rank is the rank they add
    assert _rank(residual) == _rank(a) - _rank(rest)


def test_elimination_leaves_its_input_as_it_is_and_reads_a_sparse_matrix():
    a = np.array([[1.0, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 0, 0, 0]])
    m = Matrix.of(a)
    assert Matrix.of(m) is m
    before = [dict(row) for row in m.rows]
    assert audit._free_cells(m).all()
    assert audit._movable_cells(m, np.array([0.0, 2, 3, 1])).all()
    assert not audit._movable_cells(m, np.array([0.0, 2, 0, 1])).any()  # d = (t, -t, -t, t)
    assert m.rows == before
    e = Elimination(m.copy())
    e.run(np.ones(4, bool))
    assert len(e.pivot) == 3 and len(e.left) == 1  # rank 3, the zero row left


def _two_way(interior: np.ndarray) -> tuple[np.ndarray, list, list]:
    keys, values = table_layers(interior)
    relations = group_relations(keys)
    rels = [(np.array([t, *m]), np.array([-1.0] + [1.0] * len(m))) for t, m in relations]
    return values, relations, rels


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.integers(2, 5), st.integers(2, 4)).flatmap(
        lambda shape: st.tuples(
            st.lists(st.sampled_from([0, 0, 1, 2, 3, 9]), min_size=shape[0] * shape[1],
                     max_size=shape[0] * shape[1]).map(lambda v: np.array(v).reshape(shape)),
            st.lists(st.booleans(), min_size=(shape[0] + 1) * (shape[1] + 1),
                     max_size=(shape[0] + 1) * (shape[1] + 1)),
        )
    )
)  # fmt: skip
def test_audit_of_two_way_tables_with_margins_matches_linprog(table):
    interior, hidden = table
    values, relations, rels = _two_way(interior)
    hidden = np.array(hidden)
    got = set(audit._determined_cells(values, rels, hidden).tolist())
    want = set()
    if hidden.any():
        want = {
            c for c, (lo, hi) in lp_ranges(values, relations, hidden).items() if hi - lo <= 1e-7
        }
    assert got == want


def test_a_many_level_block_matches_the_dense_elimination():
    # the shape of the many-level workload, small: 60 events x 8 quarters with margins, most
    # interior cells hidden; its dense rows (a quarter's events, the total) come last
    rng = np.random.default_rng(3)
    interior = rng.choice([0, 1, 2, 5, 14, 40], size=(60, 8))
    values, _, rels = _two_way(interior)
    keys, _ = table_layers(interior)
    hidden = np.array([k[0] is not None and rng.random() < 0.85 for k in keys])
    idx = np.flatnonzero(hidden)
    pos = np.full(values.size, -1)
    pos[idx] = np.arange(idx.size)
    a = np.zeros((len(rels), idx.size))
    for i, (cells, coef) in enumerate(rels):
        h = hidden[cells]
        a[i, pos[cells[h]]] = coef[h]
    assert audit._free_cells(a).tolist() == _dense_free(a).tolist()
    for zero_free in (False, True):  # with the zero cells fixed, some cells are pinned
        fixed = (values[idx] <= 0) & zero_free
        want = _dense_free(np.vstack([a, np.eye(idx.size)[fixed]])) & ~fixed
        e = Elimination(Matrix.of(a))
        e.run(~fixed)  # a fixed cell's column dropped
        assert e.free(fixed=fixed).tolist() == want.tolist()
    assert 0 < (~_dense_free(np.vstack([a, np.eye(idx.size)[values[idx] <= 0]]))).sum()


@settings(max_examples=MANY, deadline=None)
@given(matrices, st.data())
def test_growable_zeros_match_the_full_linear_program(a, data):
    # the fast path (spanned columns, opposite pairs, the linear program on what is left)
    # against one linear program over the whole matrix, the audit's reference before it
    n = a.shape[1]
    zero = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    candidates = zero & audit._free_cells(a)
    want = audit._lp_growable_zeros(a, zero, candidates)
    assert audit._growable_zeros(a, zero, candidates).tolist() == want.tolist()


def test_opposite_columns_are_negative_multiples():
    r = np.array([[1.0, -2, 1, 0, 3], [0, 0, 1, 0, -1], [2, -4, 0, 0, 0]])
    # column 1 is -2 x column 0; nothing is a multiple of columns 2 and 4; column 3 is zero
    assert audit._opposite_columns(r).tolist() == [True, True, False, False, False]
    a = np.array([[1.0, 0, -1], [0, 1, -1]])  # (1, 1, 1) moves all three zeros; no pair does
    assert not audit._opposite_columns(a).any()
    assert audit._growable_zeros(a, np.ones(3, bool), np.ones(3, bool)).all()


def test_zeros_pinned_by_a_row_of_one_sign_or_else_by_the_linear_program():
    # a row of one sign pins its columns, and then others (column 2 once column 0 is out);
    # columns 3 and 4 grow together
    r = Matrix.of(np.array([[1.0, 1, 0, 0, 0], [-1, 0, 1, 0, 0], [0, 0, 0, 1, -1]]))
    assert audit._single_signed_columns(r).tolist() == [True, True, True, False, False]
    # no row of one sign and no opposite pair: (1, 1) . columns < 0, which only the program
    # finds, so neither zero grows
    a = np.array([[1.0, -2], [-2, 1]])
    assert not audit._single_signed_columns(Matrix.of(a)).any()
    assert not audit._opposite_columns(a).any()
    assert not audit._growable_zeros(a, np.ones(2, bool), np.ones(2, bool)).any()
