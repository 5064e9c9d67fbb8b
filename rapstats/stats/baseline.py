"""One proportion against a baseline: tests, and intervals for the difference."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import (
    ArgumentError,
    as_array,
    broadcast,
    check_choice,
    check_confidence,
    check_integer,
    counts,
    finish,
    is_scalar,
    normal_p_value,
    probability,
    z_quantile,
)
from rapstats.stats.ci import Interval, _wilson
from rapstats.vocab import (
    ALTERNATIVES,
    BASELINE_TESTS,
    Alternative,
    BaselineDiffMethod,
    BaselineTest,
)

# R's tolerance for "probability <= that of the observed outcome" (binom.test, fisher.test).
R_REL_ERR = 1.0 + 1e-7


@dataclass(frozen=True, slots=True)
class BaselineTestResult:
    """Result of :func:`baseline_test`.

    Attributes
    ----------
    p_value : float or numpy.ndarray
        The p-value for ``alternative``.
    z : float, numpy.ndarray or None
        Score statistic (x/n - p0)/sqrt(p0(1-p0)/n) for ``score_z``; None for the exact test.
    chisq : float, numpy.ndarray or None
        z² (R ``prop.test``'s X-squared, 1 df) for ``score_z``; None for the exact test.
    test : str
        ``"score_z"`` or ``"exact_binomial"``.
    alternative : str
        ``"two-sided"``, ``"greater"`` or ``"less"``.
    """

    p_value: Any
    z: Any
    chisq: Any
    test: str
    alternative: str


def baseline_test(
    x: Any,
    n: Any,
    p0: Any,
    test: BaselineTest = "score_z",
    alternative: Alternative = "two-sided",
) -> BaselineTestResult:
    """Test a proportion x/n against a fixed baseline p0, for one cell or a whole table.

    Parameters
    ----------
    x : float or array_like
        Successes, ``0 <= x <= n`` (whole numbers for ``exact_binomial``).
    n : float or array_like
        Base, ``n > 0``.
    p0 : float or array_like
        Baseline proportion; in (0, 1) for ``score_z``, in [0, 1] for ``exact_binomial``.
        ``x``, ``n`` and ``p0`` broadcast together.
    test : {'score_z', 'exact_binomial'}
        Default ``'score_z'``.

        * ``score_z``: score z-test z = (x/n - p0)/sqrt(p0(1 - p0)/n), chisq = z², without
          continuity correction; R ``prop.test(x, n, p = p0, correct = FALSE)``.
        * ``exact_binomial``: exact binomial test, R ``binom.test(x, n, p = p0)``.
    alternative : {'two-sided', 'greater', 'less'}
        Default ``'two-sided'``. ``'greater'`` tests p > p0.

    Returns
    -------
    BaselineTestResult
        ``p_value`` (and ``z``, ``chisq`` for the score test); floats for scalar inputs.

    Raises
    ------
    ValueError
        For invalid counts, ``p0`` out of range, or an unknown ``test``/``alternative``.

    Notes
    -----
    The variance uses p0, not x/n (a score test, not a Wald test), so x = 0 and x = n
    give finite z. The two-sided exact p-value follows R and SciPy: it sums the
    probabilities of all outcomes no more likely than the observed one, with R's relative
    tolerance 1 + 1e-7; it does not double the smaller tail. With p0 = 0 (or 1) it is 1 if
    x = 0 (x = n) and 0 otherwise. The probabilities compared are computed by Loader's
    method, as R's ``dbinom`` (:func:`binom_logpmf`), so the rule holds at any n (R gives
    p = 1 for ``binom.test(10079999, 21000000, 0.48)``, and so does this). The score test
    needs no scipy; the exact test's tails use ``scipy.special.betainc``.

    References
    ----------
    .. [1] Clopper CJ, Pearson ES (1934). Biometrika 26:404-413. doi:10.1093/biomet/26.4.404
    .. [2] Agresti A (2013). Categorical Data Analysis, 3rd ed., sec. 1.4. Wiley.
       ISBN 978-0-470-46363-5
    .. [3] R Core Team. ``binom.test`` and ``prop.test`` (R 4.2.2, package stats).

    Examples
    --------
    >>> r = baseline_test(9, 12, 0.5)
    >>> round(r.z, 4), round(r.p_value, 4)
    (1.7321, 0.0833)
    >>> round(baseline_test(1, 29, 0.01, test="exact_binomial").p_value, 4)
    0.2528
    """
    check_choice("test", test, BASELINE_TESTS)
    check_choice("alternative", alternative, ALTERNATIVES)
    scalar = is_scalar(x, n, p0)
    xa, na = counts(x, n)
    p0a = probability("p0", p0, open_interval=test == "score_z")
    xa, na, p0a = broadcast(x=xa, n=na, p0=p0a)
    if test == "score_z":
        z = (xa / na - p0a) / np.sqrt(p0a * (1.0 - p0a) / na)
        p = normal_p_value(z, alternative)
        return BaselineTestResult(
            finish(p, scalar), finish(z, scalar), finish(z * z, scalar), test, alternative
        )
    check_integer("x", xa)
    check_integer("n", na)
    p = _binom_p_value(xa, na, p0a, alternative)
    return BaselineTestResult(finish(p, scalar), None, None, test, alternative)


# stirlerr(k) = log(k!) - log(sqrt(2 pi k) (k/e)^k) for k = 0..15, from lgamma (R's table).
_STIRLERR_SMALL = np.array(
    [0.0]
    + [
        math.lgamma(k + 1.0) - (k + 0.5) * math.log(k) + k - 0.5 * math.log(2.0 * math.pi)
        for k in range(1, 16)
    ]
)


def _stirlerr(k: np.ndarray) -> np.ndarray:
    """Error of Stirling's formula for log(k!), k >= 0 whole (Loader 2000, R ``stirlerr``)."""
    kk = np.maximum(k, 16.0)
    k2 = kk * kk
    series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / k2) / k2) / k2) / k2) / kk
    small = _STIRLERR_SMALL[np.clip(k, 0, 15).astype(np.int64)]
    return np.where(k <= 15, small, series)


