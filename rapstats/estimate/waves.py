"""Change between two waves of the same survey: estimated like any other table.

:func:`compare_waves` gives, for every headline row (question x option, not split by a group)
present in both waves, the change in the share (this wave minus the previous one) with a
Newcombe hybrid-score interval for the difference of two independent proportions (Newcombe
1998, method 10). Weighted shares use their design-effective sample sizes (x = share * n_eff).
:func:`rapstats.protect.protect_changes` then withholds the change of a row withheld in either
wave, so the report model only reads finished, protected numbers.
"""

from __future__ import annotations

import numpy as np

from rapstats.estimate.columns import group_column
from rapstats.estimate.summary import Summary
from rapstats.table import Table


def compare_waves(now: Summary, previous: Summary, *, confidence: float) -> Table:
    """The change of each headline share from ``previous`` to ``now`` (see module notes)."""
    from rapstats.stats import diff_ci

    a, b = _headline(now), _headline(previous)
    keys = [k for k in a if k in b]
    i = np.array([a[k] for k in keys], dtype=np.int64)
    j = np.array([b[k] for k in keys], dtype=np.int64)
    p1, n1 = _shares(now.table, i)
    p2, n2 = _shares(previous.table, j)
    ok = (n1 > 0) & (n2 > 0) & ~np.isnan(p1) & ~np.isnan(p2)
    low = np.full(len(keys), np.nan)
    high = np.full(len(keys), np.nan)
    if ok.any():
        ci = diff_ci(
            p1[ok] * n1[ok],
            n1[ok],
            p2[ok] * n2[ok],
            n2[ok],
            method="newcombe",
            confidence=confidence,
        )
        low[ok], high[ok] = ci.low, ci.high
    return Table(
        {
            "question": [k[0] for k in keys],
            "option": [k[1] for k in keys],
            "change": np.where(ok, p1 - p2, np.nan),
            "change_low": low,
            "change_high": high,
            "method": ["newcombe"] * len(keys),
        },
        length=len(keys),
    )


def _headline(summary: Summary) -> dict[tuple[str, str | None], int]:
    """Row index of each (question, option) not split by any group."""
    t = summary.table
    overall = np.ones(len(t), dtype=bool)
    for b in summary.by:
        overall &= np.array([v is None for v in t[group_column(b)].tolist()], dtype=bool)
    rows = np.flatnonzero(overall)
    keys = zip(t["question"][rows].tolist(), t["option"][rows].tolist(), strict=True)
    return dict(zip(keys, rows.tolist(), strict=True))


def _shares(table: Table, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares and the sample sizes their intervals use (effective n, else the base)."""
    share = table["share"][rows].astype(float)
    n_eff = table["effective_n"][rows].astype(float)
    base = np.array([np.nan if v is None else float(v) for v in table["base"][rows]], float)
    return share, np.where(np.isnan(n_eff), base, n_eff)
