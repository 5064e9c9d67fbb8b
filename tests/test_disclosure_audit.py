"""The exact audit of secondary suppression: which suppressed cells the published ones determine.

rapstats.protect decides it with linear algebra and its own simplex
(:func:`rapstats.protect.audit._determined_cells`); the reference here is independent: the minimum
and maximum of every suppressed cell over the non-negative solutions of the published
relations, by scipy.optimize.linprog (HiGHS). A cell is determined iff they coincide.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import lp_ranges, table_layers

from rapstats.protect import audit, group_relations, secondary_suppression


def _rels(relations):
    """Relations in the engine's form: (cells, coefficients) of -total + sum(members) = 0."""
    return [(np.array([t, *m]), np.array([-1.0] + [1.0] * len(m))) for t, m in relations]


def _reference_determined(values, relations, hidden) -> set[int]:
    if not hidden.any():
        return set()
    ranges = lp_ranges(values, relations, hidden)
    return {c for c, (lo, hi) in ranges.items() if hi - lo <= 1e-7}


def _interior_cell(keys, *index) -> int:
    return keys.index(tuple(index))


def _compare(interior: np.ndarray, hidden_interior: np.ndarray, hidden_margins=None):
    """Determined cells by rapstats vs linprog; returns both and the table."""
    keys, values = table_layers(interior)
    relations = group_relations(keys)
    hidden = np.zeros(len(keys), bool)
    for idx in zip(*np.nonzero(hidden_interior), strict=True):
        hidden[keys.index(tuple(int(i) for i in idx))] = True
    if hidden_margins is not None:
        margin = np.array([None in k for k in keys])
        hidden[margin] = hidden_margins[: margin.sum()]
    got = set(audit._determined_cells(values, _rels(relations), hidden).tolist())
    want = _reference_determined(values, relations, hidden)
    assert got == want, (interior.tolist(), np.flatnonzero(hidden).tolist())
    return got, keys, values, hidden


# ---------------------------------------------------------------------------------------------
# Hand-made cases with known answers


def test_zero_row_margin_pins_a_two_by_twotable_layers():
    # rows 0 | 7, columns 3 | 4: over the reals d = t [[1, -1], [-1, 1]] moves every cell, but
    # the zero row must stay >= 0 in both cells, so t = 0: all four cells are determined
    interior = np.array([[0, 0], [3, 4]])
    got, keys, *_ = _compare(interior, np.ones((2, 2), bool))
    assert got == {_interior_cell(keys, i, j) for i in range(2) for j in range(2)}
    assert audit._free_cells(np.array([[1.0, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]])).all()


def test_single_zero_does_not_pin_a_two_by_twotable_layers():
    got, *_ = _compare(np.array([[0, 5], [3, 4]]), np.ones((2, 2), bool))
    assert got == set()


def test_zeros_on_both_diagonals_pin_only_what_they_must():
    # d = [[a, b, -a-b], [-a, -b, a+b]]; zeros at (0,0), (0,1), (1,1) force a >= 0, b = 0:
    # the two cells of column 1 are fixed at 0, the other four can move (a > 0)
    interior = np.array([[0, 0, 2], [3, 0, 4]])
    got, keys, *_ = _compare(interior, np.ones((2, 3), bool))
    assert got == {_interior_cell(keys, 0, 1), _interior_cell(keys, 1, 1)}


def test_growable_zeros_is_exact_where_the_face_test_is_not():
    # the component of the table above: its relations restricted to the six interior cells
    a = np.array(
        [
            [1.0, 1, 1, 0, 0, 0],  # rows
            [0, 0, 0, 1, 1, 1],
            [1, 0, 0, 1, 0, 0],  # columns
            [0, 1, 0, 0, 1, 0],
            [0, 0, 1, 0, 0, 1],
        ]
    )
    x = np.array([0.0, 0, 2, 3, 0, 4])
    zero = x <= 0
    free = audit._free_cells(a)
    assert free.all()  # the reals leave every cell free ...
    on_face = audit._free_cells(np.vstack([a, np.eye(6)[zero]]))
    assert not on_face.any()  # ... keeping the zeros at zero pins every cell ...
    grown = audit._growable_zeros(a, zero, zero & free)
    assert grown.tolist() == [True, False, False, False, False, False]  # ... only (0,0) grows
    assert audit._movable_cells(a, x).tolist() == [True, False, True, True, False, True]
    # both zeros can grow together: d = [[1, -1, 0], [-1, 1, 0]]
    x2 = np.array([0.0, 1, 2, 3, 0, 4])
    both = audit._growable_zeros(a, x2 <= 0, x2 <= 0)
    assert both.tolist() == [True, False, False, False, True, False]
    assert audit._movable_cells(a, x2).all()


def test_three_way_table_parity_of_zeros():
    # 2 x 2 x 2 with every margin published: the only move is t * (-1)^(i+j+k)
    same_parity = np.array([[[0, 5], [6, 0]], [[7, 0], [0, 9]]])  # zeros where i+j+k is even
    got, *_ = _compare(same_parity, np.ones((2, 2, 2), bool))
    assert got == set()  # t > 0 raises every zero
    mixed = np.array([[[0, 0], [6, 8]], [[7, 5], [4, 9]]])  # (0,0,0) even, (0,0,1) odd
    got, keys, *_ = _compare(mixed, np.ones((2, 2, 2), bool))
    assert len(got) == 8  # t >= 0 and t <= 0: nothing moves