def _bd0(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Deviance term x log(x/m) + m - x, accurate when x is near m (Loader 2000, R ``bd0``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = x * np.log(x / m) + m - x
        v = (x - m) / (x + m)
    near = np.abs(x - m) < 0.1 * (x + m)
    v = np.where(near, v, 0.0)
    s = (x - m) * v
    term = 2.0 * x * v
    v2 = v * v
    for j in range(1, 40):  # |v| < 0.1: converged to double precision by j = 16 at most
        term = term * v2
        step = term / (2 * j + 1)
        s = s + step
        if not np.any(np.abs(step) > 1e-17 * np.abs(s)):
            break
    return np.where(near, s, direct)


def binom_logpmf(k: Any, n: Any, p: Any) -> np.ndarray:
    """log P(X = k) for X ~ Binomial(n, p), accurate to a few ulps for any n.

    Loader's saddle-point form, as R's ``dbinom``: no table of log factorials (whose
    rounding error grows with n, about 1e-8 at n = 2e7, which is the size of R's tolerance
    1 + 1e-7 in exact tests) and O(1) memory per cell. ``k`` and ``n`` are whole numbers;
    ``k`` outside [0, n] gives -inf.

    References
    ----------
    .. [1] Loader C (2000). Fast and accurate computation of binomial probabilities.
       https://www.r-project.org/doc/reports/CLoader-dbinom-2002.pdf
    """
    k, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, n, p)))
    q = 1.0 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (
            _stirlerr(n)
            - _stirlerr(k)
            - _stirlerr(n - k)
            - _bd0(k, n * p)
            - _bd0(n - k, n * q)
            - 0.5 * (np.log(2.0 * np.pi) + np.log(k) + np.log1p(-k / n))
        )
        at0 = np.where(p < 0.1, -_bd0(n, n * q) - n * p, n * np.log(q))
        atn = np.where(q < 0.1, -_bd0(n, n * p) - n * q, n * np.log(p))
    out = np.where(k == 0, at0, np.where(k == n, atn, inner))
    out = np.where(p == 0, np.where(k == 0, 0.0, -np.inf), out)
    out = np.where(q == 0, np.where(k == n, 0.0, -np.inf), out)
    out = np.where(n == 0, np.where(k == 0, 0.0, -np.inf), out)
    return np.where((k < 0) | (k > n), -np.inf, out)


