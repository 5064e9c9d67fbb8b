"""Change between two waves of the same survey: estimated like any other table.

:func:`compare_waves` gives, for every row (question x option x group cell: the headline
cells, and with ``--by`` each group level's) present in both waves, the shares of both waves and
the change (this wave minus the previous one, proportion units) with

* a Newcombe hybrid-score interval for the difference of two independent proportions
  (Newcombe 1998, method 10);
* a two-sided test that the shares are equal: Pearson's chi-square without continuity
  correction (R ``prop.test(correct = FALSE)``), or Fisher's exact test (R ``fisher.test``)
  where an expected count of the 2x2 table is below 5; p-values adjusted (Holm by default, as
  the spec's ``[defaults].adjust``) across the changes of the comparison; ``significant`` is
  the adjusted p below 1 - confidence.

Weighted shares use their design-effective sample sizes (x = share * n_eff) and always the
chi-square test. :func:`rapstats.protect.protect_changes` then withholds the change of a row
withheld in either wave, so outputs only read finished, protected numbers.
"""

from __future__ import annotations

import numpy as np

from rapstats.estimate.columns import group_column
from rapstats.estimate.summary import Summary
from rapstats.table import Table


def compare_waves(now: Summary, previous: Summary, *, confidence: float) -> Table:
    """The change of each share from ``previous`` to ``now`` (see module notes); both are
    split by the same groups, and a cell in one wave only is left out.

    Returns
    -------
    Table
        ``question``, ``option``, ``text``, the grouping columns (``group:NAME``, one per
        ``now.by``; None where a row is not split by it), ``share_from`` (``previous``),
        ``share_to`` (``now``), ``change``, ``change_low``, ``change_high``, ``method``, ``test``,
        ``statistic`` (Pearson's X-squared; missing for Fisher's test), ``p_value``,
        ``p_adjusted``, ``significant``.
    """
    from rapstats.stats import diff_ci

    a, b = _cells(now), _cells(previous)
    keys = [k for k in a if k in b]
    i = np.array([a[k] for k in keys], dtype=np.int64)
    j = np.array([b[k] for k in keys], dtype=np.int64)
    x1, n1 = _counts(now.table, i)
    x2, n2 = _counts(previous.table, j)
    ok = (n1 > 0) & (n2 > 0) & ~np.isnan(x1) & ~np.isnan(x2)
    low = np.full(len(keys), np.nan)
    high = np.full(len(keys), np.nan)
    if ok.any():
        ci = diff_ci(x1[ok], n1[ok], x2[ok], n2[ok], method="newcombe", confidence=confidence)
        low[ok], high[ok] = ci.low, ci.high
    test, statistic, p = _tests(x1, n1, x2, n2, ok, weighted=bool(now.methods.get("weighted")))
    adjusted = _adjusted(p, now.spec.methods.adjust)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    significant = np.empty(len(keys), dtype=object)
    significant[:] = [None if q != q else bool(q < 1 - confidence) for q in adjusted.tolist()]
    return Table(
        {
            "question": [k[0] for k in keys],
            "option": [k[1] for k in keys],
            "text": now.table["text"][i] if len(keys) else np.zeros(0, dtype=object),
            **{group_column(g): now.table[group_column(g)][i] for g in now.by},
            "share_from": np.where(ok, p2, np.nan),
            "share_to": np.where(ok, p1, np.nan),
            "change": np.where(ok, p1 - p2, np.nan),
            "change_low": low,
            "change_high": high,
            "method": ["newcombe"] * len(keys),
            "test": test,
            "statistic": statistic,
            "p_value": p,
            "p_adjusted": adjusted,
            "significant": significant,
        },
        length=len(keys),
    )


def _tests(
    x1: np.ndarray,
    n1: np.ndarray,
    x2: np.ndarray,
    n2: np.ndarray,
    ok: np.ndarray,
    *,
    weighted: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The test of each change (chi-square, or Fisher where an expected count is below 5), its
    statistic (Pearson's X-squared; missing for Fisher) and its two-sided p-value."""
    from rapstats.stats import two_sample_test

    test = np.full(len(x1), None, dtype=object)
    p = np.full(len(x1), np.nan)
    statistic = np.full(len(x1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (x1 + x2) / (n1 + n2)
        expected = np.minimum.reduce(
            [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)]
        )
    fisher = ok & (expected < 5) & (not weighted)
    for name, sel in (("fisher", fisher), ("chisq_nocc", ok & ~fisher)):
        if sel.any():
            test[sel] = name
            result = two_sample_test(x1[sel], n1[sel], x2[sel], n2[sel], test=name)
            p[sel] = result.p_value
            if result.chisq is not None:
                statistic[sel] = result.chisq
    return test, statistic, p


def _adjusted(p: np.ndarray, method: str) -> np.ndarray:
    """p-values adjusted across the comparison's changes (``none``: as they are)."""
    from rapstats.stats import p_adjust

    out = p.copy()
    sel = ~np.isnan(p)
    if method != "none" and sel.any():
        out[sel] = p_adjust(p[sel], method=method).adjusted
    return out


def _cells(summary: Summary) -> dict[tuple[str, str | None, tuple], int]:
    """Row index of each (question, option, group cell); the cell is the tuple of the row's
    grouping values in ``summary.by`` order (all None for a headline row)."""
    t = summary.table
    groups = [t[group_column(b)].tolist() for b in summary.by]
    cell = zip(*groups, strict=True) if groups else ((),) * len(t)
    keys = zip(t["question"].tolist(), t["option"].tolist(), map(tuple, cell), strict=True)
    return {k: r for r, k in enumerate(keys)}


def _counts(table: Table, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positives and bases as the interval and test use them: the counts themselves, or for
    weighted shares share * effective n out of the effective n."""
    share = table["share"][rows].astype(float)
    n_eff = table["effective_n"][rows].astype(float)
    base = np.array([np.nan if v is None else float(v) for v in table["base"][rows]], float)
    positive = np.array([np.nan if v is None else float(v) for v in table["positive"][rows]])
    design = ~np.isnan(n_eff) & (n_eff != base)
    n = np.where(design, n_eff, base)
    return np.where(design, share * n_eff, positive), n
