"""Statistical disclosure control and reliability flags: after stats, before render.

:func:`protect` is the one place where the rules of the spec's ``[disclosure]`` table
(:class:`rapstats.spec.Disclosure`) are applied. Every renderer reads a protected
:class:`~rapstats.estimate.Summary`, so the terminal table, CSV, JSON, Markdown and every
later format obey the same rules.

Flags
-----
Each row of ``summary.rows`` and ``summary.frequencies`` has a ``flag``: None, or a string that
starts with a GSS symbol and then gives the reason::

    "[c] base below 10"            confidential: every number of the cell is removed
    "[c] count below 10"
    "[c] secondary suppression"
    "[u] low reliability: effective n 23 < 30"     published with a warning
    "[x] no respondents"           nothing to estimate (base 0)
    "[x] withheld, low reliability: ..."           only with ``withhold_unreliable = true``

For a ``[c]`` row every numeric column except ``baseline`` (public) is set to missing: base,
positive, share, ci_low, ci_high, diff, diff_low, diff_high, p_value, p_adjusted, effective_n
(and any numeric column added later). Count columns then hold Python ints and None (the
nullable ``Int64`` dtype in ``Summary.rows``), so a suppressed count is ``null``, never a
number.

Primary suppression
-------------------
* A share whose base (unweighted respondents) is 1 to ``min_base - 1`` is ``[c]``. A base of 0
  identifies no one: the row is published with base 0 and flagged ``[x] no respondents``.
* A share whose positive count *or* non-positive count (``base - positive``) is below
  ``min_count`` is ``[c]``: base and share publish both counts, so "100% of 12" discloses that
  all 12 answered positively. Zero counts in a non-empty cell count as small (a 0% or 100% share
  is group attribute disclosure).
* A frequency count below ``min_count`` (including 0) in a cell with respondents is ``[c]``,
  except the non-answers ``(blank)`` / ``(not answered)``, which say nothing about anyone's
  views (they still enter the relations below and can be suppressed as complements).

Secondary suppression (``secondary = true``)
--------------------------------------------
Per question, the published additive relations are collected as linear equations
``total = sum(members)``:

* for every quantity (base, positive, non-positive per option; each answer's count): the overall
  cell is the sum of each grouping variable's margin, and each margin cell is the sum of the
  cross cells in it (the two-way table's rows and columns); with 3+ variables, each published
  layer is the sum of every finer published layer;
* within a cell: the base is the sum of the in-base answer counts, the positive count the sum of
  the positive answers, and the cell's respondents are the sum of all answers (conservatively
  assumed known when 10 or more, since another question's frequencies would give them away);
  a multi-select option's positive count equals that answer's frequency.

Relations that do not hold exactly on the data are not used (they cannot give exact values).
Then, until nothing changes:

1. whenever a relation has exactly one suppressed number, the unsuppressed cell in it with the
   smallest base is suppressed too (answer counts before headline shares, non-zero values
   first, members before the total);
2. an audit finds every sensitive suppressed number (the small base, positive or non-positive
   count of a primary row; every suppressed answer count) that the published numbers still
   determine exactly over the non-negative reals: Gauss-Jordan elimination of the relations
   restricted to suppressed numbers, once the zero counts that no feasible change can raise
   are fixed at zero; those come from one small linear program per group of linked
   suppressed numbers, and only where zeros leave the answer open (:func:`_movable_cells`,
   solved by the bounded simplex of :mod:`rapstats.protect._simplex`, no scipy); for each one, the
   best candidate (same order as in 1) in the nearest relation that still has an
   unsuppressed cell is suppressed.

Guarantee: no sensitive suppressed number can be recovered exactly from the
published numbers of the same question through the relations above, even by combining several
relations and using that counts are non-negative. Limits: the feasible interval of a suppressed
number may be narrow (there is no minimum protection interval as in tau-ARGUS); relations
between questions, between separate runs with different ``--by`` variables, or with other
publications are not considered; the choice of complements is greedy (smallest cell), not an
optimal (minimum information loss) solution. Rounding of shares is not relied upon.

Reliability (separate from disclosure)
--------------------------------------
Following the NCHS Data Presentation Standards for Proportions (Parker et al. 2017), a published
share is unreliable when its effective sample size is below ``min_effective_n`` (30), its
confidence interval is ``max_abs_ci_width`` (0.30) wide or wider, or it is wider than 0.05 and
its relative width exceeds ``max_rel_ci_width`` (130%). NCHS computes the relative width on p
and asks for review when the complement 1 - p fails it; rapstats divides by
``min(p, 1 - p)``, so the rule is symmetric (a share and its complement are one estimate) and a
share of 0 or 1 with a CI wider than 0.05 is flagged. The interval is the one the spec chose
(Wilson by default; NCHS uses Clopper-Pearson / Korn-Graubard). Unreliable shares are marked
``[u]`` and published; with ``withhold_unreliable = true`` they are withheld (``[x]``).

References
----------
.. [1] Office for National Statistics, "Statistical disclosure control policy".
.. [2] Government Statistical Service, "Symbols in tables, definitions and help" ([c], [u],
   [x], [z]).
.. [3] Parker JD, Talih M, Malec DJ, et al. "National Center for Health Statistics Data
   Presentation Standards for Proportions", Vital Health Stat 2(175), 2017.
.. [4] Hundepool A, et al. "Statistical Disclosure Control", Wiley, 2012, ch. 4 (tabular data).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.estimate.summary import Summary, group_column
from rapstats.protect._simplex import bounded_simplex
from rapstats.spec import Disclosure, Spec, fold_label
from rapstats.table import Table, positions

UNSAFE_BANNER = "UNSUPPRESSED – NOT FOR PUBLICATION"
SYMBOLS: dict[str, str] = {
    "[c]": "confidential: not published, to protect the people who responded",
    "[u]": "low reliability: published, but treat with caution",
    "[x]": "not available",
}
# NCHS (2017): the relative-width criterion applies only when the interval is wider than this.
NCHS_RELATIVE_FROM = 0.05
PUBLIC_COLUMNS = ("baseline",)
_TOL = 1e-7


# ---------------------------------------------------------------------------------------------
# The suppression engine on plain arrays


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
    See the module docstring for the algorithm and its limits.

    Examples
    --------
    A margin 3 + 12 + 20 = 35 with the 3 suppressed forces the 12 out too:

    >>> res = secondary_suppression([35, 3, 12, 20], [(0, [1, 2, 3])], [0, 1, 0, 0])
    >>> res.suppressed.tolist()
    [False, True, True, False]
    """
    values = np.asarray(values, dtype=float)
    primary = np.asarray(primary, dtype=bool)
    n = len(values)
    unit = np.arange(n) if unit is None else np.asarray(unit, dtype=int)
    n_units = len(primary)
    if cost is None:
        cost = np.zeros(n_units)
        np.maximum.at(cost, unit, values)
    cost = np.asarray(cost, dtype=float)
    eligible = np.ones(n_units, bool) if eligible is None else np.asarray(eligible, bool)
    sensitive = np.ones(n, bool) if sensitive is None else np.asarray(sensitive, bool)
    tier = np.zeros(n_units, int) if tier is None else np.asarray(tier, int)

    rels: list[tuple[np.ndarray, np.ndarray]] = []  # (cells, coefficients)
    for total, members in relations:
        members = np.asarray(members, dtype=int)
        if members.size == 0 or abs(values[total] - values[members].sum()) > _TOL:
            continue
        cells = np.concatenate([[total], members])
        coef = np.concatenate([[-1.0], np.ones(members.size)])
        rels.append((cells, coef))
    cell_rels: list[list[int]] = [[] for _ in range(n)]
    for r, (cells, _) in enumerate(rels):
        for c in cells:
            cell_rels[c].append(r)

    supp = primary.copy()

    def choose(cells: np.ndarray, is_total: np.ndarray) -> int | None:
        u = unit[cells]
        ok = ~supp[u] & eligible[u]
        if not ok.any():
            return None
        cells, is_total, u = cells[ok], is_total[ok], u[ok]
        order = np.lexsort((cells, cost[u], is_total, values[cells] <= 0, tier[u]))
        return int(u[order[0]])

    # incidence of units in relations: counts of suppressed units per relation in one product;
    # and of the units with a sensitive cell in the relation
    incidence = np.zeros((len(rels), n_units), dtype=np.int32)
    touches = np.zeros((len(rels), n_units), dtype=np.int32)
    for r, (cells, _) in enumerate(rels):
        incidence[r, unit[cells]] = 1
        touches[r, unit[cells[sensitive[cells]]]] = 1
    exposed = np.array([], dtype=int)
    for _ in range(n_units + 1):
        # 1. single-relation rule: a relation with exactly one suppressed unit gets another,
        # when what the relation would give away is sensitive (the audit below is exact; this
        # only finds the obvious complements first, so that e.g. a multi-select option's
        # shared base does not pull every other option out)
        hidden_count = incidence @ supp.astype(np.int32)
        hidden_sensitive = touches @ supp.astype(np.int32)
        stuck = np.zeros(len(rels), bool)
        while True:
            todo = np.flatnonzero((hidden_count == 1) & (hidden_sensitive > 0) & ~stuck)
            if todo.size == 0:
                break
            r = int(todo[0])
            cells, coef = rels[r]
            u = choose(cells, coef < 0)
            if u is None:
                stuck[r] = True
                continue
            supp[u] = True
            hidden_count += incidence[:, u]
            hidden_sensitive += touches[:, u]
        # 2. audit and repair
        pinned = _determined_cells(values, rels, supp[unit])
        pinned = pinned[sensitive[pinned]]
        if pinned.size == 0:
            exposed = pinned
            break
        touched: set[int] = set()
        added = False
        for c in pinned[np.argsort(cost[unit[pinned]], kind="stable")]:
            if touched.intersection(cell_rels[c]):
                continue
            # the best candidate among the relations the pinned cell is in; failing that, the
            # best unit anywhere (more suppression, never less protection)
            options = []
            for r in cell_rels[c]:
                cells, coef = rels[r]
                u = choose(cells, coef < 0)
                if u is not None:
                    k = int(np.flatnonzero(unit[cells] == u)[0])
                    options.append(
                        ((tier[u], values[cells[k]] <= 0, coef[k] < 0, cost[u], u), u, r)
                    )
            if options:
                _, pick, r = min(options)
                touched.add(r)
            else:
                pick = choose(np.arange(n), np.zeros(n, bool))
            if pick is not None:
                supp[pick] = True
                added = True
        if not added:
            exposed = pinned
            break
    return Suppression(suppressed=supp, primary=primary, exposed=exposed)


