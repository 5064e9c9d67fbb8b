"""Design-based proportions from additive sums (per cell, per stratum and PSU), as R
``survey`` computes them from the microdata: what :mod:`rapstats.aggregate` gives, streamed
or merged."""

from __future__ import annotations

from typing import Any

import numpy as np

from rapstats.stats._common import (
    ArgumentError,
    as_array,
    broadcast,
    check_choice,
    check_confidence,
    is_scalar,
)
from rapstats.stats._weighted import WeightedProportion, _result
from rapstats.vocab import WEIGHTED_METHODS, WeightedMethod


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


__all__ = ["design_proportion_from_sums", "weighted_proportion_from_sums"]