def _binom_p_value(x: np.ndarray, n: np.ndarray, p: np.ndarray, alternative: str) -> np.ndarray:
    """Exact binomial p-value as R's ``binom.test`` (vectorised, no loop over cells)."""
    from scipy.special import betainc

    # Binomial tails through the regularised incomplete beta (as R's pbinom):
    # P(X <= k) = I_{1-p}(n - k, k + 1) and P(X > k) = I_p(k + 1, n - k), for 0 <= k < n.
    def cdf(k: np.ndarray) -> np.ndarray:  # P(X <= k): 0 for k < 0, 1 for k >= n
        kk = np.clip(k, 0.0, n - 1.0)
        with np.errstate(invalid="ignore"):
            tail = betainc(n - kk, kk + 1.0, 1.0 - p)
        return np.where(k < 0, 0.0, np.where(k >= n, 1.0, tail))

    def sf(k: np.ndarray) -> np.ndarray:  # P(X > k): 1 for k < 0, 0 for k >= n
        kk = np.clip(k, 0.0, n - 1.0)
        with np.errstate(invalid="ignore"):
            tail = betainc(kk + 1.0, n - kk, p)
        return np.where(k < 0, 1.0, np.where(k >= n, 0.0, tail))

    if alternative == "less":
        return np.clip(cdf(x), 0.0, 1.0)
    if alternative == "greater":
        return np.clip(sf(x - 1), 0.0, 1.0)

    inner = (p > 0) & (p < 1)
    ps = np.where(inner, p, 0.5)  # placeholder keeps the arithmetic finite at p0 = 0 or 1
    m = n * ps
    thresh = binom_logpmf(x, n, ps) + np.log(R_REL_ERR)
    below = x < m
    # The pmf is non-increasing on [ceil(m), n] and non-decreasing on [0, floor(m)], so the
    # outcomes on the far side with pmf <= d * relErr form a run ending at n (or starting at 0).
    # Find its inner end by bisection on every cell at once.
    far_lo = np.where(below, np.ceil(m), 0.0)
    far_hi = np.where(below, n, np.floor(m))
    # Below m: the first i in [ceil(m), n] with pmf(i) <= thresh (n + 1 if none).
    # Above m: the last i in [0, floor(m)] with pmf(i) <= thresh (-1 if none).
    lo = np.where(below, far_lo, far_lo - 1.0)  # invariant (below): answer in (lo - 1, hi]
    hi = np.where(below, far_hi + 1.0, far_hi)
    # Bisection: for "below" find the smallest i in [lo, hi] with ok(i) (hi = n+1 sentinel);
    # for "above" find the largest i in [lo, hi] with ok(i) (lo = -1 sentinel).
    for _ in range(int(np.ceil(np.log2(np.max(n, initial=1.0) + 2.0))) + 2):
        active = hi - lo > 0
        if not np.any(active):
            break
        mid = np.where(below, np.floor((lo + hi) / 2.0), np.ceil((lo + hi) / 2.0))
        midc = np.clip(mid, 0.0, n)
        ok = binom_logpmf(midc, n, ps) <= thresh
        ok = ok & (mid >= 0) & (mid <= n)
        # below: ok -> answer <= mid (hi = mid); else answer > mid (lo = mid + 1)
        # above: ok -> answer >= mid (lo = mid); else answer < mid (hi = mid - 1)
        new_lo = np.where(below, np.where(ok, lo, mid + 1.0), np.where(ok, mid, lo))
        new_hi = np.where(below, np.where(ok, mid, hi), np.where(ok, hi, mid - 1.0))
        lo = np.where(active, new_lo, lo)
        hi = np.where(active, new_hi, hi)
    edge = lo
    two = np.where(below, cdf(x) + sf(edge - 1.0), cdf(edge) + sf(x - 1.0))
    two = np.where(x == m, 1.0, two)
    at_edge = np.where(p <= 0, (x == 0).astype(float), (x == n).astype(float))
    return np.clip(np.where(inner, two, at_edge), 0.0, 1.0)


