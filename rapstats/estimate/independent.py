"""Two independent samples compared: the columns every comparison row shares.

:func:`two_sample_columns` turns the positives and bases of two samples (a later and an
earlier wave, a group and the rest or a reference group) into the comparison's result columns:
both shares, the difference (sample 1 minus sample 2) with a Newcombe hybrid-score interval
(Newcombe 1998, method 10), a two-sided test (Pearson's chi-square without continuity
correction as R ``prop.test(correct = FALSE)``, or Fisher's exact test as R ``fisher.test``
where an expected count of the 2x2 table is below 5), p adjusted across the rows and
``significant``. Used by :mod:`rapstats.estimate.waves` and :mod:`rapstats.estimate.between`.
"""

from __future__ import annotations

import numpy as np


def two_sample_columns(
    x1: np.ndarray,
    n1: np.ndarray,
    x2: np.ndarray,
    n2: np.ndarray,
    *,
    weighted: bool,
    confidence: float,
    adjust: str,
) -> dict[str, np.ndarray]:
    """The comparison columns of sample 1 (``share_to``) against sample 2 (``share_from``).

    Parameters
    ----------
    x1, n1, x2, n2 : numpy.ndarray
        Positives and bases (NaN or a base of 0 where a sample has no share); for weighted
        shares the design-effective counts (share * n_eff out of n_eff), which are always
        tested with the chi-square test.
    weighted : bool
        Whether the counts are design-effective ones.
    confidence : float
        Level of the intervals; ``significant`` is the adjusted p below 1 - confidence.
    adjust : str
        Multiplicity adjustment across the rows (``none``: p as it is).

    Returns
    -------
    dict
        ``share_from``, ``share_to``, ``change``, ``change_low``, ``change_high``,
        ``method``, ``test``, ``statistic`` (Pearson's X-squared; missing for Fisher's test),
        ``p_value``, ``p_adjusted``, ``significant``; missing where a sample has no share.
    """
    from rapstats.stats import diff_ci

    ok = (n1 > 0) & (n2 > 0) & ~np.isnan(x1) & ~np.isnan(x2)
    low = np.full(len(x1), np.nan)
    high = np.full(len(x1), np.nan)
    if ok.any():
        ci = diff_ci(x1[ok], n1[ok], x2[ok], n2[ok], method="newcombe", confidence=confidence)
        low[ok], high[ok] = ci.low, ci.high
    test, statistic, p = _tests(x1, n1, x2, n2, ok, weighted=weighted)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    return {
        "share_from": np.where(ok, p2, np.nan),
        "share_to": np.where(ok, p1, np.nan),
        "change": np.where(ok, p1 - p2, np.nan),
        "change_low": low,
        "change_high": high,
        "method": np.array(["newcombe"] * len(x1), dtype=object),
        "test": test,
        "statistic": statistic,
        **tested(p, adjust, confidence),
    }


def tested(p: np.ndarray, adjust: str, confidence: float) -> dict[str, np.ndarray]:
    """``p_value``, ``p_adjusted`` (across the rows; ``none``: as they are) and
    ``significant`` (the adjusted p below 1 - confidence; None where there is no p)."""
    from rapstats.stats import p_adjust

    adjusted = p.copy()
    sel = ~np.isnan(p)
    if adjust != "none" and sel.any():
        adjusted[sel] = p_adjust(p[sel], method=adjust).adjusted
    significant = np.empty(len(p), dtype=object)
    significant[:] = [None if q != q else bool(q < 1 - confidence) for q in adjusted.tolist()]
    return {"p_value": p, "p_adjusted": adjusted, "significant": significant}


def _tests(
    x1: np.ndarray,
    n1: np.ndarray,
    x2: np.ndarray,
    n2: np.ndarray,
    ok: np.ndarray,
    *,
    weighted: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The test of each difference (chi-square, or Fisher where an expected count is below
    5), its statistic (Pearson's X-squared; missing for Fisher) and its two-sided p-value."""
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
