"""Confidence intervals for one binomial proportion x/n."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import (
    check_choice,
    check_confidence,
    counts,
    finish,
    is_scalar,
    z_quantile,
)
from rapstats.vocab import CI_METHODS, CIMethod


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval, or one per cell when built from arrays.

    Attributes
    ----------
    low, high : float or numpy.ndarray
        Lower and upper limits (floats when every input was a scalar).
    method : str
        The method that made it, e.g. ``"wilson"``, so a report can say how.
    confidence : float
        The confidence level, e.g. 0.95.
    """

    low: Any
    high: Any
    method: str
    confidence: float


def proportion_ci(
    x: Any, n: Any, method: CIMethod = "wilson", confidence: float = 0.95
) -> Interval:
    """Confidence interval for a binomial proportion x/n, for one cell or a whole table.

    Parameters
    ----------
    x : float or array_like
        Successes (a fractional count such as share * n is accepted). ``0 <= x <= n``.
    n : float or array_like
        Base (trials), ``n > 0``. ``x`` and ``n`` broadcast together.
    method : {'wilson', 'wilson_cc', 'clopper_pearson', 'jeffreys', 'agresti_coull', 'wald'}
        Default ``'wilson'``.

        * ``wilson``: score interval without continuity correction (Newcombe method 3;
          R ``prop.test(correct=FALSE)``).
        * ``wilson_cc``: score interval with continuity correction, Newcombe method 4 closed
          form with the full 1/(2n) correction always applied.
        * ``clopper_pearson``: central "exact" beta limits (R ``binom.test``); conservative.
        * ``jeffreys``: equal-tailed Beta(x + 1/2, n - x + 1/2) posterior limits.
        * ``agresti_coull``: Wald interval around (x + z²/2)/(n + z²) with n + z².
        * ``wald``: p ± z·sqrt(p(1-p)/n); poor coverage, offered for comparison only.
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.

    Returns
    -------
    Interval
        ``low`` and ``high`` (floats when ``x`` and ``n`` are scalars, else arrays of their
        broadcast shape), ``method`` and ``confidence``.

    Raises
    ------
    ValueError
        If ``x`` or ``n`` is invalid (``x < 0``, ``x > n``, ``n <= 0``, not finite), if
        ``confidence`` is not in (0, 1), or if ``method`` is unknown.

    Notes
    -----
    z is the exact normal quantile ``qnorm(1 - (1 - confidence)/2)``, not 1.96.
    Conventions at the edges, matching R and the rapstats reference corpus:

    * ``wilson``: L = 0 when x = 0 and U = 1 when x = n.
    * ``wilson_cc``: L = 0 when x = 0 and U = 1 when x = n; for fractional counts, L = 0
      whenever x <= 1/2 and U = 1 whenever x >= n - 1/2 (the corrected limit does not exist).
    * ``clopper_pearson``: L = 0 at x = 0, U = 1 at x = n.
    * ``jeffreys``: with the boundary fix of Brown, Cai & DasGupta (2001, p. 108):
      L = 0 at x = 0, U = 1 at x = n. For fractional counts close to 0 or n the limits are
      also clipped so that L <= x/n <= U (whole counts at the usual levels never need it).
    * ``agresti_coull`` and ``wald`` are clipped to [0, 1]; the Wald interval has zero
      width at x = 0 and x = n.

    ``wilson``, ``wilson_cc``, ``agresti_coull`` and ``wald`` need numpy only;
    ``clopper_pearson`` and ``jeffreys`` use ``scipy.special.betaincinv``.

    References
    ----------
    .. [1] Wilson EB (1927). Probable inference, the law of succession, and statistical
       inference. JASA 22:209-212. doi:10.1080/01621459.1927.10502953
    .. [2] Newcombe RG (1998). Two-sided confidence intervals for the single proportion:
       comparison of seven methods. Stat Med 17:857-872.
       doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
    .. [3] Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits
       illustrated in the case of the binomial. Biometrika 26:404-413.
       doi:10.1093/biomet/26.4.404
    .. [4] Brown LD, Cai TT, DasGupta A (2001). Interval estimation for a binomial
       proportion. Statistical Science 16:101-133. doi:10.1214/ss/1009213286
    .. [5] Agresti A, Coull BA (1998). Approximate is better than "exact" for interval
       estimation of binomial proportions. Am Stat 52:119-126. doi:10.2307/2685469

    Examples
    --------
    >>> ci = proportion_ci(81, 263)
    >>> round(ci.low, 4), round(ci.high, 4)
    (0.2553, 0.3662)
    >>> proportion_ci([0, 29], 29, method="clopper_pearson").high.round(4)
    array([0.1194, 1.    ])
    """
    check_choice("method", method, CI_METHODS)
    conf = check_confidence(confidence)
    scalar = is_scalar(x, n)
    xa, na = counts(x, n)
    low, high = _LIMITS[method](xa, na, conf)
    return Interval(finish(low, scalar), finish(high, scalar), method, conf)


