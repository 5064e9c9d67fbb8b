"""Sample size for a margin of error, and power of a two-proportion comparison."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import (
    STD_NORMAL,
    ArgumentError,
    as_array,
    broadcast,
    check_confidence,
    finish,
    is_scalar,
    probability,
    z_quantile,
)


@dataclass(frozen=True, slots=True)
class SampleSize:
    """Result of :func:`sample_size`.

    Attributes
    ----------
    n : int or numpy.ndarray
        Required sample size, rounded up.
    n_unrounded : float or numpy.ndarray
        The exact solution (after the finite-population correction, if any).
    n0_unrounded : float or numpy.ndarray
        The infinite-population size z² p(1-p)/margin².
    confidence : float
        Confidence level used.
    """

    n: Any
    n_unrounded: Any
    n0_unrounded: Any
    confidence: float


@dataclass(frozen=True, slots=True)
class TwoProportionPower:
    """Result of :func:`two_proportion_power`: the quantity solved for, and the others.

    Attributes
    ----------
    n_per_group : int or float
        Sample size per group: rounded up when solved for, else as given.
    n_per_group_unrounded : float
        The exact per-group size (as given when ``n_per_group`` was an input).
    power : float
        Power (as given when ``power`` was an input).
    p1, p2, alpha : float
        The inputs.
    """

    n_per_group: Any
    n_per_group_unrounded: Any
    power: Any
    p1: Any
    p2: Any
    alpha: float


def _ceil(value: np.ndarray) -> np.ndarray:
    # Round up, ignoring floating-point dust just above a whole number (1e-9 relative).
    return np.ceil(value - 1e-9 * np.maximum(np.abs(value), 1.0))


def sample_size(
    p: Any, margin: Any, confidence: float = 0.95, population_size: Any = None
) -> SampleSize:
    """Sample size that estimates a proportion p to within ± margin.

    Parameters
    ----------
    p : float or array_like
        Anticipated proportion in [0, 1] (0.5 is the conservative choice).
    margin : float or array_like
        Half-width of the normal-theory interval, in (0, 1).
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.
    population_size : float or array_like, optional
        Population size N for the finite-population correction. Default None (infinite).

    Returns
    -------
    SampleSize
        ``n`` (rounded up), ``n_unrounded``, ``n0_unrounded`` and ``confidence``.

    Raises
    ------
    ValueError
        If ``p``, ``margin``, ``confidence`` or ``population_size`` is out of range.

    Notes
    -----
    n0 = z² p(1 - p)/margin² with z = qnorm(1 - (1 - confidence)/2) (not 1.96). With N,
    the (N - n)/(N - 1) correction gives n = n0/(1 + (n0 - 1)/N). The result is rounded up
    (ignoring floating-point dust of 1e-9 relative above a whole number).

    References
    ----------
    .. [1] Cochran WG (1977). Sampling Techniques, 3rd ed., sec. 4.4. Wiley.
       ISBN 978-0-471-16240-7

    Examples
    --------
    >>> r = sample_size(0.5, 0.03, population_size=2600)
    >>> r.n, round(r.n_unrounded, 2)
    (757, 756.77)
    """
    conf = check_confidence(confidence)
    scalar = is_scalar(p, margin, population_size)
    pa = probability("p", p)
    ma = probability("margin", margin, open_interval=True)
    n0 = z_quantile(conf) ** 2 * pa * (1.0 - pa) / ma**2
    if population_size is None:
        n_unr = n0
    else:
        big_n = as_array("population_size", population_size)
        if np.any(big_n < 1):
            raise ArgumentError(f"population_size must be at least 1; got {population_size!r}.")
        n0, big_n = broadcast(p_and_margin=n0, population_size=big_n)
        n_unr = n0 / (1.0 + (n0 - 1.0) / big_n)
    n_int = _ceil(n_unr)
    out_n = int(n_int) if scalar else n_int.astype(np.int64)
    return SampleSize(out_n, finish(n_unr, scalar), finish(n0, scalar), conf)


def two_proportion_power(
    p1: float,
    p2: float,
    *,
    n_per_group: float | None = None,
    power: float | None = None,
    alpha: float = 0.05,
) -> TwoProportionPower:
    """Power, or sample size per group, of a two-sided test comparing two proportions.

    Give exactly one of ``n_per_group`` and ``power``; the other is computed.

    Parameters
    ----------
    p1, p2 : float
        The two proportions under the alternative, in (0, 1), different.
    n_per_group : float, optional
        Sample size in each group (> 0). Default None.
    power : float, optional
        Target power in (0, 1). Default None.
    alpha : float, optional
        Two-sided significance level in (0, 1). Default 0.05.

    Returns
    -------
    TwoProportionPower
        ``n_per_group`` (rounded up when solved for), ``n_per_group_unrounded`` and
        ``power``.

    Raises
    ------
    ValueError
        If both or neither of ``n_per_group`` and ``power`` is given, or an argument is out
        of range.

    Notes
    -----
    As R ``power.prop.test`` (two-sided, ``strict = FALSE``, no continuity correction):
    pooled variance under H0 and unpooled under H1,

        power = Phi((sqrt(n) |p1 - p2| - z_(1-alpha/2) sqrt((p1 + p2)(q1 + q2)/2))
                    / sqrt(p1 q1 + p2 q2)).

    The sample size is the closed-form inverse; R's ``uniroot`` lands within about 2e-6
    of it.

    References
    ----------
    .. [1] Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and
       Proportions, 3rd ed., sec. 4.2. Wiley. doi:10.1002/0471445428

    Examples
    --------
    >>> two_proportion_power(0.30, 0.40, power=0.80).n_per_group
    356
    >>> round(two_proportion_power(0.30, 0.40, n_per_group=356).power, 4)
    0.8001
    """
    if (n_per_group is None) == (power is None):
        raise ArgumentError("give exactly one of n_per_group and power.")
    for name, value in (("p1", p1), ("p2", p2)):
        probability(name, value, open_interval=True)
    if p1 == p2:
        raise ArgumentError(f"p1 and p2 must differ; got p1 = p2 = {p1!r}.")
    alpha = check_confidence(alpha, "alpha")
    z_a = STD_NORMAL.inv_cdf(1.0 - alpha / 2.0)
    delta = abs(p1 - p2)
    null_sd = math.sqrt((p1 + p2) * (2.0 - p1 - p2) / 2.0)
    alt_sd = math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2))
    if power is None:
        n = float(as_array("n_per_group", n_per_group))
        if n <= 0:
            raise ArgumentError(f"n_per_group must be positive; got {n_per_group!r}.")
        pw = STD_NORMAL.cdf((math.sqrt(n) * delta - z_a * null_sd) / alt_sd)
        return TwoProportionPower(n_per_group, n, pw, p1, p2, alpha)
    pw = check_confidence(power, "power")
    n_unr = ((z_a * null_sd + STD_NORMAL.inv_cdf(pw) * alt_sd) / delta) ** 2
    return TwoProportionPower(int(_ceil(np.asarray(n_unr))), n_unr, pw, p1, p2, alpha)
