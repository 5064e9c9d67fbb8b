"""A series of waves: which pairs are compared, year-on-year pairs of quarters, linear trends.

* :func:`wave_pairs`: the pairs of waves (earlier, later) that ``--against`` names.
* :func:`quarter_of`: the quarter a wave's name stands for; :func:`year_pairs`: each quarterly
  wave with the same quarter a year earlier.
* :func:`trend_rows`: per question (x option) and group cell, the Cochran-Armitage test for a
  linear trend in the shares across the waves in order (R ``prop.trend.test`` with scores
  1..k), p adjusted across the trend rows. Weighted shares use their design-effective counts
  (share x effective n out of effective n), as the changes do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rapstats.estimate.independent import tested
from rapstats.estimate.summary import Summary
from rapstats.estimate.waves import _cells, _counts
from rapstats.table import Table

TREND_TEST = "cochran_armitage"
# A year and a quarter, either way round, anywhere in the name: "2026Q1", "2026 Q1", "2026-Q1",
# "2026_q1", "Q1 2026", "Q1-2026", "pulse_2026Q1", "2026Q1_final".
_YEAR_QUARTER = re.compile(r"(?<![0-9])([0-9]{4})[ _-]?[Qq]([1-4])(?![0-9])")
_QUARTER_YEAR = re.compile(r"(?<![0-9A-Za-z])[Qq]([1-4])[ _-]?([0-9]{4})(?![0-9])")


def quarter_of(name: str) -> tuple[int, int] | None:
    """The (year, quarter) a wave's name stands for, or None.

    A name holds a quarter when it has exactly one year-and-quarter in it, written
    ``YYYYQn`` or ``Qn YYYY`` with an optional space, ``-`` or ``_`` between (``q`` in either
    case): ``"2026Q1"``, ``"2026 Q1"``, ``"2026-Q1"``, ``"Q1 2026"``, ``"pulse_2026Q1"``.

    Examples
    --------
    >>> quarter_of("pulse_2026Q1"), quarter_of("Q4 2025"), quarter_of("spring 2026")
    ((2026, 1), (2025, 4), None)
    """
    found = [(int(m[1]), int(m[2])) for m in _YEAR_QUARTER.finditer(name)]
    found += [(int(m[2]), int(m[1])) for m in _QUARTER_YEAR.finditer(name)]
    return found[0] if len(set(found)) == 1 else None


def wave_pairs(count: int, against: str) -> list[tuple[int, int]]:
    """Indices (earlier, later) of the pairs compared: each wave against the one before it
    (``previous``), against the first (``first``) or every pair (``all``, i < j)."""
    if against == "all":
        return [(i, j) for j in range(1, count) for i in range(j)]
    return [(0 if against == "first" else j - 1, j) for j in range(1, count)]


def year_pairs(names: Sequence[str]) -> list[tuple[int, int]]:
    """Indices (a year earlier, wave) of every wave whose same quarter a year earlier is also a
    wave; none unless there are four or more waves and every name is a quarter."""
    quarters = [quarter_of(n) for n in names]
    if len(names) < 4 or any(q is None for q in quarters):
        return []
    index = {q: k for k, q in enumerate(quarters)}
    return [
        (index[(q[0] - 1, q[1])], j)
        for j, q in enumerate(quarters)
        if q is not None and (q[0] - 1, q[1]) in index
    ]


def trend_rows(summaries: Sequence[Summary], names: Sequence[str], *, confidence: float) -> Table:
    """The trend test of every cell (question, option, group cell) present in every wave.

    Parameters
    ----------
    summaries : sequence of Summary
        The unprotected summaries of the waves, oldest first (three or more), split by the
        same groups.
    names : sequence of str
        The waves' names: ``wave_from`` is the first, ``wave_to`` the last.
    confidence : float
        ``significant`` is the adjusted p below 1 - confidence.

    Returns
    -------
    Table
        ``kind`` (``trend``), ``question``, ``option``, ``text``, the grouping columns,
        ``wave_from``, ``wave_to``, ``test``, ``statistic``, ``p_value``, ``p_adjusted``,
        ``significant``, in the first wave's row order. No test (missing) where every share
        is 0 or every one 1, or a base is empty.
    """
    from rapstats.stats.trend import trend_test

    keyed = [_cells(s) for s in summaries]
    keys = [k for k in keyed[0] if all(k in c for c in keyed[1:])]
    x = np.empty((len(keys), len(summaries)))
    n = np.empty_like(x)
    for w, (summary, c) in enumerate(zip(summaries, keyed, strict=True)):
        x[:, w], n[:, w] = _counts(summary.table, np.array([c[k] for k in keys], np.int64))
    ok = ~np.isnan(x).any(axis=1) & (n > 0).all(axis=1)
    statistic, p = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    if ok.any():
        result = trend_test(x[ok], n[ok])
        statistic[ok], p[ok] = result.statistic, result.p_value
    tests = tested(p, summaries[-1].spec.methods.adjust, confidence)
    first = summaries[0]
    rows = np.array([keyed[0][k] for k in keys], dtype=np.int64)
    ran = ~np.isnan(statistic)
    count = len(keys)
    columns = {
        "kind": ["trend"] * count,
        "question": first.table["question"][rows],
        "option": first.table["option"][rows],
        "text": first.table["text"][rows],
        **{c: first.table[c][rows] for c in group_columns(first)},
        "wave_from": [names[0]] * count,
        "wave_to": [names[-1]] * count,
        "test": np.where(ran, TREND_TEST, None),
        "statistic": statistic,
        **tests,
    }
    return Table(columns, length=count)


def group_columns(summary: Summary) -> list[str]:
    """The grouping columns (``group:NAME``) of a summary, in its ``by`` order."""
    from rapstats.estimate.columns import group_column

    return [group_column(b) for b in summary.by]
