"""Design-based (weighted) proportions, as R's ``survey`` package computes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.errors import EstimationError
from rapstats.stats._common import (
    ArgumentError,
    check_choice,
    check_confidence,
)
from rapstats.stats._weighted import WeightedProportion, _result
from rapstats.vocab import WEIGHTED_METHODS, WeightedMethod

if TYPE_CHECKING:
    import pandas as pd


def weighted_proportion(
    data: pd.DataFrame,
    outcome: str,
    *,
    weights: str | None = None,
    strata: str | None = None,
    ids: str | None = None,
    fpc: str | None = None,
    domain: tuple[str, Any] | None = None,
    method: WeightedMethod = "logit",
    confidence: float = 0.95,
) -> WeightedProportion:
    """Design-based proportion with a Taylor-linearised variance, as R ``survey``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    outcome : str
        Column holding the 0/1 (or boolean) outcome, without missing values in the domain
        (values outside the domain are ignored).
    weights : str, optional
        Column of sampling weights (> 0). Default None: N_h/n_h from ``fpc`` when given,
        else equal weights.
    strata : str, optional
        Column of strata. Default None (one stratum).
    ids : str, optional
        Column of first-stage cluster (PSU) ids, nested in strata. Default None: each row is
        its own PSU (``ids = ~1``).
    fpc : str, optional
        Column of population sizes per stratum (PSUs in the population; ``> 1``), or of
        sampling fractions (all ``<= 1``). Default None (sampling with replacement).
    domain : tuple of (column, value), optional
        Estimate within the rows where ``data[column] == value``, with the full design's
        variance (R ``subset(design, column == value)``). Default None (whole sample).
    method : {'logit', 'likelihood', 'beta', 'mean', 'xlogit', 'kish_wilson'}
        Interval method. Default ``'logit'``. As R ``svyciprop`` (survey 4.1.1):

        * ``logit``: Wald interval on the logit scale with a t(df) quantile; the same as
          ``xlogit`` ("appears to be the method used by SUDAAN and SPSS COMPLEX SAMPLES").
        * ``likelihood``: profile-likelihood interval of the intercept-only quasi-binomial
          model, rescaled by the design effect: the limits solve D(p)/phi = t(df)² lambda,
          with D the binomial deviance with weights rescaled to mean 1, phi = n/(n-1) and
          lambda = design variance / model variance of the logit.
        * ``beta``: Korn-Graubard-type beta interval as survey: n* = p(1-p)/var scaled by
          (qt(a/2, n-1)/qt(a/2, df))², then beta quantiles as Clopper-Pearson.
        * ``mean``: p ± t(df) SE; may leave [0, 1].
        * ``xlogit``: as ``logit``.
        * ``kish_wilson``: Wilson interval with n = Kish n_eff and x = p n_eff (a rapstats
          convention, not survey output; ignores strata and clusters).
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.

    Returns
    -------
    WeightedProportion
        ``estimate``, ``ci``, ``se``, ``df``, ``n``, ``deff``, ``deff_replace``,
        ``kish_n_eff``, ``kish_deff``.

    Raises
    ------
    ValueError
        For a missing column, a non-0/1 outcome, non-positive weights, an inconsistent
        ``fpc``, a bad ``domain``, ``confidence`` or ``method``.
    EstimationError
        If the domain is empty or a stratum has a single PSU (survey's default
        ``lonely.psu = "fail"``).

    Notes
    -----
    p = sum(w y)/sum(w) over the domain (Hajek). The variance is survey's one-stage
    ``svyrecvar``: influence values z_i = w_i d_i (y_i - p)/sum(w d) are totalled by PSU,
    and each stratum contributes (1 - f_h) n_h/(n_h - 1) sum_j (z_hj - mean_h)², with n_h
    the stratum's PSUs in the whole sample and f_h = n_h/N_h (0 without ``fpc``).
    ``df`` is R's ``degf``: distinct PSUs containing domain members minus strata containing
    them (cluster1 domain H: 7, not 14). PSU ids are read as nested in strata (survey's
    ``nest = TRUE``): the same id in two strata is two PSUs.

    When p = 0 or 1 the linearised variance is 0 and ``logit``, ``xlogit``, ``likelihood``
    and ``beta`` give NaN limits (survey: "none of the methods will work"); ``mean`` gives
    [p, p] and ``kish_wilson`` a proper Wilson interval. A domain with df = 0 gives NaN
    t-based limits.

    References
    ----------
    .. [1] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8):1-19.
       doi:10.18637/jss.v009.i08
    .. [2] Korn EL, Graubard BI (1998). Confidence intervals for proportions with small
       expected number of positive counts estimated from survey data. Survey Methodology
       24:193-201. https://www150.statcan.gc.ca/n1/pub/12-001-x/1998002/article/4356-eng.pdf
    .. [3] Kish L (1965). Survey Sampling. Wiley. ISBN 978-0-471-10949-5

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1, 0, 1, 1, 0, 1], "w": [1.0, 2.0, 1.5, 1.0, 3.0, 0.5]})
    >>> r = weighted_proportion(df, "y", weights="w")
    >>> round(r.estimate, 4), round(r.se, 4), r.df, round(r.kish_n_eff, 3)
    (0.4444, 0.2421, 5, 4.629)
    """
    check_choice("method", method, WEIGHTED_METHODS)
    conf = check_confidence(confidence)
    design = _design(data, outcome, weights, strata, ids, fpc, domain)
    y, w, d, psu, psu_stratum, f_h = design
    wd = w * d
    psum = wd.sum()
    p = float((wd * y).sum() / psum)
    infl = wd * (y - p) / psum
    totals = np.bincount(psu, weights=infl, minlength=psu_stratum.size)
    n_h = np.bincount(psu_stratum)
    means = np.bincount(psu_stratum, weights=totals) / n_h
    ss = np.bincount(psu_stratum, weights=(totals - means[psu_stratum]) ** 2)
    var = float(np.sum((1.0 - f_h) * n_h / (n_h - 1.0) * ss))
    in_dom = d > 0
    df = int(np.unique(psu[in_dom]).size - np.unique(psu_stratum[psu[in_dom]]).size)
    return _result(
        p, var, df, int(in_dom.sum()), psum, float((wd * wd).sum()), method, conf, scalar=True
    )


def _design(
    data: Any,
    outcome: str,
    weights: str | None,
    strata: str | None,
    ids: str | None,
    fpc: str | None,
    domain: tuple[str, Any] | None,
) -> tuple[np.ndarray, ...]:
    """Validate the design columns; return y, w, domain mask, PSU code per row, stratum code
    per PSU and the sampling fraction per stratum."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
    for arg, col in (
        ("outcome", outcome),
        ("weights", weights),
        ("strata", strata),
        ("ids", ids),
        ("fpc", fpc),
    ):
        if col is not None and col not in data.columns:
            raise ArgumentError(f"{arg} names a column not in data: {col!r}.")
    nrow = len(data)
    if nrow == 0:
        raise ArgumentError("data must have at least one row.")
    for arg, col in (("strata", strata), ("ids", ids)):
        if col is not None and data[col].isna().any():
            raise ArgumentError(f"{arg} column {col!r} has missing values.")
    s_code = pd.factorize(data[strata], sort=True)[0] if strata is not None else np.zeros(nrow, int)
    if ids is not None:
        pairs = pd.MultiIndex.from_arrays([s_code, data[ids].to_numpy()])
        psu = pd.factorize(pairs)[0]
    else:
        psu = np.arange(nrow)
    n_psu = int(psu.max()) + 1
    psu_stratum = np.zeros(n_psu, dtype=int)
    psu_stratum[psu] = s_code
    n_h = np.bincount(psu_stratum)
    pop = None if fpc is None else _population(data, fpc, n_h, s_code)
    f_h = np.zeros(n_h.size) if pop is None else n_h / pop
    if weights is not None:
        w = data[weights].to_numpy(dtype=float, na_value=np.nan)
        if not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ArgumentError(f"weights column {weights!r} must be positive and not missing.")
    elif pop is not None:
        w = (pop / n_h)[s_code]
    else:
        w = np.ones(nrow)
    d = np.ones(nrow) if domain is None else _domain(data, domain)
    # Only the domain's outcomes matter (rows outside it have zero influence, as in R's
    # subset()), so missing answers outside the domain are allowed.
    y = data[outcome].to_numpy(dtype=float, na_value=np.nan)
    if np.any((d > 0) & (y != 0) & (y != 1)):
        raise ArgumentError(
            f"outcome column {outcome!r} must hold only 0/1 (or True/False) within the domain, "
            "without missing values; define missing answers out with domain= or drop them."
        )
    y = np.where(d > 0, y, 0.0)
    if np.any(n_h < 2):
        raise EstimationError(
            "a stratum has only one PSU, so its variance cannot be estimated",
            column=strata,
            hint="merge it with a neighbouring stratum",
        )
    return y, w, d, psu, psu_stratum, f_h