def baseline_diff_ci(
    x: Any,
    n: Any,
    p0: Any,
    *,
    baseline_n: Any = None,
    baseline_ci: Any = None,
    baseline_ci_confidence: float = 0.95,
    confidence: float = 0.95,
) -> Interval:
    """Confidence interval for x/n - p0, where the baseline p0 may carry its own uncertainty.

    Parameters
    ----------
    x : float or array_like
        Successes in the current sample, ``0 <= x <= n`` (fractional counts accepted).
    n : float or array_like
        Current base, ``n > 0``.
    p0 : float or array_like
        Baseline proportion in [0, 1].
    baseline_n : float or array_like, optional
        Base of the baseline survey; its count is taken as p0 * baseline_n. Default None.
    baseline_ci : tuple of (low, high), optional
        A published interval for the baseline (each a float or an array), at
        ``baseline_ci_confidence``. Default None. Give at most one of ``baseline_n`` and
        ``baseline_ci``.
    baseline_ci_confidence : float, optional
        Confidence level of ``baseline_ci``, in (0, 1). Default 0.95.
    confidence : float, optional
        Confidence level of the result, in (0, 1). Default 0.95.

    Returns
    -------
    Interval
        Limits for the difference (current minus baseline), clipped to [-1, 1].
        ``method`` (one of ``BASELINE_DIFF_METHODS``) is ``"wilson_shift"`` for a fixed p0,
        ``"newcombe"`` with ``baseline_n`` (the :func:`~rapstats.stats.diff_ci` method of that
        name, with the baseline as the second sample) and ``"mover"`` with ``baseline_ci``.

    Raises
    ------
    ValueError
        For invalid counts, p0 outside [0, 1], both baseline arguments, a ``baseline_ci`` that
        does not contain p0, or a ``confidence`` or ``baseline_ci_confidence`` outside (0, 1).

    Notes
    -----
    The method is MOVER (method of variance estimates recovery; Newcombe's square-and-add).
    With Wilson limits (l1, u1) for p1 = x/n and limits (l0, u0) for the baseline:

        L = (p1 - p0) - sqrt((p1 - l1)² + (u0 - p0)²)
        U = (p1 - p0) + sqrt((u1 - p1)² + (p0 - l0)²)

    * Fixed p0 (neither baseline argument): l0 = u0 = p0, so the interval is the one-sample
      Wilson interval shifted by p0.
    * ``baseline_n``: (l0, u0) is the Wilson interval for p0 * baseline_n out of
      baseline_n at ``confidence``; this is Newcombe (1998) method 10.
    * ``baseline_ci``: (l0, u0) are the published limits (Zou & Donner 2008), brought to
      ``confidence``: each side's distance from p0 is rescaled by
      z(confidence)/z(baseline_ci_confidence), with z(c) = qnorm(1 - (1 - c)/2). This reads
      the published interval as a normal-theory interval, whose half-widths are z times the
      standard error on each side; an 80% interval (z = 1.2816) used at 95% (z = 1.9600) is
      widened by 1.5293. The rescaled limits are clipped to [0, 1].

    The Wilson limits follow :func:`proportion_ci` (L = 0 at x = 0, U = 1 at x = n).

    References
    ----------
    .. [1] Newcombe RG (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Stat Med 17:873-890.
       doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
    .. [2] Zou GY, Donner A (2008). Construction of confidence limits about effect measures:
       a general approach. Stat Med 27:1693-1702. doi:10.1002/sim.3095

    Examples
    --------
    >>> ci = baseline_diff_ci(40, 400, 0.06)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.0143, 0.0733)
    >>> ci = baseline_diff_ci(40, 400, 0.06, baseline_n=380)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.0016, 0.0787)
    """
    conf = check_confidence(confidence)
    if baseline_n is not None and baseline_ci is not None:
        raise ArgumentError("give at most one of baseline_n and baseline_ci, not both.")
    method: BaselineDiffMethod
    scalar = is_scalar(x, n, p0, baseline_n)
    xa, na = counts(x, n)
    p0a = probability("p0", p0)
    if baseline_n is None and baseline_ci is None:
        xa, na, p0a = broadcast(x=xa, n=na, p0=p0a)
        l0 = u0 = p0a
        method = "wilson_shift"
    elif baseline_n is not None:
        bn = as_array("baseline_n", baseline_n)
        if np.any(bn <= 0):
            raise ArgumentError(f"baseline_n must be positive; got {baseline_n!r}.")
        xa, na, p0a, bn = broadcast(x=xa, n=na, p0=p0a, baseline_n=bn)
        l0, u0 = _wilson(p0a * bn, bn, conf)
        method = "newcombe"
    else:
        try:
            b_low, b_high = baseline_ci
        except (TypeError, ValueError):
            raise ArgumentError(
                f"baseline_ci must be a pair (low, high); got {baseline_ci!r}."
            ) from None
        scalar = scalar and is_scalar(b_low, b_high)
        bl = probability("baseline_ci", b_low)
        bh = probability("baseline_ci", b_high)
        xa, na, p0a, bl, bh = broadcast(x=xa, n=na, p0=p0a, baseline_ci_low=bl, baseline_ci_high=bh)
        if np.any((bl > p0a) | (bh < p0a)):
            raise ArgumentError("baseline_ci must contain p0 (low <= p0 <= high).")
        scale = z_quantile(conf) / z_quantile(
            check_confidence(baseline_ci_confidence, "baseline_ci_confidence")
        )
        l0 = np.clip(p0a - (p0a - bl) * scale, 0.0, 1.0)
        u0 = np.clip(p0a + (bh - p0a) * scale, 0.0, 1.0)
        method = "mover"
    l1, u1 = _wilson(xa, na, conf)
    low, high = mover_difference(xa / na, l1, u1, p0a, l0, u0)
    return Interval(finish(low, scalar), finish(high, scalar), method, conf)


def mover_difference(
    p1: np.ndarray,
    l1: np.ndarray,
    u1: np.ndarray,
    p2: np.ndarray,
    l2: np.ndarray,
    u2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """MOVER / square-and-add limits for p1 - p2 from each estimate's own limits, in [-1, 1]."""
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)
