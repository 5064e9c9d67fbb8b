"""Test for a linear trend in proportions across ordered groups (Cochran-Armitage).

:func:`trend_test` is R's ``prop.trend.test(x, n, score)``: the weighted regression of the
shares ``x / n`` on the scores, with weights ``n / (p (1 - p))`` for the pooled share ``p``;
the statistic is the regression sum of squares, chi-square on 1 degree of freedom.

References
----------
.. [1] Armitage P (1955). Tests for linear trends in proportions and frequencies.
   Biometrics 11(3):375-386. doi:10.2307/3001775
.. [2] Cochran WG (1954). Some methods for strengthening the common chi-square tests.
   Biometrics 10(4):417-451. doi:10.2307/3001616
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rapstats.stats._common import ArgumentError


@dataclass(frozen=True, slots=True)
class TrendTestResult:
    """Cochran-Armitage test of each row: ``statistic`` (X-squared), ``p_value`` (two-sided,
    chi-square on ``df`` = 1); missing (NaN) where every share of the row is 0 or every one
    is 1 (R stops with an error there)."""

    statistic: np.ndarray
    p_value: np.ndarray
    df: int = 1


def trend_test(x: np.ndarray, n: np.ndarray, scores: np.ndarray | None = None) -> TrendTestResult:
    """Chi-square test for a linear trend in proportions, as R ``prop.trend.test``.

    Parameters
    ----------
    x, n : array_like, shape (k,) or (m, k)
        Successes and bases of ``k`` ordered groups (waves), one test per row. Bases must be
        positive; counts need not be whole (weighted data pass effective counts).
    scores : array_like, shape (k,), optional
        The groups' scores. Default 1, 2, ..., k (R's default).

    Returns
    -------
    TrendTestResult
        Arrays of shape (m,) (one float each for a single row).

    Notes
    -----
    With ``p = sum(x) / sum(n)`` and weights ``w = n / (p (1 - p))``, the statistic is
    ``(sum w (s - s_w)(f - f_w))^2 / sum w (s - s_w)^2`` for shares ``f = x / n`` and scores
    ``s`` (``s_w``, ``f_w`` their ``w``-weighted means): the sum of squares of the score in
    R's ``anova(lm(freq ~ score, weights = w))``. No continuity correction.

    References
    ----------
    Armitage P (1955). Tests for linear trends in proportions and frequencies. Biometrics
    11(3):375-386. doi:10.2307/3001775. Cochran WG (1954). Some methods for strengthening the
    common chi-square tests. Biometrics 10(4):417-451. doi:10.2307/3001616.

    Examples
    --------
    >>> r = trend_test([15, 10, 8], [40, 40, 40])
    >>> round(float(r.statistic), 4), round(float(r.p_value), 5)
    (3.0721, 0.07965)
    """
    from scipy.special import chdtrc

    xs, ns = np.atleast_2d(np.asarray(x, float)), np.atleast_2d(np.asarray(n, float))
    if xs.shape != ns.shape or xs.shape[1] < 2:
        raise ArgumentError("x and n must have the same shape, with two or more groups")
    if np.any(ns <= 0) or np.any(xs < 0) or np.any(xs > ns):
        raise ArgumentError("n must be positive and 0 <= x <= n")
    s = np.arange(1.0, xs.shape[1] + 1) if scores is None else np.asarray(scores, float)
    if s.shape != (xs.shape[1],):
        raise ArgumentError(f"scores must have one value per group ({xs.shape[1]})")
    pooled = xs.sum(axis=1, keepdims=True) / ns.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = ns / (pooled * (1 - pooled))
        total = w.sum(axis=1, keepdims=True)
        ds = s - (w * s).sum(axis=1, keepdims=True) / total
        f = xs / ns
        df_ = f - (w * f).sum(axis=1, keepdims=True) / total
        statistic = (w * ds * df_).sum(axis=1) ** 2 / (w * ds**2).sum(axis=1)
    statistic = np.where((pooled[:, 0] > 0) & (pooled[:, 0] < 1), statistic, np.nan)
    p = chdtrc(1, statistic)
    if np.ndim(x) == 1:
        return TrendTestResult(statistic=statistic[0], p_value=p[0])
    return TrendTestResult(statistic=statistic, p_value=p)