def _free_cells(a: np.ndarray) -> np.ndarray:
    """Which unknowns of ``a @ y = b`` are not fixed by the equations (real solutions).

    Gauss-Jordan elimination with partial pivoting (elementwise numpy, no multithreaded BLAS:
    the matrices are small, sparse and hold small integers). An unknown is fixed exactly when
    its column is a pivot whose reduced row is zero in every free column.
    """
    r = a.astype(float)
    n_rows, m = r.shape
    pivot_row = np.full(m, -1)
    row = 0
    for col in range(m):
        if row >= n_rows:
            break
        p = row + int(np.argmax(np.abs(r[row:, col])))
        if abs(r[p, col]) < 1e-9:
            continue
        if p != row:
            r[[row, p]] = r[[p, row]]
        r[row] /= r[row, col]
        nz = np.flatnonzero(np.abs(r[:, col]) > 1e-12)
        nz = nz[nz != row]
        if nz.size:
            r[nz] -= np.outer(r[nz, col], r[row])
        pivot_row[col] = row
        row += 1
    is_free = pivot_row < 0
    free = is_free.copy()
    piv = np.flatnonzero(~is_free)
    if piv.size and is_free.any():
        free[piv] = (np.abs(r[pivot_row[piv]][:, is_free]) > 1e-9).any(axis=1)
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

    Z+ needs linear programming (:func:`_growable_zeros`), but only when the two linear
    bounds disagree: the cells free in {a d = 0} (Z+ = all zero cells) and in
    {a d = 0, d_i = 0 on every zero cell} (Z+ empty).
    """
    free = _free_cells(a)
    zero = x <= 0
    if not (zero & free).any():  # every zero cell is pinned by the equations alone
        return free
    on_face = _free_cells(np.vstack([a, np.eye(x.size)[zero]]))
    if (free == on_face).all():
        return free
    stuck = zero & ~_growable_zeros(a, zero, zero & free)
    return _free_cells(np.vstack([a, np.eye(x.size)[stuck]]))


def _growable_zeros(a: np.ndarray, zero: np.ndarray, candidates: np.ndarray) -> np.ndarray:
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


def group_relations(keys: Sequence[tuple[Any, ...]]) -> list[tuple[int, list[int]]]:
    """Additive relations among the cells of one table, from their group keys.

    ``keys[i]`` holds cell i's value of each grouping variable, None where the cell is not
    split by it (the overall cell is all None). For every pair of published layers (sets of
    split variables) K < K', each cell of K is the sum of the cells of K' that agree with it.
    """
    layers: dict[frozenset[int], list[int]] = {}
    for i, key in enumerate(keys):
        layers.setdefault(frozenset(j for j, v in enumerate(key) if v is not None), []).append(i)
    out: list[tuple[int, list[int]]] = []
    for k, cells in layers.items():
        for k2, cells2 in layers.items():
            if not k < k2:
                continue
            dims = sorted(k)
            index: dict[tuple[Any, ...], list[int]] = {}
            for c in cells2:
                index.setdefault(tuple(keys[c][j] for j in dims), []).append(c)
            for c in cells:
                members = index.get(tuple(keys[c][j] for j in dims))
                if members:
                    out.append((c, members))
    return out


# ---------------------------------------------------------------------------------------------
# Reliability


def reliability_reasons(
    share: np.ndarray,
    ci_low: np.ndarray,
    ci_high: np.ndarray,
    effective_n: np.ndarray,
    settings: Disclosure | None = None,
) -> list[str | None]:
    """Why each estimate is unreliable (NCHS 2017 criteria), or None.

    Parameters
    ----------
    share, ci_low, ci_high, effective_n : array of float
        Estimates, interval bounds and effective sample sizes (NaN = not available).
    settings : Disclosure, optional
        Thresholds; default ``Disclosure()`` (n_eff < 30, width >= 0.30, relative > 130%).

    Returns
    -------
    list of str or None
        e.g. ``"effective n 23 < 30; relative CI width 140% > 130%"``.

    Notes
    -----
    The relative width is ``(ci_high - ci_low) / min(p, 1 - p)`` (see the module docstring),
    applied only when the absolute width exceeds 0.05.
    """
    s = settings or Disclosure()
    p = np.asarray(share, dtype=float)
    n_eff = np.asarray(effective_n, dtype=float)
    width = np.asarray(ci_high, dtype=float) - np.asarray(ci_low, dtype=float)
    q = np.minimum(p, 1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(q > 0, width / np.where(q > 0, q, 1.0), np.inf)
    small_n = n_eff < s.min_effective_n
    wide = width >= s.max_abs_ci_width - 1e-12
    rel_wide = (width > NCHS_RELATIVE_FROM) & (rel > s.max_rel_ci_width) & ~np.isnan(p)
    out: list[str | None] = []
    for i in range(p.size):
        reasons = []
        if small_n[i]:
            reasons.append(f"effective n {_num(n_eff[i])} < {_num(s.min_effective_n)}")
        if wide[i]:
            reasons.append(f"CI width {width[i]:.2f} ≥ {s.max_abs_ci_width:.2f}")
        elif rel_wide[i]:
            shown = "∞" if np.isinf(rel[i]) else f"{rel[i]:.0%}"
            reasons.append(f"relative CI width {shown} > {s.max_rel_ci_width:.0%}")
        out.append("; ".join(reasons) or None)
    return out


def _pp(v: float) -> str:
    return _num(100 * v)


def _num(v: float) -> str:
    return str(int(round(v))) if abs(v - round(v)) < 0.05 else f"{v:.1f}"


# ---------------------------------------------------------------------------------------------
# protect

# What a withheld row still shows: the question, its grouping values (columns group:NAME) and
# the public baseline. Every other column is data-derived and is blanked.
PUBLIC_ROW_COLUMNS = ("question", "option", "text", "workstream", "baseline", "baseline_source")
PUBLIC_FREQ_COLUMNS = ("question", "answer", "kind", "in_base")
_STATUS = ("symbol", "reason")


def protect(
    summary: Summary,
    *,
    unsafe_no_suppression: bool = False,
    settings: Disclosure | None = None,
    publish: tuple[str, ...] | None = None,
) -> Summary:
    """Apply disclosure control, reliability flags and label redaction to a Summary.

    Parameters
    ----------
    summary : rapstats.estimate.summary.Summary
        An unprotected summary (``disclosure`` is None).
    unsafe_no_suppression : bool, default False
        Internal working files only: suppress nothing, keep ``[u]`` marks, and set
        ``disclosure["banner"]`` to ``"UNSUPPRESSED – NOT FOR PUBLICATION"``, which every
        renderer writes at the top and in its metadata.
    settings : Disclosure, optional
        Default: ``summary.spec.disclosure``.
    publish : tuple of str, optional
        The tables that will be published, of ``("rows", "frequencies")``. Only they constrain
        secondary suppression; a table not published is dropped (emptied) from the result.
        Default: the rows, and the frequencies when the summary has them (a summary built
        with ``with_frequencies=False`` publishes rows only).

    Returns
    -------
    Summary
        A copy whose tables carry the typed status: ``symbol`` (None, ``"[c]"``, ``"[u]"``
        or ``"[x]"``) and ``reason`` (for the analyst; no output prints it), with every
        data-derived value of a withheld row missing, and labels holding personal data
        redacted. ``disclosure`` is a dict: ``rules`` (sentences for the methods note),
        ``symbols`` (legend), ``unsafe``, ``banner``, ``settings``, ``suppressed`` (counts)
        and ``redacted_labels``. In unsafe mode ``suppressed`` counts what would have been
        suppressed.
    """
    s = settings or summary.spec.disclosure
    by = tuple(summary.by)
    rows: Table = summary.table
    freq: Table = summary.frequency_table
    if publish is None:
        publish = ("rows", "frequencies") if len(freq) else ("rows",)
    if "frequencies" not in publish:
        freq = freq.take(np.zeros(0, dtype=np.int64))
    text_q = [q.id for q in summary.spec.questions if q.type == "text"]
    if text_q:  # open text never reaches an output through the tables
        rows = rows.take(~np.isin(rows["question"], text_q))
        freq = freq.take(~np.isin(freq["question"], text_q))

    row_primary, row_reason = _row_primary(rows, s)
    fr_primary, fr_reason = _freq_primary(freq, s)
    row_supp, fr_supp = row_primary.copy(), fr_primary.copy()
    keeps_base = _keeps_base(rows, s)
    exposed = 0
    if s.secondary:
        questions = {q.id: q for q in summary.spec.questions}
        fpos = positions(freq["question"]) if len(freq) else {}
        for qid, rsel in positions(rows["question"]).items():
            fsel = fpos.get(qid, np.zeros(0, dtype=np.int64))
            res, n_exp = _protect_question(
                rows,
                rsel,
                freq,
                fsel,
                by,
                questions.get(qid),
                s,
                row_primary,
                fr_primary,
                keeps_base,
            )
            row_supp[rsel] = res[: rsel.size]
            fr_supp[fsel] = res[rsel.size :]
            exposed += n_exp
    row_reason = np.where(row_supp & ~row_primary, "secondary suppression", row_reason)
    fr_reason = np.where(fr_supp & ~fr_primary, "secondary suppression", fr_reason)
    row_symbol = np.where(row_supp, "[c]", None)
    fr_symbol = np.where(fr_supp, "[c]", None)
    nothing = ~row_supp & (rows["base"] <= 0)
    row_symbol[nothing] = "[x]"
    row_reason[nothing] = "no respondents in the base"

    # reliability on what is published
    reasons = reliability_reasons(
        rows["share"], rows["ci_low"], rows["ci_high"], rows["effective_n"], s
    )
    unreliable = np.array(
        [r is not None and sym is None for r, sym in zip(reasons, row_symbol, strict=True)],
        dtype=bool,
    )
    withhold = unreliable & s.withhold_unreliable & (not unsafe_no_suppression)
    for i in np.flatnonzero(unreliable):
        row_symbol[i] = "[x]" if withhold[i] else "[u]"
        row_reason[i] = "low reliability: " + str(reasons[i])

    counts = {
        "rows_primary": int(row_primary.sum()),
        "rows_secondary": int((row_supp & ~row_primary).sum()),
        "rows_unreliable": int(unreliable.sum()),
        "rows_withheld_unreliable": int(withhold.sum()),
        "frequencies_primary": int(fr_primary.sum()),
        "frequencies_secondary": int((fr_supp & ~fr_primary).sum()),
        "exposed": int(exposed),
    }
    if unsafe_no_suppression:
        row_symbol = np.where(row_symbol == "[u]", "[u]", None)
        row_reason = np.where(row_symbol == "[u]", row_reason, None)
        fr_symbol = np.full(len(freq), None, dtype=object)
        fr_reason = np.full(len(freq), None, dtype=object)
    else:
        groups = tuple(group_column(b) for b in by)
        public_rows = PUBLIC_ROW_COLUMNS + groups + _STATUS
        rows = _withhold(rows, row_supp & keeps_base, keep=(*public_rows, "base"))
        rows = _withhold(rows, row_supp & ~keeps_base, keep=public_rows)
        rows = _withhold(rows, withhold, keep=(*public_rows, "base", "effective_n"))
        freq = _withhold(freq, fr_supp, keep=PUBLIC_FREQ_COLUMNS + groups + _STATUS)
        freq = _hide_hidden_bases(rows, freq, by)
    spec, rows, freq, redacted = _redact_labels(summary, rows, freq)
    rows = _set_status(rows, row_symbol, row_reason)
    freq = _set_status(freq, fr_symbol, fr_reason)
    disclosure = {
        "rules": disclosure_rules(s, unsafe=unsafe_no_suppression),
        "symbols": dict(SYMBOLS),
        "unsafe": bool(unsafe_no_suppression),
        "banner": UNSAFE_BANNER if unsafe_no_suppression else None,
        "settings": {k: getattr(s, k) for k in Disclosure.__dataclass_fields__},
        "suppressed": counts,
        "redacted_labels": redacted,
    }
    return dataclasses.replace(
        summary, table=rows, frequency_table=freq, spec=spec, disclosure=disclosure
    )


def _hide_hidden_bases(rows: Table, freq: Table, by: tuple[str, ...]) -> Table:
    """Blank ``share_of_base`` in the cells whose base is withheld.

    A published count and its share of the base give the base (count / share), so a share of
    the base is published only where the base itself is: in a cell with a published row of
    the same question. Otherwise a withheld base could be read off any published answer.
    """
    if not len(freq):
        return freq
    shown = ~np.array([v is None or v != v for v in rows["base"].tolist()], dtype=bool)
    published = set(
        zip(
            rows["question"][shown].tolist(),
            _cell_keys(rows, np.flatnonzero(shown), by),
            strict=True,
        )
    )
    keys = zip(freq["question"].tolist(), _cell_keys(freq, np.arange(len(freq)), by), strict=True)
    hidden = np.array([k not in published for k in keys], dtype=bool)
    return freq.assign({"share_of_base": np.where(hidden, np.nan, freq["share_of_base"])})


def protect_changes(changes: Table, now: Summary, previous: Summary) -> Table:
    """Withhold the change of every row that either protected wave withholds.

    Parameters
    ----------
    changes : Table
        From :func:`rapstats.estimate.waves.compare_waves` on the unprotected summaries.
    now, previous : Summary
        The two waves, protected (:func:`protect`).

    Returns
    -------
    Table
        ``changes`` with ``symbol`` (the withheld row's symbol, ``[c]`` first) and the change
        and its interval missing where a wave's share is not published.
    """
    symbols = [_headline_symbols(s) for s in (now, previous)]
    out = np.full(len(changes), None, dtype=object)
    keys = list(zip(changes["question"].tolist(), changes["option"].tolist(), strict=True))
    for k, key in enumerate(keys):
        found = [s.get(key, "[x]") for s in symbols]
        hidden = [f for f in found if f in ("[c]", "[x]")]
        if hidden:
            out[k] = "[c]" if "[c]" in hidden else "[x]"
    held = np.array([v is not None for v in out], dtype=bool)
    table = _withhold(changes, held, keep=("question", "option", "method"))
    return table.assign({"symbol": out})


def _headline_symbols(summary: Summary) -> dict[tuple[Any, Any], Any]:
    """(question, option) -> symbol of the rows not split by a group (missing share: [x])."""
    t = summary.table
    out = {}
    for rec in t.records():
        if any(rec[group_column(b)] is not None for b in summary.by):
            continue
        symbol = rec["symbol"] or (None if rec["share"] == rec["share"] else "[x]")
        out[(rec["question"], rec["option"])] = symbol
    return out


def _set_status(table: Table, symbol: np.ndarray, reason: np.ndarray) -> Table:
    """The protected table: typed status set, the cells' respondents (an input) dropped."""
    out = {c: table[c] for c in table.columns if c not in ("respondents", *_STATUS)}
    out["symbol"] = np.asarray(symbol, dtype=object)
    out["reason"] = np.asarray(reason, dtype=object)
    return Table(out, length=len(table))


def disclosure_rules(settings: Disclosure | None = None, *, unsafe: bool = False) -> list[str]:
    """The rules in force, as plain-English sentences for every output's methods note."""
    s = settings or Disclosure()
    if unsafe:
        return [
            f"{UNSAFE_BANNER}: disclosure control was switched off "
            "(--unsafe-no-suppression); this output may identify respondents and is for "
            "internal working only."
        ] + _reliability_rules(s, withhold=False)
    rules = [
        f"Shares based on fewer than {s.min_base} respondents are not published [c], and "
        f"nothing at all is published of a group of fewer than {s.min_base} respondents.",
        f"Counts below {s.min_count} are not published [c]: for a share this applies to the "
        "number who gave a positive answer and to the number who did not (a share of 0% or "
        "100% counts as a count of 0); a share with no one in its base is shown as [x].",
        "A withheld figure is shown by its symbol only: everything computed from it (base, "
        "share, interval, difference, test and p-value) is withheld with it.",
    ]
    if s.publish_bases:
        rules.append(
            "Unweighted bases are published even where the share is withheld (except for "
            f"groups of fewer than {s.min_base} respondents)."
        )
    if s.secondary:
        rules.append(
            "Where a suppressed figure could be worked out from totals and other published "
            "figures (by subtraction, across rows and columns), further figures are suppressed "
            "[c] until none can be (secondary suppression)."
        )
    else:
        rules.append(
            "Secondary suppression is switched off: a suppressed figure may be derivable "
            "from totals."
        )
    return rules + _reliability_rules(s, withhold=s.withhold_unreliable)


def _reliability_rules(s: Disclosure, *, withhold: bool) -> list[str]:
    action = "are withheld [x]" if withhold else "are marked [u] (low reliability)"
    return [
        f"Estimates {action} when the effective sample size is below "
        f"{_num(s.min_effective_n)}, the confidence interval is {_pp(s.max_abs_ci_width)} "
        f"percentage points wide or wider, or it is wider than {_pp(NCHS_RELATIVE_FROM)} points "
        f"and more than {s.max_rel_ci_width:.0%} of the share (or of its complement, for shares "
        "above "
        "50%), following the NCHS Data Presentation Standards for Proportions (2017)."
    ]


# ---------------------------------------------------------------------------------------------
# Helpers of protect


def _row_primary(rows: Table, s: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Rows withheld by a threshold rule, and why (the analyst's reason, never published).

    A base below ``min_base`` is withheld; so is a base of 0 in a group of fewer than
    ``min_base`` respondents (a group too small to publish publishes nothing, not even that
    none of it answered). A base of 0 in a larger group has nothing to estimate ([x], set by
    :func:`protect`).
    """
    base = rows["base"].astype(float)
    pos = rows["positive"].astype(float)
    small_base = _small_base(base, rows["respondents"], s)
    small_count = (base > 0) & ~small_base & ((pos < s.min_count) | (base - pos < s.min_count))
    reason = np.full(len(rows), None, dtype=object)
    reason[small_base] = f"base below {s.min_base}"
    reason[small_count] = f"count below {s.min_count}"
    return small_base | small_count, reason


def _small_base(base: np.ndarray, respondents: np.ndarray, s: Disclosure) -> np.ndarray:
    """Bases that are sensitive: 1 to ``min_base - 1``, or 0 in a group that small."""
    return (base < s.min_base) & ((base > 0) | (respondents < s.min_base))


def _keeps_base(rows: Table, s: Disclosure) -> np.ndarray:
    """Rows whose base stays published when withheld (``publish_bases`` policy): those of
    groups with at least ``min_base`` respondents."""
    if not s.publish_bases:
        return np.zeros(len(rows), dtype=bool)
    return rows["respondents"] >= s.min_base


def _cell_keys(table: Table, rows: np.ndarray, by: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The grouping values of each selected row (None where the row is not split)."""
    if not by:
        return [()] * len(rows)
    return list(zip(*(table[group_column(g)][rows].tolist() for g in by), strict=True))


def _freq_primary(freq: Table, s: Disclosure) -> tuple[np.ndarray, np.ndarray]:
    """Frequency rows withheld by a threshold rule, and why.

    A count of a real answer (``kind == "answer"``) below ``min_count`` in a cell with
    respondents is withheld, zero included; the counts of rapstats' own non-answer rows
    (``blank``, ``not_answered``) say nothing about anyone's views and are withheld only in a
    group of fewer than ``min_base`` respondents, where everything is.
    """
    if not len(freq):
        return np.zeros(0, bool), np.zeros(0, dtype=object)
    count = freq["count"].astype(float)
    small_group = freq["respondents"] < s.min_base
    answer = freq["kind"] == "answer"
    small_count = answer & (count < s.min_count) & ~small_group
    reason = np.full(len(freq), None, dtype=object)
    reason[small_count] = f"count below {s.min_count}"
    reason[small_group] = f"group below {s.min_base}"
    return small_count | small_group, reason


def _protect_question(
    rows: Table,
    rsel: np.ndarray,
    freq: Table | None,
    fsel: np.ndarray,
    by: tuple[str, ...],
    question: Any,
    s: Disclosure,
    row_primary: np.ndarray,
    fr_primary: np.ndarray,
    keeps_base: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Joint secondary suppression of one question's rows and frequencies."""
    nr = rsel.size
    rkeys = _cell_keys(rows, rsel, by)
    ropt = rows["option"][rsel].tolist()
    base = rows["base"][rsel].astype(float)
    pos = rows["positive"][rsel].astype(float)
    small = _small_base(base, rows["respondents"][rsel], s)
    values: list[float] = []
    unit: list[int] = []
    # row unit i: cells 3i (base), 3i+1 (positive), 3i+2 (non-positive); a base published by
    # policy (publish_bases) is a unit of its own that is never suppressed
    sensitive: list[bool] = []
    published_bases: list[int] = []
    relations: list[tuple[int, Sequence[int]]] = []
    for i in range(nr):
        values += [base[i], pos[i], base[i] - pos[i]]
        unit += [i, i, i]
        sensitive += [
            bool(small[i]) and not keeps_base[rsel[i]],
            bool(small[i] or pos[i] < s.min_count),
            bool(small[i] or base[i] - pos[i] < s.min_count),
        ]
        if keeps_base[rsel[i]]:
            # the base is published apart from the counts it splits into (a withheld row
            # otherwise hides all three together, and its base is their sum implicitly)
            published_bases.append(3 * i)
            relations.append((3 * i, [3 * i + 1, 3 * i + 2]))
    for opt in dict.fromkeys(ropt):
        idx = [i for i in range(nr) if ropt[i] == opt]
        for total, members in group_relations([rkeys[i] for i in idx]):
            for qn in range(3):
                relations.append((3 * idx[total] + qn, [3 * idx[m] + qn for m in members]))
    first: dict[tuple[Any, ...], int] = {}
    for i in range(nr):  # options of a multi-select question share their base
        if ropt[i] is not None:
            j = first.setdefault(rkeys[i], i)
            if j != i:
                relations.append((3 * j, [3 * i]))
    cost = list(base)
    eligible = [True] * nr
    primary = list(row_primary[rsel])
    nf = fsel.size
    if nf:
        fkeys = _cell_keys(freq, fsel, by)
        answers = [str(a) for a in freq["answer"][fsel].tolist()]
        counts = freq["count"][fsel].astype(float)
        in_base = freq["in_base"][fsel].astype(bool) if "in_base" in freq else np.ones(nf, bool)
        off = len(values)
        values += counts.tolist()
        sensitive += list(fr_primary[fsel] | (freq["kind"][fsel] == "answer"))
        unit += list(range(nr, nr + nf))
        cost += counts.tolist()
        eligible += [True] * nf
        primary += list(fr_primary[fsel])
        for ans in dict.fromkeys(answers):
            idx = [i for i in range(nf) if answers[i] == ans]
            for total, members in group_relations([fkeys[i] for i in idx]):
                relations.append((off + idx[total], [off + idx[m] for m in members]))
        # respondents per cell: a virtual unit, assumed known unless it is itself small
        cells = list(dict.fromkeys(fkeys))
        n_off = len(values)
        by_cell: dict[tuple[Any, ...], list[int]] = {}
        for i, k in enumerate(fkeys):
            by_cell.setdefault(k, []).append(i)
        single = question is not None and question.type == "single"
        for j, k in enumerate(cells):
            # single choice: the answers partition the cell's respondents
            n_k = counts[by_cell[k]].sum() if single else np.nan
            if not single:  # multi-select: respondents = base + not answered
                i = next((i for i in range(nr) if rkeys[i] == k), None)
                not_base = [m for m in by_cell[k] if not in_base[m]]
                n_k = (base[i] if i is not None else 0) + counts[not_base].sum()
            values.append(n_k)
            sensitive.append(True)
            unit.append(nr + nf + j)
            cost.append(n_k)
            eligible.append(False)
            primary.append(bool(0 < n_k < s.min_count))
            if single:
                relations.append((n_off + j, [off + i for i in by_cell[k]]))
        positive = {fold_label(p) for p in question.positive} if question is not None else set()
        cell_index = {k: j for j, k in enumerate(cells)}
        for i in range(nr):
            k = rkeys[i]
            if k not in by_cell:
                continue
            members = by_cell[k]
            not_base = [off + m for m in members if not in_base[m]]
            relations.append((n_off + cell_index[k], [3 * i, *not_base]))
            if ropt[i] is not None:  # multi-select option: its frequency is its positive count
                same = [off + m for m in members if fold_label(answers[m]) == fold_label(ropt[i])]
                if same:
                    relations.append((3 * i + 1, same))
                continue
            relations.append((3 * i, [off + m for m in members if in_base[m]]))
            if positive:
                pos_m = [m for m in members if in_base[m] and fold_label(answers[m]) in positive]
                neg_m = [
                    m for m in members if in_base[m] and fold_label(answers[m]) not in positive
                ]
                relations.append((3 * i + 1, [off + m for m in pos_m]))
                relations.append((3 * i + 2, [off + m for m in neg_m]))
    for c in published_bases:  # its own unit: published, never a complement
        unit[c] = len(primary)
        cost.append(values[c])
        eligible.append(False)
        primary.append(False)
    res = secondary_suppression(
        np.array(values),
        relations,
        np.array(primary, bool),
        unit=np.array(unit),
        cost=np.array(cost),
        eligible=np.array(eligible, bool),
        sensitive=np.array(sensitive, bool),
        tier=np.array([1] * nr + [0] * (len(primary) - nr)),
    )
    supp = res.suppressed
    if res.exposed.size:  # last resort: nothing of this question is published
        supp = supp.copy()
        supp[: nr + nf] = True
    return supp[: nr + nf], int(res.exposed.size)


def _withhold(table: Table, mask: np.ndarray, keep: tuple[str, ...]) -> Table:
    """Set every column but ``keep`` to missing where ``mask``: by construction, a withheld
    row carries nothing derived from the data (a new result column is withheld too).

    Float columns get NaN; any other column becomes an object column with None.
    """
    if not mask.any():
        return table
    out: dict[str, np.ndarray] = {}
    for col in table.columns:
        if col in keep:
            continue
        values = table[col]
        if values.dtype.kind == "f":
            out[col] = np.where(mask, np.nan, values)
        else:
            withheld = values.astype(object)
            withheld[mask] = None
            out[col] = withheld
    return table.assign(out)


def _redact_labels(summary: Summary, rows: Table, freq: Table) -> tuple[Spec, Table, Table, int]:
    """Text that came from the export (question texts, options, answers, group values, column
    headers in the spec) with personal data in it is redacted
    (:func:`rapstats.protect.redact.redact`) in the spec and both tables alike, so that labels still
    match. Identifiers (question ids, group names) are kept: they key the tables; so is the
    spec's ``[report]`` title block, the publisher's own words (its contact address is meant
    to be published)."""
    from rapstats.personal import redact

    cache: dict[str, str] = {}

    def text(value: str) -> str:
        return cache.setdefault(value, redact(value)) if value not in cache else cache[value]

    def clean(values: np.ndarray) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = [text(v) if isinstance(v, str) else v for v in values.tolist()]
        return out

    def deep(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, tuple):
            return tuple(deep(v) for v in value)
        if isinstance(value, Mapping):
            return {deep(k): deep(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(
                value,
                **{
                    f.name: deep(getattr(value, f.name))
                    for f in dataclasses.fields(value)
                    if f.name not in ("id", "name", "report") and f.init
                },
            )
        return value

    groups = [group_column(b) for b in summary.by]
    spec = deep(summary.spec)
    rows = rows.assign({c: clean(rows[c]) for c in ("text", "option", *groups)})
    freq = freq.assign({c: clean(freq[c]) for c in ("answer", *groups)})
    return spec, rows, freq, sum(1 for k, v in cache.items() if k != v)