def _wilson(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    # Wilson (1927); Newcombe (1998) method 3.
    z = z_quantile(conf)
    z2 = z * z
    denom = n + z2
    centre = (x + z2 / 2.0) / denom
    half = z * np.sqrt(np.maximum(x * (n - x) / n, 0.0) + z2 / 4.0) / denom
    low = np.where(x <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(x >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


def _wilson_cc(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    # Newcombe (1998) method 4, closed form (also scipy's 'wilsoncc').
    z = z_quantile(conf)
    z2 = z * z
    p = x / n
    q = 1.0 - p
    denom = 2.0 * (n + z2)
    arg_l = np.maximum(z2 - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0), 0.0)
    arg_u = np.maximum(z2 + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0), 0.0)
    low = (2.0 * n * p + z2 - 1.0 - z * np.sqrt(arg_l)) / denom
    high = (2.0 * n * p + z2 + 1.0 + z * np.sqrt(arg_u)) / denom
    # The corrected lower limit solves p - 1/(2n) - L = z sqrt(L(1-L)/n) with L <= p - 1/(2n);
    # when x <= 1/2 (a whole count: x = 0) there is no such L and it is 0; likewise U = 1.
    low = np.where(x <= 0.5, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(x >= n - 0.5, 1.0, np.clip(high, 0.0, 1.0))
    return low, high


def _beta_limits(
    x: np.ndarray, n: np.ndarray, conf: float, prior: float, add: float
) -> tuple[np.ndarray, np.ndarray]:
    """Beta-quantile limits: Beta(x + prior, n - x + add) below, Beta(x + add, n - x + prior)
    above; L = 0 at x = 0 and U = 1 at x = n."""
    from scipy.special import betaincinv

    alpha = 1.0 - conf
    with np.errstate(invalid="ignore", divide="ignore"):
        low = betaincinv(np.where(x <= 0, 1.0, x + prior), n - x + add, alpha / 2.0)
        high = betaincinv(x + add, np.where(x >= n, 1.0, n - x + prior), 1.0 - alpha / 2.0)
    return np.where(x <= 0, 0.0, low), np.where(x >= n, 1.0, high)


def _clopper_pearson(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    # Clopper & Pearson (1934): qbeta(a/2, x, n-x+1), qbeta(1-a/2, x+1, n-x).
    return _beta_limits(x, n, conf, prior=0.0, add=1.0)


def _jeffreys(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    # Brown, Cai & DasGupta (2001), p. 108: qbeta(a/2, x+.5, n-x+.5) with the boundary fix.
    low, high = _beta_limits(x, n, conf, prior=0.5, add=0.5)
    # A fractional count just above 0 (or below n) can put a limit beyond x/n: clip to x/n.
    p = x / n
    return np.minimum(low, p), np.maximum(high, p)


def _wald_around(
    centre: np.ndarray, base: np.ndarray, conf: float
) -> tuple[np.ndarray, np.ndarray]:
    z = z_quantile(conf)
    half = z * np.sqrt(np.maximum(centre * (1.0 - centre), 0.0) / base)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _agresti_coull(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    # Agresti & Coull (1998), z-version: n~ = n + z^2, p~ = (x + z^2/2)/n~; clipped.
    z2 = z_quantile(conf) ** 2
    nt = n + z2
    return _wald_around((x + z2 / 2.0) / nt, nt, conf)


def _wald(x: np.ndarray, n: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    return _wald_around(x / n, n, conf)


_LIMITS = {
    "wilson": _wilson,
    "wilson_cc": _wilson_cc,
    "clopper_pearson": _clopper_pearson,
    "jeffreys": _jeffreys,
    "agresti_coull": _agresti_coull,
    "wald": _wald,
}
