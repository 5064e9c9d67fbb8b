"""The secondary suppression engine on plain arrays: cells, units and additive relations.

Nothing here knows about questions or summaries (:mod:`rapstats.protect.relations` turns one
question's tables into this form). The algorithm, its guarantee and its limits are in
``docs/disclosure.md`` ("Secondary suppression"); the exact audit it repeats is
:mod:`rapstats.protect.audit`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.protect.audit import _determined_cells

# A relation holds on the data when its two sides differ by no more than this.
_TOL = 1e-7


@dataclass(frozen=True, slots=True)
class Suppression:
    """Result of :func:`secondary_suppression`.

    Attributes
    ----------
    suppressed : numpy.ndarray of bool
        Per unit: not published.
    primary : numpy.ndarray of bool
        Per unit: suppressed by a threshold rule (the input).
    exposed : numpy.ndarray of int
        Cells still exactly derivable (empty unless no complement was left to suppress).
    """

    suppressed: np.ndarray
    primary: np.ndarray
    exposed: np.ndarray

    @property
    def secondary(self) -> np.ndarray:
        """Per unit: suppressed only to protect other units."""
        return self.suppressed & ~self.primary


def secondary_suppression(
    values: Sequence[float] | np.ndarray,
    relations: Sequence[tuple[int, Sequence[int]]],
    primary: Sequence[bool] | np.ndarray,
    *,
    unit: Sequence[int] | np.ndarray | None = None,
    cost: Sequence[float] | np.ndarray | None = None,
    eligible: Sequence[bool] | np.ndarray | None = None,
    sensitive: Sequence[bool] | np.ndarray | None = None,
    tier: Sequence[int] | np.ndarray | None = None,
) -> Suppression:
    """Extend a primary suppression so that no suppressed cell can be derived exactly.

    Parameters
    ----------
    values : array of float, shape (n_cells,)
        Non-negative cell values (counts).
    relations : sequence of (total, members)
        Published additive relations ``values[total] == sum(values[members])`` (cell indices).
        Relations that do not hold on ``values`` are ignored.
    primary : array of bool, shape (n_units,)
        Units suppressed by the threshold rules.
    unit : array of int, shape (n_cells,), optional
        The unit (published row) each cell belongs to; a unit is suppressed as a whole.
        Default: each cell is its own unit.
    cost : array of float, shape (n_units,), optional
        Complements are chosen smallest cost first. Default: the largest value of the unit.
    eligible : array of bool, shape (n_units,), optional
        Units that may be chosen as complements. Default: all. An ineligible unit that is not
        primary is treated as published.
    sensitive : array of bool, shape (n_cells,), optional
        Cells that must not be derivable once suppressed. Default: every cell (then no
        suppressed cell, primary or secondary, can be recovered exactly).
    tier : array of int, shape (n_units,), optional
        Complements come from the lowest tier first (before non-zero, member and cost
        preferences). Default: all 0. protect() puts headline rows in tier 1, so an answer
        count is given up before a share.

    Returns
    -------
    Suppression

    Notes
    -----
    Until nothing changes: (1) a relation with exactly one suppressed unit that would give
    away a sensitive cell gets a complement; (2) the exact audit
    (:func:`rapstats.protect.audit._determined_cells`) finds every sensitive suppressed cell
    the published ones still determine, and the best candidate of the nearest relation is
    suppressed for each. See ``docs/disclosure.md`` for the guarantee and its limits.

    Examples
    --------
    A margin 3 + 12 + 20 = 35 with the 3 suppressed forces the 12 out too:

    >>> res = secondary_suppression([35, 3, 12, 20], [(0, [1, 2, 3])], [0, 1, 0, 0])
    >>> res.suppressed.tolist()
    [False, True, True, False]
    """
    primary = np.asarray(primary, dtype=bool)
    problem = _Problem.of(values, relations, primary.size, unit, cost, eligible, sensitive, tier)
    supp = primary.copy()
    exposed = np.array([], dtype=int)
    for _ in range(primary.size + 1):
        problem.close_single_relations(supp)
        pinned = _determined_cells(problem.values, problem.rels, supp[problem.unit])
        pinned = pinned[problem.sensitive[pinned]]
        if pinned.size == 0 or not problem.repair(supp, pinned):
            exposed = pinned
            break
    return Suppression(suppressed=supp, primary=primary, exposed=exposed)


@dataclass(frozen=True, slots=True)
class _Problem:
    """The inputs of :func:`secondary_suppression` as arrays, with the relations that hold.

    ``rels`` holds each exact relation as (cells, coefficients) of ``-total + sum(members)
    = 0``; ``cell_rels`` the relations each cell is in; ``incidence`` and ``touches`` (pairs
    of relation and unit, each once, as two arrays) mark the units in a relation and the units
    with a sensitive cell in it, so one ``bincount`` counts the suppressed units of every
    relation (sparse: memory grows with the relations' sizes, not relations x units).
    """

    values: np.ndarray
    unit: np.ndarray
    cost: np.ndarray
    eligible: np.ndarray
    sensitive: np.ndarray
    tier: np.ndarray
    rels: list[tuple[np.ndarray, np.ndarray]]
    cell_rels: list[list[int]]
    incidence: tuple[np.ndarray, np.ndarray]
    touches: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(
        cls,
        values: Sequence[float] | np.ndarray,
        relations: Sequence[tuple[int, Sequence[int]]],
        n_units: int,
        unit: Sequence[int] | np.ndarray | None,
        cost: Sequence[float] | np.ndarray | None,
        eligible: Sequence[bool] | np.ndarray | None,
        sensitive: Sequence[bool] | np.ndarray | None,
        tier: Sequence[int] | np.ndarray | None,
    ) -> _Problem:
        """Defaults filled in (see :func:`secondary_suppression`), exact relations kept."""
        values = np.asarray(values, dtype=float)
        n = len(values)
        unit = np.arange(n) if unit is None else np.asarray(unit, dtype=int)
        if cost is None:
            cost = np.zeros(n_units)
            np.maximum.at(cost, unit, values)
        sensitive = np.ones(n, bool) if sensitive is None else np.asarray(sensitive, bool)
        rels = _exact_relations(values, relations)
        cell_rels: list[list[int]] = [[] for _ in range(n)]
        for r, (cells, _) in enumerate(rels):
            for c in cells.tolist():
                cell_rels[c].append(r)
        flat = np.concatenate([cells for cells, _ in rels] or [np.zeros(0, int)])
        rel_of = np.repeat(np.arange(len(rels)), [cells.size for cells, _ in rels])
        return cls(
            values=values,
            unit=unit,
            cost=np.asarray(cost, dtype=float),
            eligible=np.ones(n_units, bool) if eligible is None else np.asarray(eligible, bool),
            sensitive=sensitive,
            tier=np.zeros(n_units, int) if tier is None else np.asarray(tier, int),
            rels=rels,
            cell_rels=cell_rels,
            incidence=_pairs(rel_of, unit[flat], n_units),
            touches=_pairs(rel_of[sensitive[flat]], unit[flat[sensitive[flat]]], n_units),
        )

    def choose(self, cells: np.ndarray, is_total: np.ndarray, supp: np.ndarray) -> int | None:
        """The best published, eligible unit among ``cells``: lowest tier, non-zero value,
        member before total, smallest cost, first cell; None if there is none."""
        u = self.unit[cells]
        ok = ~supp[u] & self.eligible[u]
        if not ok.any():
            return None
        cells, is_total, u = cells[ok], is_total[ok], u[ok]
        order = np.lexsort((cells, self.cost[u], is_total, self.values[cells] <= 0, self.tier[u]))
        return int(u[order[0]])

    def close_single_relations(self, supp: np.ndarray) -> None:
        """Step 1 (in place): a relation with exactly one suppressed unit gets another, when
        what the relation would give away is sensitive.

        The audit is exact; this only finds the obvious complements first, so that e.g. a
        multi-select option's shared base does not pull every other option out.
        """
        n_rels = len(self.rels)
        (inc_rel, inc_unit), (touch_rel, touch_unit) = self.incidence, self.touches
        hidden_count = np.bincount(inc_rel, weights=supp[inc_unit], minlength=n_rels)
        hidden_sensitive = np.bincount(touch_rel, weights=supp[touch_unit], minlength=n_rels)
        stuck = np.zeros(n_rels, bool)
        while True:
            todo = np.flatnonzero((hidden_count == 1) & (hidden_sensitive > 0) & ~stuck)
            if todo.size == 0:
                return
            r = int(todo[0])
            cells, coef = self.rels[r]
            u = self.choose(cells, coef < 0, supp)
            if u is None:
                stuck[r] = True
                continue
            supp[u] = True
            hidden_count += np.bincount(inc_rel[inc_unit == u], minlength=n_rels)
            hidden_sensitive += np.bincount(touch_rel[touch_unit == u], minlength=n_rels)

    def repair(self, supp: np.ndarray, pinned: np.ndarray) -> bool:
        """Step 2 (in place): suppress a complement for each pinned cell, cheapest first, at
        most one per relation; False when there was none left to suppress."""
        touched: set[int] = set()
        added = False
        for c in pinned[np.argsort(self.cost[self.unit[pinned]], kind="stable")]:
            if touched.intersection(self.cell_rels[c]):
                continue
            pick, r = self._complement(c, supp)
            if r is not None:
                touched.add(r)
            if pick is not None:
                supp[pick] = True
                added = True
        return added

    def _complement(self, c: int, supp: np.ndarray) -> tuple[int | None, int | None]:
        """The complement for pinned cell ``c`` and the relation it was found in: the best
        candidate among the relations ``c`` is in; failing that, the best unit anywhere (more
        suppression, never less protection) and no relation."""
        options: list[tuple[tuple[Any, ...], int, int]] = []
        for r in self.cell_rels[c]:
            cells, coef = self.rels[r]
            u = self.choose(cells, coef < 0, supp)
            if u is not None:
                k = int(np.flatnonzero(self.unit[cells] == u)[0])
                key = (self.tier[u], self.values[cells[k]] <= 0, coef[k] < 0, self.cost[u], u)
                options.append((key, u, r))
        if options:
            _, pick, r = min(options)
            return pick, r
        n = len(self.values)
        return self.choose(np.arange(n), np.zeros(n, bool), supp), None


def _pairs(rel: np.ndarray, unit: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (relation, unit) pairs, as two arrays."""
    code = np.unique(rel.astype(np.int64) * n_units + unit)
    return code // n_units, code % n_units


def _exact_relations(
    values: np.ndarray, relations: Sequence[tuple[int, Sequence[int]]]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The relations that hold on ``values``, as (cells, coefficients): total first (-1)."""
    rels: list[tuple[np.ndarray, np.ndarray]] = []
    for total, members in relations:
        members = np.asarray(members, dtype=int)
        if members.size == 0 or abs(values[total] - values[members].sum()) > _TOL:
            continue
        cells = np.concatenate([[total], members])
        coef = np.concatenate([[-1.0], np.ones(members.size)])
        rels.append((cells, coef))
    return rels


def group_relations(keys: Sequence[tuple[Any, ...]]) -> list[tuple[int, list[int]]]:
    """Additive relations among the cells of one table, from their group keys.

    ``keys[i]`` holds cell i's value of each grouping variable, None where the cell is not
    split by it (the overall cell is all None). For every pair of published layers (sets of
    split variables) K < K', each cell of K is the sum of the cells of K' that agree with it.

    Examples
    --------
    An overall cell (0), two margin cells (1, 2):

    >>> group_relations([(None,), ("a",), ("b",)])
    [(0, [1, 2])]
    """
    layers: dict[frozenset[int], list[int]] = {}
    for i, key in enumerate(keys):
        layers.setdefault(frozenset(j for j, v in enumerate(key) if v is not None), []).append(i)
    out: list[tuple[int, list[int]]] = []
    for k, cells in layers.items():
        for k2, cells2 in layers.items():
            if k < k2:
                out += _layer_relations(keys, sorted(k), cells, cells2)
    return out


def _layer_relations(
    keys: Sequence[tuple[Any, ...]], dims: list[int], cells: list[int], finer: list[int]
) -> list[tuple[int, list[int]]]:
    """Each cell of a layer as the sum of the cells of a ``finer`` one agreeing on ``dims``."""
    index: dict[tuple[Any, ...], list[int]] = {}
    for c in finer:
        index.setdefault(tuple(keys[c][j] for j in dims), []).append(c)
    out: list[tuple[int, list[int]]] = []
    for c in cells:
        members = index.get(tuple(keys[c][j] for j in dims))
        if members:
            out.append((c, members))
    return out
