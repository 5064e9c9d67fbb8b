"""One-off answers from counts typed at the shell: ``rapstats ci`` (:func:`from_counts`) and
``rapstats samplesize`` (:func:`plan`).

Each function returns a plain, JSON-ready dict (the numbers unrounded, plus the method names),
built only from :mod:`rapstats.stats`. Invalid arguments raise
:class:`rapstats.stats.ArgumentError` (a ``ValueError``) naming the argument (the CLI shows it
as a one-line usage error).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapstats import stats


def from_counts(
    counts: Sequence[float],
    *,
    diff: bool = False,
    method: str | None = None,
    test: str | None = None,
    confidence: float = 0.95,
    baseline: float | None = None,
    baseline_n: float | None = None,
    baseline_ci: tuple[float, float] | None = None,
    baseline_ci_confidence: float | None = None,
) -> dict[str, Any]:
    """``rapstats ci``: :func:`single` of ``X N``, or with ``diff`` :func:`difference` of
    ``X1 N1 X2 N2``.

    Parameters
    ----------
    counts : sequence of float
        ``X N``, or ``X1 N1 X2 N2`` with ``diff``; any other number of counts raises
        :class:`rapstats.stats.ArgumentError`.
    diff : bool
        Compare two shares. Default False.
    method, test : str, optional
        Default None: ``wilson`` and ``score_z`` for one share, ``newcombe`` and
        ``chisq_nocc`` for a difference.
    confidence : float
        Confidence level. Default 0.95.
    baseline, baseline_n, baseline_ci : optional
        As :func:`single` (one share only). Default None.
    baseline_ci_confidence : float, optional
        Level of ``baseline_ci``. Default None: ``confidence``.
    """
    if len(counts) != (4 if diff else 2):
        raise stats.ArgumentError("give X N, or X1 N1 X2 N2 with --diff")
    if diff:
        return difference(
            *counts,
            method=method or "newcombe",
            confidence=confidence,
            test=test or "chisq_nocc",
        )
    return single(
        *counts,
        method=method or "wilson",
        confidence=confidence,
        baseline=baseline,
        baseline_n=baseline_n,
        baseline_ci=baseline_ci or None,
        baseline_ci_confidence=baseline_ci_confidence or confidence,
        test=test or "score_z",
    )


def single(
    x: float,
    n: float,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
    baseline: float | None = None,
    baseline_n: float | None = None,
    baseline_ci: tuple[float, float] | None = None,
    baseline_ci_confidence: float = 0.95,
    test: str = "score_z",
) -> dict[str, Any]:
    """Share x/n with its interval and, given a baseline p0, the difference and its test.

    The difference interval is :func:`rapstats.stats.baseline_diff_ci` (MOVER, Wilson-based,
    with the baseline's own uncertainty when ``baseline_n`` or ``baseline_ci`` is given, the
    latter published at ``baseline_ci_confidence``); the test is
    :func:`rapstats.stats.baseline_test` (two-sided), which treats the baseline as a fixed
    value: ``baseline_fixed_in_test`` says so in the result, and the text output in words.
    """
    ci = stats.proportion_ci(x, n, method=method, confidence=confidence)
    out: dict[str, Any] = {
        "x": x,
        "n": n,
        "share": x / n,
        "ci_low": ci.low,
        "ci_high": ci.high,
        "method": method,
        "confidence": confidence,
    }
    if baseline is not None:
        d = stats.baseline_diff_ci(
            x,
            n,
            baseline,
            baseline_n=baseline_n,
            baseline_ci=baseline_ci,
            baseline_ci_confidence=baseline_ci_confidence,
            confidence=confidence,
        )
        t = stats.baseline_test(x, n, baseline, test=test)
        out |= {
            "baseline": baseline,
            "baseline_n": baseline_n,
            "baseline_ci": list(baseline_ci) if baseline_ci else None,
            "baseline_ci_confidence": baseline_ci_confidence if baseline_ci else None,
            "diff": x / n - baseline,
            "diff_low": d.low,
            "diff_high": d.high,
            "test": test,
            "p_value": t.p_value,
            "z": getattr(t, "z", None),
            "baseline_fixed_in_test": True,
        }
    return out


def difference(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    *,
    method: str = "newcombe",
    confidence: float = 0.95,
    test: str = "chisq_nocc",
) -> dict[str, Any]:
    """p1 - p2 with its interval (:func:`rapstats.stats.diff_ci`) and a two-sample test."""
    d = stats.diff_ci(x1, n1, x2, n2, method=method, confidence=confidence)
    t = stats.two_sample_test(x1, n1, x2, n2, test=test)
    return {
        "x1": x1,
        "n1": n1,
        "x2": x2,
        "n2": n2,
        "share1": x1 / n1,
        "share2": x2 / n2,
        "diff": x1 / n1 - x2 / n2,
        "diff_low": d.low,
        "diff_high": d.high,
        "method": method,
        "confidence": confidence,
        "test": test,
        "p_value": t.p_value,
        "z": getattr(t, "z", None),
    }


def plan(
    *,
    margin: float | None = None,
    p: float = 0.5,
    population: int | None = None,
    confidence: float = 0.95,
    p1: float | None = None,
    p2: float | None = None,
    power: float | None = None,
    n_per_group: float | None = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Sample size for a margin of error, or two-group size/power (R ``power.prop.test``)."""
    if margin is not None:
        r = stats.sample_size(p, margin, confidence=confidence, population_size=population)
        return {
            "kind": "margin_of_error",
            "p": p,
            "margin": margin,
            "confidence": confidence,
            "population": population,
            "n": int(r.n),
            "n_unrounded": r.n_unrounded,
        }
    if p1 is None or p2 is None:
        raise stats.ArgumentError("give margin, or p1 and p2 (with power or n_per_group)")
    r2 = stats.two_proportion_power(p1, p2, n_per_group=n_per_group, power=power, alpha=alpha)
    return {
        "kind": "two_proportion_power",
        "p1": p1,
        "p2": p2,
        "alpha": alpha,
        "power": r2.power,
        "n_per_group": None if r2.n_per_group is None else int(r2.n_per_group),
        "n_per_group_unrounded": r2.n_per_group_unrounded,
    }
