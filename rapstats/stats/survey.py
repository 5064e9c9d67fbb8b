"""Design-based (weighted) proportions, as R's ``survey`` package computes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rapstats.errors import EstimationError
from rapstats.stats._common import (
    ArgumentError,
    as_array,
    broadcast,
    check_choice,
    check_confidence,
    finish,
    is_scalar,
)
from rapstats.stats.ci import Interval, _wilson
from rapstats.vocab import WEIGHTED_METHODS, WeightedMethod

if TYPE_CHECKING:
    import pandas as pd


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


def weighted_proportion_from_sums(
    n: Any,
    sum_w: Any,
    sum_wy: Any,
    sum_w2: Any,
    sum_w2y: Any,
    *,
    n_total: Any,
    method: WeightedMethod = "logit",
    confidence: float = 0.95,
) -> WeightedProportion:
    """Weighted proportions for many cells at once from their sufficient statistics.

    The design is weights only (R ``svydesign(ids = ~1, weights = ~w)``: no strata,
    clusters or fpc) and each cell is a domain of a sample of ``n_total`` respondents.
    Gives the same numbers as :func:`weighted_proportion` on the rows.

    Parameters
    ----------
    n : int or array_like
        Respondents in each cell (>= 1).
    sum_w, sum_wy, sum_w2, sum_w2y : float or array_like
        Per cell: sum of w, of w y, of w², of w² y, with y the 0/1 outcome.
    n_total : int or array_like
        Respondents in the whole sample the cells are domains of (>= n, >= 2).
    method : {'logit', 'likelihood', 'beta', 'mean', 'xlogit', 'kish_wilson'}
        Interval method, as in :func:`weighted_proportion`. Default ``'logit'``.
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.

    Returns
    -------
    WeightedProportion
        Floats for scalar inputs, else arrays of the broadcast shape.

    Raises
    ------
    ValueError
        For inconsistent sums (e.g. ``sum_wy > sum_w``), ``n < 1``, ``n_total < n``, or a
        bad ``method`` or ``confidence``.

    Notes
    -----
    With p = sum_wy/sum_w, the linearised variance is
    n_total/(n_total - 1) * sum_cell w²(y - p)² / sum_w², where
    sum_cell w²(y - p)² = sum_w2y - 2 p sum_w2y + p² sum_w2; df = n - 1 (R ``degf`` of the
    domain); Kish n_eff = sum_w² / sum_w2. Edges as :func:`weighted_proportion`.

    References
    ----------
    .. [1] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8):1-19.
       doi:10.18637/jss.v009.i08

    Examples
    --------
    >>> r = weighted_proportion_from_sums(6, 9.0, 4.0, 17.5, 4.5, n_total=6)
    >>> round(r.estimate, 4), round(r.se, 4), r.df
    (0.4444, 0.2421, 5)
    """
    check_choice("method", method, WEIGHTED_METHODS)
    conf = check_confidence(confidence)
    scalar = is_scalar(n, sum_w, sum_wy, sum_w2, sum_w2y, n_total)
    arrays = {
        "n": as_array("n", n),
        "sum_w": as_array("sum_w", sum_w),
        "sum_wy": as_array("sum_wy", sum_wy),
        "sum_w2": as_array("sum_w2", sum_w2),
        "sum_w2y": as_array("sum_w2y", sum_w2y),
        "n_total": as_array("n_total", n_total),
    }
    na, sw, swy, sw2, sw2y, nt = broadcast(**arrays)
    checks = (
        ("n", na < 1, "n must be at least 1 (empty cells have no estimate)"),
        ("n_total", (nt < na) | (nt < 2), "n_total must be >= n and >= 2"),
        ("sum_w", sw <= 0, "sum_w must be positive"),
        ("sum_wy", (swy < 0) | (swy > sw * (1 + 1e-12)), "sum_wy must be in [0, sum_w]"),
        ("sum_w2", sw2 <= 0, "sum_w2 must be positive"),
        ("sum_w2y", (sw2y < 0) | (sw2y > sw2 * (1 + 1e-12)), "sum_w2y must be in [0, sum_w2]"),
    )
    for _name, bad, message in checks:
        if np.any(bad):
            raise ArgumentError(
                f"{message}; bad positions {np.flatnonzero(bad.ravel())[:3].tolist()}."
            )
    p = np.clip(swy / sw, 0.0, 1.0)
    ss = np.maximum(sw2y - 2.0 * p * sw2y + p * p * sw2, 0.0)
    var = nt / (nt - 1.0) * ss / (sw * sw)
    return _result(p, var, na - 1.0, na, sw, sw2, method, conf, scalar=scalar)


def design_proportion_from_sums(
    n: Any,
    strata: dict[str, Any],
    psus: Any,
    fraction: Any,
    sum_w2: Any,
    *,
    method: WeightedMethod = "logit",
    confidence: float = 0.95,
) -> WeightedProportion:
    """Design-based proportions of many domains from per-stratum sums (stratified, clustered).

    The same numbers as :func:`weighted_proportion` with ``strata``, ``ids`` and ``fpc`` on the
    rows (R ``svyby(..., svyciprop)`` on ``svydesign(ids, strata, weights, fpc, nest = TRUE)``),
    from sums that add up across parts of the sample.

    Parameters
    ----------
    n : array_like
        Respondents in each domain (>= 1), shape (k,).
    strata : dict
        Arrays of shape (k, H), per domain and stratum: ``n`` PSUs holding members of the
        domain; ``w`` and ``wy`` the sums of w and w y over the domain; ``ww``, ``wwy`` and
        ``wywy`` the sums over the stratum's PSUs of T_w², T_w T_wy and T_wy², with T the
        PSU's totals of w and w y over the domain (without clusters, each response is a PSU:
        the sums of w², w² y and w² y).
    psus : array_like
        PSUs per stratum in the whole sample (each >= 2), shape (H,).
    fraction : array_like
        First-stage sampling fraction per stratum, shape (H,) (0: with replacement).
    sum_w2 : array_like
        Sum of w² over each domain (for the Kish effective n), shape (k,).
    method : {'logit', 'likelihood', 'beta', 'mean', 'xlogit', 'kish_wilson'}
        Interval method, as in :func:`weighted_proportion`. Default ``'logit'``.
    confidence : float, optional
        Confidence level in (0, 1). Default 0.95.

    Returns
    -------
    WeightedProportion
        Arrays, one value per domain.

    Notes
    -----
    p = sum w y / sum w = S_wy / S_w. The PSU totals of the linearised scores are
    z_j = (T_wy,j - p T_w,j) / S_w, so within stratum h, sum_j z_j² =
    (wywy - 2 p wwy + p² ww) / S_w² and sum_j z_j = (wy - p w) / S_w, and
    var = sum_h (1 - f_h) n_h / (n_h - 1) (sum_j z_j² - (sum_j z_j)² / n_h), with n_h the
    stratum's PSUs in the whole sample (R ``svyrecvar``). df = PSUs holding domain members
    minus strata holding them (R ``degf``).

    References
    ----------
    .. [1] Lumley T (2004). Analysis of complex survey samples. J Stat Softw 9(8):1-19.
       doi:10.18637/jss.v009.i08

    Examples
    --------
    Strata A (PSU 1: y = 1, 0 with w = 1, 1; PSU 2: y = 1, w = 2) and B (PSU 3: y = 0, w = 1;
    PSU 4: y = 1, 0 with w = 1, 3), the whole sample as one domain (the same numbers as
    :func:`weighted_proportion` on those rows with ``strata`` and ``ids``):

    >>> sums = {"n": [[2, 2]], "w": [[4, 5]], "wy": [[3, 1]],
    ...         "ww": [[8, 17]], "wwy": [[6, 4]], "wywy": [[5, 1]]}
    >>> r = design_proportion_from_sums([6], sums, [2, 2], [0.0, 0.0], [17.0])
    >>> round(float(r.estimate[0]), 4), round(float(r.se[0]), 4), int(r.df[0])
    (0.4444, 0.1171, 2)
    """
    check_choice("method", method, WEIGHTED_METHODS)
    conf = check_confidence(confidence)
    na = np.asarray(n, dtype=float)
    h = {k: np.asarray(v, dtype=float) for k, v in strata.items()}
    n_h = np.asarray(psus, dtype=float)
    f_h = np.asarray(fraction, dtype=float)
    if np.any(n_h < 2) or np.any(na < 1) or np.any(h["w"].sum(axis=1) <= 0):
        raise ArgumentError("each stratum needs 2 PSUs and each domain a respondent.")
    total = h["w"].sum(axis=1)
    p = np.clip(h["wy"].sum(axis=1) / total, 0.0, 1.0)[:, None]
    square = (h["wywy"] - 2.0 * p * h["wwy"] + p * p * h["ww"]) / total[:, None] ** 2
    linear = (h["wy"] - p * h["w"]) / total[:, None]
    ss = np.maximum(square - linear * linear / n_h, 0.0)
    var = ((1.0 - f_h) * n_h / (n_h - 1.0) * ss).sum(axis=1)
    df = h["n"].sum(axis=1) - (h["n"] > 0).sum(axis=1)
    return _result(p[:, 0], var, df, na, total, sum_w2, method, conf, scalar=False)


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


__all__ = [
    "WEIGHTED_METHODS",
    "WeightedMethod",
    "WeightedProportion",
    "design_proportion_from_sums",
    "weighted_proportion",
    "weighted_proportion_from_sums",
]