def _population(data: Any, fpc: str, n_h: np.ndarray, s_code: np.ndarray) -> np.ndarray:
    """Population PSUs per stratum from the ``fpc`` column (sizes, or fractions if all <= 1)."""
    fp = data[fpc].to_numpy(dtype=float, na_value=np.nan)
    if not np.all(np.isfinite(fp)) or np.any(fp <= 0):
        raise ArgumentError(f"fpc column {fpc!r} must be positive and not missing.")
    first = np.zeros(n_h.size)
    first[s_code] = fp
    if np.any(fp != first[s_code]):
        raise ArgumentError(f"fpc column {fpc!r} must be constant within each stratum.")
    pop = n_h / first if np.all(fp <= 1) else first
    if np.any(pop < n_h):
        raise ArgumentError(f"fpc column {fpc!r} gives a population smaller than the PSUs sampled.")
    return pop


def _domain(data: Any, domain: Any) -> np.ndarray:
    """1.0 for the rows where ``data[column] == value`` of a (column, value) pair, else 0.0."""
    try:
        dcol, dval = domain
    except (TypeError, ValueError):
        raise ArgumentError(f"domain must be a (column, value) pair; got {domain!r}.") from None
    if dcol not in data.columns:
        raise ArgumentError(f"domain names a column not in data: {dcol!r}.")
    d = (data[dcol] == dval).to_numpy(dtype=float, na_value=0.0)
    if not d.any():
        raise EstimationError(
            f"the domain {dcol} == {dval!r} has no respondents",
            column=str(dcol),
            hint="choose a value present in the data",
        )
    return d


__all__ = [
    "WEIGHTED_METHODS",
    "WeightedMethod",
    "WeightedProportion",
    "weighted_proportion",
]
