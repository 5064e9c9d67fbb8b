"""Reliability flags, separate from disclosure: the NCHS Data Presentation Standards.

Following Parker et al. (2017), a published share is unreliable when its effective sample size
is below ``min_effective_n``, its confidence interval is ``max_abs_ci_width`` wide or wider,
or it is wider than :data:`NCHS_RELATIVE_FROM` and its relative width exceeds
``max_rel_ci_width`` (``docs/disclosure.md``, "Reliability", says where rapstats departs from
NCHS and why).

References
----------
.. [1] Parker JD, Talih M, Malec DJ, et al. "National Center for Health Statistics Data
   Presentation Standards for Proportions", Vital Health Stat 2(175), 2017.
"""

from __future__ import annotations

import numpy as np

from rapstats.spec import Disclosure

# NCHS (2017): the relative-width criterion applies only when the interval is wider than this.
NCHS_RELATIVE_FROM = 0.05


def reliability_reasons(
    share: np.ndarray,
    ci_low: np.ndarray,
    ci_high: np.ndarray,
    effective_n: np.ndarray,
    settings: Disclosure | None = None,
) -> list[str | None]:
    """Why each estimate is unreliable (NCHS 2017 criteria), or None.

    Parameters
    ----------
    share, ci_low, ci_high, effective_n : array of float
        Estimates, interval bounds and effective sample sizes (NaN = not available).
    settings : Disclosure, optional
        Thresholds; default ``Disclosure()`` (n_eff < 30, width >= 0.30, relative > 130%).

    Returns
    -------
    list of str or None
        e.g. ``"effective n 23 < 30; relative CI width 140% > 130%"``.

    Notes
    -----
    The relative width is ``(ci_high - ci_low) / min(p, 1 - p)`` (see ``docs/disclosure.md``),
    applied only when the absolute width exceeds 0.05.
    """
    s = settings or Disclosure()
    p = np.asarray(share, dtype=float)
    n_eff = np.asarray(effective_n, dtype=float)
    width = np.asarray(ci_high, dtype=float) - np.asarray(ci_low, dtype=float)
    q = np.minimum(p, 1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(q > 0, width / np.where(q > 0, q, 1.0), np.inf)
    small_n = n_eff < s.min_effective_n
    wide = width >= s.max_abs_ci_width - 1e-12
    rel_wide = (width > NCHS_RELATIVE_FROM) & (rel > s.max_rel_ci_width) & ~np.isnan(p)
    out: list[str | None] = [None] * p.size
    for i in np.flatnonzero(small_n | wide | rel_wide).tolist():
        reasons = []
        if small_n[i]:
            reasons.append(f"effective n {_num(n_eff[i])} < {_num(s.min_effective_n)}")
        if wide[i]:
            reasons.append(f"CI width {width[i]:.2f} ≥ {s.max_abs_ci_width:.2f}")
        elif rel_wide[i]:
            shown = "∞" if np.isinf(rel[i]) else f"{rel[i]:.0%}"
            reasons.append(f"relative CI width {shown} > {s.max_rel_ci_width:.0%}")
        out[i] = "; ".join(reasons)
    return out


def _num(v: float) -> str:
    """A threshold or effective n as shown: a whole number when it is one, else one decimal."""
    return str(int(round(v))) if abs(v - round(v)) < 0.05 else f"{v:.1f}"