def test_degenerate_all_zero_table_and_an_unconstrained_cell():
    got, keys, *_ = _compare(np.zeros((2, 3), int), np.ones((2, 3), bool))
    assert len(got) == 6  # every hidden cell is 0 and must stay 0
    # a hidden zero cell in no relation can be anything >= 0; a hidden cell equal to
    # another hidden cell (t = m) is unbounded above
    assert audit._determined_cells(np.array([0.0]), [], np.array([True])).size == 0
    rels = _rels([(0, [1])])
    hidden = np.array([True, True])
    assert audit._determined_cells(np.array([0.0, 0.0]), rels, hidden).size == 0


# ---------------------------------------------------------------------------------------------
# Random tables against linprog

cell_values = st.one_of(st.just(0), st.just(0), st.integers(0, 3), st.integers(0, 30))


@st.composite
def tables(draw, ndim: int):
    shape = tuple(draw(st.integers(2, 4 if ndim == 2 else 3)) for _ in range(ndim))
    size = int(np.prod(shape))
    interior = np.array(draw(st.lists(cell_values, min_size=size, max_size=size))).reshape(shape)
    if draw(st.booleans()):  # a zero slice (a zero margin) now and then
        axis = draw(st.integers(0, ndim - 1))
        index = draw(st.integers(0, shape[axis] - 1))
        np.moveaxis(interior, axis, 0)[index] = 0
    hidden = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size))).reshape(shape)
    n_margins = int(np.prod(np.array(shape) + 1)) - size
    margins = np.array(draw(st.lists(st.booleans(), min_size=n_margins, max_size=n_margins)))
    return interior, hidden, margins & draw(st.booleans())


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(tables(2))
def test_determined_cells_of_two_way_tables_match_linprog(table):
    _compare(*table)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(tables(3))
def test_determined_cells_of_three_way_tables_match_linprog(table):
    _compare(*table)


@pytest.mark.slow
def test_random_tables_reach_every_kind_of_answer(monkeypatch):
    # non-vacuity: on a seeded sample the audit meets cells that are free, cells that linear
    # algebra pins, and cells that only non-negativity pins; and the linear program both
    # finds growable zeros and proves others stuck
    grown_seen = {"grown": 0, "stuck": 0}
    real = audit._growable_zeros

    def spy(a, zero, candidates, *residual):
        out = real(a, zero, candidates, *residual)
        grown_seen["grown"] += int(out.sum())
        grown_seen["stuck"] += int((candidates & ~out).sum())
        return out

    monkeypatch.setattr(audit, "_growable_zeros", spy)
    rng = np.random.default_rng(11)
    kinds = {"free": 0, "pinned by the equations": 0, "pinned by non-negativity": 0}
    for k in range(120):
        shape = (3, 4) if k % 2 else (2, 3, 3)
        interior = rng.choice([0, 0, 0, 1, 2, 5, 12, 30], size=shape)
        hidden_interior = rng.random(shape) < 0.7
        got, keys, values, hidden = _compare(interior, hidden_interior)
        cells = np.flatnonzero(hidden)
        if not cells.size:
            continue
        relations = group_relations(keys)
        real_free = _real_free(values, relations, hidden)
        for c in cells:
            if c not in got:
                kinds["free"] += 1
            elif real_free[c]:
                kinds["pinned by non-negativity"] += 1
            else:
                kinds["pinned by the equations"] += 1
    assert min(kinds.values()) >= 100, kinds
    assert min(grown_seen.values()) >= 50, grown_seen


def _real_free(values, relations, hidden) -> dict[int, bool]:
    """Per hidden cell: not fixed by the relations over the reals (least-squares null space)."""
    idx = np.flatnonzero(hidden)
    a = np.zeros((len(relations), idx.size))
    pos = {c: j for j, c in enumerate(idx)}
    for r, (total, members) in enumerate(relations):
        for c, coef in [(total, -1.0)] + [(m, 1.0) for m in members]:
            if c in pos:
                a[r, pos[c]] += coef
    _, sing, vt = np.linalg.svd(a)
    null = vt[int((sing > 1e-9).sum()) :]
    return {c: bool(np.abs(null[:, j]).max(initial=0) > 1e-9) for c, j in pos.items()}


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(tables(3), st.sampled_from([3, 5, 10]))
def test_no_suppressed_cell_of_a_three_way_table_can_be_recovered(table, threshold):
    interior = table[0]
    keys, values = table_layers(interior)
    relations = group_relations(keys)
    primary = (values > 0) & (values < threshold)
    res = secondary_suppression(values, relations, primary)
    assert res.exposed.size == 0 and (res.suppressed >= primary).all()
    if res.suppressed.any():
        for c, (lo, hi) in lp_ranges(values, relations, res.suppressed).items():
            assert hi - lo > 1e-6, (c, values[c], lo, hi)


def test_disclosure_does_not_import_scipy_optimize():
    # the table of test_zeros_on_both_diagonals_pin_only_what_they_must needs the LP
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from rapstats.protect import audit as d\n"
        "calls = []\n"
        "real = d._growable_zeros\n"
        "d._growable_zeros = lambda *args: calls.append(1) or real(*args)\n"
        "x = np.array([0.0, 0, 2, 3, 0, 4])\n"
        "a = np.array([[1.0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1], [1, 0, 0, 1, 0, 0],\n"
        "              [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1]])\n"
        "assert d._movable_cells(a, x).tolist() == [1, 0, 1, 1, 0, 1] and calls\n"
        "assert 'scipy.optimize' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("ndim", [2, 3])
def test_table_helper_publishes_every_layer(ndim):
    keys, values = table_layers(np.arange(2**ndim).reshape((2,) * ndim))
    assert len(keys) == 3**ndim and values[keys.index((None,) * ndim)] == sum(range(2**ndim))
