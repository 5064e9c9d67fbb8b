"""Groups of one sample compared: homogeneity of a share across groups, and the difference
between two groups of a weighted sample.

:func:`homogeneity_test`
    Pearson's chi-square on the k x 2 table (group x positive / not), as R
    ``chisq.test(table, correct = FALSE)``.
:func:`rao_scott_test`
    The same hypothesis for a weighted (weights-only) design: Pearson's statistic of the
    weighted table with the Rao-Scott second-order correction, as R
    ``survey::svychisq(~y + group, design, statistic = "F")``.
:func:`domain_difference`
    The difference of two disjoint groups' weighted shares with its design-based (Taylor
    linearised) standard error, normal interval and Wald test, as R ``svyby(...,
    covmat = TRUE)`` followed by ``svycontrast`` and ``confint``.

Only ``scipy.special`` is used (for the chi-square and F tail areas), imported when needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import ArgumentError, check_confidence, normal_sf, z_quantile
from rapstats.stats.ci import Interval


@dataclass(frozen=True, slots=True)
class HomogeneityResult:
    """A test that a share is the same in every group.

    Attributes
    ----------
    test : str
        ``"chisq"`` (Pearson) or ``"rao_scott"`` (design-based F).
    statistic : float
        Pearson's X-squared, or the Rao-Scott F; NaN where the test is undefined (fewer than
        two groups with respondents, or a share of 0 or 1 overall).
    df : float
        Degrees of freedom of X-squared (groups - 1), or the F's numerator df (d0, not
        necessarily whole).
    df_denominator : float or None
        The F's denominator df (d0 times the design's df); None for Pearson.
    p_value : float
        Upper tail area of the statistic's reference distribution.
    """

    test: str
    statistic: float
    df: float
    df_denominator: float | None
    p_value: float


def _groups(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 1:
        raise ArgumentError(f"{name} must be one value per group (a 1-d array).")
    return arr


def homogeneity_test(x: Any, n: Any) -> HomogeneityResult:
    """Pearson's chi-square test that ``x / n`` is the same in every group.

    Parameters
    ----------
    x, n : array_like
        Positives and bases, one per group. Groups with ``n == 0`` are left out.

    Returns
    -------
    HomogeneityResult
        ``test = "chisq"``, ``df`` = groups left - 1.

    Notes
    -----
    X-squared = sum over the 2k cells of (observed - expected)^2 / expected, without
    continuity correction (R ``chisq.test(cbind(x, n - x), correct = FALSE)``); the p-value
    is the chi-square upper tail on k - 1 df. Undefined (NaN) with fewer than two groups or
    when every answer is positive, or none is.

    References
    ----------
    .. [1] Pearson K (1900). On the criterion that a given system of deviations from the
       probable... Philos Mag 50(302):157-175. doi:10.1080/14786440009463897
    .. [2] Agresti A (2013). Categorical Data Analysis, 3rd ed., section 3.2. Wiley.

    Examples
    --------
    >>> r = homogeneity_test([28, 18, 12], [40, 36, 30])
    >>> round(r.statistic, 4), r.df, round(r.p_value, 4)
    (6.7164, 2.0, 0.0348)

    R: ``chisq.test(cbind(c(28, 18, 12), c(12, 18, 18)), correct = FALSE)`` gives
    X-squared = 6.7164, df = 2, p-value = 0.0348.
    """
    from scipy.special import chdtrc

    x, n = _groups("x", x), _groups("n", n)
    if x.shape != n.shape or np.any((x < 0) | (x > n)):
        raise ArgumentError("x and n must have one value per group, with 0 <= x <= n.")
    keep = n > 0
    x, n = x[keep], n[keep]
    total, positive = n.sum(), x.sum()
    df = float(len(n) - 1)
    if len(n) < 2 or positive in (0.0, total):
        return HomogeneityResult("chisq", np.nan, df, None, np.nan)
    expected = np.stack([n * positive / total, n * (total - positive) / total])
    observed = np.stack([x, n - x])
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    return HomogeneityResult("chisq", statistic, df, None, float(chdtrc(df, statistic)))


def rao_scott_test(
    n: Any, sum_w: Any, sum_wy: Any, sum_w2: Any, sum_w2y: Any, *, n_total: int
) -> HomogeneityResult:
    """Rao-Scott corrected chi-square test that a weighted share is the same in every group.

    The design is weights only (R ``svydesign(ids = ~1, weights = ~w)``) and the groups
    partition the question's base (the respondents who answered), as R ``svychisq`` on
    ``subset(design, answered)``.

    Parameters
    ----------
    n : array_like
        Respondents in the base, per group (groups with none are left out).
    sum_w, sum_wy, sum_w2, sum_w2y : array_like
        Per group: sums of w, w y, w², w² y over the base, y the 0/1 outcome.
    n_total : int
        Respondents in the whole sample (the scale n/(n - 1) of the linearised variance, as
        for :func:`rapstats.stats.weighted_proportion_from_sums`).

    Returns
    -------
    HomogeneityResult
        ``test = "rao_scott"``: ``statistic`` the F, ``df`` and ``df_denominator`` its
        degrees of freedom.

    Notes
    -----
    As ``survey:::svychisq.survey.design`` (statistic ``"F"``): the 2k cell proportions p
    of the weighted table, their linearised covariance V, Pearson's X-squared of the table
    scaled to the base's N respondents, the contrast matrix C of the interaction (residuals of
    the interaction columns on the main effects), Delta = (C' D⁻¹ C / N)⁻¹ C' D⁻¹ V D⁻¹ C
    with D = diag(p); F = X-squared / tr(Delta) on d0 = tr(Delta)² / tr(Delta²) and
    d0 (N - 1) degrees of freedom.

    References
    ----------
    .. [1] Rao JNK, Scott AJ (1984). On chi-squared tests for multiway contingency tables
       with cell proportions estimated from survey data. Ann Stat 12(1):46-60.
       doi:10.1214/aos/1176346391

    Examples
    --------
    Two groups of 6 and 5 respondents (weights 1, 1, 2, 2, 1.5, 1.5 and 1, 1.5, 2, 1, 1):

    >>> r = rao_scott_test([6, 5], [9.0, 6.5], [3.0, 1.0], [14.5, 9.25], [5.0, 1.0], n_total=11)
    >>> round(r.statistic, 5), r.df, r.df_denominator, round(r.p_value, 4)
    (0.46407, 1.0, 10.0, 0.5112)

    R: ``svychisq(~y + g, svydesign(ids = ~1, weights = ~w, data = d), statistic = "F")``
    gives F = 0.46407, ndf = 1, ddf = 10, p-value = 0.5112.
    """
    from scipy.special import fdtrc

    named = {"n": n, "sum_w": sum_w, "sum_wy": sum_wy, "sum_w2": sum_w2, "sum_w2y": sum_w2y}
    n_, sw, swy, sw2, sw2y = (_groups(k, v) for k, v in named.items())
    keep = n_ > 0
    n_, sw, swy, sw2, sw2y = n_[keep], sw[keep], swy[keep], sw2[keep], sw2y[keep]
    k = len(n_)
    big_n = n_.sum()
    if k < 2 or swy.sum() <= 0 or swy.sum() >= sw.sum():
        return HomogeneityResult("rao_scott", np.nan, np.nan, np.nan, np.nan)
    # cells: (positive, group 1..k) then (not positive, group 1..k)
    total = sw.sum()
    p = np.concatenate([swy, sw - swy]) / total
    s2 = np.concatenate([sw2y, sw2 - sw2y])
    cov = np.diag(s2) - np.outer(s2, p) - np.outer(p, s2) + np.outer(p, p) * s2.sum()
    cov *= n_total / (n_total - 1.0) / total**2
    expected = np.outer([p[:k].sum(), p[k:].sum()], p[:k] + p[k:]).ravel()
    pearson = big_n * float(np.sum((p - expected) ** 2 / expected))
    delta = _design_effects(p, cov, k, big_n)
    trace, trace2 = np.trace(delta), np.trace(delta @ delta)
    statistic = float(pearson / trace)
    d0 = float(trace**2 / trace2)
    ddf = d0 * (float(big_n) - 1.0)
    return HomogeneityResult("rao_scott", statistic, d0, ddf, float(fdtrc(d0, ddf, statistic)))


def _design_effects(p: np.ndarray, cov: np.ndarray, k: int, big_n: float) -> np.ndarray:
    """Rao-Scott's generalised design effects matrix Delta of the 2 x k table's interaction."""
    rows = np.repeat([0.0, 1.0], k)
    cols = np.tile(np.arange(k), 2)
    dummies = (cols[:, None] == np.arange(1, k)[None, :]).astype(float)
    main = np.column_stack([np.ones(2 * k), rows, dummies])
    inter = rows[:, None] * dummies
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    c = inter - main @ coef
    inv = np.where(p > 0, 1.0 / np.where(p > 0, p, 1.0), 0.0)
    denom = c.T @ (inv[:, None] * c) / big_n
    numer = c.T @ (inv[:, None] * cov * inv[None, :]) @ c
    return np.linalg.solve(denom, numer)


@dataclass(frozen=True, slots=True)
class DomainDifference:
    """``estimate`` (share 1 - share 2), its ``se``, the normal ``ci`` (method
    ``"wald_design"``) and the two-sided Wald ``p_value``."""

    estimate: np.ndarray
    se: np.ndarray
    ci: Interval
    p_value: np.ndarray


def domain_difference(
    p1: Any, se1: Any, p2: Any, se2: Any, *, confidence: float = 0.95
) -> DomainDifference:
    """The difference of the weighted shares of two disjoint groups of one sample.

    Parameters
    ----------
    p1, se1, p2, se2 : array_like
        Each group's share and its design-based (linearised) standard error, as from
        :func:`rapstats.stats.weighted_proportion_from_sums`.
    confidence : float, optional
        Confidence level of the interval. Default 0.95.

    Returns
    -------
    DomainDifference

    Notes
    -----
    In a with-replacement (weights-only) design the linearised scores of two disjoint domains
    never share a respondent, so their covariance is zero and the variance of the difference
    is se1² + se2² (what R ``svycontrast`` computes from ``svyby(..., covmat = TRUE)``). The
    interval is the difference ± z se (R ``confint``), the test z = difference / se against
    the standard normal.

    References
    ----------
    .. [1] Binder DA (1983). On the variances of asymptotically normal estimators from
       complex surveys. Int Stat Rev 51(3):279-292. doi:10.2307/1402588
    .. [2] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8):1-19.
       doi:10.18637/jss.v009.i08

    Examples
    --------
    >>> d = domain_difference(0.7, 0.08, 0.45, 0.05)
    >>> round(float(d.estimate), 4), round(float(d.ci.low), 4), round(float(d.p_value), 4)
    (0.25, 0.0651, 0.008)
    """
    conf = check_confidence(confidence)
    p1, se1, p2, se2 = (np.asarray(v, dtype=float) for v in (p1, se1, p2, se2))
    diff = p1 - p2
    se = np.sqrt(se1**2 + se2**2)
    half = z_quantile(conf) * se
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = np.where(se > 0, 2.0 * normal_sf(np.abs(diff) / se), np.nan)
    return DomainDifference(
        estimate=diff,
        se=se,
        ci=Interval(diff - half, diff + half, "wald_design", conf),
        p_value=p_value,
    )


__all__ = [
    "DomainDifference",
    "HomogeneityResult",
    "domain_difference",
    "homogeneity_test",
    "rao_scott_test",
]
