"""Two independent proportions: intervals for the difference, and tests of equality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import (
    ArgumentError,
    broadcast,
    check_choice,
    check_confidence,
    check_integer,
    counts,
    finish,
    is_scalar,
    normal_p_value,
    z_quantile,
)
from rapstats.stats.baseline import R_REL_ERR, binom_logpmf, mover_difference
from rapstats.stats.ci import Interval, _wilson, _wilson_cc
from rapstats.vocab import DIFF_METHODS, TWO_SAMPLE_TESTS, DiffMethod, TwoSampleTest

#: Fisher's test sums at most this many hypergeometric terms in one call (about 10 s).
MAX_FISHER_SUPPORT = 20_000_000


@dataclass(frozen=True, slots=True)
class TwoSampleTestResult:
    """Result of :func:`two_sample_test`.

    Attributes
    ----------
    p_value : float or numpy.ndarray
        Two-sided p-value.
    chisq : float, numpy.ndarray or None
        Pearson X-squared (1 df), with Yates' correction for ``chisq_yates``; None for Fisher.
    z : float, numpy.ndarray or None
        sqrt(chisq) signed by p1 - p2 (for ``chisq_nocc`` the pooled score z); None for Fisher.
    test : str
        The test used.
    """

    p_value: Any
    chisq: Any
    z: Any
    test: str


def diff_ci(
    x1: Any,
    n1: Any,
    x2: Any,
    n2: Any,
    method: DiffMethod = "newcombe",
    confidence: float = 0.95,
) -> Interval:
    """Confidence interval for the difference p1 - p2 of two independent proportions.

    Parameters
    ----------
    x1, n1 : float or array_like
        Successes and base of sample 1 (fractional counts such as share * n accepted).
    x2, n2 : float or array_like
        Successes and base of sample 2. All four broadcast together.
    method : {'newcombe', 'newcombe_cc', 'wald', 'agresti_caffo'}
        Default ``'newcombe'``.

        * ``newcombe``: Newcombe (1998) method 10, square-and-add of the Wilson limits.
        * ``newcombe_cc``: method 11, the same from continuity-corrected Wilson limits
          (method 4).
        * ``wald``: method 1, d ± z·sqrt(p1q1/n1 + p2q2/n2); for comparison only.
        * ``agresti_caffo``: Wald interval after adding one success and one failure to each
          sample, (xi + 1)/(ni + 2).
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.

    Returns
    -------
    Interval
        Limits for p1 - p2 (floats for scalar inputs), ``method`` and ``confidence``.

    Raises
    ------
    ValueError
        For invalid counts, ``confidence`` outside (0, 1) or an unknown ``method``.

    Notes
    -----
    All limits are clipped to [-1, 1] (as SAS; statsmodels does not clip Wald-type
    limits). The Wilson limits inherit :func:`proportion_ci`'s edges (L = 0 at x = 0,
    U = 1 at x = n), so 0/10 vs 0/10 gives a non-degenerate Newcombe interval while the
    Wald interval is [0, 0]. Swapping the samples negates and swaps the limits.

    References
    ----------
    .. [1] Newcombe RG (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Stat Med 17:873-890.
       doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
    .. [2] Agresti A, Caffo B (2000). Simple and effective confidence intervals for
       proportions and differences of proportions result from adding two successes and two
       failures. Am Stat 54:280-288. doi:10.1080/00031305.2000.10474560

    Examples
    --------
    >>> ci = diff_ci(56, 70, 48, 80)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.0524, 0.3339)
    """
    check_choice("method", method, DIFF_METHODS)
    conf = check_confidence(confidence)
    scalar = is_scalar(x1, n1, x2, n2)
    x1a, n1a = counts(x1, n1, "x1", "n1")
    x2a, n2a = counts(x2, n2, "x2", "n2")
    x1a, n1a, x2a, n2a = broadcast(x1=x1a, n1=n1a, x2=x2a, n2=n2a)
    if method in ("newcombe", "newcombe_cc"):
        single = _wilson if method == "newcombe" else _wilson_cc
        l1, u1 = single(x1a, n1a, conf)
        l2, u2 = single(x2a, n2a, conf)
        low, high = mover_difference(x1a / n1a, l1, u1, x2a / n2a, l2, u2)
    else:
        add = 1.0 if method == "agresti_caffo" else 0.0
        p1 = (x1a + add) / (n1a + 2.0 * add)
        p2 = (x2a + add) / (n2a + 2.0 * add)
        se = np.sqrt(p1 * (1.0 - p1) / (n1a + 2.0 * add) + p2 * (1.0 - p2) / (n2a + 2.0 * add))
        half = z_quantile(conf) * se
        low = np.clip(p1 - p2 - half, -1.0, 1.0)
        high = np.clip(p1 - p2 + half, -1.0, 1.0)
    return Interval(finish(low, scalar), finish(high, scalar), method, conf)


def two_sample_test(
    x1: Any, n1: Any, x2: Any, n2: Any, test: TwoSampleTest = "chisq_nocc"
) -> TwoSampleTestResult:
    """Two-sided test that two independent proportions are equal, for one or many tables.

    Parameters
    ----------
    x1, n1, x2, n2 : float or array_like
        Successes and bases of the two samples (whole numbers for ``fisher``); broadcast.
    test : {'chisq_nocc', 'chisq_yates', 'fisher'}
        Default ``'chisq_nocc'``.

        * ``chisq_nocc``: Pearson chi-square without continuity correction, equal to the
          pooled score z-test squared; R ``prop.test(correct = FALSE)``.
        * ``chisq_yates``: with Yates' correction as R ``prop.test``, i.e. the correction
          min(0.5, |p1 - p2| / (1/n1 + 1/n2)).
        * ``fisher``: Fisher's exact test, R ``fisher.test`` on the 2x2 table.

    Returns
    -------
    TwoSampleTestResult
        ``p_value``, ``chisq`` and ``z`` (signed by p1 - p2); Fisher gives only ``p_value``.

    Raises
    ------
    ValueError
        For invalid counts or an unknown ``test``.

    Notes
    -----
    The chi-square is undefined (NaN statistic and p-value, as in R) when both samples are
    all successes or all failures; Fisher's test then gives p = 1. Fisher's two-sided
    p-value sums the hypergeometric probabilities no larger than the observed one times
    1 + 1e-7 (R's rule), each probability computed by Loader's method as R's ``dhyper`` (no
    table of log factorials, so memory does not grow with the totals). A call whose tables
    would need more than ``MAX_FISHER_SUPPORT`` (2e7) terms in all, i.e. totals above about
    1e12, raises ``ValueError`` naming ``chisq_nocc`` instead. No test needs scipy.

    References
    ----------
    .. [1] Fisher RA (1922). On the interpretation of chi-square from contingency tables, and
       the calculation of P. JRSS 85:87-94. doi:10.2307/2340521
    .. [2] Yates F (1934). Contingency tables involving small numbers and the chi-square
       test. Suppl JRSS 1:217-235. doi:10.2307/2983604

    Examples
    --------
    >>> r = two_sample_test(7, 34, 1, 34)
    >>> round(r.chisq, 4), round(r.z, 4), round(r.p_value, 4)
    (5.1, 2.2583, 0.0239)
    >>> round(two_sample_test(1, 34, 7, 34, test="fisher").p_value, 4)
    0.0544
    """
    check_choice("test", test, TWO_SAMPLE_TESTS)
    scalar = is_scalar(x1, n1, x2, n2)
    x1a, n1a = counts(x1, n1, "x1", "n1")
    x2a, n2a = counts(x2, n2, "x2", "n2")
    x1a, n1a, x2a, n2a = broadcast(x1=x1a, n1=n1a, x2=x2a, n2=n2a)
    if test == "fisher":
        for name, arr in (("x1", x1a), ("n1", n1a), ("x2", x2a), ("n2", n2a)):
            check_integer(name, arr)
        p = _fisher_p_value(x1a, n1a, x2a, n2a)
        return TwoSampleTestResult(finish(p, scalar), None, None, test)
    d = x1a / n1a - x2a / n2a
    harm = 1.0 / n1a + 1.0 / n2a
    pooled = (x1a + x2a) / (n1a + n2a)
    yates = np.minimum(0.5, np.abs(d) / harm) if test == "chisq_yates" else 0.0
    # |x - E| is the same in all four cells of the 2x2 table: |d| / (1/n1 + 1/n2).
    dev = np.abs(d) / harm - yates
    with np.errstate(invalid="ignore", divide="ignore"):
        chisq = dev**2 * harm / (pooled * (1.0 - pooled))
        z = np.sign(d) * np.sqrt(chisq)
    p = normal_p_value(z, "two-sided")
    return TwoSampleTestResult(finish(p, scalar), finish(chisq, scalar), finish(z, scalar), test)


def _fisher_p_value(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-sided Fisher exact p-value as R's ``fisher.test`` for 2x2 tables.

    R sums the hypergeometric probabilities over the whole support. Here each cell's support
    is first cut to the outcomes that can matter: by Hoeffding's inequality,
    P(|X - E X| >= t) <= 2 exp(-2 t²/m) with m = min(r1, r2, c1, c2), so outcomes further
    than t_max from E X have probability below 1e-20 times the observed one and change the
    sum by less than (n1 + n2) * 1e-20 relative. The remaining supports are laid end to end
    in flat arrays (no loop over cells), in chunks that bound memory.
    """
    shape = x1.shape
    if x1.size == 0:
        return np.empty(shape)
    a = x1.ravel().astype(np.int64)
    r1 = n1.ravel().astype(np.int64)
    r2 = n2.ravel().astype(np.int64)
    c1 = a + x2.ravel().astype(np.int64)  # first column total (successes)
    total = r1 + r2

    def logpmf(k: np.ndarray, m: np.ndarray, n: np.ndarray, t: np.ndarray) -> np.ndarray:
        # log dhyper(k, m, n, t), as R: dbinom(k, m, p) dbinom(t - k, n, p) / dbinom(t, m + n, p)
        # with p = t / (m + n), each term by Loader's method (accurate for any totals).
        p = t / (m + n)
        return binom_logpmf(k, m, p) + binom_logpmf(t - k, n, p) - binom_logpmf(t, m + n, p)

    lp_obs = logpmf(a, r1, r2, c1)
    spread = np.maximum(np.minimum(np.minimum(r1, r2), np.minimum(c1, total - c1)), 1)
    t_max = np.sqrt(spread / 2.0 * (np.log(2.0) - lp_obs + 20.0 * np.log(10.0))) + 1.0
    mean = c1 * r1 / total
    lo = np.maximum(np.maximum(0, c1 - r2), np.floor(mean - t_max).astype(np.int64))
    hi = np.minimum(np.minimum(c1, r1), np.ceil(mean + t_max).astype(np.int64))
    size = hi - lo + 1
    if size.sum() > MAX_FISHER_SUPPORT:
        raise ArgumentError(
            f"Fisher's exact test at these counts would sum over {size.sum():.3g} tables "
            f"(more than {MAX_FISHER_SUPPORT:.0e}); use test 'chisq_nocc', the large-sample test, "
            "which is accurate at such sizes."
        )
    out = np.empty(a.size)
    # Chunks of cells whose supports total at most ~4 million outcomes.
    bounds = np.searchsorted(np.cumsum(size), np.arange(1, 1 + size.sum() // 4_000_000) * 4_000_000)
    for cells in np.split(np.arange(a.size), np.unique(bounds[bounds < a.size])):
        if cells.size == 0:
            continue
        sz = size[cells]
        starts = np.concatenate(([0], np.cumsum(sz)[:-1]))
        idx = np.repeat(cells, sz)
        k = lo[idx] + (np.arange(sz.sum()) - np.repeat(starts, sz))
        lp = logpmf(k, r1[idx], r2[idx], c1[idx])
        top = np.maximum.reduceat(lp, starts)
        d = np.exp(lp - np.repeat(top, sz))
        d_obs = np.exp(lp_obs[cells] - top)
        keep = d <= np.repeat(d_obs, sz) * R_REL_ERR
        out[cells] = np.add.reduceat(np.where(keep, d, 0.0), starts) / np.add.reduceat(d, starts)
    return np.clip(out, 0.0, 1.0).reshape(shape)
