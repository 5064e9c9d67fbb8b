"""The result of a design-based proportion and its interval limits (every method of R
``survey``'s ``svyciprop``): shared by the estimators from microdata
(:mod:`rapstats.stats.survey`) and from sums (:mod:`rapstats.stats.survey_sums`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import finish
from rapstats.stats.ci import Interval, _wilson


@dataclass(frozen=True, slots=True)
class WeightedProportion:
    """A design-based proportion with its interval and design effects.

    Attributes are floats/ints for one estimate, arrays (one per cell) from
    :func:`weighted_proportion_from_sums` with array inputs.

    Attributes
    ----------
    estimate : float or numpy.ndarray
        Hajek estimate sum(w y) / sum(w) over the domain.
    ci : Interval
        Confidence interval (``ci.method``, ``ci.confidence`` say how it was made).
    se : float or numpy.ndarray
        Taylor-linearised standard error (survey ``svymean``).
    df : int or numpy.ndarray
        Design degrees of freedom, R ``degf()``: PSUs containing domain members minus strata
        containing them.
    n : int or numpy.ndarray
        Respondents (rows) in the domain.
    deff : float or numpy.ndarray
        Design effect against simple random sampling without replacement (survey
        ``deff=TRUE``); NaN when the weights sum to no more than n (not population-scaled).
    deff_replace : float or numpy.ndarray
        Design effect against simple random sampling with replacement (``deff="replace"``).
    kish_n_eff : float or numpy.ndarray
        Kish effective sample size (sum w)² / sum w² over the domain.
    kish_deff : float or numpy.ndarray
        Kish design effect of weighting, n / kish_n_eff.
    """

    estimate: Any
    ci: Interval
    se: Any
    df: Any
    n: Any
    deff: Any
    deff_replace: Any
    kish_n_eff: Any
    kish_deff: Any


def _result(
    p: Any,
    var: Any,
    df: Any,
    n: Any,
    sum_w: Any,
    sum_w2: Any,
    method: str,
    conf: float,
    *,
    scalar: bool,
) -> WeightedProportion:
    """Assemble a :class:`WeightedProportion` from p, its variance and design counts (one
    implementation for raw rows and for sufficient statistics)."""
    p = np.asarray(p, dtype=float)
    var = np.asarray(var, dtype=float)
    df = np.asarray(df, dtype=float)
    n = np.asarray(n, dtype=float)
    sum_w = np.asarray(sum_w, dtype=float)
    kish = sum_w * sum_w / np.asarray(sum_w2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # survey svymean(deff=TRUE): vsrs from svyvar = n/(n-1) p(1-p), without replacement
        # scaled by (sum_w - n)/(sum_w n) (NA when sum_w < n), with replacement by 1/n.
        svyvar = n / (n - 1.0) * p * (1.0 - p)
        vsrs_wor = svyvar * (sum_w - n) / (sum_w * n)
        deff = np.where(sum_w > n, var / vsrs_wor, np.nan)
        deff_replace = var / (svyvar / n)
    low, high = _weighted_limits(p, var, df, n, kish, method, conf)
    as_int = (lambda a: int(a)) if scalar else (lambda a: a.astype(np.int64))
    return WeightedProportion(
        estimate=finish(p, scalar),
        ci=Interval(finish(low, scalar), finish(high, scalar), method, conf),
        se=finish(np.sqrt(var), scalar),
        df=as_int(df),
        n=as_int(n),
        deff=finish(deff, scalar),
        deff_replace=finish(deff_replace, scalar),
        kish_n_eff=finish(kish, scalar),
        kish_deff=finish(n / kish, scalar),
    )


def _weighted_limits(
    p: np.ndarray,
    var: np.ndarray,
    df: np.ndarray,
    n: np.ndarray,
    kish: np.ndarray,
    method: str,
    conf: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval limits for each weighted-proportion method (see ``svyciprop``)."""
    if method == "kish_wilson":
        return _wilson(p * kish, kish, conf)
    from scipy.special import betaincinv, stdtrit

    alpha = 1.0 - conf
    inner = (p > 0) & (p < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = stdtrit(np.where(df > 0, df, np.nan), 1.0 - alpha / 2.0)
        se = np.sqrt(var)
        if method == "mean":
            return p - t * se, p + t * se
        ps = np.where(inner, p, 0.5)
        nan = np.where(inner, 0.0, np.nan)
        if method in ("logit", "xlogit"):
            eta = np.log(ps / (1.0 - ps))
            half = t * se / (ps * (1.0 - ps))
            return _expit(eta - half) + nan, _expit(eta + half) + nan
        if method == "beta":
            # survey: n.eff = p(1-p)/var, rat.squ = (qt(a/2, nrow-1)/qt(a/2, df))^2.
            n_eff = ps * (1.0 - ps) / var
            rat = (stdtrit(n - 1.0, alpha / 2.0) / stdtrit(df, alpha / 2.0)) ** 2
            a = n_eff * ps * rat
            b = n_eff * (1.0 - ps) * rat
            low = betaincinv(a, b + 1.0, alpha / 2.0)
            high = betaincinv(a + 1.0, b, 1.0 - alpha / 2.0)
            return low + nan, high + nan
        # likelihood: 2 n KL(p || pi) / phi = t^2 lambda, phi = n/(n-1),
        # lambda = design var / model var of the logit = var n / (p(1-p)).
        target = t * t * (n / (n - 1.0)) * var * n / (ps * (1.0 - ps)) / (2.0 * n)
        low = _kl_root(ps, target, -1.0)
        high = _kl_root(ps, target, 1.0)
        return low + nan, high + nan


def _expit(x: np.ndarray) -> np.ndarray:
    """Inverse logit without overflow warnings."""
    return np.exp(-np.logaddexp(0.0, -x))


def _kl_root(p: np.ndarray, target: np.ndarray, side: float) -> np.ndarray:
    """Solve KL(p || q) = target for q below (side = -1) or above (side = +1) p.

    Newton's method on eta = logit(q), where KL is convex with dKL/deta = q - p, started
    from the quadratic approximation and kept on its side of logit(p) (vectorised).
    """
    eta_hat = np.log(p / (1.0 - p))
    log_p, log_1p = np.log(p), np.log1p(-p)
    eta = eta_hat + side * np.sqrt(2.0 * target / (p * (1.0 - p)))
    for _ in range(100):
        log_q = -np.logaddexp(0.0, -eta)
        log_1q = -np.logaddexp(0.0, eta)
        kl = p * (log_p - log_q) + (1.0 - p) * (log_1p - log_1q)
        step = (kl - target) / (np.exp(log_q) - p)
        new = eta - step
        # Never cross to the other side of the estimate (where the other root lies).
        new = np.where(side * (new - eta_hat) > 0, new, 0.5 * (eta + eta_hat))
        done = np.abs(new - eta) <= 1e-12 * np.maximum(1.0, np.abs(eta))
        eta = np.where(np.isfinite(new), new, eta)
        if np.all(done | ~np.isfinite(new)):
            break
    return _expit(eta)
