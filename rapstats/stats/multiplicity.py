"""Multiplicity adjustment of p-values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rapstats.stats._common import ArgumentError, check_choice
from rapstats.vocab import ADJUST_METHODS, AdjustMethod


@dataclass(frozen=True, slots=True)
class AdjustedPValues:
    """Result of :func:`p_adjust`.

    Attributes
    ----------
    adjusted : numpy.ndarray
        Adjusted p-values in input order (same shape as the input); NaN where the input
        was missing.
    method : str
        ``"holm"`` or ``"BH"``.
    n_tests : int
        Number of non-missing p-values (the family size used).
    """

    adjusted: np.ndarray
    method: str
    n_tests: int


def p_adjust(p: Any, method: AdjustMethod = "holm") -> AdjustedPValues:
    """Adjust a family of p-values for multiple testing, as R's ``p.adjust``.

    Parameters
    ----------
    p : array_like
        p-values in [0, 1], any shape; ``None`` or NaN marks a missing value.
    method : {'holm', 'BH'}
        Default ``'holm'``.

        * ``holm``: Holm's step-down method; controls the family-wise error rate.
        * ``BH``: Benjamini-Hochberg step-up method; controls the false discovery rate.

    Returns
    -------
    AdjustedPValues
        ``adjusted`` in input order, ``method`` and ``n_tests``.

    Raises
    ------
    ValueError
        If a p-value is outside [0, 1] or ``method`` is unknown.

    Notes
    -----
    Missing values stay missing and do not count in the family size n (R's default
    ``n = length(p[!is.na(p)])``). Adjusted values are never below the raw ones and never
    above 1. Ties keep R's results (a stable ordering).

    References
    ----------
    .. [1] Holm S (1979). A simple sequentially rejective multiple test procedure.
       Scand J Stat 6:65-70. https://www.jstor.org/stable/4615733
    .. [2] Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical
       and powerful approach to multiple testing. JRSS B 57:289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> p_adjust([0.049, 0.051, 0.0125, 0.025, 0.0166]).adjusted.round(4)
    array([0.098 , 0.098 , 0.0625, 0.075 , 0.0664])
    >>> p_adjust([0.01, None, 0.04], method="BH").adjusted
    array([0.02,  nan, 0.04])
    """
    check_choice("method", method, ADJUST_METHODS)
    try:
        arr = np.asarray(
            np.where(np.equal(np.asarray(p, dtype=object), None), np.nan, p), dtype=float
        )
    except (TypeError, ValueError):
        raise ArgumentError(
            f"p must be an array of numbers in [0, 1] (None for missing); got {p!r}."
        ) from None
    flat = arr.ravel()
    ok = ~np.isnan(flat)
    if np.any((flat[ok] < 0) | (flat[ok] > 1)):
        bad = flat[ok][(flat[ok] < 0) | (flat[ok] > 1)][:3].tolist()
        raise ArgumentError(f"p must contain p-values in [0, 1]; got {bad}.")
    vals = flat[ok]
    n = vals.size
    out = np.full(flat.shape, np.nan)
    if n:
        order = np.argsort(vals, kind="stable")
        ranked = vals[order]
        i = np.arange(1, n + 1)
        if method == "holm":
            adj = np.maximum.accumulate((n - i + 1) * ranked)
        else:
            adj = np.minimum.accumulate((n / i * ranked)[::-1])[::-1]
        adjusted = np.empty(n)
        adjusted[order] = np.minimum(1.0, adj)
        out[ok] = adjusted
    return AdjustedPValues(out.reshape(arr.shape), method, int(n))
